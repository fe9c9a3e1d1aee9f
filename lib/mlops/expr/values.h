#pragma once
// The value of an expression node over a whole table: one typed vector per node, never one
// object per row. Nulls are in-band so the loops stay branch-light: NaN for numbers, 2 for
// booleans, INT64_MIN for timestamps, a null data pointer for strings.

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

/// The type of a node's values; kNull only for the `null` literal.
enum class ExprType : uint8_t { kNull, kNumber, kBool, kString, kTimestamp };

/// "null", "number", "bool", "string", "timestamp".
const char* expr_type_name(ExprType type);

/// The in-band nulls of bools and timestamps.
inline constexpr uint8_t kNullBool = 2;
inline constexpr int64_t kNullTime = std::numeric_limits<int64_t>::min();

/// A node's values: one vector of `type`, or a single constant value for every row.
struct ExprValues {
  ExprType type = ExprType::kNull;
  bool constant = true;   // one value (index 0) that holds for every row
  bool integral = false;  // numbers only: every value is a whole number (int64 or 3)
  std::vector<double> numbers;
  std::vector<uint8_t> bools;
  std::vector<int64_t> times;
  std::vector<std::string_view> strings;  // views into the table's columns or the expression

  /// Number of stored values: 1 when constant.
  size_t size() const;
  /// Index to read for `row`: 0 when constant.
  size_t index(size_t row) const { return constant ? 0 : row; }
  bool is_null(size_t row) const;
  /// The value as text, the way messages show it; "null" for null.
  std::string format(size_t row) const;
};

/// A constant null (type kNull).
ExprValues null_values();
/// Copies a column into values: int64 -> integral numbers, float64 -> numbers, bool, string
/// (views into `column`, which must outlive the values), timestamp.
ExprValues values_from_column(const Column& column);
/// The values as a column of `rows` rows (constants are repeated): numbers become float64, or
/// int64 when integral; NaN and infinities become null. A kNull constant becomes a float64
/// column of nulls.
Column values_to_column(const ExprValues& values, std::string name, size_t rows);

}  // namespace mlops
