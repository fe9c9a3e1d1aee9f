#pragma once
// Statistics transforms learn from the training rows of a numeric column, and the per-value map
// they apply.

#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/table.h"

namespace mlops {

/// The non-null values among `rows`, as doubles.
std::vector<double> numeric_values(const Column& column, std::span<const size_t> rows);
/// The q-quantile (0..1) of sorted values with linear interpolation, as numpy's default; NaN
/// when empty.
double quantile_of_sorted(const std::vector<double>& sorted, double q);
/// Arithmetic mean; NaN when empty.
double mean_of(const std::vector<double>& values);

/// Applies fn to every non-null value of a numeric column, giving a float64 column of the same
/// name; NaN results become null.
template <typename Fn>
Column map_to_float(const Column& input, Fn fn) {
  Column out(input.name(), DType::kFloat64);
  out.reserve(input.size());
  auto map = [&](auto values) {  // the column's type decided once, not per row
    for (size_t row = 0; row < input.size(); ++row) {
      const double mapped = input.is_null(row) ? NAN : fn(static_cast<double>(values[row]));
      if (std::isnan(mapped)) {
        out.push_null();
      } else {
        out.push_float(mapped);
      }
    }
  };
  if (input.type() == DType::kString) {
    throw InternalError("map_to_float on string column '{}'", input.name());
  }
  if (input.type() == DType::kFloat64) {
    map(input.floats());
  } else {
    map(input.ints());  // int64, bool, timestamp
  }
  return out;
}

/// map_to_float for a costly pure `fn` (log1p): features repeat their values (distances,
/// counts), so each value's result is kept in a direct-mapped cache keyed by its bits; the
/// results are fn's own, bit for bit.
template <typename Fn>
Column map_to_float_memo(const Column& input, Fn fn) {
  struct Entry {
    uint64_t bits = 0;
    double value = 0;
    bool used = false;
  };
  std::vector<Entry> cache(4096);
  return map_to_float(input, [&](double x) {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    Entry& entry = cache[(bits * 0x9E3779B97F4A7C15ULL) >> 52];
    if (!entry.used || entry.bits != bits) entry = {bits, fn(x), true};
    return entry.value;
  });
}

}  // namespace mlops
