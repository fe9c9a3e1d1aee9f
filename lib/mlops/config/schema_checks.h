#pragma once
// Value checks that go beyond a key's type (ranges), declared next to the key table in
// schema_keys.cpp; KeyDecl itself is part of the public contract and has no room for them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::config_detail {

struct RangeCheck {
  std::string path;
  double min;
  double max;
  bool exclusive;    // min and max themselves are out of range
  std::string rule;  // "must be between 0 and 1 (exclusive)"
};

/// Every range check, keyed by dotted path.
const std::vector<RangeCheck>& range_checks();

/// The check for `path`, if any.
const RangeCheck* find_range_check(std::string_view path);

}  // namespace mlops::config_detail
