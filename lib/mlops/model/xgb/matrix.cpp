#include "mlops/model/xgb/matrix.h"

#include "mlops/model/xgb/row_source.h"

namespace mlops {

FeatureMatrix to_feature_matrix(const Table& table, const std::vector<std::string>& names) {
  // TableRows owns the column checks and the float32 conversion; this is its one-batch form.
  return gather_all(TableRows(table, names));
}

}  // namespace mlops
