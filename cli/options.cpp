#include "options.h"

#include "mlops/core/log.h"

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
                  "Run to work in (default: the latest run of the workflow)")
      ->type_name("ID");
}

LoadOptions to_load_options(const CommonOptions& options) {
  LoadOptions load;
  load.env = options.env;
  load.config_dir = options.config_dir;
  if (!options.workflow.empty()) load.workflow_path = options.workflow;
  load.overrides = options.sets;
  if (!options.log_format.empty()) load.overrides.push_back("log_format=" + options.log_format);
  return load;
}

void configure_logging(const std::string& format, const std::string& level) {
  set_log_format(format == "json" ? LogFormat::kJson : LogFormat::kText);
  set_log_level(level == "debug"   ? LogLevel::kDebug
                : level == "warn"  ? LogLevel::kWarn
                : level == "error" ? LogLevel::kError
                                   : LogLevel::kInfo);
}

}  // namespace mlops::cli
