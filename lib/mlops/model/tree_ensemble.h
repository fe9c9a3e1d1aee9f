#pragma once
// A compiled copy of a saved XGBoost tree model for scoring: nodes in flat arrays, rows scored in
// blocks against every tree on all cores. It reproduces XGBoost's arithmetic (float32 sums in
// tree order from the base margin, then the objective's transform), and scores several times
// faster than XGBoost 1.7's CPU predictor. Models it cannot reproduce (categorical splits,
// dart, gblinear, vector leaves, other objectives) are left to XGBoost.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mlops/model/row_source.h"

namespace mlops {

class TreeEnsemble {
 public:
  /// The compiled model, or nullopt when the model uses anything this evaluator does not
  /// reproduce exactly. Throws ModelError for a file that is not an XGBoost JSON model.
  static std::optional<TreeEnsemble> from_json(const nlohmann::json& model);
  static std::optional<TreeEnsemble> load(const std::string& path);

  /// Same layout as Booster::predict: one value per row, or num_class per row (multi:softprob).
  std::vector<float> predict(const RowSource& rows, unsigned threads = 2) const;
  size_t num_features() const { return num_features_; }

 private:
  struct Node {
    int32_t left;  // a leaf points to itself on both sides, so walking past it is harmless
    int32_t right;
    uint32_t feature;
    uint32_t default_left;
    float value;  // split condition, or the leaf value
  };
  enum class Transform { kIdentity, kSigmoid, kSoftmax, kExp };

  void score_block(const float* values, size_t rows, float* out) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> roots_;   // first node of each tree
  std::vector<uint32_t> depths_;  // levels of each tree: the steps that reach every leaf
  std::vector<uint32_t> groups_;  // output group (class) of each tree
  size_t num_features_ = 0;
  size_t num_groups_ = 1;
  float base_margin_ = 0;
  Transform transform_ = Transform::kIdentity;
};

}  // namespace mlops
