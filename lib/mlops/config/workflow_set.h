#pragma once
// Which workflows a command acts on: the one named by --workflow, else those the config lists
// under `workflows`.

#include <vector>

#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"

namespace mlops {

/// Loads every workflow the command acts on, each with its full layered config; base.yaml and
/// <env>.yaml are read once for all of them. Throws
/// ConfigError when none is given or configured.
std::vector<Workflow> load_workflows(const LoadOptions& options);
/// Exactly one workflow: --workflow, or the only configured one. Throws ConfigError listing
/// the configured workflows when there are several.
Workflow load_single_workflow(const LoadOptions& options);

}  // namespace mlops
