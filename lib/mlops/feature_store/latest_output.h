#pragma once
// The files of a workflow's latest successful stage, found from the run manifests under
// runs_dir (core/run_manifest.h), without pipeline/ (whose featurize stage reads views).

#include <optional>
#include <string>
#include <vector>

#include "mlops/core/stage.h"

namespace mlops {

/// One run's outputs of a stage.
struct StageOutput {
  std::string run_id;
  std::string finished_at;         // the stage's finished_at (ISO 8601, UTC)
  std::vector<std::string> files;  // the stage's output files, under runs_dir/<run_id>/
};

/// The outputs of the run of workflow `workflow` under `runs_dir` whose `stage` ended `ok`
/// most recently (by the stage's finished_at, then the run's start); nullopt when there is
/// none. Manifests that cannot be read are skipped (a run being written, a stray folder).
std::optional<StageOutput> latest_stage_output(const std::string& runs_dir,
                                               const std::string& workflow, Stage stage);

}  // namespace mlops
