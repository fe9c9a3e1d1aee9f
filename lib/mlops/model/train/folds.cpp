#include "mlops/model/train/folds.h"

#include <algorithm>
#include <map>

#include "mlops/core/error.h"
#include "mlops/model/train/splitmix.h"

namespace mlops {

namespace {

void check_folds(int folds, size_t units, const char* what) {
  if (folds < 2) throw ConfigError("train.cv.folds: {} is not at least 2", folds);
  if (units < static_cast<size_t>(folds)) {
    throw ConfigError("train.cv.folds: {} folds but only {} {} on the training side", folds, units,
                      what);
  }
}

}  // namespace

std::vector<int> kfold_assignment(size_t rows, int folds, uint64_t seed,
                                  std::optional<std::span<const int>> strata) {
  check_folds(folds, rows, "rows");
  if (strata && strata->size() != rows) {
    throw InternalError("kfold_assignment: {} strata for {} rows", strata->size(), rows);
  }
  // Strata in ascending order so the random stream is consumed the same way each run.
  std::map<int, std::vector<size_t>> groups;
  for (size_t row = 0; row < rows; ++row) groups[strata ? (*strata)[row] : 0].push_back(row);
  SplitMix64 rng(seed);
  std::vector<int> fold(rows, 0);
  int next = 0;  // continues across strata so small strata do not all start at fold 0
  for (auto& [stratum, members] : groups) {
    for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    for (size_t row : members) {
      fold[row] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

std::vector<int> group_kfold_assignment(std::span<const uint64_t> groups, int folds,
                                        uint64_t seed) {
  // Distinct groups by their seeded hash: a random order that depends on the group alone.
  const uint64_t salt = mix64(seed ^ 0xbb67ae8584caa73bULL);
  std::map<uint64_t, uint64_t> order;  // seeded hash -> group
  for (uint64_t group : groups) order.emplace(mix64(group ^ salt), group);
  check_folds(folds, order.size(), "groups");
  std::map<uint64_t, int> fold_of;
  int next = 0;
  for (const auto& [key, group] : order) {
    fold_of[group] = next;
    next = (next + 1) % folds;
  }
  std::vector<int> fold(groups.size());
  for (size_t row = 0; row < groups.size(); ++row) fold[row] = fold_of[groups[row]];
  return fold;
}

}  // namespace mlops
