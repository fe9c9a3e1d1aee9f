#pragma once
// What the CSV and JSON readers share: declared columns going in, a typed table and the records
// that could not be typed coming out. Nothing is dropped silently: a record either lands in the
// table or in `bad` with its position and reason.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlops/core/table.h"
#include "mlops/core/time_format.h"

namespace mlops {

/// A column whose type (and optionally allowed values) the user declared.
struct ColumnDecl {
  std::string name;
  DType type = DType::kString;
  /// For string columns: the only values accepted (others send the record to quarantine).
  std::vector<std::string> allowed;
  /// For timestamp columns: the declared layout (`format: "%b %d %Y"`); null: ISO 8601.
  std::shared_ptr<const TimestampFormat> format = nullptr;
};

struct ReadOptions {
  /// Name used in messages and BadRecord::source, usually the file path.
  std::string source_name = "<input>";
  /// CSV only: field separator (',' for CSV, '\t' for TSV).
  char delimiter = ',';
  /// CSV only: the character that quotes a field (doubled inside it to stand for itself).
  char quote = '"';
  /// Declared columns; every other column's type is inferred from its values.
  std::vector<ColumnDecl> declared;
  /// Field texts read as null in addition to the empty field (e.g. "NA").
  std::vector<std::string> null_values;
  /// CSV only: read only shard `shard_index` of `shard_count`: the records whose line starts in
  /// the shard's byte range [size*K/N, size*(K+1)/N) of the file. Shards are contiguous, so
  /// they concatenate to the whole input (records must not hold newlines inside quotes).
  size_t shard_index = 0;
  size_t shard_count = 1;
};

/// One record that could not be typed, kept with where it came from and why.
struct BadRecord {
  std::string source;  // file path or source name
  size_t line = 0;     // 1-based line where the record starts
  size_t record = 0;   // 0-based index of the record among data records
  std::string column;  // offending column; empty for a structural problem
  std::string value;   // offending field text
  std::string reason;  // e.g. "cannot parse 'abc' as int64"
  std::string raw;     // the record exactly as received (CSV line(s) or JSON text)
};

struct ReadResult {
  Table table;
  std::vector<BadRecord> bad;
};

}  // namespace mlops
