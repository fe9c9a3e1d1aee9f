#include "mlops/model/train/row_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mlops/core/error.h"

namespace mlops {
namespace {

std::string split_error(size_t rows, double fraction) {
  try {
    random_split(rows, fraction, 1);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Split, SameSeedGivesSameSplit) {
  SplitIndices a = random_split(100, 0.3, 7);
  SplitIndices b = random_split(100, 0.3, 7);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.holdout, b.holdout);
  EXPECT_NE(random_split(100, 0.3, 8).holdout, a.holdout);
}

TEST(Split, IsTheSameOnEveryPlatform) {
  // Pinned: splitmix64 and Fisher-Yates are ours, so this must never change.
  EXPECT_EQ(random_split(10, 0.3, 42).holdout, (std::vector<size_t>{0, 5, 9}));
}

TEST(Split, SampleIsTheHoldoutSideAlone) {
  for (const auto& [rows, fraction, seed] :
       {std::tuple{10ul, 0.3, 42ul}, {1000ul, 0.07, 3ul}, {200'000ul, 0.01, 99ul}}) {
    EXPECT_EQ(random_sample(rows, fraction, seed, "sample"),
              random_split(rows, fraction, seed).holdout)
        << rows << " rows";
  }
  try {
    random_sample(10, 0.01, 1, "baseline sample");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "baseline sample: 0.01 of 10 rows samples no rows");
  }
}

TEST(Split, SidesAreAscendingDisjointAndCoverEveryRow) {
  SplitIndices split = random_split(57, 0.25, 3);
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
  EXPECT_TRUE(std::is_sorted(split.holdout.begin(), split.holdout.end()));
  std::vector<size_t> all = split.train;
  all.insert(all.end(), split.holdout.begin(), split.holdout.end());
  std::sort(all.begin(), all.end());
  for (size_t row = 0; row < all.size(); ++row) EXPECT_EQ(all[row], row);
  EXPECT_EQ(all.size(), 57u);
}

TEST(Split, HoldsOutRoundedFraction) {
  EXPECT_EQ(random_split(101, 0.2, 1).holdout.size(), 20u);  // 20.2
  EXPECT_EQ(random_split(10, 0.25, 1).holdout.size(), 3u);   // 2.5 rounds away from zero
  EXPECT_EQ(random_split(10, 0.2, 1).train.size(), 8u);
}

TEST(Split, StratifiedKeepsEachClassMix) {
  std::vector<int> strata;
  for (int i = 0; i < 40; ++i) strata.push_back(i % 4 == 0 ? 1 : 0);  // 30 zeros, 10 ones
  SplitIndices split = random_split(strata.size(), 0.2, 5, strata);
  auto ones = std::count_if(split.holdout.begin(), split.holdout.end(),
                            [&](size_t row) { return strata[row] == 1; });
  EXPECT_EQ(split.holdout.size(), 8u);
  EXPECT_EQ(ones, 2);
  EXPECT_TRUE(std::is_sorted(split.holdout.begin(), split.holdout.end()));
  EXPECT_EQ(random_split(strata.size(), 0.2, 5, strata).holdout, split.holdout);
}

TEST(Split, FractionMustBeStrictlyBetweenZeroAndOne) {
  EXPECT_EQ(split_error(10, 0.0),
            "train.split.holdout: 0 is not a fraction between 0 and 1 (exclusive)");
  EXPECT_EQ(split_error(10, 1.0),
            "train.split.holdout: 1 is not a fraction between 0 and 1 (exclusive)");
  EXPECT_EQ(split_error(10, std::nan("")),
            "train.split.holdout: nan is not a fraction between 0 and 1 (exclusive)");
}

TEST(Split, EitherSideEmptyIsAConfigError) {
  EXPECT_EQ(split_error(3, 0.1), "train.split.holdout: 0.1 of 3 rows holds out no rows");
  EXPECT_EQ(split_error(1, 0.9), "train.split.holdout: 0.9 of 1 rows leaves no rows to train on");
  EXPECT_EQ(split_error(0, 0.5), "train.split.holdout: 0.5 of 0 rows holds out no rows");
}

TEST(Split, ErrorsNameTheKeyTheyAreGiven) {
  try {
    random_split(3, 0.1, 1, std::nullopt, "train.early_stopping.validation");
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "train.early_stopping.validation: 0.1 of 3 rows holds out no rows");
  }
}

// 40 groups of 5 rows each, rows of a group interleaved through the table.
std::vector<uint64_t> interleaved_groups() {
  std::vector<uint64_t> groups;
  for (uint64_t row = 0; row < 200; ++row) groups.push_back(1000 + row % 40);
  return groups;
}

TEST(GroupSplit, NoGroupIsOnBothSides) {
  const std::vector<uint64_t> groups = interleaved_groups();
  SplitIndices split = group_split(groups, 0.25, 7);
  std::set<uint64_t> train, holdout;
  for (size_t row : split.train) train.insert(groups[row]);
  for (size_t row : split.holdout) holdout.insert(groups[row]);
  for (uint64_t group : holdout) EXPECT_EQ(train.count(group), 0u) << group;
  EXPECT_EQ(train.size() + holdout.size(), 40u);
  EXPECT_EQ(split.train.size() + split.holdout.size(), 200u);
  EXPECT_EQ(split.holdout.size() % 5, 0u);  // whole groups only
  EXPECT_GT(holdout.size(), 4u);            // about a quarter of 40 groups
  EXPECT_LT(holdout.size(), 17u);
}

TEST(GroupSplit, SideDependsOnTheGroupAndTheSeedOnly) {
  const std::vector<uint64_t> groups = interleaved_groups();
  const SplitIndices a = group_split(groups, 0.3, 7);
  EXPECT_EQ(group_split(groups, 0.3, 7).holdout, a.holdout);
  EXPECT_NE(group_split(groups, 0.3, 8).holdout, a.holdout);
  // The same groups in another order: the same groups are held out.
  std::vector<uint64_t> reversed(groups.rbegin(), groups.rend());
  std::set<uint64_t> held, held_reversed;
  for (size_t row : a.holdout) held.insert(groups[row]);
  for (size_t row : group_split(reversed, 0.3, 7).holdout) held_reversed.insert(reversed[row]);
  EXPECT_EQ(held, held_reversed);
}

TEST(GroupSplit, OneGroupCannotBeSplit) {
  std::vector<uint64_t> groups(10, 42);
  EXPECT_THROW(group_split(groups, 0.5, 1), ConfigError);
}

}  // namespace
}  // namespace mlops
