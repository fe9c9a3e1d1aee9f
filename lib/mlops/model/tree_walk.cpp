#include "mlops/model/tree_walk.h"

#include <algorithm>
#include <cstdint>

namespace mlops {

namespace {

constexpr size_t kRows = HeapForest::kGroupRows;

// Walks a group's rows from the root of `tree` to the last level, interleaved step by step.
// The positions unroll into registers, so the rows' chains of dependent loads run side by side.
inline void walk_group(const HeapNode* tree, uint32_t depth, const float* group, float* leaves) {
  uint32_t at[kRows];
#pragma GCC unroll 16
  for (size_t r = 0; r < kRows; ++r) at[r] = 1;
  for (uint32_t level = 0; level < depth; ++level) {
#pragma GCC unroll 16
    for (size_t r = 0; r < kRows; ++r) {
      const HeapNode node = tree[at[r]];
      at[r] = 2 * at[r] + (group[node.slot + r] < node.value ? 0 : 1);
    }
  }
#pragma GCC unroll 16
  for (size_t r = 0; r < kRows; ++r) leaves[r] = tree[at[r]].value;
}

}  // namespace

void walk_forest(const HeapForest& forest, const float* wide_rows, size_t rows, size_t num_groups,
                 float* out) {
  const size_t group_size = kRows * forest.row_width();
  float leaves[kRows];
  for (size_t t = 0; t < forest.num_trees(); ++t) {
    const HeapNode* tree = forest.tree(t);
    const uint32_t depth = forest.depth(t);
    float* sums = out + forest.group(t);
    for (size_t first = 0; first < rows; first += kRows) {
      walk_group(tree, depth, wide_rows + first / kRows * group_size, leaves);
      const size_t count = std::min(kRows, rows - first);
      for (size_t r = 0; r < count; ++r) sums[(first + r) * num_groups] += leaves[r];
    }
  }
}

}  // namespace mlops
