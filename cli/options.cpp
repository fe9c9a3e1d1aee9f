#include "options.h"

namespace mlops::cli {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--env", options.env, "Environment whose config overlays base.yaml")
      ->check(CLI::IsMember({"local", "dev", "prod"}))
      ->capture_default_str();
  command
      .add_option("--workflow,-w", options.workflow,
                  "Workflow file (default: the files listed under `workflows` in the config)")
      ->type_name("FILE");
  command
      .add_option("--set", options.sets,
                  "Override a config key, e.g. --set train.rounds=50 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command.add_option("--log-format", options.log_format, "Log lines as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command
      .add_option("--config-dir", options.config_dir, "Directory holding base.yaml and <env>.yaml")
      ->capture_default_str();
}

void add_run_option(CLI::App& command, CommonOptions& options) {
  command
      .add_option("--run", options.run_id,
                  "Run to work in (default: the latest usable run of the workflow)")
      ->type_name("ID");
}

void add_force_option(CLI::App& command, CommonOptions& options) {
  command.add_flag("--force", options.force,
                   "Run even when the stage's inputs, config and code are unchanged since its "
                   "last successful run (by default such a stage is skipped and its outputs "
                   "reused)");
}

}  // namespace mlops::cli
