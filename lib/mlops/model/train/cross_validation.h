#pragma once
// K-fold cross-validation on the training side. The folds share the one training matrix (for
// hist: one quantized copy, bins from the whole training side): a fold is left out by giving
// its rows weight 0, and scored from the cached predictions of that same matrix.

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "mlops/model/train/params.h"
#include "mlops/model/task.h"
#include "mlops/model/xgb/xgb.h"

namespace mlops {

/// One metric over the folds: mean, population standard deviation (as xgboost.cv), per fold.
struct FoldMetric {
  double mean = 0;
  double std = 0;
  std::vector<double> folds;
};

/// Trains one booster per fold with `params` for `rounds` rounds on every row of `train`
/// outside the fold and measures task_metrics() on the fold. `fold_of`: fold of each row of
/// `train`, 0..folds-1. Overwrites the weights of `train`. `on_fold` is called after each fold
/// with the number of folds done.
std::map<std::string, FoldMetric> cross_validate(DMatrix& train, std::span<const float> labels,
                                                 std::span<const int> fold_of, int folds,
                                                 const Params& params, int rounds, Task task,
                                                 int num_class,
                                                 const std::function<void(int)>& on_fold = {});

}  // namespace mlops
