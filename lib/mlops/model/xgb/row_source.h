#pragma once
// Feature rows handed to XGBoost a batch at a time, so neither training nor scoring needs the
// whole table as one row-major float copy: a batch of rows is converted, used, and reused.

#include <span>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/model/xgb/matrix.h"

namespace mlops {

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual size_t rows() const = 0;
  virtual const std::vector<std::string>& names() const = 0;
  size_t cols() const { return names().size(); }
  /// Writes rows [begin, end) as float32 row-major into `out` (resized), NaN for missing.
  virtual void fill(size_t begin, size_t end, std::vector<float>& out) const = 0;
};

/// Named numeric columns of a table, optionally only the selected rows (in that order).
/// Throws DataError for a missing or string column, and from fill() for a value that does not
/// fit a float32 feature.
class TableRows : public RowSource {
 public:
  TableRows(const Table& table, std::vector<std::string> names,
            std::span<const size_t> selection = {}, bool all_rows = true);
  /// Only `selection`'s rows.
  static TableRows select(const Table& table, std::vector<std::string> names,
                          std::span<const size_t> selection) {
    return TableRows(table, std::move(names), selection, false);
  }
  size_t rows() const override;
  const std::vector<std::string>& names() const override { return names_; }
  void fill(size_t begin, size_t end, std::vector<float>& out) const override;

 private:
  std::vector<const Column*> columns_;
  std::vector<std::string> names_;
  std::span<const size_t> selection_;
  bool all_rows_;
  size_t table_rows_;
};

/// Rows of a FeatureMatrix, optionally only the selected ones.
class MatrixRows : public RowSource {
 public:
  MatrixRows(const FeatureMatrix& matrix, std::span<const size_t> selection = {},
             bool all_rows = true)
      : matrix_(matrix), selection_(selection), all_rows_(all_rows) {}
  size_t rows() const override { return all_rows_ ? matrix_.rows : selection_.size(); }
  const std::vector<std::string>& names() const override { return matrix_.names; }
  void fill(size_t begin, size_t end, std::vector<float>& out) const override;

 private:
  const FeatureMatrix& matrix_;
  std::span<const size_t> selection_;
  bool all_rows_;
};

/// The `selection` rows (ascending indices into `rows`) as one matrix; runs of consecutive
/// rows are filled together.
FeatureMatrix gather_rows(const RowSource& rows, std::span<const size_t> selection);

/// Every row of `rows` as one matrix.
FeatureMatrix gather_all(const RowSource& rows);

}  // namespace mlops
