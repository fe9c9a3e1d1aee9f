#include "mlops/config/workflow_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "mlops/core/error.h"

namespace mlops {

namespace {

std::vector<std::string> workflow_paths(const LoadOptions& options) {
  if (options.workflow_path) return {*options.workflow_path};
  const Settings settings = build_settings(load_config(options), options.env);
  if (settings.workflows.empty()) {
    throw ConfigError(
        "no workflow given: pass --workflow FILE or list files under `workflows` in "
        "{}/base.yaml",
        options.config_dir);
  }
  return settings.workflows;
}

Workflow load_one(const LoadOptions& options, const std::string& path) {
  LoadOptions with_workflow = options;
  with_workflow.workflow_path = path;
  Workflow workflow = build_workflow(load_config(with_workflow), options.env);
  workflow.path = path;
  return workflow;
}

}  // namespace

std::vector<Workflow> load_workflows(const LoadOptions& options) {
  std::vector<Workflow> workflows;
  for (const auto& path : workflow_paths(options)) workflows.push_back(load_one(options, path));
  return workflows;
}

Workflow load_single_workflow(const LoadOptions& options) {
  std::vector<std::string> paths = workflow_paths(options);
  if (paths.size() != 1) {
    throw ConfigError("{} workflows are configured ({}); pick one with --workflow FILE",
                      paths.size(), fmt::join(paths, ", "));
  }
  return load_one(options, paths.front());
}

}  // namespace mlops
