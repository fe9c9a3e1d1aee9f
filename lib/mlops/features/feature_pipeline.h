#pragma once
// The declared transforms as one unit: fitted on training rows, saved as feature_state.json
// beside the model, and reloaded by batch-predict so scoring computes exactly the training
// features. The state file is self-contained: it holds the transform declarations too.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/table.h"
#include "mlops/features/transform.h"

namespace mlops {

struct LabelInfo {
  std::string column;
  bool categorical = false;
  std::vector<std::string> classes;  // sorted class names, categorical labels only
};

class FeaturePipeline {
 public:
  /// Builds the transforms; throws ConfigError for a bad declaration.
  FeaturePipeline(const FeaturizeSpec& spec, bool categorical_label);

  /// Fits each transform in order on the training rows (each sees the previous one's output),
  /// fixes the feature list and learns the label classes. Throws DataError when the label
  /// column is missing.
  void fit(const Table& training);
  /// Applies the fitted transforms and returns the feature columns in fitted order, followed by
  /// the label column when `input` has it. Throws DataError naming a missing feature column.
  Table transform(const Table& input) const;

  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const LabelInfo& label() const { return label_; }
  /// Class index of each row's label (categorical), or the value (numeric); NaN for null and
  /// for classes not seen in training.
  std::vector<float> encode_label(const Column& label) const;

  nlohmann::json to_json() const;
  static FeaturePipeline from_json(const nlohmann::json& state);
  void save(const std::string& path) const;
  /// Throws IoError / DataError naming the path.
  static FeaturePipeline load(const std::string& path);

 private:
  FeaturePipeline() = default;

  std::vector<ConfigNode> specs_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  std::vector<std::string> drop_;
  std::vector<std::string> feature_names_;
  LabelInfo label_;
};

}  // namespace mlops
