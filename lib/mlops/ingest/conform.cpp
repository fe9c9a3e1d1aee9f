#include "mlops/ingest/conform.h"

#include <fmt/format.h>

#include <algorithm>

#include "mlops/ingest/column_convert.h"

namespace mlops {

Conformed conform_batch(Table& batch, CleanTableState& state, bool skip_null_columns) {
  Conformed out;
  const size_t rows = batch.num_rows();
  std::vector<uint8_t> bad(rows, 0);
  std::vector<size_t> kept_columns;  // batch column indices that go to the part
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Column& column = batch.columns()[c];
    const bool has_values = column.null_count() < column.size();
    CleanField* field = state.find(column.name());
    if (!field) {
      if (!has_values && skip_null_columns) continue;
      state.fields.push_back({column.name(), column.type(), has_values});
      out.added.push_back(fmt::format("{} ({})", column.name(), dtype_name(column.type())));
      kept_columns.push_back(c);
      continue;
    }
    kept_columns.push_back(c);
    if (!has_values) continue;  // nulls fit any type
    if (!field->has_values) {   // only nulls so far: the first values decide
      field->type = column.type();
      field->has_values = true;
      continue;
    }
    if (field->type == DType::kInt64 && column.type() == DType::kFloat64) {
      field->type = DType::kFloat64;
      out.widened.push_back(column.name());
      continue;
    }
    for (size_t row = 0; row < rows; ++row) {
      if (bad[row]) continue;
      if (auto problem = convert_problem(column, row, field->type)) {
        bad[row] = 1;
        out.rejected.push_back({row, column.name(), column.format_value(row),
                                fmt::format("column '{}': {}", column.name(), *problem)});
      }
    }
  }
  std::sort(out.rejected.begin(), out.rejected.end(),
            [](const Rejection& a, const Rejection& b) { return a.row < b.row; });
  std::vector<size_t> good_rows;
  if (!out.rejected.empty()) {
    for (size_t row = 0; row < rows; ++row) {
      if (!bad[row]) good_rows.push_back(row);
    }
  }
  const std::vector<std::string> names = batch.column_names();
  for (size_t c : kept_columns) {
    const std::string& name = names[c];
    const DType type = state.find(name)->type;
    if (batch.column(name).type() == type) {
      // The usual case: every row kept, so the column is handed over whole; with rejections
      // the good rows' values are taken buffer by buffer, never value by value.
      out.rows.add_column(out.rejected.empty() ? batch.release_column(name)
                                               : batch.column(name).take(good_rows));
      continue;
    }
    const Column& column = batch.column(name);
    Column typed(column.name(), type);
    typed.reserve(rows - out.rejected.size());
    for (size_t row = 0; row < rows; ++row) {
      if (!bad[row]) push_converted(typed, column, row);
    }
    out.rows.add_column(std::move(typed));
  }
  return out;
}

}  // namespace mlops
