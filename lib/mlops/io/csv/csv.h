#pragma once
// RFC 4180 CSV: a header row, quoted fields ("" escapes a quote, quoted fields may hold the
// delimiter and newlines), CRLF or LF line ends, an empty field is null.

#include <string>
#include <string_view>

#include "mlops/io/file.h"
#include "mlops/io/read_result.h"

namespace mlops {

/// Parses CSV text into typed columns.
/// - Declared columns are parsed as declared; a field that does not parse (or is not among
///   `allowed`) sends its whole record to `bad` with the reason.
/// - Other columns are inferred over all non-null fields: int64, else float64, else bool, else
///   timestamp, else string.
/// - A record with the wrong number of fields, or an unterminated quote, goes to `bad`.
/// Throws DataError (naming source and column) when a declared column is missing from the
/// header, the header repeats a name, or the input is empty.
ReadResult read_csv(std::string_view text, const ReadOptions& options);
/// Reads the file and parses it; source_name defaults to the path.
ReadResult read_csv_file(const std::string& path, ReadOptions options);

/// Appends the CSV form of one field to `out`, quoting only when needed.
void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');
/// The table as CSV text with a header; nulls are empty fields; timestamps as
/// "YYYY-MM-DD HH:MM:SS"; floats in shortest round-trip form.
std::string to_csv(const Table& table, char delimiter = ',');
/// Writes the table to `path` atomically.
void write_csv_file(const Table& table, const std::string& path, char delimiter = ',');

}  // namespace mlops
