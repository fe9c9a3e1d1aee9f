#include "mlops/io/csv/typed_field.h"

#include "mlops/core/time.h"

namespace mlops::io_detail {

bool TimestampParser::parse_other_layout(std::string_view text, int64_t& micros) {
  auto parsed = parse_timestamp(text);
  if (!parsed) return false;
  micros = *parsed;
  return true;
}

bool TimestampParser::cache_date(std::string_view text) {
  auto day = parse_timestamp(text.substr(0, 10));
  if (!day) return false;
  std::memcpy(cached_date_, text.data(), 10);
  cached_days_ = *day / kMicrosPerDay;
  has_cached_date_ = true;
  return true;
}

}  // namespace mlops::io_detail
