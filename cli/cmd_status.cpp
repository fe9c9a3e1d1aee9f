#include <fmt/format.h>

#include "commands.h"
#include "front_door.h"
#include "mlops/core/error.h"
#include "mlops/pipeline/workflow_status.h"

namespace mlops::cli {

namespace {

struct StatusOptions {
  CommonOptions common;
  std::string format = "text";
  bool check = false;
};

/// Prints each workflow's stage status; with --check, a stale stage makes the exit code 1.
void run_status(const StatusOptions& options) {
  const CommandConfig config = load_command_config(options.common, ConfigScope::kEveryWorkflow);
  std::vector<WorkflowStatus> statuses;
  for (const Workflow& workflow : config.workflows) {
    apply_log_settings(workflow.settings);
    statuses.push_back(workflow_status(workflow));
  }
  if (options.format == "json") {
    fmt::print("{}\n", status_json(statuses).dump(2));
  } else {
    fmt::print("{}", format_status_text(statuses));
  }
  if (!options.check) return;
  for (const auto& status : statuses) {
    if (status.stale())
      throw CheckFailed("status: {} has stale stages; `mlops run` reruns them", status.workflow);
  }
}

}  // namespace

void setup_status(CLI::App& command) {
  auto options = std::make_shared<StatusOptions>();
  add_common_options(command, options->common);
  command.add_option("--format", options->format, "Output as text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  command.add_flag("--check", options->check,
                   "Exit 1 when a stage is stale (for CI and pre-commit); without it, exit 0");
  command.callback([options] { run_status(*options); });
}

}  // namespace mlops::cli
