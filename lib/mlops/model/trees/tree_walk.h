#pragma once
// The loop that scores widened rows against a HeapForest: each tree's leaf added to its row's
// output in tree order, one float32 addition per tree as XGBoost does, so the sums have the
// same bits as XGBoost's.

#include <cstddef>
#include <cstdint>

#include "mlops/model/trees/tree_layout.h"

namespace mlops {

/// How a row steps down a level: on x86-64 by default a compare whose carry is added to the
/// doubled position (inline assembly); elsewhere, or when asked, the same in plain C++.
enum class WalkStep { kNative, kPortable };

/// Adds every tree's leaf for each of `rows` widened rows (HeapForest::widen's groups) to
/// out[row * num_groups + the tree's group]. A group's 16 rows walk each tree together, each
/// in its own register, so their chains of dependent loads overlap instead of waiting on each
/// other. Both steps give the same positions (tests compare them).
void walk_forest(const HeapForest& forest, const uint32_t* wide_rows, size_t rows,
                 size_t num_groups, float* out, WalkStep step = WalkStep::kNative);

}  // namespace mlops
