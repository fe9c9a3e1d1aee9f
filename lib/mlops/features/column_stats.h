#pragma once
// Statistics transforms learn from the training rows of a numeric column, and the per-value map
// they apply.

#include <cmath>
#include <span>
#include <vector>

#include "mlops/core/numeric_values.h"
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
  visit_numeric(input, [&](auto values) {
    for (size_t row = 0; row < input.size(); ++row) {
      const double mapped = input.is_null(row) ? NAN : fn(static_cast<double>(values[row]));
      if (std::isnan(mapped)) {
        out.push_null();
      } else {
        out.push_float(mapped);
      }
    }
  });
  return out;
}

/// map_to_float for a costly pure `fn` (log1p), each distinct value computed once (ValueMemo);
/// the results are fn's own, bit for bit.
template <typename Fn>
Column map_to_float_memo(const Column& input, Fn fn) {
  ValueMemo<double> memo;
  return map_to_float(input, [&](double x) { return memo.get(x, fn); });
}

}  // namespace mlops
