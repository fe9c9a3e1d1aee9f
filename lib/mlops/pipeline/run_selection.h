#pragma once
// Which run a command works in: a new one, the one --run names, or the workflow's latest.

#include <cstddef>
#include <optional>
#include <string>

#include "mlops/pipeline/run_context.h"

namespace mlops {

/// The stage whose success makes a run usable by `stage` when no --run is given: featurize
/// needs ingest, validate featurize, train validate, batch-predict ingest, and the report a
/// run that trained (not a scoring-only run). None for ingest, which starts a run.
std::optional<Stage> stage_needed_by(Stage stage);

/// The run a single stage works in. Ingest, and batch-predict of a given `predict.input` (a
/// scoring job), start a new run unless `run_id` names one (a `run_id` that names no run here
/// starts the run under that name: the shards of one batch prediction on several machines join
/// one run); the other stages open `run_id`, or
/// the workflow's latest usable run (RunContext::open with stage_needed_by) when it is empty.
/// Throws as RunContext::start and ::open do.
RunContext open_run_for_stage(const Workflow& workflow, Stage stage, const std::string& run_id);

/// Throws ConfigError when `run_id` is given but `workflow_count` workflows are selected: a run
/// belongs to one workflow.
void require_one_workflow_for_run(size_t workflow_count, const std::string& run_id);

}  // namespace mlops
