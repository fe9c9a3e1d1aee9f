#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "mlops/model/tree_walk.h"

namespace mlops {

namespace {

constexpr size_t kLanes = 8;                                // rows per vector
constexpr size_t kVectors = HeapForest::kGroupRows / kLanes;  // a group's rows

// Walks a group's rows from the root to the last level: per level and vector, one gather
// each for the split's slot, its threshold and the row's value, then i = 2i + 1 - (x < t).
// The vectors' gathers are independent, so one's latency hides behind the other's.
__attribute__((target("avx2"))) inline void walk_group(const HeapNode* tree, uint32_t depth,
                                                       const float* group, float* leaves) {
  const int* slots = reinterpret_cast<const int*>(tree);
  const float* values = reinterpret_cast<const float*>(tree) + 1;  // HeapNode::value
  const __m256i one = _mm256_set1_epi32(1);
  __m256i at[kVectors], lane[kVectors];
  for (size_t v = 0; v < kVectors; ++v) {
    at[v] = one;
    lane[v] = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                               _mm256_set1_epi32(static_cast<int>(v * kLanes)));
  }
  // The first four levels' 15 splits sit in registers, picked by a permute (which reads the
  // low three bits of the position: entries 1-7 for levels 0-2, 8-15 for level 3).
  const uint32_t top = depth >= 4 ? 4 : 0;
  __m256i top_slots[2], top_thresholds[2];
  for (size_t half = 0; half < 2 && top; ++half) {
    const __m256i entries = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i index = _mm256_add_epi32(entries, _mm256_set1_epi32(static_cast<int>(8 * half)));
    top_slots[half] = _mm256_i32gather_epi32(slots, index, sizeof(HeapNode));
    top_thresholds[half] = _mm256_i32gather_epi32(reinterpret_cast<const int*>(values), index,
                                                  sizeof(HeapNode));
  }
  for (uint32_t level = 0; level < depth; ++level) {
    for (size_t v = 0; v < kVectors; ++v) {
      __m256i slot;
      __m256 threshold;
      if (level < top) {
        const size_t half = level == 3;
        slot = _mm256_permutevar8x32_epi32(top_slots[half], at[v]);
        threshold = _mm256_castsi256_ps(_mm256_permutevar8x32_epi32(top_thresholds[half], at[v]));
      } else {
        slot = _mm256_i32gather_epi32(slots, at[v], sizeof(HeapNode));
        threshold = _mm256_i32gather_ps(values, at[v], sizeof(HeapNode));
      }
      const __m256 x = _mm256_i32gather_ps(group, _mm256_add_epi32(slot, lane[v]), 4);
      // All ones (-1) where the row goes left.
      const __m256i left = _mm256_castps_si256(_mm256_cmp_ps(x, threshold, _CMP_LT_OQ));
      at[v] = _mm256_add_epi32(_mm256_add_epi32(at[v], at[v]), _mm256_add_epi32(one, left));
    }
  }
  for (size_t v = 0; v < kVectors; ++v) {
    _mm256_storeu_ps(leaves + v * kLanes, _mm256_i32gather_ps(values, at[v], sizeof(HeapNode)));
  }
}

}  // namespace

__attribute__((target("avx2"))) void walk_forest_avx2(const HeapForest& forest,
                                                      const float* wide_rows, size_t rows,
                                                      size_t num_groups, float* out) {
  constexpr size_t kRows = HeapForest::kGroupRows;
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

bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }

}  // namespace mlops
