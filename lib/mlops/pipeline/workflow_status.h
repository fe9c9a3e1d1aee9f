#pragma once
// `mlops status` (like `dvc status`): for each stage of a workflow, whether `mlops run` would
// skip it (up to date) or run it (stale), and why. Reads the runs' manifests, the registry
// and the inputs; writes nothing.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/stage.h"

namespace mlops {

struct StageStatus {
  Stage stage = Stage::kIngest;
  std::string state;                        // "up to date", "stale", "always runs"
  std::optional<std::string> run;           // the run of its last success
  std::optional<std::string> reused_from;   // that run's outputs came from this one
  std::vector<std::string> reasons;         // why stale (or why it always runs)
  std::vector<std::string> changed_config;  // config keys that changed (names only)
  std::vector<std::string> changed_inputs;  // inputs that changed
  bool code_changed = false;
  std::optional<std::string> last_failure;  // a later run in which the stage failed, and why

  bool stale() const { return state == "stale"; }
};

struct WorkflowStatus {
  std::string workflow;
  std::vector<StageStatus> stages;
  bool stale() const;
};

/// The status of every stage, in order. A stage is stale when it never succeeded, when its
/// fingerprint (stage_fingerprint.h) differs from its last success's, when an output of that
/// run is missing or changed, or when a stage it reads from is stale. Never throws for a
/// missing store or run (that is "never run").
WorkflowStatus workflow_status(const Workflow& workflow);

/// Text for a terminal: one line per stage ("  train     stale: config changed: train.rounds").
std::string format_status_text(const std::vector<WorkflowStatus>& statuses);
/// {"stale": bool, "workflows": [{"workflow", "stale", "stages": [{"stage", "state", "run",
/// "reused_from", "reasons", "changed_config", "changed_inputs", "code_changed",
/// "last_failure"}]}]}.
nlohmann::json status_json(const std::vector<WorkflowStatus>& statuses);

}  // namespace mlops
