#pragma once
// XGBoost trees laid out for scoring without child pointers: each tree padded to a complete
// binary tree of its depth and stored as a heap (the root is entry 1; the right child of entry
// i is 2i, the left one 2i + 1). A row takes exactly `depth` steps, `i = 2i + (x < threshold)`,
// and ends on the last level, where the entries hold the leaf values. A leaf above the last
// level is copied to every last-level entry below it, so the splits under it may go either way.
//
// Values and thresholds are compared as order keys: 32-bit integers that sort as the floats
// do (-0 taken as +0), so a step compiles to an integer compare whose carry is added to 2i.
// Missing values need no test on the way: a row is widened to two copies of its features,
// NaN as -inf in the first (every threshold sends it left) and as +inf in the second (right).
// A split reads the copy of its default direction; a present value reads the same in both.
// Widened rows are stored in groups of 16, value-major (the 16 rows' keys of one slot side
// by side), so the rows of a group walking together share one base address and a split's
// slot is a fixed offset from it.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mlops {

/// One heap entry: a split (`slot`: where its key of the first row lies in a group of widened
/// rows; `value`: the threshold's order key, the row goes left when its key is below it) or,
/// on the last level, a leaf (`value`: the bits of its float output).
struct HeapNode {
  uint32_t slot;
  uint32_t value;
};

/// The order key of a float that is not NaN: a < b exactly when order_key(a) < order_key(b).
inline uint32_t order_key(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x + 0.0f);  // -0 + 0 is +0
  return bits & 0x80000000u ? ~bits : bits | 0x80000000u;
}

/// One XGBoost tree as saved: parallel arrays indexed by node id, children after parents,
/// a negative left child for a leaf (its split condition then holds the leaf value).
struct SavedTree {
  std::span<const int32_t> left;
  std::span<const int32_t> right;
  std::span<const uint32_t> feature;
  std::span<const float> condition;
  std::span<const uint8_t> default_left;
  uint32_t group = 0;  // output group (class) the tree adds to
};

/// Every tree of an ensemble as heaps, in tree order.
class HeapForest {
 public:
  /// Deeper trees are not laid out: 2^13 entries (64 KB) per tree at this depth already.
  static constexpr uint32_t kMaxDepth = 12;
  /// Rows per group of widened rows.
  static constexpr size_t kGroupRows = 16;

  explicit HeapForest(size_t num_features) : num_features_(num_features) {}

  /// Appends `tree`. Returns false (and appends nothing) for a tree deeper than kMaxDepth or
  /// with a threshold that is NaN or -inf, whose missing values the widened row cannot route.
  /// Throws ModelError for a tree that is malformed (a child or feature out of range, a child
  /// before its parent).
  bool add(const SavedTree& tree);

  size_t num_trees() const { return offsets_.size(); }
  size_t num_features() const { return num_features_; }
  /// Values per widened row: the NaN-left copy of every feature, then the NaN-right copy.
  size_t row_width() const { return 2 * num_features_; }
  /// Keys that `rows` widened rows take: whole groups.
  size_t widened_size(size_t rows) const {
    return (rows + kGroupRows - 1) / kGroupRows * kGroupRows * row_width();
  }
  const HeapNode* tree(size_t t) const { return nodes_.data() + offsets_[t]; }
  uint32_t depth(size_t t) const { return depths_[t]; }
  uint32_t group(size_t t) const { return groups_[t]; }

  /// Writes `rows` rows of num_features() floats (NaN for missing) as groups of widened rows
  /// to `out` (widened_size(rows) keys). The last group is padded with copies of its first
  /// row, so a walk may score a whole group.
  void widen(const float* values, size_t rows, uint32_t* out) const;

 private:
  size_t num_features_;
  std::vector<HeapNode> nodes_;   // tree t: 2^(depth + 1) entries from offsets_[t]; entry 0 unused
  std::vector<size_t> offsets_;   // first entry of each tree
  std::vector<uint32_t> depths_;  // levels of each tree: the steps from the root to a leaf
  std::vector<uint32_t> groups_;  // output group of each tree
};

}  // namespace mlops
