#include "mlops/core/duration.h"

#include "mlops/core/value_parse.h"

namespace mlops {

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1'000'000; break;
    case 'm': unit = 60'000'000; break;
    case 'h': unit = 3'600'000'000; break;
    case 'd': unit = 86'400'000'000; break;
    case 'w': unit = 7 * 86'400'000'000; break;
    default: return std::nullopt;
  }
  std::optional<int64_t> count = parse_int64(text.substr(0, text.size() - 1));
  if (!count || *count <= 0 || *count > INT64_MAX / unit) return std::nullopt;
  return *count * unit;
}

}  // namespace mlops
