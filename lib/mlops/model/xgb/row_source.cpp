#include "mlops/model/xgb/row_source.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mlops/core/error.h"
#include "mlops/core/suggest.h"

namespace mlops {

TableRows::TableRows(const Table& table, std::vector<std::string> names,
                     std::span<const size_t> selection, bool all_rows)
    : names_(std::move(names)),
      selection_(selection),
      all_rows_(all_rows),
      table_rows_(table.num_rows()) {
  for (const auto& name : names_) {
    const Column* column = table.find(name);
    if (!column) {
      throw DataError("no feature column '{}'{}", name, did_you_mean(name, table.column_names()));
    }
    if (!column->is_numeric()) {
      throw DataError(
          "feature column '{}' is a string column; encode it in featurize.transforms or "
          "list it in featurize.drop",
          name);
    }
    columns_.push_back(column);
  }
}

size_t TableRows::rows() const {
  return all_rows_ ? table_rows_ : selection_.size();
}

void TableRows::fill(size_t begin, size_t end, std::vector<float>& out) const {
  const size_t width = columns_.size();
  out.resize((end - begin) * width);
  constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
  // Column by column: each column's buffer is read sequentially (or by the selection).
  for (size_t c = 0; c < width; ++c) {
    const Column& column = *columns_[c];
    float* target = out.data() + c;
    for (size_t i = begin; i < end; ++i, target += width) {
      const size_t row = all_rows_ ? i : selection_[i];
      if (column.is_null(row)) {
        *target = kMissing;
      } else if (column.type() == DType::kFloat64) {
        *target = static_cast<float>(column.float_at(row));
        // XGBoost rejects infinities without saying where; say it here.
        if (!std::isfinite(*target)) {
          throw DataError("feature column '{}' row {}: value {} does not fit a float32 feature",
                          column.name(), row + 1, column.float_at(row));
        }
      } else {
        *target = static_cast<float>(column.int_at(row));
      }
    }
  }
}

void MatrixRows::fill(size_t begin, size_t end, std::vector<float>& out) const {
  const size_t width = matrix_.names.size();
  out.resize((end - begin) * width);
  for (size_t i = begin; i < end; ++i) {
    const size_t row = all_rows_ ? i : selection_[i];
    std::copy_n(matrix_.values.begin() + static_cast<std::ptrdiff_t>(row * width), width,
                out.begin() + static_cast<std::ptrdiff_t>((i - begin) * width));
  }
}

FeatureMatrix gather_rows(const RowSource& rows, std::span<const size_t> selection) {
  const size_t width = rows.cols();
  FeatureMatrix out{rows.names(), selection.size(), {}};
  out.values.reserve(selection.size() * width);
  std::vector<float> run;
  for (size_t i = 0; i < selection.size();) {
    size_t end = i + 1;
    while (end < selection.size() && selection[end] == selection[end - 1] + 1) ++end;
    rows.fill(selection[i], selection[end - 1] + 1, run);
    out.values.insert(out.values.end(), run.begin(), run.end());
    i = end;
  }
  return out;
}

FeatureMatrix gather_all(const RowSource& rows) {
  FeatureMatrix out{rows.names(), rows.rows(), {}};
  rows.fill(0, rows.rows(), out.values);
  return out;
}

}  // namespace mlops
