#pragma once
// What a run's report is built from: the manifest and the small summary files the stages
// leave in the run folder. A file that is absent (an older run, a stage that did not run, a
// task without that output) stays null and its section is left out of the report.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/core/run_manifest.h"

namespace mlops {

struct ReportInputs {
  RunManifest manifest;
  nlohmann::json data_profile;  // ingest/profile.json
  nlohmann::json metrics;       // train/metrics.json
  nlohmann::json curve;         // train/curve.json
  nlohmann::json evaluation;    // train/evaluation.json
  nlohmann::json importance;    // train/importance.json
  nlohmann::json drift;         // predict/drift.json
  /// The model's live metrics from the evaluation store (`mlops evaluate`), across runs:
  /// [{model_version, window, window_start (ISO 8601, null for "all"), metric, value, rows}].
  nlohmann::json live_metrics;
  std::vector<std::string> files;  // the files that existed and were read
};

/// Reads the run's `manifest` (its JSON, typed by read_run_manifest) and the summary files of
/// the run folder `root`. Throws DataError naming the file when one exists but is not JSON,
/// IoError when it cannot be read.
ReportInputs load_report_inputs(const std::string& root, const nlohmann::json& manifest);

}  // namespace mlops
