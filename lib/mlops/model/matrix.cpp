#include "mlops/model/matrix.h"

#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {

namespace {

const Column& feature_column(const Table& table, const std::string& name) {
  const Column* column = table.find(name);
  if (!column) {
    throw DataError("no feature column '{}'{}", name, did_you_mean(name, table.column_names()));
  }
  if (!column->is_numeric()) {
    throw DataError(
        "feature column '{}' is a string column; encode it in featurize.transforms or list it in "
        "featurize.drop",
        name);
  }
  return *column;
}

}  // namespace

FeatureMatrix to_feature_matrix(const Table& table, const std::vector<std::string>& names) {
  FeatureMatrix matrix;
  matrix.names = names;
  matrix.rows = table.num_rows();
  matrix.values.resize(matrix.rows * names.size());
  const size_t stride = names.size();
  for (size_t j = 0; j < names.size(); ++j) {
    const Column& column = feature_column(table, names[j]);
    for (size_t row = 0; row < matrix.rows; ++row) {
      double value = column.numeric_at(row);  // NaN for null: XGBoost's "missing"
      // XGBoost rejects infinities, and doubles beyond float range would become them; say
      // which column and row instead of letting XGBoost fail without either.
      if (std::isinf(value) || std::fabs(value) > std::numeric_limits<float>::max()) {
        throw DataError("feature column '{}' row {}: value {} does not fit a float32 feature",
                        names[j], row + 1, value);
      }
      matrix.values[row * stride + j] = static_cast<float>(value);
    }
  }
  return matrix;
}

}  // namespace mlops
