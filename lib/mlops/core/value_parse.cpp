#include "mlops/core/value_parse.h"

#include <fast_float/fast_float.h>

#include <charconv>

#include "mlops/core/time.h"

namespace mlops {

std::optional<int64_t> parse_int64(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') {
    ++begin;
    if (begin != end && *begin == '-') return std::nullopt;  // "+-5" is not a number
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  double value = 0;
  auto [ptr, ec] = fast_float::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

static bool equals_ignore_case(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (equals_ignore_case(text, "true")) return true;
  if (equals_ignore_case(text, "false")) return false;
  return std::nullopt;
}

bool text_parses_as(DType type, std::string_view text) {
  switch (type) {
    case DType::kInt64: return parse_int64(text).has_value();
    case DType::kFloat64: return parse_double(text).has_value();
    case DType::kBool: return parse_bool(text).has_value();
    case DType::kTimestamp: return parse_timestamp(text).has_value();
    case DType::kString: return true;
  }
  return false;
}

}  // namespace mlops
