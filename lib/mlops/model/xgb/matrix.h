#pragma once
// The numeric feature matrix handed to XGBoost: float32, row-major, NaN = missing.

#include <string>
#include <vector>

#include "mlops/core/table.h"

namespace mlops {

struct FeatureMatrix {
  std::vector<std::string> names;  // column order
  size_t rows = 0;
  std::vector<float> values;  // rows * names.size(), row-major; NaN for null
};

/// Gathers the named numeric columns (int64, float64, bool, timestamp) of `table`. Throws
/// DataError naming the column when one is missing or is a string column.
FeatureMatrix to_feature_matrix(const Table& table, const std::vector<std::string>& names);

}  // namespace mlops
