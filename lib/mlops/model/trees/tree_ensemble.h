#pragma once
// A compiled copy of a saved XGBoost tree model for scoring: the trees as heaps without child
// pointers (tree_layout.h), rows scored in blocks against every tree on all cores, 16 rows
// walking each tree together (tree_walk.h). It reproduces XGBoost's arithmetic
// (float32 sums in tree order from the base margin, then the objective's transform). Models it
// cannot reproduce (categorical splits, dart, gblinear, vector leaves, other objectives) or
// lay out (trees deeper than 12 levels) are left to XGBoost.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mlops/model/trees/objective_output.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/model/trees/tree_layout.h"

namespace mlops {

class TreeEnsemble {
 public:
  /// The compiled model, or nullopt when the model uses anything this evaluator does not
  /// reproduce exactly. Throws ModelError for a file that is not an XGBoost JSON model.
  static std::optional<TreeEnsemble> from_json(const nlohmann::json& model);
  static std::optional<TreeEnsemble> load(const std::string& path);

  /// Same layout as Booster::predict: one value per row, or num_class per row (multi:softprob).
  std::vector<float> predict(const RowSource& rows, unsigned threads = 2) const;
  size_t num_features() const { return forest_.num_features(); }

  /// Rows in the layout the trees walk (HeapForest::widen), made once when the same rows are
  /// scored by many ensembles of the same features: RoundScorer adds one round's trees at a
  /// time, and widening the rows again for each round cost more than walking the trees.
  struct WideRows {
    std::vector<uint32_t> keys;
    size_t rows = 0;
  };
  WideRows widen(const RowSource& rows) const;
  /// Adds each tree's leaf value for rows [begin, end) to margins (every row x groups,
  /// row-major), in tree order: no base margin, no transform. `begin` is a multiple of
  /// HeapForest::kGroupRows.
  void add_leaves(const WideRows& rows, size_t begin, size_t end, std::span<float> margins) const;

 private:
  // Scores `rows` rows of num_features() floats into out (num_groups_ per row); `wide` holds
  // their widened copy while it works.
  void score_block(const float* values, size_t rows, uint32_t* wide, float* out) const;

  HeapForest forest_{0};
  size_t num_groups_ = 1;
  std::optional<ObjectiveOutput> output_;  // set by from_json
};

}  // namespace mlops
