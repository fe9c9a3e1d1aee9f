#include "mlops/core/stage.h"

namespace mlops {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kIngest: return "ingest";
    case Stage::kFeaturize: return "featurize";
    case Stage::kValidate: return "validate";
    case Stage::kTrain: return "train";
    case Stage::kBatchPredict: return "predict";
    case Stage::kReport: return "report";
  }
  return "?";
}

std::optional<Stage> parse_stage(std::string_view name) {
  for (Stage stage : all_stages()) {
    if (stage_name(stage) == name) return stage;
  }
  return std::nullopt;
}

const std::vector<Stage>& all_stages() {
  static const std::vector<Stage> stages{Stage::kIngest, Stage::kFeaturize,    Stage::kValidate,
                                         Stage::kTrain,  Stage::kBatchPredict, Stage::kReport};
  return stages;
}

}  // namespace mlops
