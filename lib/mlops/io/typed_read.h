#pragma once
// Reading a data file typed as declared: the one way ingest, batch-predict, `mlops evaluate`
// and `mlops validate` read CSV / TSV / JSON / JSON Lines files (optionally .gz or .zst).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlops/io/read_result.h"

namespace mlops {

/// What a typed read needs to know besides the path.
struct TypedReadSpec {
  std::string format = "auto";  // auto (from the extension) | csv | tsv | json | jsonl
  std::vector<ColumnDecl> schema;
  std::vector<std::string> null_values;
  char delimiter = 0;  // CSV/TSV field separator; 0: the format's (',' for csv, tab for tsv)
  char quote = '"';    // CSV/TSV quote character
};

/// The field separator of `format` (csv or tsv): `declared` when not 0, else ',' or tab.
char field_delimiter(const std::string& format, char declared);

/// `format`, or the format implied by the extension of `path` when it is "auto" (.csv, .tsv,
/// .json, .jsonl/.ndjson, each optionally followed by .gz or .zst). Throws ConfigError naming
/// `key` when it cannot tell.
std::string file_format(const std::string& path, const std::string& format,
                        const std::string& key = "ingest.source.format");
/// The format of a file that is not the source the format was declared for (a file to score,
/// labels): its extension when that names one (a `.csv` to score for a workflow ingesting
/// JSON), else `declared`.
std::string other_file_format(const std::string& path, const std::string& declared);
/// Reads any table file typed as `spec` declares, decompressing it when needed; a plain CSV or
/// TSV file is streamed in windows, never held whole in memory. Throws IoError naming the path
/// when the file cannot be read, DataError when it cannot be parsed at all.
ReadResult read_with_schema(const std::string& path, const TypedReadSpec& spec);
/// read_with_schema's options when `path` is an uncompressed CSV or TSV file, which a
/// CsvReader can then read batch by batch; nullopt for other files.
std::optional<ReadOptions> csv_read_options(const std::string& path, const TypedReadSpec& spec);
/// Parses a whole file's text already in memory in `format` (csv, tsv, json, jsonl); a CSV or
/// TSV text is split at `options.delimiter` and quoted with `options.quote`, which the caller
/// sets (field_delimiter()).
ReadResult read_table_text(std::string_view text, const std::string& format, ReadOptions options);

}  // namespace mlops
