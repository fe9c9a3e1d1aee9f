#pragma once
// What the evaluation store keeps of one scored batch: a key per row from the id columns, a hash
// of the features the model saw, and the prediction in the layout the metrics read.

#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/store/evaluation_store.h"

namespace mlops {

/// The row key: the id columns' values as text, joined by '|' ("" for a null value). The same
/// function keys labels in `mlops evaluate`, so both sides agree.
std::string row_key(const Table& table, const std::vector<std::string>& id_columns, size_t row);

/// One entry per row of `predictions` (score_table's output), hashing `features` (the
/// transformed features, in `feature_names` order) row by row. Throws DataError naming a
/// missing id column.
std::vector<LoggedPrediction> prediction_log_rows(const Table& predictions, const Table& features,
                                                  const std::vector<std::string>& feature_names,
                                                  const std::vector<std::string>& id_columns);

}  // namespace mlops
