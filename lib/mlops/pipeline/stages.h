#pragma once
// One function per stage. Each reads the previous stage's files from the run, does its work,
// writes its outputs atomically, and returns its record with the contract reports of its
// output (the runner enforces them). Stages talk through files so any of them can be rerun
// alone.

#include "mlops/pipeline/run_context.h"

namespace mlops {

StageRecord run_ingest_stage(RunContext& run);
StageRecord run_featurize_stage(RunContext& run);
StageRecord run_validate_stage(RunContext& run);
StageRecord run_train_stage(RunContext& run);
StageRecord run_predict_stage(RunContext& run);
StageRecord run_report_stage(RunContext& run);

/// The user's contract for `stage` when the workflow declares one, checked against `table`.
/// Appends its report to `record`.
void check_declared_contract(const RunContext& run, Stage stage, const Table& table,
                             StageRecord& record);

}  // namespace mlops
