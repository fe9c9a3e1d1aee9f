#include "mlops/io/typed_read.h"

#include <cstdio>
#include <string_view>

#include "mlops/core/error.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/decompress.h"
#include "mlops/io/file.h"
#include "mlops/io/json.h"

namespace mlops {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_compressed(const std::string& path) {
  char head[4] = {};
  size_t read = 0;
  if (std::FILE* file = std::fopen(path.c_str(), "rb")) {
    read = std::fread(head, 1, sizeof head, file);
    std::fclose(file);
  }
  return detect_compression(std::string_view(head, read)) != Compression::kNone;
}

ReadOptions schema_read_options(const std::string& path, const std::string& format,
                                const TypedReadSpec& spec) {
  ReadOptions options;
  options.source_name = path;
  options.declared = spec.schema;
  options.null_values = spec.null_values;
  options.delimiter = field_delimiter(format, spec.delimiter);
  options.quote = spec.quote;
  return options;
}

}  // namespace

ReadResult read_table_text(std::string_view text, const std::string& format, ReadOptions options) {
  if (format == "json" || format == "jsonl") return read_json(text, options);
  return read_csv(text, options);
}

char field_delimiter(const std::string& format, char declared) {
  if (declared != 0) return declared;
  return format == "tsv" ? '\t' : ',';
}

std::string file_format(const std::string& path, const std::string& format,
                        const std::string& key) {
  if (format != "auto") return format;
  const std::string name = strip_compression_suffix(path);
  if (ends_with(name, ".csv")) return "csv";
  if (ends_with(name, ".tsv")) return "tsv";
  if (ends_with(name, ".json")) return "json";
  if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) return "jsonl";
  throw ConfigError(
      "{}: cannot tell the format of '{}' from its extension; set {} to csv, tsv, json or jsonl",
      key, path, key);
}

std::string other_file_format(const std::string& path, const std::string& declared) {
  const std::string name = strip_compression_suffix(path);
  for (const char* extension : {".csv", ".tsv", ".json", ".jsonl", ".ndjson"}) {
    if (ends_with(name, extension)) return file_format(path, "auto");
  }
  return declared;
}

std::optional<ReadOptions> csv_read_options(const std::string& path, const TypedReadSpec& spec) {
  const std::string format = file_format(path, spec.format);
  if ((format != "csv" && format != "tsv") || !path_exists(path) || is_compressed(path)) {
    return std::nullopt;
  }
  return schema_read_options(path, format, spec);
}

ReadResult read_with_schema(const std::string& path, const TypedReadSpec& spec) {
  if (auto options = csv_read_options(path, spec)) return read_csv_file(path, *options);
  const std::string format = file_format(path, spec.format);
  if (!path_exists(path)) throw IoError("{}: no such file", path);
  return read_table_text(read_file_decompressed(path), format,
                         schema_read_options(path, format, spec));
}

}  // namespace mlops
