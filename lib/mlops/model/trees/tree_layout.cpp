#include "mlops/model/trees/tree_layout.h"

#include <bit>
#include <cmath>
#include <limits>

#include "mlops/core/error.h"

namespace mlops {

bool HeapForest::add(const SavedTree& tree) {
  const size_t size = tree.left.size();
  if (size == 0 || tree.right.size() != size || tree.feature.size() != size ||
      tree.condition.size() != size || tree.default_left.size() != size) {
    throw ModelError("a tree's node arrays are empty or of different lengths");
  }
  // One pass, parents first (XGBoost saves children after their parent): each node's depth
  // and heap position follow from its parent's.
  std::vector<uint32_t> depth(size, 0);
  std::vector<size_t> position(size, 0);
  position[0] = 1;
  uint32_t deepest = 0;
  for (size_t n = 0; n < size; ++n) {
    if (position[n] == 0) throw ModelError("tree node {} is not reachable from the root", n);
    deepest = std::max(deepest, depth[n]);
    if (depth[n] > kMaxDepth) return false;
    if (tree.left[n] < 0) continue;
    const size_t children[2] = {static_cast<size_t>(tree.left[n]),
                                static_cast<size_t>(tree.right[n])};
    for (size_t side = 0; side < 2; ++side) {
      const size_t child = children[side];
      if (tree.right[n] < 0 || child <= n || child >= size || position[child] != 0) {
        throw ModelError("tree node {} has a child out of range or out of order", n);
      }
      depth[child] = depth[n] + 1;
      position[child] = 2 * position[n] + (side == 0 ? 1 : 0);  // left at 2i + 1
    }
    if (tree.feature[n] >= num_features_) {
      throw ModelError("tree node {} splits on feature {} of {}", n, tree.feature[n],
                       num_features_);
    }
    if (!(tree.condition[n] > -std::numeric_limits<float>::infinity())) return false;
  }

  const size_t base = nodes_.size();
  nodes_.resize(base + (size_t{2} << deepest), HeapNode{0, 0});  // padding splits read slot 0
  HeapNode* heap = nodes_.data() + base;
  for (size_t n = 0; n < size; ++n) {
    if (tree.left[n] >= 0) {
      const size_t copy = tree.default_left[n] ? 0 : num_features_;
      const size_t slot = copy + tree.feature[n];
      heap[position[n]] = {static_cast<uint32_t>(slot * kGroupRows), order_key(tree.condition[n])};
      continue;
    }
    // A leaf fills the last-level entries of its subtree.
    const size_t span = size_t{1} << (deepest - depth[n]);
    for (size_t i = position[n] * span; i < (position[n] + 1) * span; ++i) {
      heap[i] = {0, std::bit_cast<uint32_t>(tree.condition[n])};
    }
  }
  offsets_.push_back(base);
  depths_.push_back(deepest);
  groups_.push_back(tree.group);
  return true;
}

void HeapForest::widen(const float* values, size_t rows, uint32_t* out) const {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const uint32_t lowest = order_key(-kInf), highest = order_key(kInf);
  const size_t width = num_features_;
  for (size_t first = 0; first < rows; first += kGroupRows) {
    uint32_t* group = out + first * row_width();
    for (size_t r = 0; r < kGroupRows; ++r) {
      const float* x = values + (first + r < rows ? first + r : first) * width;
      for (size_t f = 0; f < width; ++f) {
        const bool missing = std::isnan(x[f]);
        const uint32_t key = missing ? 0 : order_key(x[f]);
        group[f * kGroupRows + r] = missing ? lowest : key;
        group[(width + f) * kGroupRows + r] = missing ? highest : key;
      }
    }
  }
}

}  // namespace mlops
