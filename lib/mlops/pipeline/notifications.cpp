#include "mlops/pipeline/notifications.h"

#include <fmt/format.h>

#include <filesystem>

#include "mlops/core/log.h"
#include "mlops/core/run_manifest.h"
#include "mlops/ingest/lake.h"
#include "mlops/io/file.h"
#include "mlops/notify/notifier.h"
#include "mlops/pipeline/run_context.h"

namespace mlops {

namespace {

std::string version_text(int version) {
  return version > 0 ? fmt::format("v{}", version) : "";
}

// The drift file of a predict record (drift.json, or drift-K-of-N.json for a shard).
std::string drift_file(const StageRecord& record) {
  for (const auto& output : record.outputs) {
    const std::string name = std::filesystem::path(output).filename().string();
    if (name.starts_with("drift") && name.ends_with(".json")) return output;
  }
  return "";
}

void send_drift(const RunContext& run, const StageRecord& record) {
  const std::string file = drift_file(record);
  if (file.empty()) return;
  const nlohmann::json drift = nlohmann::json::parse(read_file(file));
  std::string worst;
  double worst_psi = -1;
  std::string listed;
  int drifted = 0;
  for (const auto& feature : drift.value("features", nlohmann::json::array())) {
    if (feature.value("status", "") != "drift") continue;
    const std::string name = feature.value("feature", "");
    const double psi = feature.value("psi", 0.0);
    ++drifted;
    listed += fmt::format("{}{} (PSI {:.3f})", listed.empty() ? "" : ", ", name, psi);
    if (psi > worst_psi) {
      worst_psi = psi;
      worst = name;
    }
  }
  if (drifted == 0) return;
  NotifyEvent event = run_event(run, "drift");
  event.stage = std::string(stage_name(Stage::kBatchPredict));
  event.version = record.details.value("model_version", "");
  event.summary =
      fmt::format("{} of the scored features drifted from training (PSI >= 0.25)", drifted);
  event.detail = listed;
  event.metric = NotifyMetric{fmt::format("psi({})", worst), worst_psi};
  event.fields.emplace_back("Rows scored", std::to_string(drift.value("rows", 0)));
  event.fields.emplace_back("Drift file", file);
  send_notification(run.workflow().settings.notify, event);
}

void send_promotion(const RunContext& run, const StageRecord& record) {
  const nlohmann::json& registry = json_member(record.details, "registry");
  const nlohmann::json& gate = json_member(registry, "gate");
  if (!gate.is_object() || !gate.value("passed", false)) return;
  NotifyEvent event = run_event(run, "promoted");
  event.stage = std::string(stage_name(Stage::kTrain));
  event.model = registry.value("model", event.model);
  event.version = version_text(registry.value("version", 0));
  const nlohmann::json& previous = json_member(registry, "previous_champion");
  if (previous.is_object()) event.previous_version = version_text(previous.value("version", 0));
  event.summary =
      fmt::format("{} {} is the new champion (promotion gate)", event.model, event.version);
  event.detail = gate.value("reason", "");
  if (gate.contains("candidate") && gate["candidate"].is_number()) {
    event.metric = NotifyMetric{gate.value("metric", "metric"), gate["candidate"].get<double>()};
  }
  if (gate.contains("champion") && gate["champion"].is_number()) {
    event.fields.emplace_back("Previous metric",
                              fmt::format("{:.4g}", gate["champion"].get<double>()));
  }
  send_notification(run.workflow().settings.notify, event);
}

}  // namespace

NotifyEvent run_event(const RunContext& run, std::string kind) {
  const Workflow& workflow = run.workflow();
  NotifyEvent event;
  event.kind = std::move(kind);
  event.workflow = workflow.name;
  event.env = workflow.settings.env;
  event.run_id = run.run_id();
  event.model = workflow.registry.model;
  event.report = run.paths().stage_dir(Stage::kReport) + "/report.html";
  event.link = workflow.settings.notify.link;
  return event;
}

void notify_stage_failed(const RunContext& run, Stage stage, const Error& error) noexcept {
  try {
    const bool contract = dynamic_cast<const ContractError*>(&error) != nullptr;
    const char* kind = contract ? "contract_failed" : "failure";
    const NotifySettings& settings = run.workflow().settings.notify;
    if (!Notifier(settings).wants(kind)) return;
    NotifyEvent event = run_event(run, kind);
    event.stage = std::string(stage_name(stage));
    event.summary = contract ? fmt::format("stage {} failed its data contract", event.stage)
                             : fmt::format("stage {} failed", event.stage);
    event.detail = error.what();
    // No report is written for a failed run: its folder holds the manifest and what was done.
    event.report.clear();
    event.fields.emplace_back("Exit code", std::to_string(static_cast<int>(error.exit_code())));
    event.fields.emplace_back("Run folder", run.paths().root);
    send_notification(settings, event);
  } catch (const std::exception& also) {
    log_warn("notify: cannot build the failure notification", {{"error", also.what()}});
  }
}

void notify_run_not_started(const Workflow& workflow, std::optional<Stage> stage,
                            const Error& error) noexcept {
  try {
    if (dynamic_cast<const BusyError*>(&error) != nullptr) return;
    const NotifySettings& settings = workflow.settings.notify;
    if (!Notifier(settings).wants("failure")) return;
    NotifyEvent event;
    event.kind = "failure";
    event.workflow = workflow.name;
    event.env = workflow.settings.env;
    event.model = workflow.registry.model;
    event.link = settings.link;
    if (stage) {
      event.stage = std::string(stage_name(*stage));
      event.summary = fmt::format("stage {} could not start", event.stage);
    } else {
      event.summary = fmt::format("the run of {} could not start", workflow.name);
    }
    event.detail = error.what();
    event.fields.emplace_back("Exit code", std::to_string(static_cast<int>(error.exit_code())));
    send_notification(settings, event);
  } catch (const std::exception& also) {
    log_warn("notify: cannot build the failure notification", {{"error", also.what()}});
  }
}

void notify_stage_events(const RunContext& run, Stage stage, const StageRecord& record) noexcept {
  try {
    const NotifySettings& settings = run.workflow().settings.notify;
    const Notifier notifier(settings);
    if (stage == Stage::kTrain && notifier.wants("promoted")) send_promotion(run, record);
    if (stage == Stage::kBatchPredict && notifier.wants("drift")) send_drift(run, record);
  } catch (const std::exception& error) {
    log_warn("notify: cannot build the notification", {{"error", error.what()}});
  }
}

void notify_alias_change(const Settings& settings, const std::string& workflow,
                         const AliasChange& change) noexcept {
  try {
    const bool rollback = change.action == "rollback";
    NotifyEvent event;
    event.kind = rollback ? "rolled_back" : "promoted";
    if (!Notifier(settings.notify).wants(event.kind)) return;
    event.workflow = workflow;
    event.env = settings.env;
    event.model = change.model;
    event.version = version_text(change.version);
    event.previous_version = version_text(change.previous_version);
    event.summary =
        rollback
            ? fmt::format("{} {} rolled back from {} to {}", change.model, change.alias,
                          event.previous_version, event.version)
            : fmt::format("{} {} set to {} (was {})", change.model, change.alias, event.version,
                          event.previous_version.empty() ? "unset" : event.previous_version);
    event.detail = change.reason;
    event.link = settings.notify.link;
    event.fields.emplace_back("Alias", change.alias);
    event.fields.emplace_back("Changed at", change.changed_at);
    send_notification(settings.notify, event);
  } catch (const std::exception& error) {
    log_warn("notify: cannot build the notification", {{"error", error.what()}});
  }
}

}  // namespace mlops
