#pragma once
// One function per stage: wiring around the component that does the work. Each reads its
// inputs (the table the previous stage left in this process, else the previous stage's files
// in the run), calls the component, writes its outputs atomically, and returns its record with
// the contract reports of its output (the runner enforces them). The files stay the
// artifacts, so any stage can be rerun alone.

#include <optional>

#include "mlops/core/table.h"
#include "mlops/pipeline/run_context.h"

namespace mlops {

/// ingest's record, and its clean table exactly as written to clean.csv; none when the ingest
/// contract's `policy: quarantine` rewrote the file without some rows.
struct IngestOutput {
  StageRecord record;
  std::optional<Table> clean;
};
/// featurize's record and its feature table exactly as written to features.csv.
struct FeaturizeOutput {
  StageRecord record;
  Table features;
};

IngestOutput run_ingest_stage(RunContext& run);
/// `clean`: ingest's table from this process, else (none) the run's clean.csv is read.
FeaturizeOutput run_featurize_stage(RunContext& run, std::optional<Table> clean);
/// `features`: featurize's table from this process, only read; null: features.csv is read.
StageRecord run_validate_stage(RunContext& run, const Table* features);
/// `features`: featurize's table from this process (consumed), else features.csv is read.
/// With run.collective() set (distributed training, rank 0), it reads only its shard of
/// features.csv and trains with the other workers; the drift profile and the declared
/// contract then see that shard's rows.
StageRecord run_train_stage(RunContext& run, std::optional<Table> features);
/// A distributed training's worker other than rank 0 (run.collective() set): reads its shard
/// of the run's features.csv, trains with the others, and writes and registers nothing.
void run_train_worker(RunContext& run);
StageRecord run_predict_stage(RunContext& run);
StageRecord run_report_stage(RunContext& run);

/// The user's contract for `stage` when the workflow declares one, checked against `table`
/// (its drift section against `drift_table` when given: the same rows as the scorer computes
/// them). Appends its report to `record`.
void check_declared_contract(const RunContext& run, Stage stage, const Table& table,
                             StageRecord& record, const Table* drift_table = nullptr);

}  // namespace mlops
