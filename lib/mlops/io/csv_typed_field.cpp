#include "mlops/io/csv_typed_field.h"

#include "mlops/core/time.h"
#include "mlops/core/value_parse.h"

namespace mlops::io_detail {

namespace {

inline bool two_digits(const char* p, unsigned& out) {
  unsigned a = static_cast<unsigned>(p[0] - '0'), b = static_cast<unsigned>(p[1] - '0');
  if (a > 9 || b > 9) return false;
  out = a * 10 + b;
  return true;
}

}  // namespace

bool FieldParser::parse_timestamp_fast(std::string_view text, int64_t& micros) {
  // "YYYY-MM-DD HH:MM:SS" (or with 'T'): the layout of nearly every timestamp column.
  const char* p = text.data();
  if (text.size() != 19 || p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T') ||
      p[13] != ':' || p[16] != ':') {
    auto parsed = parse_timestamp(text);
    if (!parsed) return false;
    micros = *parsed;
    return true;
  }
  if (!has_cached_date_ || std::memcmp(cached_date_, p, 10) != 0) {
    auto day = parse_timestamp(text.substr(0, 10));
    if (!day) return false;
    std::memcpy(cached_date_, p, 10);
    cached_days_ = *day / 86'400'000'000;
    has_cached_date_ = true;
  }
  unsigned hour, minute, second;
  if (!two_digits(p + 11, hour) || !two_digits(p + 14, minute) || !two_digits(p + 17, second) ||
      hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  micros = (cached_days_ * 86'400 + hour * 3600 + minute * 60 + second) * 1'000'000;
  return true;
}

bool FieldParser::parse(DType type, std::string_view text, ParsedField& out) {
  out.null = false;
  switch (type) {
    case DType::kInt64: {
      auto value = parse_int64_fast(text);
      if (!value) return false;
      out.integer = *value;
      return true;
    }
    case DType::kFloat64: {
      auto value = parse_double(text);
      if (!value) return false;
      out.real = *value;
      return true;
    }
    case DType::kBool: {
      auto value = parse_bool(text);
      if (!value) return false;
      out.integer = *value ? 1 : 0;
      return true;
    }
    case DType::kTimestamp: return parse_timestamp_fast(text, out.integer);
    case DType::kString: out.text = text; return true;
  }
  return false;
}

}  // namespace mlops::io_detail
