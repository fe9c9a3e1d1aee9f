// Encoding checks before parsing: one pass over valid text, work only where a byte is bad.

#include "mlops/ingest/text_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "mlops/core/error.h"
#include "mlops/core/utf8.h"
#include "mlops/io/typed_read.h"

namespace mlops {
namespace {

std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (byte >> 6));
      out += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return out;
}

// 1-based column number of `offset` in its line (delimiters before it, quotes ignored).
size_t column_of(std::string_view line, size_t offset, char delimiter) {
  return static_cast<size_t>(std::count(line.begin(), line.begin() + offset, delimiter)) + 1;
}

// The name of column `column` (1-based) in the header line, or its number.
std::string column_name(std::string_view text, size_t column, char delimiter) {
  std::string_view header = text.substr(0, text.find('\n'));
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  size_t index = 1, start = 0;
  for (size_t i = 0; i <= header.size(); ++i) {
    if (i == header.size() || header[i] == delimiter) {
      if (index == column) {
        std::string name(header.substr(start, i - start));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
          name = name.substr(1, name.size() - 2);
        }
        return name;
      }
      ++index;
      start = i + 1;
    }
  }
  return fmt::format("#{}", column);
}

}  // namespace

std::string_view prepare_text(std::string_view text, const std::string& format,
                              const std::string& encoding, const std::string& path,
                              std::string& storage, std::vector<BadRecord>& bad,
                              char declared_delimiter) {
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    throw DataError("{}: not a {} text file: a NUL byte at byte offset {} (a binary file?)", path,
                    format, static_cast<const char*>(nul) - text.data());
  }
  std::optional<size_t> invalid = find_invalid_utf8(text);
  if (!invalid) return text;
  if (encoding == "latin-1") {
    storage = latin1_to_utf8(text);
    return storage;
  }
  const auto line_number = [&](size_t offset) {
    return static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n')) + 1;
  };
  if (format == "json") {
    throw DataError(
        "{}: line {}: byte 0x{:02X} at byte offset {} is not valid UTF-8 (set "
        "ingest.source.encoding: latin-1 if the file is Latin-1)",
        path, line_number(*invalid), static_cast<unsigned char>(text[*invalid]), *invalid);
  }
  const char delimiter = field_delimiter(format, declared_delimiter);
  const bool tabular = format != "jsonl";
  storage.assign(text);
  size_t line = 1, counted_to = 0, removed = 0;  // removed: bytes erased before `offset`
  while (invalid) {
    const size_t offset = *invalid;
    const size_t begin =
        storage.rfind('\n', offset) == std::string::npos ? 0 : storage.rfind('\n', offset) + 1;
    size_t end = storage.find('\n', offset);
    if (end == std::string::npos) end = storage.size();
    line += static_cast<size_t>(
        std::count(storage.begin() + counted_to, storage.begin() + begin, '\n'));
    counted_to = begin;
    const std::string_view record(storage.data() + begin, end - begin);
    BadRecord rejected;
    rejected.source = path;
    rejected.line = line;
    rejected.record = line >= 2 ? line - 2 : 0;
    const size_t column = tabular ? column_of(record, offset - begin, delimiter) : 0;
    if (tabular) rejected.column = column_name(storage, column, delimiter);
    rejected.raw = replace_invalid_utf8(record);
    rejected.reason = fmt::format(
        "byte 0x{:02X} at byte offset {} (line {}{}) is not valid UTF-8; set "
        "ingest.source.encoding: latin-1 if the file is Latin-1",
        static_cast<unsigned char>(storage[offset]), offset + removed, line,
        tabular ? fmt::format(", column {}", column) : std::string());
    if (line == 1 && tabular) {
      throw DataError("{}: the header: {}", path, rejected.reason);
    }
    bad.push_back(std::move(rejected));
    // Drop the line's text but keep its newline: a blank line, so later line numbers stay true.
    storage.erase(begin, end - begin);
    removed += end - begin;
    invalid = find_invalid_utf8(std::string_view(storage).substr(begin));
    if (invalid) *invalid += begin;
  }
  return storage;
}

}  // namespace mlops
