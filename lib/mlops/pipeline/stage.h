#pragma once
// Where each stage (core/stage.h) keeps its outputs inside a run.

#include <string>

#include "mlops/core/stage.h"

namespace mlops {

/// Files of one run, all under runs/<run-id>/.
struct RunPaths {
  std::string root;

  std::string stage_dir(Stage stage) const { return root + "/" + std::string(stage_name(stage)); }
  std::string manifest() const { return root + "/manifest.json"; }
  std::string config() const { return root + "/config.yaml"; }
  std::string metrics() const { return root + "/metrics.json"; }
  std::string clean_table() const { return stage_dir(Stage::kIngest) + "/clean.csv"; }
  std::string quarantine() const { return stage_dir(Stage::kIngest) + "/quarantine.jsonl"; }
  std::string data_profile() const { return stage_dir(Stage::kIngest) + "/profile.json"; }
  std::string features() const { return stage_dir(Stage::kFeaturize) + "/features.csv"; }
  std::string feature_state() const { return stage_dir(Stage::kFeaturize) + "/feature_state.json"; }
  /// featurize.source historical: the joined rows' columns and types (the model's input).
  std::string joined_schema() const { return stage_dir(Stage::kFeaturize) + "/input_schema.json"; }
  std::string validation() const { return stage_dir(Stage::kValidate) + "/contracts.json"; }
  std::string train_dir() const { return stage_dir(Stage::kTrain); }
  std::string report() const { return stage_dir(Stage::kReport) + "/report.html"; }
  std::string report_markdown() const { return stage_dir(Stage::kReport) + "/report.md"; }
  std::string report_json() const { return stage_dir(Stage::kReport) + "/report.json"; }
};

}  // namespace mlops
