#pragma once
// Timestamps in a declared layout (`ingest.schema: {date: {type: timestamp, format: "%b %d
// %Y"}}`): strptime-like directives compiled once, then matched against each field without
// allocating. The default ISO layout never comes here (core/time.h's parse_timestamp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

/// A compiled timestamp layout. Directives (docs/config.md, "Timestamp formats"):
///   %Y year (4 digits, optional sign)  %y year 00-99 (69-99 -> 19xx, 00-68 -> 20xx)
///   %m month 1-12  %d / %e day 1-31  %j day of year 1-366  %b / %h / %B month name (English,
///   any case; abbreviated or full)  %a / %A weekday name (read, not checked)  %H hour 0-23
///   %I hour 1-12 with %p (AM / PM)  %M minute  %S second 0-60  %f fraction of a second (1-9
///   digits)  %z offset (Z, +hh, +hhmm, +hh:mm; converted to UTC)  %s seconds since the epoch
///   %T = %H:%M:%S  %D = %m/%d/%y  %F = %Y-%m-%d  %% a literal %.
/// Numbers take one digit up to their width (so %m reads "3" and "03"); a space in the format
/// matches any run of spaces, including none; any other character matches itself. Fields the
/// format lacks default to 1970, January, the 1st, midnight.
class TimestampFormat {
 public:
  /// Compiles `pattern`; nullopt with `error` set ("unknown directive '%Q'", "ends with '%'",
  /// "has no date or time directive") when it is not a layout.
  static std::optional<TimestampFormat> compile(std::string_view pattern, std::string& error);

  /// Microseconds since the epoch (UTC) of `text`, which must match the whole layout; false
  /// for text that does not match or an impossible date (February 30).
  bool parse(std::string_view text, int64_t& micros) const;
  std::optional<int64_t> parse(std::string_view text) const {
    int64_t micros = 0;
    return parse(text, micros) ? std::optional<int64_t>(micros) : std::nullopt;
  }
  const std::string& pattern() const { return pattern_; }

 private:
  struct Step {
    char directive = 0;  // 0: the literal `text`; ' ': any run of spaces
    std::string literal;
  };
  std::string pattern_;
  std::vector<Step> steps_;
};

}  // namespace mlops
