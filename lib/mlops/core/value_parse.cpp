#include "mlops/core/value_parse.h"

#include <fast_float/fast_float.h>

#include <charconv>

#include "mlops/core/ascii.h"
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

std::optional<bool> parse_bool(std::string_view text) {
  if (ascii_iequals(text, "true")) return true;
  if (ascii_iequals(text, "false")) return false;
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
