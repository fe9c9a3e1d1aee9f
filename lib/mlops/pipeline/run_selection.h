#pragma once
// Which run a command works in: a new one, the one --run names, or the workflow's latest.

#include <cstddef>
#include <string>

#include "mlops/pipeline/run_context.h"

namespace mlops {

/// The run a single stage works in. Ingest, and batch-predict of a given `predict.input` (a
/// scoring job), start a new run unless `run_id` names one; the other stages open `run_id`, or
/// the workflow's latest run when it is empty. Throws as RunContext::start and ::open do.
RunContext open_run_for_stage(const Workflow& workflow, Stage stage, const std::string& run_id);

/// Throws ConfigError when `run_id` is given but `workflow_count` workflows are selected: a run
/// belongs to one workflow.
void require_one_workflow_for_run(size_t workflow_count, const std::string& run_id);

}  // namespace mlops
