#pragma once
// Building small tables and fitted transforms for the transform tests.

#include <memory>
#include <string>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"
#include "mlops/features/transform.h"

namespace mlops::testing {

/// A column from texts; nullptr is null. Timestamps as "YYYY-MM-DD HH:MM:SS".
inline Column make_column(const std::string& name, DType type,
                          const std::vector<const char*>& values) {
  Column column(name, type);
  for (const char* value : values) {
    if (!value) {
      column.push_null();
      continue;
    }
    switch (type) {
      case DType::kInt64: column.push_int(*parse_int64(value)); break;
      case DType::kFloat64: column.push_float(*parse_double(value)); break;
      case DType::kBool: column.push_bool(*parse_bool(value)); break;
      case DType::kString: column.push_string(value); break;
      case DType::kTimestamp: column.push_int(*parse_timestamp(value)); break;
    }
  }
  return column;
}

inline Table make_table(std::vector<Column> columns) {
  Table table;
  for (auto& column : columns) table.add_column(std::move(column));
  return table;
}

/// Each value as text, "null" for null.
inline std::vector<std::string> texts(const Column& column) {
  std::vector<std::string> out;
  for (size_t row = 0; row < column.size(); ++row) {
    out.push_back(column.is_null(row) ? "null" : column.format_value(row));
  }
  return out;
}

using Texts = std::vector<std::string>;

inline std::unique_ptr<Transform> make(const std::string& yaml) {
  return make_transform(parse_yaml(yaml, "workflow.yaml"));
}

/// The transform fitted on every row of `training` (with an optional encoded label).
inline std::unique_ptr<Transform> fitted(const std::string& yaml, const Table& training,
                                         const std::vector<float>& label = {},
                                         bool categorical = false,
                                         const std::vector<std::string>& classes = {}) {
  auto transform = make(yaml);
  std::vector<size_t> rows(training.num_rows());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  FitContext context{rows, label, categorical, classes};
  transform->fit(training, context);
  return transform;
}

inline Table applied(const Transform& transform, Table table) {
  transform.apply(table);
  return table;
}

/// The message of the mlops::Error `fn` throws, or "no error".
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace mlops::testing
