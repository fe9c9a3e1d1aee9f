#pragma once
// UTC timestamps as microseconds since the Unix epoch: parsing, formatting, the clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

/// Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.ffffff]]" with ' ' or 'T', and an optional
/// "Z" or "+hh:mm"/"-hh:mm" offset (converted to UTC). nullopt when malformed or out of range.
std::optional<int64_t> parse_timestamp(std::string_view text);
/// "YYYY-MM-DD HH:MM:SS", with ".ffffff" only when there are fractional seconds.
std::string format_timestamp(int64_t micros);
/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

struct CivilTime {
  int64_t year;
  unsigned month, day, hour, minute, second;
  unsigned day_of_week;  // Monday = 0, as pandas
  unsigned day_of_year;  // 1..366
};
CivilTime civil_from_micros(int64_t micros);

inline constexpr int64_t kMicrosPerDay = 86'400'000'000;
/// a / b rounded towards minus infinity (b > 0): the day or second an instant before 1970 is in.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && a < 0 ? 1 : 0);
}
/// Days since 1970-01-01 of an instant in microseconds (negative before).
constexpr int64_t floor_day(int64_t micros) {
  return floor_div(micros, kMicrosPerDay);
}

/// Wall clock now, microseconds since the epoch.
int64_t now_micros();
/// "2026-11-22T13:54:00Z" for manifests and logs.
std::string format_iso8601(int64_t micros);

}  // namespace mlops
