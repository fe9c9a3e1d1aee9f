#pragma once
// Hand-made run files in exactly the shapes the stages write (manifest, ingest/profile.json,
// train/metrics.json, curve.json, evaluation.json, importance.json, predict/drift.json), with
// hostile text wherever a value comes from data.

#include <nlohmann/json.hpp>

#include "mlops/report/report_inputs.h"

namespace mlops::testing {

inline const char* kHostile = "<script>alert(1)</script>";

/// How many times `part` occurs in `text`.
inline size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

inline nlohmann::json fixture_check(const std::string& check, const std::string& column,
                                    bool passed, const std::string& severity) {
  return {{"check", check},        {"column", column},
          {"passed", passed},      {"severity", severity},
          {"expected", "[a & b]"}, {"observed", "1 values outside"},
          {"example_rows", {3}},   {"example_values", {"\"><img src=x>"}}};
}

inline nlohmann::json fixture_stage(double seconds, nlohmann::json checks) {
  return {{"status", "ok"},
          {"seconds", seconds},
          {"rows", 3008},
          {"columns", 5},
          {"peak_rss_bytes", 2 * 1048576},
          {"inputs", {{{"path", "data/in<1>.csv"}, {"hash", "xxh128:ab"}}}},
          {"outputs", nlohmann::json::array()},
          {"contracts", {{{"contract", "c.yaml"}, {"checks", std::move(checks)}}}}};
}

/// A manifest of a complete binary-classification run with a registry entry.
inline nlohmann::json fixture_manifest() {
  nlohmann::json ok_check = fixture_check("row_count", "", true, "error");
  nlohmann::json stages{
      {"ingest",
       fixture_stage(0.5, {ok_check, fixture_check("allowed_values", kHostile, false, "warn")})},
      {"featurize", fixture_stage(0.2, {ok_check})},
      {"validate", fixture_stage(0.1, {ok_check})},
      {"train", fixture_stage(3.0, {ok_check})},
      {"predict", fixture_stage(0.4, {fixture_check("drift_psi", "dep|hour", false, "error")})}};
  stages["train"]["details"] = {
      {"holdout", {{"auc", 0.70}, {"logloss", 0.5}}},
      {"baseline", {{"auc", 0.5}, {"logloss", 0.6}}},
      {"train_rows", 2500},
      {"holdout_rows", 508},
      {"importance", {{{"feature", "from_manifest"}, {"gain", 1.0}}}},
      {"registry",
       {{"model", "flights<&>"},
        {"version", 3},
        {"aliases", {"champion"}},
        {"previous_champion", {{"version", 2}, {"metrics", {{"auc", 0.68}, {"logloss", 0.52}}}}},
        {"gate", {{"passed", true}, {"metric", "auc"}, {"reason", "auc 0.7 >= 0.68"}}}}}};
  return {{"run_id", "r1"},
          {"workflow", "flights"},
          {"env", "local"},
          {"status", "running"},
          {"started_at", "2026-11-22T10:00:00Z"},
          {"mlops_version", "0.1"},
          {"config_hash", "abc"},
          {"workflow_file", "w.yaml"},
          {"stages", stages}};
}

inline nlohmann::json fixture_metrics() {
  return nlohmann::json::parse(R"({
    "holdout": {"auc": 0.71, "logloss": 0.49},
    "baseline": {"model": "logistic_regression", "auc": 0.62, "logloss": 0.55},
    "cv": {"auc": {"mean": 0.7, "std": 0.01, "folds": [0.69, 0.7, 0.71]}},
    "confusion": {"labels": ["false", "true"], "matrix": [[400, 20], [60, 28]]},
    "train_rows": 2500, "holdout_rows": 508})");
}

inline nlohmann::json fixture_curve() {
  return nlohmann::json::parse(R"({"metric": "logloss", "train": [0.6, 0.5, 0.45, 0.44],
    "validation": [0.62, 0.55, 0.52, 0.53], "best_round": 3, "rounds_trained": 4,
    "stopped_early": true})");
}

inline nlohmann::json fixture_binary_evaluation() {
  return nlohmann::json::parse(R"({
    "roc": {"fpr": [0, 0.1, 0.4, 1], "tpr": [0, 0.5, 0.8, 1]},
    "pr": {"recall": [0, 0.5, 1], "precision": [1, 0.6, 0.2]},
    "confusion": {"labels": ["false", "<b>true</b>"], "matrix": [[410, 10], [50, 38]]}})");
}

inline nlohmann::json fixture_regression_evaluation() {
  return nlohmann::json::parse(R"({
    "predicted_vs_actual": {"actual": [10, 20, 30], "predicted": [12, 19, 33]},
    "residuals": {"edges": [-3, -1, 1, 3], "counts": [1, 1, 1]}})");
}

inline nlohmann::json fixture_data_profile() {
  nlohmann::json profile = nlohmann::json::parse(R"({
    "format": "mlops.data_profile/1", "rows": 3008, "columns": [
      {"name": "distance", "type": "int64", "rows": 3008, "nulls": 8, "min": 45, "max": 4475,
       "mean": 734.2, "std": 580.6,
       "histogram": {"edges": [45, 2260, 4475], "counts": [2900, 100]}},
      {"name": "date", "type": "timestamp", "rows": 3008, "nulls": 0,
       "min": 978307260000000, "max": 980983800000000, "mean": 979600000000000,
       "std": 772243000000, "histogram": {"edges": [978307260000000, 980983800000000],
       "counts": [3008]}}]})");
  profile["columns"].push_back(
      {{"name", "a&b<c"},
       {"type", "string"},
       {"rows", 3008},
       {"nulls", 0},
       {"distinct", 2},
       {"distinct_capped", false},
       {"top", {{{"value", kHostile}, {"count", 3000}}, {{"value", "ORD"}, {"count", 8}}}},
       {"other", 0}});
  return profile;
}

inline nlohmann::json fixture_drift() {
  return nlohmann::json::parse(R"({"reference": "train/profile.json", "rows": 3008,
    "features": [
      {"feature": "distance", "psi": 0.03, "status": "ok", "null_rate": 0, "train_null_rate": 0},
      {"feature": "date_month", "psi": 0.9, "status": "drift", "null_rate": 0,
       "train_null_rate": 0},
      {"feature": "x<y", "psi": 0.15, "status": "warn", "null_rate": 0.1,
       "train_null_rate": 0.05}]})");
}

/// Every input of a full run.
inline ReportInputs fixture_inputs() {
  ReportInputs inputs;
  inputs.manifest = read_run_manifest(fixture_manifest());
  inputs.metrics = fixture_metrics();
  inputs.curve = fixture_curve();
  inputs.evaluation = fixture_binary_evaluation();
  inputs.importance = nlohmann::json::parse(
      R"([{"feature": "dep<hour>", "gain": 4.2}, {"feature": "distance", "gain": 2.5}])");
  inputs.data_profile = fixture_data_profile();
  inputs.drift = fixture_drift();
  return inputs;
}

}  // namespace mlops::testing
