#pragma once
// The whole workflow parsed at load: what features/ and contracts/ would otherwise parse only
// when their stage runs (a misspelt transform type, a contract key) fails before any stage
// writes anything. Lives in pipeline/ because config/ may not depend on features/ or
// contracts/; every command that acts on a workflow loads it through here.

#include <vector>

#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"

namespace mlops {

/// Parses every transform (make_transform) and the label expression, and every stage's
/// contract: inline, or the contract file its path names, which is read now. Throws
/// ConfigError naming file:line:key with a "did you mean" where there is one (an unknown
/// transform type or parameter, an unknown contract key or check); for a contract file that
/// does not exist, the workflow's `contracts.<stage>` key. Writes nothing.
void check_workflow(const Workflow& workflow);

/// load_single_workflow, then check_workflow.
Workflow load_checked_workflow(const LoadOptions& options);
/// load_config; when options name a workflow, it is also built and checked as above, so
/// `mlops config show` refuses what `mlops run` would refuse.
ConfigNode load_checked_config(const LoadOptions& options);

}  // namespace mlops
