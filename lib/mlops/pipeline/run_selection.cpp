#include "mlops/pipeline/run_selection.h"

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/pipeline/notifications.h"

namespace mlops {

std::optional<Stage> stage_needed_by(Stage stage) {
  switch (stage) {
    case Stage::kIngest: return std::nullopt;
    case Stage::kFeaturize: return Stage::kIngest;
    case Stage::kValidate: return Stage::kFeaturize;
    case Stage::kTrain: return Stage::kValidate;
    case Stage::kBatchPredict: return Stage::kIngest;
    case Stage::kReport: return Stage::kTrain;
  }
  return std::nullopt;
}

RunContext open_run_for_stage(const Workflow& workflow, Stage stage, const std::string& run_id) {
  const bool starts_run =
      stage == Stage::kIngest || (stage == Stage::kBatchPredict && !workflow.predict.input.empty());
  try {
    if (starts_run && run_id.empty()) return RunContext::start(workflow);
    // A run named on several machines (the shards of one batch prediction): the first shard
    // here starts it under that name, the others join it.
    if (starts_run && !path_exists(workflow.settings.runs_dir + "/" + run_id + "/manifest.json")) {
      return RunContext::start(workflow, run_id);
    }
    return RunContext::open(workflow, run_id, stage_needed_by(stage));
  } catch (const Error& error) {
    notify_run_not_started(workflow, stage, error);  // bounded by notify.deadline, never throws
    throw;
  }
}

void require_one_workflow_for_run(size_t workflow_count, const std::string& run_id) {
  if (workflow_count > 1 && !run_id.empty()) {
    throw ConfigError(
        "--run {} names one run, but {} workflows are configured; pick one with "
        "--workflow FILE",
        run_id, workflow_count);
  }
}

}  // namespace mlops
