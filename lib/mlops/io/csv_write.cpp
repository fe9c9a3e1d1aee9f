#include <string_view>

#include "mlops/io/csv.h"

namespace mlops {
namespace {

bool needs_quotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  // Leading and trailing blanks are quoted so that readers which trim them keep them.
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (blank(field.front()) || blank(field.back())) return true;
  const char specials[] = {delimiter, '"', '\r', '\n'};
  return field.find_first_of(std::string_view(specials, sizeof specials)) != field.npos;
}

void append_header(std::string& out, const Table& table, char delimiter) {
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (c) out.push_back(delimiter);
    append_csv_field(out, table.columns()[c].name(), delimiter);
  }
  out.push_back('\n');
}

void append_row(std::string& out, const Table& table, size_t row, char delimiter) {
  const auto& columns = table.columns();
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c) out.push_back(delimiter);
    const std::string value = columns[c].format_value(row);
    // A lone empty field would make a blank line, which readers skip; "" keeps the row.
    if (columns.size() == 1 && value.empty()) {
      out.append("\"\"");
    } else {
      append_csv_field(out, value, delimiter);
    }
  }
  out.push_back('\n');
}

}  // namespace

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  if (!needs_quotes(field, delimiter)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string to_csv(const Table& table, char delimiter) {
  std::string out;
  append_header(out, table, delimiter);
  for (size_t row = 0; row < table.num_rows(); ++row) append_row(out, table, row, delimiter);
  return out;
}

void write_csv_file(const Table& table, const std::string& path, char delimiter) {
  constexpr size_t kChunk = size_t{1} << 16;
  AtomicFile file(path);
  std::string chunk;
  append_header(chunk, table, delimiter);
  for (size_t row = 0; row < table.num_rows(); ++row) {
    append_row(chunk, table, row, delimiter);
    if (chunk.size() >= kChunk) {
      file.write(chunk);
      chunk.clear();
    }
  }
  file.write(chunk);
  file.commit();
}

}  // namespace mlops
