#include "mlops/report/report_text.h"

#include <fmt/format.h>

#include <cmath>

#include "mlops/core/time.h"

namespace mlops {

std::string report_count(uint64_t count) {
  std::string digits = std::to_string(count), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string report_value(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return report_count(value.get<uint64_t>());
  if (value.is_number_integer()) {
    const int64_t n = value.get<int64_t>();
    const uint64_t magnitude = n < 0 ? uint64_t{0} - static_cast<uint64_t>(n) : n;
    return fmt::format("{}{}", n < 0 ? "-" : "", report_count(magnitude));
  }
  if (value.is_number()) return fmt::format("{:.4g}", value.get<double>());
  if (value.is_null()) return "";
  return value.dump();
}

std::string report_delta(const nlohmann::json& value, const nlohmann::json& reference) {
  if (!value.is_number() || !reference.is_number()) return "";
  return fmt::format("{:+.4g}", value.get<double>() - reference.get<double>());
}

std::string report_column_value(const std::string& type, const nlohmann::json& value) {
  if (!value.is_number()) return "";
  const double number = value.get<double>();
  // Whole seconds: a mean of timestamps has no meaningful microseconds.
  if (type == "timestamp") return format_timestamp(std::llround(number / 1e6) * 1'000'000);
  if (type == "int64" && std::abs(number) < 9e15) return fmt::format("{:.0f}", number);
  return fmt::format("{:.4g}", number);
}

}  // namespace mlops
