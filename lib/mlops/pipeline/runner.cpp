#include "mlops/pipeline/runner.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <utility>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/core/memory.h"
#include "mlops/core/run_manifest.h"
#include "mlops/ingest/lake.h"
#include "mlops/pipeline/notifications.h"
#include "mlops/pipeline/stage_skip.h"
#include "mlops/pipeline/stages.h"

namespace mlops {

namespace {

/// Tables a stage of this process wrote, kept for the next stage so it need not parse the file
/// back: each exactly as written, handed on by value (moved, never copied).
struct HandedOver {
  std::optional<Table> clean;     // ingest -> featurize
  std::optional<Table> features;  // featurize -> validate (read) -> train (consumed)
};

StageRecord dispatch(RunContext& run, Stage stage, HandedOver& tables) {
  switch (stage) {
    case Stage::kIngest: {
      IngestOutput output = run_ingest_stage(run);
      tables.clean = std::move(output.clean);
      return std::move(output.record);
    }
    case Stage::kFeaturize: {
      FeaturizeOutput output = run_featurize_stage(run, std::exchange(tables.clean, std::nullopt));
      tables.features = std::move(output.features);
      return std::move(output.record);
    }
    case Stage::kValidate:
      return run_validate_stage(run, tables.features ? &*tables.features : nullptr);
    case Stage::kTrain: return run_train_stage(run, std::exchange(tables.features, std::nullopt));
    case Stage::kBatchPredict: return run_predict_stage(run);
    case Stage::kReport: return run_report_stage(run);
  }
  throw InternalError("unknown stage");
}

/// The stage's fingerprint as it would run now in `run`; nullopt for export-report (it always
/// runs) and when an input cannot be resolved (the stage then runs and reports that itself).
std::optional<StageFingerprint> fingerprint_now(const RunContext& run, Stage stage) {
  if (stage == Stage::kReport) return std::nullopt;
  try {
    return stage_fingerprint(run.workflow(), stage,
                             [&run](Stage) { return std::optional(run.paths().root); });
  } catch (const Error& error) {
    log_debug(fmt::format("{}: no fingerprint, it runs", stage_name(stage)),
              {{"reason", error.what()}});
    return std::nullopt;
  }
}

/// The earlier run whose outputs of `stage` stand for this run's, when nothing changed.
std::optional<EarlierStage> reusable(const RunContext& run, Stage stage,
                                     const StageFingerprint& now) {
  if (!now.always_runs.empty()) return std::nullopt;
  StageHistory history = stage_history(run.workflow(), stage);
  if (!history.last_success || !reuse_obstacles(*history.last_success, now).empty()) {
    return std::nullopt;
  }
  return std::move(history.last_success);
}

/// Before a stage reruns in a run that reused its outputs (`--force`, or changed config with
/// --run): those files are links to another run's, and a file the rerun does not write again
/// must not stay behind as if it had.
void drop_reused_outputs(const RunContext& run, Stage stage) {
  const nlohmann::json& entry =
      json_member(json_member(run.manifest(), "stages"), stage_name(stage));
  if (json_member(entry, "status") != "skipped") return;
  std::error_code ignored;
  std::filesystem::remove_all(run.paths().stage_dir(stage), ignored);
}

/// ok when every stage succeeded (ran or was skipped), partial otherwise.
void update_run_status(RunContext& run) {
  bool complete = true;
  for (Stage each : all_stages()) {
    const auto& stages = run.manifest().at("stages");
    const std::string each_name(stage_name(each));
    complete = complete && stages.contains(each_name) &&
               stage_succeeded(stages[each_name].value("status", ""));
  }
  run.set_status(complete ? "ok" : "partial");
}

/// Runs one stage inside `run` with the tables earlier stages of this process handed over,
/// unless it is unchanged since its last success and `force` is false; false when skipped.
/// `last`: no stage of this process follows, so the run's status is settled (ok or partial);
/// before that it stays `running`, so that a run killed between stages is found crashed.
bool execute_stage(RunContext& run, Stage stage, HandedOver& tables, bool force, bool last) {
  const std::string name(stage_name(stage));
  const std::optional<StageFingerprint> fingerprint = fingerprint_now(run, stage);
  if (fingerprint && !force) {
    if (const std::optional<EarlierStage> earlier = reusable(run, stage, *fingerprint)) {
      reuse_stage(run, stage, *earlier, *fingerprint);
      log_info(fmt::format("{}: unchanged since run {}, skipped; --force reruns", name,
                           earlier->origin()),
               {{"run", run.run_id()}});
      if (last) update_run_status(run);
      return false;
    }
  }
  drop_reused_outputs(run, stage);
  log_info(fmt::format("{}: start", name),
           {{"run", run.run_id()}, {"workflow", run.workflow().name}});
  release_free_memory();
  reset_peak_rss();
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  StageRecord record;
  try {
    record = dispatch(run, stage, tables);
  } catch (const BusyError& error) {
    // Another process holds the workflow: this run did nothing and must never be picked as the
    // latest run, so it is marked refused rather than failed.
    run.record_stage(stage, record, "refused", elapsed(), peak_rss_bytes(), error.what());
    run.set_status("refused");
    throw;
  } catch (const Error& error) {
    // On a full disk recording the failure fails too: the user must see the first error (the
    // run is then found crashed by the next run).
    try {
      run.record_stage(stage, record, "failed", elapsed(), peak_rss_bytes(), error.what());
      run.set_status("failed");
    } catch (const Error& also) {
      log_warn(fmt::format("{}: cannot record the failure in the run", name),
               {{"error", std::string(also.what())}});
    }
    notify_stage_failed(run, stage, error);  // bounded by notify.deadline, never throws
    throw;
  }
  const double seconds = elapsed();
  const uint64_t peak = peak_rss_bytes();
  bool contracts_ok = true;
  for (const auto& report : record.contracts) contracts_ok = contracts_ok && report.passed();
  if (fingerprint) record.fingerprint = fingerprint->to_json();
  run.record_stage(stage, record, contracts_ok ? "ok" : "contract_failed", seconds, peak);
  log_info(fmt::format("{}: done", name),
           {{"rows", static_cast<uint64_t>(record.rows)},
            {"columns", static_cast<uint64_t>(record.columns)},
            {"seconds", seconds},
            {"peak_rss_mb", static_cast<double>(peak) / (1024.0 * 1024.0)}});
  // What the stage did (a promotion, drift) is told even when its contract then stops the run.
  notify_stage_events(run, stage, record);
  try {
    enforce(record.contracts);
  } catch (const ContractError& error) {
    run.set_status("failed");
    notify_stage_failed(run, stage, error);
    throw;
  }
  if (last) update_run_status(run);
  return true;
}

}  // namespace

bool execute_stage(RunContext& run, Stage stage, bool force) {
  HandedOver none;
  return execute_stage(run, stage, none, force, true);
}

std::string execute_workflow(const Workflow& workflow, bool force) {
  // Follow mode never ends by itself: the stages after ingest would never run.
  if (workflow.ingest.follow) {
    throw ConfigError(
        "workflow '{}': ingest.follow.enabled is for `mlops ingest --follow`, not `mlops run` "
        "(its ingest runs until SIGTERM, so the later stages would never run)",
        workflow.name);
  }
  std::optional<RunContext> started;
  try {
    started.emplace(RunContext::start(workflow));
  } catch (const Error& error) {
    notify_run_not_started(workflow, std::nullopt, error);  // never throws
    throw;
  }
  RunContext& run = *started;
  log_info("run: start",
           {{"run", run.run_id()}, {"workflow", workflow.name}, {"env", workflow.settings.env}});
  HandedOver tables;
  const auto stages = all_stages();
  for (Stage stage : stages) execute_stage(run, stage, tables, force, stage == stages.back());
  log_info("run: done", {{"run", run.run_id()}, {"dir", run.paths().root}});
  return run.run_id();
}

}  // namespace mlops
