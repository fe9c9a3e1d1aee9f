#include "mlops/report/report_content.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>

#include "mlops/core/run_manifest.h"

namespace mlops {

namespace {

using nlohmann::json;

double number_or(const json& value, double fallback) {
  return value.is_number() ? value.get<double>() : fallback;
}
std::string string_or(const json& value, const std::string& fallback) {
  return value.is_string() ? value.get<std::string>() : fallback;
}

/// Numbers of an array; empty unless every entry is a number.
std::vector<double> numbers_of(const json& values) {
  std::vector<double> out;
  if (!values.is_array()) return out;
  for (const auto& value : values) {
    if (!value.is_number()) return {};
    out.push_back(value.get<double>());
  }
  return out;
}

json number_or_null(const json& value) {
  return value.is_number() ? value : json(nullptr);
}

json object_or_empty(const json& value) {
  return value.is_object() ? value : json::object();
}
json array_or_empty(const json& value) {
  return value.is_array() ? value : json::array();
}

/// Pairs xs[i], ys[i] as [x, y], keeping at most about `max_points` evenly spaced ones (always
/// the first and last) and dropping pairs that are not two numbers.
json paired_points(const json& xs, const json& ys, size_t max_points) {
  json points = json::array();
  if (!xs.is_array() || !ys.is_array()) return points;
  const size_t n = std::min(xs.size(), ys.size());
  const size_t stride = std::max<size_t>(1, (n + max_points - 1) / max_points);
  for (size_t i = 0; i < n; i += stride) {
    const size_t at = i + stride >= n ? n - 1 : i;  // the last point ends every curve
    if (xs[at].is_number() && ys[at].is_number()) points.push_back({xs[at], ys[at]});
  }
  return points;
}

/// A series indexed by round (1, 2, ...), thinned like paired_points.
json round_points(const json& values) {
  json rounds = json::array();
  if (!values.is_array()) return rounds;
  for (size_t i = 0; i < values.size(); ++i) rounds.push_back(i + 1);
  return paired_points(rounds, values, kReportCurvePoints);
}

template <typename T>
json value_or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

/// The status of the run as the report sees it: the report is written while its own stage
/// runs, so the run is complete when every earlier stage succeeded.
std::string effective_status(const RunManifest& manifest) {
  for (Stage stage : all_stages()) {
    if (stage == Stage::kReport) continue;
    const StageManifest* entry = manifest.stage(stage);
    if (!entry || !stage_succeeded(entry->status.value_or(""))) return manifest.status.value_or("");
  }
  return "ok";
}

json file_list(const std::vector<ManifestFile>& entries) {
  json files = json::array();
  for (const auto& entry : entries) {
    files.push_back({{"path", value_or_null(entry.path)}, {"hash", value_or_null(entry.hash)}});
  }
  return files;
}

json run_section(const RunManifest& manifest) {
  return {{"run_id", value_or_null(manifest.run_id)},
          {"workflow", value_or_null(manifest.workflow)},
          {"workflow_file", value_or_null(manifest.workflow_file)},
          {"env", value_or_null(manifest.env)},
          {"started_at", value_or_null(manifest.started_at)},
          {"updated_at", value_or_null(manifest.updated_at)},
          {"mlops_version", value_or_null(manifest.mlops_version)},
          {"config_hash", value_or_null(manifest.config_hash)},
          {"status", effective_status(manifest)}};
}

json stages_section(const RunManifest& manifest) {
  json list = json::array();
  for (const auto& [stage, entry] : manifest.stages) {
    json item{
        {"name", std::string(stage_name(stage))},
        {"status", entry.status.value_or("")},
        {"seconds", value_or_null(entry.seconds)},
        {"rows", value_or_null(entry.rows)},
        {"columns", value_or_null(entry.columns)},
        {"peak_rss_mib", static_cast<double>(entry.peak_rss_bytes.value_or(0)) / (1024.0 * 1024.0)},
        {"inputs", file_list(entry.inputs)},
        {"outputs", file_list(entry.outputs)}};
    if (entry.error) item["error"] = *entry.error;
    list.push_back(std::move(item));
  }
  return list;
}

json contracts_section(const RunManifest& manifest) {
  json checks = json::array();
  size_t passed = 0, warnings = 0, failed = 0;
  for (const auto& [stage, entry] : manifest.stages) {
    const std::string name(stage_name(stage));
    for (const auto& report : array_or_empty(entry.contracts)) {
      for (const auto& check : array_or_empty(json_member(report, "checks"))) {
        const bool ok = json_member(check, "passed") == true;
        const bool warn = !ok && json_member(check, "severity") == "warn";
        (ok ? passed : warn ? warnings : failed) += 1;
        json examples = json::array();
        const json rows = array_or_empty(json_member(check, "example_rows"));
        const json values = array_or_empty(json_member(check, "example_values"));
        for (size_t i = 0; i < rows.size() && i < values.size(); ++i) {
          examples.push_back({{"row", rows[i]}, {"value", values[i]}});
        }
        checks.push_back({{"stage", name},
                          {"contract", json_member(report, "contract")},
                          {"check", json_member(check, "check")},
                          {"column", json_member(check, "column")},
                          {"expected", json_member(check, "expected")},
                          {"observed", json_member(check, "observed")},
                          {"result", ok     ? "passed"
                                     : warn ? "warn"
                                            : "failed"},
                          {"examples", std::move(examples)}});
      }
    }
  }
  return {{"total", checks.size()},
          {"passed", passed},
          {"warnings", warnings},
          {"failed", failed},
          {"checks", std::move(checks)}};
}

/// Holdout metrics next to the baseline's and the previous champion's.
json model_section(const json& metrics, const json& registry) {
  const json& holdout = json_member(metrics, "holdout");
  if (!holdout.is_object()) return nullptr;
  const json& baseline = json_member(metrics, "baseline");
  const json& champion = json_member(json_member(registry, "previous_champion"), "metrics");
  json rows = json::array();
  for (const auto& [name, value] : holdout.items()) {
    rows.push_back({{"name", name},
                    {"value", value},
                    {"baseline", json_member(baseline, name)},
                    {"champion", json_member(champion, name)},
                    {"lower_is_better", lower_is_better(name)}});
  }
  json cv = json::array();
  const json cv_metrics = object_or_empty(json_member(metrics, "cv"));
  for (const auto& [name, summary] : cv_metrics.items()) {
    cv.push_back({{"name", name},
                  {"mean", json_member(summary, "mean")},
                  {"std", json_member(summary, "std")},
                  {"folds", array_or_empty(json_member(summary, "folds"))}});
  }
  const json& baseline_model = json_member(baseline, "model");
  return {{"train_rows", json_member(metrics, "train_rows")},
          {"holdout_rows", json_member(metrics, "holdout_rows")},
          {"baseline_model", baseline_model.is_string() ? baseline_model : json("prior")},
          {"metrics", std::move(rows)},
          {"cv", std::move(cv)}};
}

json registry_section(const json& registry) {
  if (!registry.is_object()) return nullptr;
  const json& previous = json_member(registry, "previous_champion");
  const json& gate = json_member(registry, "gate");
  json aliases = json::array();
  for (const auto& alias : array_or_empty(json_member(registry, "aliases"))) {
    if (alias.is_string()) aliases.push_back(alias);
  }
  return {{"model", json_member(registry, "model")},
          {"version", json_member(registry, "version")},
          {"aliases", std::move(aliases)},
          {"previous_champion_version", json_member(previous, "version")},
          {"gate", gate.is_object() ? json{{"passed", json_member(gate, "passed") == true},
                                           {"metric", json_member(gate, "metric")},
                                           {"reason", json_member(gate, "reason")}}
                                    : json(nullptr)}};
}

json curve_section(const json& curve) {
  if (!curve.is_object()) return nullptr;
  json series = json::array();
  for (const char* name : {"train", "validation", "holdout"}) {
    if (json_member(curve, name).is_array()) {
      series.push_back({{"name", name}, {"points", round_points(curve[name])}});
    }
  }
  if (series.empty()) return nullptr;
  return {{"metric", json_member(curve, "metric")},
          {"best_round", json_member(curve, "best_round")},
          {"rounds_trained", json_member(curve, "rounds_trained")},
          {"stopped_early", json_member(curve, "stopped_early")},
          {"series", std::move(series)}};
}

json confusion_of(const json& confusion) {
  const json& labels = json_member(confusion, "labels");
  const json& matrix = json_member(confusion, "matrix");
  if (!labels.is_array() || !matrix.is_array() || labels.size() != matrix.size()) return nullptr;
  json names = json::array();
  for (const auto& label : labels) names.push_back(label.is_string() ? label : json(label.dump()));
  json rows = json::array();
  for (const auto& row : matrix) {
    std::vector<double> cells = numbers_of(row);
    if (cells.size() != labels.size()) return nullptr;
    rows.push_back(std::move(cells));
  }
  return {{"labels", std::move(names)}, {"matrix", std::move(rows)}};
}

json evaluation_section(const json& evaluation, const json& metrics) {
  json out = json::object();
  if (const json& roc = json_member(evaluation, "roc"); roc.is_object()) {
    out["roc"] =
        paired_points(json_member(roc, "fpr"), json_member(roc, "tpr"), kReportCurvePoints);
  }
  if (const json& pr = json_member(evaluation, "pr"); pr.is_object()) {
    out["pr"] =
        paired_points(json_member(pr, "recall"), json_member(pr, "precision"), kReportCurvePoints);
  }
  json confusion = confusion_of(json_member(evaluation, "confusion"));
  if (confusion.is_null()) confusion = confusion_of(json_member(metrics, "confusion"));
  if (!confusion.is_null()) out["confusion"] = std::move(confusion);
  if (const json& pva = json_member(evaluation, "predicted_vs_actual"); pva.is_object()) {
    out["predicted_vs_actual"] = paired_points(json_member(pva, "actual"),
                                               json_member(pva, "predicted"), kReportScatterPoints);
  }
  const json& residuals = json_member(evaluation, "residuals");
  const std::vector<double> edges = numbers_of(json_member(residuals, "edges"));
  const std::vector<double> counts = numbers_of(json_member(residuals, "counts"));
  if (!counts.empty() && edges.size() == counts.size() + 1) {
    out["residuals"] = {{"edges", edges}, {"counts", counts}};
  }
  if (out.empty()) return nullptr;
  out["task"] = out.contains("predicted_vs_actual") || out.contains("residuals") ? "regression"
                : out.contains("roc") || out.contains("pr")                      ? "binary"
                                                                                 : "multiclass";
  return out;
}

json importance_section(const json& importance) {
  json top = json::array();
  for (const auto& entry : array_or_empty(importance)) {
    if (top.size() == kReportImportance) break;
    if (json_member(entry, "feature").is_string() && json_member(entry, "gain").is_number()) {
      top.push_back({{"feature", entry["feature"]}, {"gain", entry["gain"]}});
    }
  }
  return top.empty() ? json(nullptr) : top;
}

/// One column of ingest/profile.json with only the fields the report shows, each of its type.
json profile_column(const json& column) {
  json out{{"name", string_or(json_member(column, "name"), "")},
           {"type", string_or(json_member(column, "type"), "")},
           {"rows", number_or(json_member(column, "rows"), 0)},
           {"nulls", number_or(json_member(column, "nulls"), 0)}};
  if (json_member(column, "top").is_array()) {
    json top = json::array();
    for (const auto& entry : column["top"]) {
      top.push_back({{"value", string_or(json_member(entry, "value"), "")},
                     {"count", number_or(json_member(entry, "count"), 0)}});
    }
    out["top"] = std::move(top);
    out["distinct"] = number_or(json_member(column, "distinct"), 0);
    out["distinct_capped"] = json_member(column, "distinct_capped") == true;
    out["other"] = number_or(json_member(column, "other"), 0);
    return out;
  }
  for (const char* key : {"min", "max", "mean", "std"})
    out[key] = number_or_null(json_member(column, key));
  const std::vector<double> edges =
      numbers_of(json_member(json_member(column, "histogram"), "edges"));
  const std::vector<double> counts =
      numbers_of(json_member(json_member(column, "histogram"), "counts"));
  if (!counts.empty() && edges.size() == counts.size() + 1) {
    out["histogram"] = {{"edges", edges}, {"counts", counts}};
  }
  return out;
}

json data_profile_section(const json& profile) {
  const json& columns = json_member(profile, "columns");
  if (!columns.is_array()) return nullptr;
  json kept = json::array();
  for (size_t i = 0; i < columns.size() && i < kReportProfileColumns; ++i) {
    kept.push_back(profile_column(columns[i]));
  }
  return {{"rows", json_member(profile, "rows")},
          {"columns_total", columns.size()},
          {"columns", std::move(kept)}};
}

json drift_section(const json& drift) {
  const json& features = json_member(drift, "features");
  if (!features.is_array()) return nullptr;
  json sorted = json::array();
  json counts{{"ok", 0}, {"warn", 0}, {"drift", 0}};
  for (const auto& feature : features) {
    const std::string status = string_or(json_member(feature, "status"), "");
    if (counts.contains(status)) counts[status] = counts[status].get<size_t>() + 1;
    sorted.push_back(
        {{"feature", string_or(json_member(feature, "feature"), "")},
         {"psi", number_or_null(json_member(feature, "psi"))},
         {"status", status},
         {"null_rate", number_or_null(json_member(feature, "null_rate"))},
         {"train_null_rate", number_or_null(json_member(feature, "train_null_rate"))}});
  }
  // The largest shifts first; a capped list still shows every flagged feature.
  std::stable_sort(sorted.begin(), sorted.end(), [](const json& a, const json& b) {
    return number_or(a["psi"], 0) > number_or(b["psi"], 0);
  });
  if (sorted.size() > kReportProfileColumns) {
    sorted.erase(sorted.begin() + kReportProfileColumns, sorted.end());
  }
  return {{"reference", json_member(drift, "reference")},
          {"rows", json_member(drift, "rows")},
          {"status", string_or(json_member(drift, "status"), "measured")},
          {"min_rows", json_member(drift, "min_rows")},
          {"features_total", features.size()},
          {"counts", std::move(counts)},
          {"features", std::move(sorted)}};
}

/// Live metrics over time: per metric, one series per model version over the windows, and
/// each version's whole-history value ("all").
json live_section(const json& live) {
  if (!live.is_array() || live.empty()) return nullptr;
  json series = json::object(), overall = json::array();
  for (const auto& entry : live) {
    if (entry.value("window", "") == "all") {
      overall.push_back(entry);
      continue;
    }
    json& points = series[entry.value("metric", "")][entry.value("model_version", "")];
    points.push_back({{"window_start", entry.value("window_start", json())},
                      {"value", entry.value("value", json())},
                      {"rows", entry.value("rows", json())}});
  }
  return {{"series", series}, {"overall", overall}};
}

}  // namespace

bool lower_is_better(const std::string& metric) {
  static const std::set<std::string, std::less<>> kLower = {
      "logloss", "mlogloss", "rmse", "rmsle", "mae", "mse", "mape", "error", "merror", "brier"};
  return kLower.count(metric) > 0;
}

json build_report_content(const ReportInputs& inputs, const std::string& title) {
  static const json kNoDetails;
  const StageManifest* train = inputs.manifest.stage(Stage::kTrain);
  const json& train_details = train ? train->details : kNoDetails;
  // train/metrics.json when the run has it; runs before it keep the same numbers in the
  // manifest's train details.
  const json& metrics = inputs.metrics.is_object() ? inputs.metrics : train_details;
  const json& registry = json_member(train_details, "registry");
  const json& importance =
      inputs.importance.is_array() ? inputs.importance : json_member(train_details, "importance");
  return {{"format", "mlops.report/1"},
          {"title", title},
          {"run", run_section(inputs.manifest)},
          {"stages", stages_section(inputs.manifest)},
          {"contracts", contracts_section(inputs.manifest)},
          {"model", model_section(metrics, registry)},
          {"registry", registry_section(registry)},
          {"curve", curve_section(inputs.curve)},
          {"evaluation", evaluation_section(inputs.evaluation, metrics)},
          {"importance", importance_section(importance)},
          {"data_profile", data_profile_section(inputs.data_profile)},
          {"drift", drift_section(inputs.drift)},
          {"live", live_section(inputs.live_metrics)}};
}

}  // namespace mlops
