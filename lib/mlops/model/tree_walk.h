#pragma once
// The loops that score widened rows against a HeapForest. Both add each tree's leaf to its
// row's output in tree order, one float32 addition per tree as XGBoost does, so they return
// the same bits; the AVX2 one walks 8 rows per vector and needs a CPU that has AVX2.

#include <cstddef>

#include "mlops/model/tree_layout.h"

namespace mlops {

/// Adds every tree's leaf for each of `rows` widened rows (forest.row_width() floats each) to
/// out[row * num_groups + the tree's group]. Several rows walk each tree together, each in
/// its own registers, so their loads overlap instead of waiting on each other.
void walk_forest_scalar(const HeapForest& forest, const float* wide_rows, size_t rows,
                        size_t num_groups, float* out);

/// The same sums with AVX2 gathers, 8 rows per vector. Call only when cpu_has_avx2().
void walk_forest_avx2(const HeapForest& forest, const float* wide_rows, size_t rows,
                      size_t num_groups, float* out);

/// Whether this CPU runs walk_forest_avx2.
bool cpu_has_avx2();

}  // namespace mlops
