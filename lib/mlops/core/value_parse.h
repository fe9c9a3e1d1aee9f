#pragma once
// Strict parsers from text to typed values: the whole field must be consumed, else nullopt.

#include <cstdint>
#include <optional>
#include <string_view>

#include "mlops/core/table.h"

namespace mlops {

std::optional<int64_t> parse_int64(std::string_view text);
/// parse_int64 for the short integers of most data (up to 18 digits, inline: readers call it
/// once per field); longer text goes to parse_int64.
inline std::optional<int64_t> parse_int64_fast(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (p != end && (*p == '-' || *p == '+')) ++p;
  if (p == end || end - p > 18) return parse_int64(text);
  int64_t value = 0;
  for (; p != end; ++p) {
    const unsigned digit = static_cast<unsigned>(*p - '0');
    if (digit > 9) return std::nullopt;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
/// Decimal or scientific notation, also "nan", "inf"; via fast_float.
std::optional<double> parse_double(std::string_view text);
/// true/false in any case.
std::optional<bool> parse_bool(std::string_view text);
/// True when the whole text parses as `type` with the parser above (or parse_timestamp); any
/// text is a string.
bool text_parses_as(DType type, std::string_view text);

}  // namespace mlops
