#pragma once
// JSON input: an array of objects, or JSON Lines (one object per line). Nested objects are
// flattened to "a.b" columns; arrays are kept as their JSON text in a string column.

#include <string>
#include <string_view>

#include "mlops/io/read_result.h"

namespace mlops {

/// Parses JSON records into typed columns, columns in order of first appearance.
/// - Array input that is not valid JSON throws DataError naming source, line and column.
/// - A JSON Lines line that does not parse, or is not an object, goes to `bad` (line, reason).
/// - A missing key is null. Inference per column over non-null values: all integers -> int64,
///   numbers -> float64, booleans -> bool, strings that all parse as timestamps -> timestamp,
///   else string (a column mixing kinds is string holding each value's JSON text).
/// - Declared columns convert values (numbers, and strings holding numbers, to int64 /
///   float64; strings to timestamp); a value that cannot convert, or is not among `allowed`,
///   sends its record to `bad` with the reason and the record's JSON text as `raw`.
ReadResult read_json(std::string_view text, const ReadOptions& options);
ReadResult read_json_file(const std::string& path, ReadOptions options);

}  // namespace mlops
