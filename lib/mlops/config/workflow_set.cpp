#include "mlops/config/workflow_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlops/core/error.h"

namespace mlops {

namespace {

/// The workflow files a command acts on. `below_workflow` is the layers read once
/// (read_layers_below_workflow); without --workflow they are completed without a workflow file
/// to read the `workflows` list.
std::vector<std::string> workflow_paths(const LoadOptions& options,
                                        const ConfigNode& below_workflow) {
  if (options.workflow_path) return {*options.workflow_path};
  const Settings settings = build_settings(complete_config(below_workflow, options), options.env);
  if (settings.workflows.empty()) {
    throw ConfigError(
        "no workflow given: pass --workflow FILE or list files under `workflows` in "
        "{}/base.yaml",
        options.config_dir);
  }
  return settings.workflows;
}

Workflow load_one(const LoadOptions& options, const ConfigNode& below_workflow,
                  const std::string& path) {
  LoadOptions with_workflow = options;
  with_workflow.workflow_path = path;
  Workflow workflow = build_workflow(complete_config(below_workflow, with_workflow), options.env);
  workflow.path = path;
  return workflow;
}

}  // namespace

std::vector<Workflow> load_workflows(const LoadOptions& options) {
  const ConfigNode below_workflow = read_layers_below_workflow(options);
  std::vector<Workflow> workflows;
  for (const auto& path : workflow_paths(options, below_workflow)) {
    workflows.push_back(load_one(options, below_workflow, path));
  }
  return workflows;
}

Workflow load_single_workflow(const LoadOptions& options) {
  const ConfigNode below_workflow = read_layers_below_workflow(options);
  std::vector<std::string> paths = workflow_paths(options, below_workflow);
  if (paths.size() != 1) {
    throw ConfigError("{} workflows are configured ({}); pick one with --workflow FILE",
                      paths.size(), fmt::join(paths, ", "));
  }
  return load_one(options, below_workflow, paths.front());
}

}  // namespace mlops
