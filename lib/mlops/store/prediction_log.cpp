#include "mlops/store/prediction_log.h"

#include <cmath>
#include <limits>

#include "mlops/core/hash.h"

namespace mlops {

std::string row_key(const Table& table, const std::vector<std::string>& id_columns, size_t row) {
  std::string key;
  for (size_t i = 0; i < id_columns.size(); ++i) {
    if (i > 0) key += '|';
    const Column& column = table.column(id_columns[i]);
    if (!column.is_null(row)) key += column.format_value(row);
  }
  return key;
}

std::vector<LoggedPrediction> prediction_log_rows(const Table& predictions, const Table& features,
                                                  const std::vector<std::string>& feature_names,
                                                  const std::vector<std::string>& id_columns) {
  const size_t rows = predictions.num_rows();
  std::vector<LoggedPrediction> log(rows);
  const Column& prediction = predictions.column("prediction");
  const Column* probability = predictions.find("probability");
  std::vector<const Column*> class_probabilities;
  for (const auto& name : predictions.column_names()) {
    if (name.rfind("probability_", 0) == 0)
      class_probabilities.push_back(&predictions.column(name));
  }
  std::vector<const Column*> feature_columns;
  for (const auto& name : feature_names) feature_columns.push_back(&features.column(name));

  std::vector<double> values(feature_columns.size());
  for (size_t row = 0; row < rows; ++row) {
    LoggedPrediction& entry = log[row];
    entry.row_key = row_key(predictions, id_columns, row);
    entry.prediction = prediction.is_null(row) ? std::string() : prediction.format_value(row);
    if (probability) {
      entry.score = probability->float_at(row);
    } else if (prediction.type() == DType::kFloat64) {
      entry.score = prediction.float_at(row);
    } else {
      entry.score = std::numeric_limits<double>::quiet_NaN();
    }
    for (const Column* column : class_probabilities) {
      entry.probabilities.push_back(static_cast<float>(column->float_at(row)));
    }
    // Nulls hash as NaN, exactly as the model saw them.
    for (size_t c = 0; c < feature_columns.size(); ++c) {
      const Column& column = *feature_columns[c];
      values[c] =
          column.is_null(row) ? std::numeric_limits<double>::quiet_NaN() : column.numeric_at(row);
    }
    entry.features_hash = hash64(std::string_view(reinterpret_cast<const char*>(values.data()),
                                                  values.size() * sizeof(double)));
  }
  return log;
}

}  // namespace mlops
