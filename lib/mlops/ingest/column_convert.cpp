#include "mlops/ingest/column_convert.h"

#include <fmt/format.h>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"

namespace mlops {
namespace {

// Same type, int64 -> float64, and anything -> string need no parsing.
bool direct(DType from, DType to) {
  return from == to || to == DType::kString || (from == DType::kInt64 && to == DType::kFloat64);
}

}  // namespace

std::optional<std::string> convert_problem(const Column& column, size_t row, DType target) {
  if (column.is_null(row) || direct(column.type(), target)) return std::nullopt;
  const std::string text = column.format_value(row);
  if (text_parses_as(target, text)) return std::nullopt;
  return fmt::format("value '{}' ({}) does not fit the clean column's type {}", text,
                     dtype_name(column.type()), dtype_name(target));
}

void push_converted(Column& out, const Column& column, size_t row) {
  if (column.is_null(row)) {
    out.push_null();
    return;
  }
  const DType from = column.type();
  if (from == out.type()) {
    switch (from) {
      case DType::kFloat64: out.push_float(column.float_at(row)); return;
      case DType::kString: out.push_string(column.string_at(row)); return;
      default: out.push_int(column.int_at(row)); return;  // int64, bool, timestamp
    }
  }
  if (out.type() == DType::kString) {
    out.push_string(column.format_value(row));
    return;
  }
  if (from == DType::kInt64 && out.type() == DType::kFloat64) {
    out.push_float(static_cast<double>(column.int_at(row)));
    return;
  }
  const std::string text = column.format_value(row);
  switch (out.type()) {
    case DType::kInt64:
      if (auto value = parse_int64(text)) return out.push_int(*value);
      break;
    case DType::kFloat64:
      if (auto value = parse_double(text)) return out.push_float(*value);
      break;
    case DType::kBool:
      if (auto value = parse_bool(text)) return out.push_bool(*value);
      break;
    case DType::kTimestamp:
      if (auto value = parse_timestamp(text)) return out.push_int(*value);
      break;
    case DType::kString: break;  // handled above
  }
  throw InternalError("column '{}': '{}' does not convert to {}", column.name(), text,
                      dtype_name(out.type()));
}

Column convert_column(const Column& column, DType target) {
  Column out(column.name(), target);
  out.reserve(column.size());
  for (size_t row = 0; row < column.size(); ++row) push_converted(out, column, row);
  return out;
}

}  // namespace mlops
