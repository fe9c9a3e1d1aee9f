#pragma once
// Statistics transforms learn from the training rows of a numeric column, and the per-value map
// they apply.

#include <cmath>
#include <span>
#include <vector>

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
  for (size_t row = 0; row < input.size(); ++row) {
    if (input.is_null(row)) {
      out.push_null();
      continue;
    }
    const double mapped = fn(input.numeric_at(row));
    if (std::isnan(mapped)) {
      out.push_null();
    } else {
      out.push_float(mapped);
    }
  }
  return out;
}

}  // namespace mlops
