#include "mlops/features/column_stats.h"

#include <cmath>

namespace mlops {

std::vector<double> numeric_values(const Column& column, std::span<const size_t> rows) {
  std::vector<double> values;
  values.reserve(rows.size());
  for (size_t row : rows) {
    if (!column.is_null(row)) values.push_back(column.numeric_at(row));
  }
  return values;
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

double mean_of(const std::vector<double>& values) {
  if (values.empty()) return NAN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace mlops
