#pragma once
// Parsing one CSV field straight to its column type, the hot loop of reading: no allocation,
// and a cache for the date part of timestamps (consecutive rows usually share a day).
// Private to lib/mlops/io.

#include <cstdint>
#include <cstring>
#include <string_view>

#include "mlops/core/table.h"

namespace mlops::io_detail {

/// One parsed value waiting to be pushed once its whole record is known to be good.
struct ParsedField {
  bool null = false;
  int64_t integer = 0;    // int64, bool (0/1), timestamp
  double real = 0;        // float64
  std::string_view text;  // string
};

class FieldParser {
 public:
  /// Parses `text` as `type` into `out`; false when it does not parse.
  bool parse(DType type, std::string_view text, ParsedField& out);

 private:
  bool parse_timestamp_fast(std::string_view text, int64_t& micros);
  char cached_date_[10] = {};
  int64_t cached_days_ = 0;
  bool has_cached_date_ = false;
};

/// Appends a parsed value to its column.
inline void push_parsed(Column& column, const ParsedField& field) {
  if (field.null) {
    column.push_null();
    return;
  }
  switch (column.type()) {
    case DType::kFloat64: column.push_float(field.real); break;
    case DType::kString: column.push_string(field.text); break;
    case DType::kBool: column.push_bool(field.integer != 0); break;
    default: column.push_int(field.integer); break;
  }
}

}  // namespace mlops::io_detail
