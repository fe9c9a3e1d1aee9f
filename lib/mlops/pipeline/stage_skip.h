#pragma once
// Skipping unchanged work: finding a stage's last successful run, deciding whether its outputs
// can stand for this run's (fingerprint equal, outputs still as recorded), and reusing them.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/pipeline/run_context.h"
#include "mlops/pipeline/stage_fingerprint.h"

namespace mlops {

/// A stage as an earlier run recorded it.
struct EarlierStage {
  std::string run_id;
  std::string root;      // the run's folder
  nlohmann::json entry;  // the manifest's entry for the stage
  /// The run whose outputs these are: `reused_from` of a skipped entry, else run_id.
  std::string origin() const;
};

/// The stage's history among the workflow's runs (newest first in the tracking store; refused
/// runs ignored): its last success (status ok or skipped), and its latest failure when that is
/// newer than the success.
struct StageHistory {
  std::optional<EarlierStage> last_success;
  std::optional<EarlierStage> later_failure;
};
StageHistory stage_history(const Workflow& workflow, Stage stage);

/// Why `earlier` cannot stand for the stage as it would run now (`now`), one line per reason;
/// empty when it can: its fingerprint equals `now` and every output it recorded is still there
/// with the recorded hash (the lake's checkpoint among ingest's).
std::vector<std::string> reuse_obstacles(const EarlierStage& earlier, const StageFingerprint& now);

/// Makes `earlier`'s outputs this run's: hard-links (or copies) the files of its stage folder and
/// its other files inside its run folder into `run`, and records the stage as `skipped` with
/// `reused_from` and `skip_reason`; train's metrics go to the tracking store for this run. When
/// `earlier` is this run, nothing changes.
void reuse_stage(RunContext& run, Stage stage, const EarlierStage& earlier,
                 const StageFingerprint& now);

}  // namespace mlops
