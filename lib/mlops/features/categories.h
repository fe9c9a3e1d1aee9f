#pragma once
// Categories of a column by their text, without a string per row: string columns are read in
// place, other types through one reused buffer.

#include <charconv>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// Hashes std::string and std::string_view alike, so maps keyed by string accept views.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
/// A map from text keys that looks up string views without building a string.
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

/// The text key a value of any type is categorized by (as CSV shows it).
std::string category_key(const Column& column, size_t row);

namespace features_detail {
template <typename RowAt, typename Fn>
void for_each_category(const Column& column, size_t count, RowAt row_at, Fn fn) {
  std::string buffer;
  for (size_t i = 0; i < count; ++i) {
    const size_t row = row_at(i);
    if (column.is_null(row)) continue;
    if (column.type() == DType::kString) {
      fn(row, column.string_at(row));
    } else if (column.type() == DType::kBool) {  // format_value's text, without a string
      fn(row, std::string_view(column.bool_at(row) ? "true" : "false"));
    } else if (column.type() == DType::kInt64) {
      char digits[24];
      const auto end = std::to_chars(digits, digits + sizeof digits, column.int_at(row)).ptr;
      fn(row, std::string_view(digits, static_cast<size_t>(end - digits)));
    } else {
      buffer = column.format_value(row);
      fn(row, std::string_view(buffer));
    }
  }
}
}  // namespace features_detail

/// Calls fn(row, key) for each non-null row; `key` is only valid during the call.
template <typename Fn>
void for_each_category(const Column& column, Fn fn) {
  features_detail::for_each_category(
      column, column.size(), [](size_t i) { return i; }, fn);
}
/// Calls fn(row, key) for each non-null row among `rows`.
template <typename Fn>
void for_each_category(const Column& column, std::span<const size_t> rows, Fn fn) {
  features_detail::for_each_category(
      column, rows.size(), [&](size_t i) { return rows[i]; }, fn);
}

/// Distinct non-null values among `rows` with their counts, by descending count, ties by value:
/// a stable order.
std::vector<std::pair<std::string, size_t>> count_categories(const Column& column,
                                                             std::span<const size_t> rows);

}  // namespace mlops
