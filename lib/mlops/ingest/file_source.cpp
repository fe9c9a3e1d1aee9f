#include "mlops/ingest/file_source.h"

#include "mlops/core/error.h"
#include "mlops/io/csv.h"
#include "mlops/io/file.h"
#include "mlops/io/json.h"

namespace mlops {

namespace {
bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::string resolve_format(const SourceSpec& source) {
  if (source.format != "auto") return source.format;
  if (ends_with(source.path, ".csv")) return "csv";
  if (ends_with(source.path, ".tsv")) return "tsv";
  if (ends_with(source.path, ".json")) return "json";
  if (ends_with(source.path, ".jsonl") || ends_with(source.path, ".ndjson")) return "jsonl";
  throw ConfigError(
      "ingest.source.format: cannot tell the format of '{}' from its extension; "
      "set ingest.source.format to csv, tsv, json or jsonl",
      source.path);
}

ReadResult read_with_schema(const std::string& path, const IngestSpec& spec) {
  ReadOptions options;
  options.source_name = path;
  options.declared = spec.schema;
  options.null_values = spec.null_values;
  SourceSpec source = spec.source;
  source.path = path;
  const std::string format = resolve_format(source);
  if (!path_exists(path)) throw IoError("{}: no such file", path);
  if (format == "json" || format == "jsonl") return read_json_file(path, options);
  options.delimiter = format == "tsv" ? '\t' : ',';
  return read_csv_file(path, options);
}

ReadResult read_source(const IngestSpec& spec) {
  if (spec.source.type != "file") {
    throw ConfigError("ingest.source.type: '{}' is not supported by this version (file only)",
                      spec.source.type);
  }
  return read_with_schema(spec.source.path, spec);
}

}  // namespace mlops
