#pragma once
// Fold assignments for k-fold cross-validation: seeded, the same on every platform.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mlops {

/// Fold 0..folds-1 of each row. The rows (of each stratum, when `strata` gives one class id per
/// row) are shuffled and dealt round robin, so fold sizes differ by at most one per stratum.
/// Throws ConfigError "train.cv.folds: ..." when folds < 2 or there are fewer rows than folds.
std::vector<int> kfold_assignment(size_t rows, int folds, uint64_t seed,
                                  std::optional<std::span<const int>> strata = std::nullopt);

/// Fold of each row when rows belong to groups (one hash per row): the distinct groups are
/// ordered by a seeded hash and dealt round robin, so every row of a group is in one fold.
/// Throws ConfigError when there are fewer groups than folds.
std::vector<int> group_kfold_assignment(std::span<const uint64_t> groups, int folds, uint64_t seed);

}  // namespace mlops
