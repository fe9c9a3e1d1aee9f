#pragma once
// A view's rows indexed for point-in-time lookups: rows grouped by entity key, each group's
// event times in one sorted array, so "the latest row of this key at or before t" is one hash
// lookup and one binary search.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mlops/feature_store/view_rows.h"

namespace mlops {

/// The bytes identifying a composite key (each int64 as 8 bytes, each string length-prefixed),
/// so keys of different columns never collide. Appends to `out`.
void encode_key(const std::vector<const Column*>& keys, size_t row, std::string& out);

class ViewIndex {
 public:
  /// Indexes `rows` (as read_view_rows returns them: event-time order). `ttl_us` 0 = no limit.
  ViewIndex(ViewRows rows, int64_t ttl_us);

  /// The row of the view (an index into rows().table) for the entity key `key` (encode_key of
  /// the entity's key columns) at time `t`: the latest row with event time <= t and t - event
  /// time <= ttl; of rows with equal event times, the last written. nullopt when none
  /// qualifies (unknown key, every row later, or older than the ttl).
  std::optional<size_t> lookup(std::string_view key, int64_t t) const;

  const ViewRows& rows() const { return rows_; }
  int64_t ttl_us() const { return ttl_us_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const;
  };
  struct Range {
    uint32_t begin = 0, end = 0;
  };

  ViewRows rows_;
  int64_t ttl_us_ = 0;
  std::unordered_map<std::string, Range, Hash, std::equal_to<>> groups_;
  std::vector<int64_t> times_;   // event times, grouped by key, ascending within a group
  std::vector<uint32_t> order_;  // the view row of each entry of times_
};

}  // namespace mlops
