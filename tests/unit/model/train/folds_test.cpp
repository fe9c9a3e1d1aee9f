#include "mlops/model/train/folds.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "mlops/core/error.h"

namespace mlops {
namespace {

std::map<int, int> fold_sizes(const std::vector<int>& fold_of) {
  std::map<int, int> sizes;
  for (int fold : fold_of) ++sizes[fold];
  return sizes;
}

TEST(Folds, EveryRowInOneFoldAndSizesDifferByAtMostOne) {
  const std::vector<int> fold_of = kfold_assignment(23, 5, 3);
  const auto sizes = fold_sizes(fold_of);
  ASSERT_EQ(sizes.size(), 5u);
  for (const auto& [fold, size] : sizes) {
    EXPECT_GE(size, 4) << fold;
    EXPECT_LE(size, 5) << fold;
  }
  EXPECT_EQ(kfold_assignment(23, 5, 3), fold_of);
  EXPECT_NE(kfold_assignment(23, 5, 4), fold_of);
}

TEST(Folds, StratifiedFoldsKeepTheClassMix) {
  std::vector<int> strata;
  for (int i = 0; i < 100; ++i) strata.push_back(i % 5 == 0 ? 1 : 0);  // 20 ones, 80 zeros
  const std::vector<int> fold_of = kfold_assignment(strata.size(), 4, 9, strata);
  std::map<int, int> ones;
  for (size_t row = 0; row < strata.size(); ++row) ones[fold_of[row]] += strata[row];
  for (int fold = 0; fold < 4; ++fold) EXPECT_EQ(ones[fold], 5) << fold;
  for (const auto& [fold, size] : fold_sizes(fold_of)) EXPECT_EQ(size, 25) << fold;
}

TEST(Folds, GroupFoldsKeepEachGroupWhole) {
  std::vector<uint64_t> groups;
  for (uint64_t row = 0; row < 120; ++row) groups.push_back(row % 12 * 7919);
  const std::vector<int> fold_of = group_kfold_assignment(groups, 3, 5);
  std::map<uint64_t, std::set<int>> folds_of_group;
  for (size_t row = 0; row < groups.size(); ++row) folds_of_group[groups[row]].insert(fold_of[row]);
  for (const auto& [group, folds] : folds_of_group) EXPECT_EQ(folds.size(), 1u) << group;
  // 12 groups dealt round robin: 4 groups (40 rows) per fold.
  for (const auto& [fold, size] : fold_sizes(fold_of)) EXPECT_EQ(size, 40) << fold;
}

TEST(Folds, TooFewRowsOrGroupsIsAConfigError) {
  try {
    kfold_assignment(3, 5, 1);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "train.cv.folds: 5 folds but only 3 rows on the training side");
  }
  std::vector<uint64_t> groups{1, 1, 2, 2};
  try {
    group_kfold_assignment(groups, 3, 1);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "train.cv.folds: 3 folds but only 2 groups on the training side");
  }
  EXPECT_THROW(kfold_assignment(10, 1, 1), ConfigError);
}

}  // namespace
}  // namespace mlops
