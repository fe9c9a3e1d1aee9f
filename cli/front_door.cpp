#include "front_door.h"

#include "mlops/config/loader.h"
#include "mlops/config/workflow_set.h"
#include "mlops/core/log.h"
#include "mlops/pipeline/workflow_check.h"

namespace mlops::cli {

namespace {

LoadOptions to_load_options(const CommonOptions& options) {
  LoadOptions load;
  load.env = options.env;
  load.config_dir = options.config_dir;
  if (!options.workflow.empty()) load.workflow_path = options.workflow;
  load.overrides = options.sets;
  if (!options.log_format.empty()) load.overrides.push_back("log_format=" + options.log_format);
  return load;
}

}  // namespace

CommandConfig load_command_config(const CommonOptions& options, ConfigScope scope) {
  const LoadOptions load = to_load_options(options);
  CommandConfig config;
  switch (scope) {
    case ConfigScope::kConfig:
      config.tree = load_config(load);
      config.settings = build_settings(config.tree, options.env);
      break;
    case ConfigScope::kOneWorkflow:
      config.workflows.push_back(load_single_workflow(load));
      config.settings = config.workflows.front().settings;
      break;
    case ConfigScope::kEveryWorkflow:
      config.workflows = load_workflows(load);
      config.settings = config.workflows.front().settings;
      break;
  }
  // Log settings first, so a workflow that fails its checks is reported in the format asked for.
  apply_log_settings(config.settings);
  // The whole workflow is parsed now (transforms, contracts), before any stage writes.
  if (scope == ConfigScope::kConfig) {
    if (load.workflow_path) check_workflow(build_workflow(config.tree, options.env));
  } else {
    for (const auto& workflow : config.workflows) check_workflow(workflow);
  }
  return config;
}

void apply_log_settings(const Settings& settings) {
  set_log_format(settings.log_format == "json" ? LogFormat::kJson : LogFormat::kText);
  set_log_level(settings.log_level == "debug"   ? LogLevel::kDebug
                : settings.log_level == "warn"  ? LogLevel::kWarn
                : settings.log_level == "error" ? LogLevel::kError
                                                : LogLevel::kInfo);
}

}  // namespace mlops::cli
