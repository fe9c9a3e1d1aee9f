#pragma once
// The rows of a score vector in ascending order of score, as the ranking metrics and threshold
// curves need it, by a radix sort: several times faster than a comparison sort of indices on
// hundreds of thousands of scores (a holdout's AUC, PR AUC, ROC and PR curves, each round of a
// curve measured by AUC).

#include <span>
#include <vector>

namespace mlops {

/// Indices of `scores` ordered by ascending score, equal scores by ascending index (what
/// std::stable_sort gives). -0.0 sorts just before +0.0; NaNs go to the ends.
std::vector<size_t> ascending_order(std::span<const float> scores);

}  // namespace mlops
