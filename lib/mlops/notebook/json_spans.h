#pragma once
// A JSON parser that keeps where every value lies in the text, so a caller can replace or cut
// parts of a document and leave every other byte as it was (notebook strip). Values are not
// decoded except object keys; decode_string() decodes a string value on demand.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

struct JsonMember;

/// One JSON value: its kind and its bytes [begin, end) in the parsed text.
struct JsonSpan {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  size_t begin = 0;
  size_t end = 0;
  std::vector<JsonSpan> items;      // array elements
  std::vector<JsonMember> members;  // object members, in text order

  /// The first member named `key`; nullptr when absent or not an object.
  const JsonSpan* find(std::string_view key) const;
};

/// One object member: its decoded key, where the key's opening quote is, and its value.
struct JsonMember {
  std::string key;
  size_t key_begin = 0;
  JsonSpan value;
};

/// Parses a whole document (RFC 8259; one value, surrounded only by whitespace). Throws
/// DataError "<source_name>:<line>:<column>: invalid JSON: <what was expected>"; nesting deeper
/// than 1,000 levels is refused the same way.
JsonSpan parse_json_spans(std::string_view text, const std::string& source_name);
/// The decoded text of a string span (escapes resolved, \u surrogate pairs as UTF-8).
std::string decode_string(std::string_view text, const JsonSpan& span);
/// 1-based line and column (in bytes) of a byte offset: "3:14".
std::string line_column(std::string_view text, size_t offset);

}  // namespace mlops
