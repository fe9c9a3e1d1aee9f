#include "mlops/io/json.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/io/json_columns.h"

namespace mlops {
namespace {

using io_detail::Json;

constexpr std::string_view kJsonSpace = " \t\r\n";

size_t count_newlines(std::string_view text, size_t from, size_t to) {
  return static_cast<size_t>(std::count(text.begin() + from, text.begin() + to, '\n'));
}

struct Position {
  size_t line;
  size_t column;
};

// 1-based line and column (in bytes) of a byte offset.
Position position_of(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  const size_t line_start = text.substr(0, offset).rfind('\n');
  const size_t column = line_start == text.npos ? offset + 1 : offset - line_start;
  return {count_newlines(text, 0, offset) + 1, column};
}

// nlohmann's byte is the 1-based index of the last character it read: the offending one.
size_t error_offset(const Json::parse_error& error) {
  return error.byte ? error.byte - 1 : 0;
}

// nlohmann's message without its "[json.exception...] parse error at line 1, column 4: "
// prefix, whose position we state ourselves.
std::string error_detail(const Json::parse_error& error) {
  std::string_view what = error.what();
  const size_t column = what.find("column ");
  const size_t colon = column == what.npos ? what.npos : what.find(": ", column);
  return std::string(colon == what.npos ? what : what.substr(colon + 2));
}

// nlohmann refuses a number beyond a double's range ("1e999") with out_of_range 406, which names
// the number but not where it is: the first place the number's text occurs.
size_t overflow_offset(std::string_view text, const Json::out_of_range& error) {
  const std::string_view what = error.what();
  const size_t open = what.find('\'');
  const size_t close = what.rfind('\'');
  if (open == what.npos || close <= open) return 0;
  const size_t at = text.find(what.substr(open + 1, close - open - 1));
  return at == text.npos ? 0 : at;
}

// "number overflow parsing '1e999'" without nlohmann's "[json.exception...] " prefix.
std::string overflow_detail(const Json::out_of_range& error) {
  std::string_view what = error.what();
  const size_t bracket = what.find("] ");
  return std::string(bracket == what.npos ? what : what.substr(bracket + 2));
}

// Offsets of the elements of the valid JSON array opening at `open`, so that each record can
// be given the line it starts on (the DOM does not keep positions).
std::vector<size_t> element_offsets(std::string_view text, size_t open) {
  std::vector<size_t> offsets;
  size_t depth = 0;  // nesting inside the top-level array
  bool expecting = true;
  for (size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (kJsonSpace.find(c) != kJsonSpace.npos) continue;
    if (depth == 0) {
      if (c == ']') break;
      if (c == ',') {
        expecting = true;
        continue;
      }
      if (expecting) offsets.push_back(i);
      expecting = false;
    }
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return offsets;
}

ReadResult read_array(std::string_view text, size_t open, const ReadOptions& options) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& error) {
    const Position at = position_of(text, error_offset(error));
    throw DataError("{}: invalid JSON at line {}, column {}: {}", options.source_name, at.line,
                    at.column, error_detail(error));
  } catch (const Json::out_of_range& error) {
    const Position at = position_of(text, overflow_offset(text, error));
    throw DataError("{}: invalid JSON at line {}, column {}: {}", options.source_name, at.line,
                    at.column, overflow_detail(error));
  }
  const std::vector<size_t> offsets = element_offsets(text, open);
  io_detail::JsonColumns columns(options);
  size_t line = 1;
  size_t previous = 0;
  for (size_t i = 0; i < document.size(); ++i) {
    if (i < offsets.size()) {
      line += count_newlines(text, previous, offsets[i]);
      previous = offsets[i];
    }
    columns.add(document[i], line, i);
  }
  return columns.finish();
}

ReadResult read_lines(std::string_view text, const ReadOptions& options) {
  io_detail::JsonColumns columns(options);
  std::deque<Json> documents;  // the columns point into these; a deque never moves them
  size_t record = 0;
  size_t line = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == text.npos) end = text.size();
    std::string_view content = text.substr(pos, end - pos);
    if (content.ends_with('\r')) content.remove_suffix(1);
    pos = end + 1;
    ++line;
    if (content.find_first_not_of(kJsonSpace) == content.npos) continue;
    try {
      documents.push_back(Json::parse(content));
    } catch (const Json::parse_error& error) {
      const Position at = position_of(content, error_offset(error));
      columns.add_bad({options.source_name, line, record++, "", "",
                       fmt::format("invalid JSON at column {}: {}", at.column, error_detail(error)),
                       std::string(content)});
      continue;
    } catch (const Json::out_of_range& error) {
      const Position at = position_of(content, overflow_offset(content, error));
      columns.add_bad(
          {options.source_name, line, record++, "", "",
           fmt::format("invalid JSON at column {}: {}", at.column, overflow_detail(error)),
           std::string(content)});
      continue;
    }
    columns.add(documents.back(), line, record++);
  }
  return columns.finish();
}

}  // namespace

ReadResult read_json(std::string_view text, const ReadOptions& options) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const size_t first = text.find_first_not_of(kJsonSpace);
  if (first != text.npos && text[first] == '[') return read_array(text, first, options);
  return read_lines(text, options);
}

ReadResult read_json_file(const std::string& path, ReadOptions options) {
  if (options.source_name.empty() || options.source_name == ReadOptions().source_name) {
    options.source_name = path;
  }
  const std::string text = read_file(path);
  return read_json(text, options);
}

}  // namespace mlops
