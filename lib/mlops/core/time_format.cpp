#include "mlops/core/time_format.h"

#include <array>

#include "mlops/core/time.h"

namespace mlops {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> kWeekdays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Reads 1 to `width` digits at `pos`.
bool read_number(std::string_view text, size_t& pos, size_t width, int64_t& out) {
  size_t i = pos;
  int64_t value = 0;
  while (i < text.size() && i - pos < width && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == pos) return false;
  pos = i;
  out = value;
  return true;
}

/// Reads an English name (any case) from `names`, whole or abbreviated to its first three
/// letters; the index through `out`. The whole name wins when both match.
template <size_t N>
bool read_name(std::string_view text, size_t& pos, const std::array<std::string_view, N>& names,
               int64_t& out) {
  for (size_t k = 0; k < N; ++k) {
    const std::string_view name = names[k];
    for (size_t length : {name.size(), size_t{3}}) {
      if (pos + length > text.size()) continue;
      bool same = true;
      for (size_t i = 0; i < length && same; ++i) same = lower(text[pos + i]) == name[i];
      if (same) {
        pos += length;
        out = static_cast<int64_t>(k);
        return true;
      }
    }
  }
  return false;
}

/// The directives the layout knows, after expanding %T, %D and %F.
bool known(char d) {
  return std::string_view("YymdejbhBaAHIpMSfzs%").find(d) != std::string_view::npos;
}

}  // namespace

std::optional<TimestampFormat> TimestampFormat::compile(std::string_view pattern,
                                                        std::string& error) {
  TimestampFormat format;
  format.pattern_ = std::string(pattern);
  bool dated = false;
  auto literal = [&](char c) {
    if (format.steps_.empty() || format.steps_.back().directive != 0) format.steps_.push_back({});
    format.steps_.back().literal += c;
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == ' ') {
      if (format.steps_.empty() || format.steps_.back().directive != ' ') {
        format.steps_.push_back({' ', ""});
      }
      continue;
    }
    if (c != '%') {
      literal(c);
      continue;
    }
    if (i + 1 == pattern.size()) {
      error = "ends with a lone '%' (write %% for a percent sign)";
      return std::nullopt;
    }
    const char d = pattern[++i];
    std::string_view expansion;
    if (d == 'T') expansion = "HMS";
    if (d == 'D') expansion = "mdy";
    if (d == 'F') expansion = "Ymd";
    if (!expansion.empty()) {
      const char separator = d == 'T' ? ':' : d == 'D' ? '/' : '-';
      for (size_t k = 0; k < expansion.size(); ++k) {
        if (k) literal(separator);
        format.steps_.push_back({expansion[k], ""});
      }
      dated = true;
      continue;
    }
    if (!known(d)) {
      error = std::string("unknown directive '%") + d + "'";
      return std::nullopt;
    }
    if (d == '%') {
      literal('%');
      continue;
    }
    dated = dated || (d != 'a' && d != 'A' && d != 'p' && d != 'z');
    format.steps_.push_back({d, ""});
  }
  if (!dated) {
    error = "has no date or time directive";
    return std::nullopt;
  }
  return format;
}

bool TimestampFormat::parse(std::string_view text, int64_t& micros) const {
  int64_t year = 1970, month = 1, day = 1, year_day = 0, hour = 0, minute = 0, second = 0;
  int64_t fraction = 0, offset = 0, value = 0;
  int pm = -1;  // -1: no %p
  bool epoch = false;
  size_t pos = 0;
  for (const Step& step : steps_) {
    switch (step.directive) {
      case 0:
        if (text.substr(pos, step.literal.size()) != step.literal) return false;
        pos += step.literal.size();
        continue;
      case ' ':
        while (pos < text.size() && text[pos] == ' ') ++pos;
        continue;
      case 'Y': {
        const bool negative = pos < text.size() && text[pos] == '-';
        if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) ++pos;
        if (!read_number(text, pos, 4, year)) return false;
        if (negative) year = -year;
        continue;
      }
      case 'y':
        if (!read_number(text, pos, 2, value)) return false;
        year = value < 69 ? 2000 + value : 1900 + value;
        continue;
      case 'm':
        if (!read_number(text, pos, 2, month) || month < 1 || month > 12) return false;
        continue;
      case 'd':
      case 'e':
        while (step.directive == 'e' && pos < text.size() && text[pos] == ' ') ++pos;
        if (!read_number(text, pos, 2, day) || day < 1 || day > 31) return false;
        continue;
      case 'j':
        if (!read_number(text, pos, 3, year_day) || year_day < 1 || year_day > 366) return false;
        continue;
      case 'b':
      case 'h':
      case 'B':
        if (!read_name(text, pos, kMonths, value)) return false;
        month = value + 1;
        continue;
      case 'a':
      case 'A':
        if (!read_name(text, pos, kWeekdays, value)) return false;
        continue;
      case 'H':
        if (!read_number(text, pos, 2, hour) || hour > 23) return false;
        continue;
      case 'I':
        if (!read_number(text, pos, 2, hour) || hour < 1 || hour > 12) return false;
        continue;
      case 'p': {
        if (pos + 2 > text.size() || lower(text[pos + 1]) != 'm') return false;
        const char c = lower(text[pos]);
        if (c != 'a' && c != 'p') return false;
        pm = c == 'p';
        pos += 2;
        continue;
      }
      case 'M':
        if (!read_number(text, pos, 2, minute) || minute > 59) return false;
        continue;
      case 'S':
        if (!read_number(text, pos, 2, second) || second > 60) return false;
        continue;
      case 'f': {
        const size_t start = pos;
        if (!read_number(text, pos, 9, value)) return false;
        for (size_t digits = pos - start; digits < 6; ++digits) value *= 10;
        for (size_t digits = pos - start; digits > 6; --digits) value /= 10;
        fraction = value;
        continue;
      }
      case 'z': {
        if (pos < text.size() && text[pos] == 'Z') {
          ++pos;
          offset = 0;
          continue;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
        const int64_t sign = text[pos++] == '-' ? -1 : 1;
        int64_t hours = 0, minutes = 0;
        const size_t start = pos;
        if (!read_number(text, pos, 2, hours) || pos - start != 2 || hours > 23) return false;
        if (pos < text.size() && text[pos] == ':') ++pos;
        const size_t minute_start = pos;
        if (read_number(text, pos, 2, minutes) && (pos - minute_start != 2 || minutes > 59)) {
          return false;
        }
        offset = sign * (hours * 3600 + minutes * 60);
        continue;
      }
      case 's': {
        const bool negative = pos < text.size() && text[pos] == '-';
        if (negative) ++pos;
        if (!read_number(text, pos, 12, value)) return false;
        second = negative ? -value : value;
        epoch = true;
        continue;
      }
      default: return false;
    }
  }
  if (pos != text.size()) return false;
  if (pm >= 0) hour = hour % 12 + (pm ? 12 : 0);
  int64_t days = 0;
  if (epoch) {
    micros = second * 1'000'000 + fraction;
    return true;
  }
  if (year_day > 0) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year_day > (leap ? 366 : 365)) return false;
    days = days_from_civil(year, 1, 1) + year_day - 1;
  } else {
    const int64_t first_of_next = month == 12
                                      ? days_from_civil(year + 1, 1, 1)
                                      : days_from_civil(year, static_cast<unsigned>(month + 1), 1);
    days = days_from_civil(year, static_cast<unsigned>(month), 1);
    if (day > first_of_next - days) return false;
    days += day - 1;
  }
  micros = ((days * 86'400 + hour * 3600 + minute * 60 + second) - offset) * 1'000'000 + fraction;
  return true;
}

}  // namespace mlops
