#pragma once
// The front door: the one way a subcommand loads the layered config (--env, --config-dir,
// --workflow, --set, --log-format) and applies its log settings.

#include <vector>

#include "mlops/config/node.h"
#include "mlops/config/workflow.h"
#include "options.h"

namespace mlops::cli {

/// What a command acts on.
enum class ConfigScope {
  kConfig,         // the config itself, with --workflow when given (config, models, notebooks)
  kOneWorkflow,    // --workflow, or the only configured workflow (stage commands, evaluate)
  kEveryWorkflow,  // --workflow, or every configured workflow (run, export-report)
};

/// A command's config as loaded by the front door.
struct CommandConfig {
  ConfigNode tree;                  // kConfig: the effective config; empty otherwise
  Settings settings;                // kConfig: its settings; otherwise the first workflow's
  std::vector<Workflow> workflows;  // kOneWorkflow: exactly one; kEveryWorkflow: at least one
};

/// Loads what `scope` asks for from the flags in `options` (config files read once, whatever
/// the number of workflows), applies the log settings of the config, or of the first
/// workflow, and parses every workflow whole (pipeline/workflow_check.h: transforms,
/// contracts). Throws ConfigError as load_config, load_single_workflow, load_workflows and
/// check_workflow do.
CommandConfig load_command_config(const CommonOptions& options, ConfigScope scope);

/// Applies the log settings in force for `settings`. The front door calls it; a command that
/// runs several workflows calls it again before each next workflow, whose file may set them.
void apply_log_settings(const Settings& settings);

}  // namespace mlops::cli
