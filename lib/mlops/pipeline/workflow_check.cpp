// check_workflow: the workflow's transforms and contracts parsed by their own parsers at load.

#include "mlops/pipeline/workflow_check.h"

#include "mlops/config/workflow_set.h"
#include "mlops/contracts/contract.h"
#include "mlops/core/error.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"

namespace mlops {

void check_workflow(const Workflow& workflow) {
  // Parsing only: whether the label is categorical matters once the pipeline is fitted.
  FeaturePipeline(workflow.featurize, false);
  for (const auto& [stage, entry] : workflow.contracts) {
    if (entry.is_scalar() && !path_exists(entry.text())) {
      throw ConfigError("{}: key 'contracts.{}': contract file '{}' does not exist",
                        entry.origin().describe(), stage, entry.text());
    }
    load_contract(entry, stage);
  }
}

Workflow load_checked_workflow(const LoadOptions& options) {
  Workflow workflow = load_single_workflow(options);
  check_workflow(workflow);
  return workflow;
}

ConfigNode load_checked_config(const LoadOptions& options) {
  ConfigNode tree = load_config(options);
  if (options.workflow_path) check_workflow(build_workflow(tree, options.env));
  return tree;
}

}  // namespace mlops
