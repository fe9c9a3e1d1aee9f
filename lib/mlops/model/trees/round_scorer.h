#pragma once
// A saved tree model's predictions after each of its boosting rounds, from its compiled trees.
// Margins are float32 sums in tree order from the base margin, and the objective's transform
// follows, as in XGBoost's cached predictions: after round r they equal what the model's first
// r rounds predict. One pass over the trees measures a whole training curve.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <vector>

#include "mlops/model/trees/objective_output.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/model/trees/tree_ensemble.h"

namespace mlops {

class RoundScorer {
 public:
  /// The scorer, or nullopt when TreeEnsemble cannot reproduce the model (dart, gblinear,
  /// categorical splits, vector leaves) or the objective's transform is not one of ours.
  /// Throws ModelError for a file that is not an XGBoost JSON model.
  static std::optional<RoundScorer> from_json(const nlohmann::json& model);

  int rounds() const { return static_cast<int>(round_ends_.size()); }
  /// Every row's margins before the first round: the base margin.
  std::vector<float> base_margins(size_t rows) const;
  /// The rows widened once for every round's trees.
  TreeEnsemble::WideRows widen(const RowSource& rows) const;
  /// Adds the trees of rounds [first, last) (0-based) to `margins` (rows x groups, row-major)
  /// in tree order, in one pass over the rows: each block of rows stays in cache while those
  /// rounds' trees walk it. `after[k]` receives the margins after round first + k; `margins`
  /// ends as the margins after round last - 1.
  void add_rounds(int first, int last, const TreeEnsemble::WideRows& rows,
                  std::vector<float>& margins, std::vector<std::vector<float>>& after,
                  unsigned threads = 2) const;
  /// Turns margins into predictions in place (Booster::predict's values and layout).
  void transform(std::span<float> margins) const;

 private:
  // Each step holds at most one tree per output group, compiled to return its leaf values
  // alone (identity objective, base 0), so adding a step's output adds each tree in order.
  std::vector<TreeEnsemble> steps_;
  std::vector<size_t> round_ends_;  // steps_[round_ends_[r - 1], round_ends_[r]) form round r
  size_t width_ = 1;
  std::optional<ObjectiveOutput> output_;  // set by from_json
};

}  // namespace mlops
