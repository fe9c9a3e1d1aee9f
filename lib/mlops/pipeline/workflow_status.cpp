#include "mlops/pipeline/workflow_status.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "mlops/core/error.h"
#include "mlops/pipeline/stage_skip.h"

namespace mlops {

namespace {

using json = nlohmann::json;

/// The stages whose outputs `stage` reads: when one of them reruns, so may it.
std::vector<Stage> upstream_of(const Workflow& workflow, Stage stage) {
  switch (stage) {
    case Stage::kIngest: return {};
    case Stage::kFeaturize: return {Stage::kIngest};
    case Stage::kValidate: return {Stage::kFeaturize};
    case Stage::kTrain: return {Stage::kFeaturize, Stage::kValidate};
    case Stage::kBatchPredict:
      if (workflow.predict.input.empty()) return {Stage::kIngest, Stage::kTrain};
      return {Stage::kTrain};
    case Stage::kReport: return {};
  }
  return {};
}

json optional_json(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

bool WorkflowStatus::stale() const {
  for (const auto& stage : stages) {
    if (stage.stale()) return true;
  }
  return false;
}

WorkflowStatus workflow_status(const Workflow& workflow) {
  WorkflowStatus status{workflow.name, {}};
  std::map<Stage, std::string> roots;  // the run folder of each stage's last success
  std::set<Stage> stale;
  const RunRootOf root_of = [&roots](Stage producer) -> std::optional<std::string> {
    const auto found = roots.find(producer);
    if (found == roots.end()) return std::nullopt;
    return found->second;
  };
  for (Stage stage : all_stages()) {
    StageStatus entry;
    entry.stage = stage;
    if (stage == Stage::kReport) {
      entry.state = "always runs";
      entry.reasons.push_back("export-report always runs (it is cheap)");
      status.stages.push_back(std::move(entry));
      continue;
    }
    const StageHistory history = stage_history(workflow, stage);
    if (history.later_failure) {
      entry.last_failure = fmt::format(
          "run {} failed: {}", history.later_failure->run_id,
          history.later_failure->entry.value(
              "error", "status " + history.later_failure->entry.value("status", std::string("?"))));
    }
    if (history.last_success) {
      roots[stage] = history.last_success->root;
      entry.run = history.last_success->run_id;
      if (history.last_success->entry.contains("reused_from")) {
        entry.reused_from = history.last_success->origin();
      }
    }
    std::optional<StageFingerprint> now;
    try {
      now = stage_fingerprint(workflow, stage, root_of);
    } catch (const Error& error) {
      entry.reasons.push_back(fmt::format("cannot tell what it reads: {}", error.what()));
    }
    if (!history.last_success) {
      entry.reasons.push_back(history.later_failure
                                  ? fmt::format("never succeeded; {}", *entry.last_failure)
                                  : std::string("never run"));
      entry.last_failure.reset();
    } else if (now && !now->always_runs.empty()) {
      entry.state = "always runs";
      entry.reasons.push_back(now->always_runs);
    } else if (now) {
      if (const std::optional<StageFingerprint> before = StageFingerprint::from_json(
              history.last_success->entry.value("fingerprint", json()))) {
        const FingerprintChanges changes = compare_fingerprints(*before, *now);
        entry.code_changed = changes.code;
        entry.changed_config = changes.config_keys;
        entry.changed_inputs = changes.inputs;
      }
      for (auto& reason : reuse_obstacles(*history.last_success, *now)) {
        entry.reasons.push_back(std::move(reason));
      }
    }
    for (Stage upstream : upstream_of(workflow, stage)) {
      if (stale.count(upstream)) {
        entry.reasons.push_back(fmt::format("upstream {} is stale", stage_name(upstream)));
      }
    }
    if (entry.state.empty()) entry.state = entry.reasons.empty() ? "up to date" : "stale";
    if (entry.stale()) stale.insert(stage);
    status.stages.push_back(std::move(entry));
  }
  return status;
}

std::string format_status_text(const std::vector<WorkflowStatus>& statuses) {
  std::string out;
  for (const WorkflowStatus& status : statuses) {
    size_t stale = 0;
    for (const auto& stage : status.stages) stale += stage.stale();
    out += stale == 0 ? fmt::format("{}: up to date\n", status.workflow)
                      : fmt::format("{}: {} of {} stages stale\n", status.workflow, stale,
                                    status.stages.size());
    for (const StageStatus& stage : status.stages) {
      std::string line = fmt::format("  {:<10} {}", stage_name(stage.stage), stage.state);
      if (stage.state == "up to date" && stage.run) {
        line += stage.reused_from
                    ? fmt::format(" (run {}, outputs of run {})", *stage.run, *stage.reused_from)
                    : fmt::format(" (run {})", *stage.run);
      }
      for (size_t i = 0; i < stage.reasons.size(); ++i) {
        line += (i == 0 ? ": " : "; ") + stage.reasons[i];
      }
      out += line + "\n";
      if (stage.last_failure) out += fmt::format("  {:<10} note: {}\n", "", *stage.last_failure);
    }
  }
  return out;
}

json status_json(const std::vector<WorkflowStatus>& statuses) {
  json workflows = json::array();
  bool any_stale = false;
  for (const WorkflowStatus& status : statuses) {
    json stages = json::array();
    for (const StageStatus& stage : status.stages) {
      stages.push_back({{"stage", std::string(stage_name(stage.stage))},
                        {"state", stage.state},
                        {"run", optional_json(stage.run)},
                        {"reused_from", optional_json(stage.reused_from)},
                        {"reasons", stage.reasons},
                        {"changed_config", stage.changed_config},
                        {"changed_inputs", stage.changed_inputs},
                        {"code_changed", stage.code_changed},
                        {"last_failure", optional_json(stage.last_failure)}});
    }
    any_stale = any_stale || status.stale();
    workflows.push_back(
        {{"workflow", status.workflow}, {"stale", status.stale()}, {"stages", stages}});
  }
  return {{"stale", any_stale}, {"workflows", workflows}};
}

}  // namespace mlops
