#include "mlops/model/trees/tree_layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/model/trees/tree_walk.h"
#include "synthetic.h"

namespace mlops {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

/// A tree written as XGBoost saves one; `add` a node with children or a leaf, parents first.
struct TreeBuilder {
  std::vector<int32_t> left, right;
  std::vector<uint32_t> feature;
  std::vector<float> condition;
  std::vector<uint8_t> default_left;
  uint32_t group = 0;

  void split(int32_t l, int32_t r, uint32_t f, float threshold, bool missing_left) {
    left.push_back(l);
    right.push_back(r);
    feature.push_back(f);
    condition.push_back(threshold);
    default_left.push_back(missing_left);
  }
  void leaf(float value) { split(-1, -1, 0, value, false); }
  SavedTree saved() const { return {left, right, feature, condition, default_left, group}; }
};

/// XGBoost's own rule, node by node: left when x < threshold, a missing value by its default.
float reference_leaf(const TreeBuilder& tree, const float* x) {
  int32_t at = 0;
  while (tree.left[at] >= 0) {
    const float v = x[tree.feature[at]];
    const bool left = std::isnan(v) ? tree.default_left[at] != 0 : v < tree.condition[at];
    at = left ? tree.left[at] : tree.right[at];
  }
  return tree.condition[at];
}

/// Scores rows of num_features() values through the heap layout and the walk, with the
/// native step and the portable one, which must agree to the bit.
std::vector<float> walk(const HeapForest& forest, const std::vector<float>& values,
                        size_t num_groups = 1) {
  const size_t rows = values.size() / forest.num_features();
  std::vector<uint32_t> wide(forest.widened_size(rows));
  forest.widen(values.data(), rows, wide.data());
  std::vector<float> native(rows * num_groups, 0.0f), portable = native;
  walk_forest(forest, wide.data(), rows, num_groups, native.data(), WalkStep::kNative);
  walk_forest(forest, wide.data(), rows, num_groups, portable.data(), WalkStep::kPortable);
  EXPECT_EQ(native, portable);
  return native;
}

/// Rows with values in [0, 1) and every fifth value missing.
std::vector<float> random_rows(size_t rows, size_t width, uint64_t seed) {
  testing::Uniform uniform(seed);
  std::vector<float> values(rows * width);
  for (size_t i = 0; i < values.size(); ++i) values[i] = i % 5 == 3 ? kNaN : uniform.next();
  return values;
}

TEST(HeapForest, DepthOneTreeRoutesValuesAndMissingOnesByTheDefault) {
  HeapForest forest(2);
  TreeBuilder missing_left;
  missing_left.split(1, 2, 1, 0.5f, true);
  missing_left.leaf(-1.0f);
  missing_left.leaf(2.0f);
  TreeBuilder missing_right = missing_left;
  missing_right.default_left[0] = false;
  ASSERT_TRUE(forest.add(missing_left.saved()));
  ASSERT_TRUE(forest.add(missing_right.saved()));
  EXPECT_EQ(forest.depth(0), 1u);
  // Below, at and above the threshold, -inf, +inf, then missing: tree 1 sends it left, tree 2
  // right, so the row's sum is -1 + 2.
  const std::vector<float> values = {0, 0.25f, 0, 0.5f, 0, 0.75f, 0, -kInf, 0, kInf, 0, kNaN};
  EXPECT_EQ(walk(forest, values), (std::vector<float>{-2.0f, 4.0f, 4.0f, -2.0f, 4.0f, 1.0f}));
}

TEST(HeapForest, SignedZeroesAreEqualOnBothSidesOfTheCompare) {
  HeapForest forest(1);
  for (const float threshold : {0.0f, -0.0f}) {
    TreeBuilder tree;
    tree.split(1, 2, 0, threshold, true);
    tree.leaf(1.0f);
    tree.leaf(10.0f);
    ASSERT_TRUE(forest.add(tree.saved()));
  }
  const float denormal = std::numeric_limits<float>::denorm_min();
  // -0 and +0 are not below either threshold; -denormal is below both.
  EXPECT_EQ(walk(forest, {-0.0f, 0.0f, -denormal, denormal}),
            (std::vector<float>{20.0f, 20.0f, 2.0f, 20.0f}));
}

TEST(HeapForest, SingleLeafTreeTakesNoStep) {
  HeapForest forest(1);
  TreeBuilder tree;
  tree.leaf(0.125f);
  ASSERT_TRUE(forest.add(tree.saved()));
  EXPECT_EQ(forest.depth(0), 0u);
  EXPECT_EQ(walk(forest, {kNaN, 3.0f, -1.0f}), (std::vector<float>{0.125f, 0.125f, 0.125f}));
}

TEST(HeapForest, UnbalancedTreeMatchesANodeByNodeWalk) {
  // A leaf at depth 1 on the left; on the right a chain to depth 5 whose leaves hang on both
  // sides; missing values default to alternating sides.
  TreeBuilder tree;
  tree.split(1, 2, 0, 0.3f, true);   // 0
  tree.leaf(1.0f);                   // 1
  tree.split(3, 4, 1, 0.6f, false);  // 2
  tree.leaf(2.0f);                   // 3
  tree.split(5, 6, 2, 0.2f, true);   // 4
  tree.split(7, 8, 0, 0.8f, false);  // 5
  tree.leaf(3.0f);                   // 6
  tree.leaf(4.0f);                   // 7
  tree.split(9, 10, 1, 0.9f, true);  // 8
  tree.leaf(5.0f);                   // 9
  tree.leaf(6.0f);                   // 10
  HeapForest forest(3);
  ASSERT_TRUE(forest.add(tree.saved()));
  EXPECT_EQ(forest.depth(0), 5u);
  // 301 rows: many whole groups of 16 and a partial one.
  const std::vector<float> values = random_rows(301, 3, 7);
  const std::vector<float> leaves = walk(forest, values);
  std::vector<int> seen(7, 0);
  for (size_t r = 0; r < 301; ++r) {
    const float expected = reference_leaf(tree, values.data() + r * 3);
    ASSERT_EQ(leaves[r], expected) << "row " << r;
    ++seen[static_cast<int>(expected)];
  }
  for (int leaf = 1; leaf <= 6; ++leaf) EXPECT_GT(seen[leaf], 0) << "leaf " << leaf;
}

TEST(HeapForest, TreesAddToTheirGroupInTreeOrder) {
  // Three classes, two rounds: trees 0-2 then 3-5, each adding to its own class.
  HeapForest forest(2);
  std::vector<TreeBuilder> trees(6);
  for (uint32_t t = 0; t < 6; ++t) {
    trees[t].split(1, 2, t % 2, 0.1f * static_cast<float>(t + 2), t % 3 == 0);
    trees[t].leaf(static_cast<float>(t) + 0.5f);
    trees[t].leaf(-static_cast<float>(t) * 0.25f);
    trees[t].group = t % 3;
    ASSERT_TRUE(forest.add(trees[t].saved()));
  }
  const std::vector<float> values = random_rows(37, 2, 11);
  const std::vector<float> sums = walk(forest, values, 3);
  for (size_t r = 0; r < 37; ++r) {
    for (uint32_t g = 0; g < 3; ++g) {
      float expected = 0;
      for (uint32_t t = g; t < 6; t += 3) expected += reference_leaf(trees[t], &values[r * 2]);
      EXPECT_EQ(sums[r * 3 + g], expected) << "row " << r << " class " << g;
    }
  }
}

/// A chain: every split's right child splits again, `depth` levels deep.
TreeBuilder chain(uint32_t depth) {
  TreeBuilder tree;
  for (uint32_t level = 0; level < depth; ++level) {
    const int32_t n = static_cast<int32_t>(tree.left.size());
    tree.split(n + 1, n + 2, 0, static_cast<float>(level), false);
    tree.leaf(static_cast<float>(level));
  }
  tree.leaf(-1.0f);
  return tree;
}

TEST(HeapForest, LeavesTreesDeeperThanItsLimitOut) {
  HeapForest forest(1);
  EXPECT_TRUE(forest.add(chain(HeapForest::kMaxDepth).saved()));
  EXPECT_FALSE(forest.add(chain(HeapForest::kMaxDepth + 1).saved()));
  EXPECT_EQ(forest.num_trees(), 1u);
  // x = 5.5 passes the splits at 0..5 to the right and goes left at the split at 6.
  EXPECT_EQ(walk(forest, {5.5f}), (std::vector<float>{6.0f}));
  EXPECT_EQ(walk(forest, {100.0f, kNaN}), (std::vector<float>{-1.0f, -1.0f}));
}

TEST(HeapForest, LeavesOutThresholdsAMissingValueCannotBeRoutedBy) {
  HeapForest forest(1);
  for (const float threshold : {-kInf, kNaN}) {
    TreeBuilder tree;
    tree.split(1, 2, 0, threshold, true);
    tree.leaf(1.0f);
    tree.leaf(2.0f);
    EXPECT_FALSE(forest.add(tree.saved()));
  }
  EXPECT_EQ(forest.num_trees(), 0u);
}

TEST(HeapForest, RejectsMalformedTrees) {
  HeapForest forest(2);
  TreeBuilder out_of_range;
  out_of_range.split(1, 5, 0, 0.5f, true);
  out_of_range.leaf(1.0f);
  EXPECT_THROW(forest.add(out_of_range.saved()), ModelError);

  TreeBuilder child_first;
  child_first.leaf(1.0f);
  child_first.split(0, 2, 0, 0.5f, true);
  child_first.leaf(2.0f);
  EXPECT_THROW(forest.add(child_first.saved()), ModelError);  // node 1 is unreachable

  TreeBuilder bad_feature;
  bad_feature.split(1, 2, 2, 0.5f, true);
  bad_feature.leaf(1.0f);
  bad_feature.leaf(2.0f);
  try {
    forest.add(bad_feature.saved());
    FAIL() << "no error";
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(), "tree node 0 splits on feature 2 of 2");
  }
  EXPECT_EQ(forest.num_trees(), 0u);
}

TEST(HeapForest, WidensRowsIntoValueMajorGroupsWithMissingAsInfinities) {
  HeapForest forest(2);
  const std::vector<float> values = {1, kNaN, 3, 4, 5, 6};  // 3 rows
  std::vector<uint32_t> wide(forest.widened_size(3));
  ASSERT_EQ(wide.size(), HeapForest::kGroupRows * 4);
  forest.widen(values.data(), 3, wide.data());
  const size_t g = HeapForest::kGroupRows;
  // Slot 0: feature 0, missing as -inf; slot 1: feature 1; slots 2-3 the same, missing as +inf.
  EXPECT_EQ(wide[0 * g + 0], order_key(1.0f));
  EXPECT_EQ(wide[1 * g + 0], order_key(-kInf));
  EXPECT_EQ(wide[3 * g + 0], order_key(kInf));
  EXPECT_EQ(wide[2 * g + 1], order_key(3.0f));
  EXPECT_EQ(wide[3 * g + 2], order_key(6.0f));
  // The padding rows repeat the group's first row.
  EXPECT_EQ(wide[0 * g + 15], order_key(1.0f));
  EXPECT_EQ(wide[3 * g + 15], order_key(kInf));
}

TEST(HeapForest, OrderKeysSortAsTheFloatsDo) {
  const float denormal = std::numeric_limits<float>::denorm_min();
  const std::vector<float> sorted = {-kInf,    -3e38f, -1.5f, -denormal, 0.0f,
                                     denormal, 1e-30f, 1.0f,  3e38f,     kInf};
  for (size_t i = 0; i < sorted.size(); ++i) {
    for (size_t j = 0; j < sorted.size(); ++j) {
      EXPECT_EQ(order_key(sorted[i]) < order_key(sorted[j]), i < j)
          << sorted[i] << " " << sorted[j];
    }
  }
  EXPECT_EQ(order_key(-0.0f), order_key(0.0f));  // -0 < +0 is false for floats too
}

}  // namespace
}  // namespace mlops
