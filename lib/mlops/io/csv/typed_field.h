#pragma once
// Parsing one CSV field straight to its column type, the hot loop of reading: no allocation,
// inline for the common layouts, and a cache for the date part of timestamps (consecutive rows
// usually share a day). Private to lib/mlops/io.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "mlops/core/time_format.h"
#include "mlops/core/value_parse.h"

namespace mlops::io_detail {

/// The value of the `count` (1 to 8) ASCII digits at `p`, read as one 8-byte word: no loop
/// whose exit depends on the length (a mispredicted branch per field). The 8 bytes at `p` must
/// be readable. False when one of the digits is not a digit.
inline bool parse_digit_word(const char* p, size_t count, uint64_t& value) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  // The digits to the top bytes, zero bytes (leading zeros) shifted in below them.
  const unsigned below = 8 * static_cast<unsigned>(8 - count);
  word <<= below;
  const uint64_t zeros = 0x3030303030303030ull & (~0ull << below);
  if ((word & 0xF0F0F0F0F0F0F0F0ull) != zeros ||
      ((word + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != zeros) {
    return false;
  }
  // Pairs, then fours, then all eight digits combined (the first byte is the highest digit).
  word = ((word & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
  word = ((word & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
  value = ((word & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
  return true;
}

/// parse_int64 for the short integers of most data (up to 18 digits, inline; longer text goes
/// to parse_int64), with the value through `out`: no std::optional, whose two halves GCC
/// stores apart and reloads as one (a store-forwarding stall per field). Up to
/// 8 digits are read as one word when the text is followed by enough readable bytes: when
/// `readable_end` (the end of the buffer holding the text, or null) is 8 bytes or more past
/// the digits' start.
inline bool parse_int64_field(std::string_view text, int64_t& out,
                              const char* readable_end = nullptr) {
  const char* p = text.data();
  const char* end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (p != end && (*p == '-' || *p == '+')) ++p;
  const auto count = static_cast<size_t>(end - p);
  if constexpr (std::endian::native == std::endian::little) {
    if (count >= 1 && count <= 8 &&
        reinterpret_cast<uintptr_t>(p) + 8 <= reinterpret_cast<uintptr_t>(readable_end)) {
      uint64_t value = 0;
      if (!parse_digit_word(p, count, value)) return false;
      out = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
      return true;
    }
  }
  if (count == 0 || count > 18) {
    const auto value = parse_int64(text);
    if (value) out = *value;
    return value.has_value();
  }
  int64_t value = 0;
  for (; p != end; ++p) {
    const auto digit = static_cast<unsigned>(*p - '0');
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  out = negative ? -value : value;
  return true;
}

/// Timestamps of one column, read in order: "YYYY-MM-DD HH:MM:SS" (or with 'T') whose date
/// matches the previous value's takes a few instructions, anything else goes to the full
/// parser (parse_timestamp). A column declared with a format is parsed by that format only.
class TimestampParser {
 public:
  void set_format(const TimestampFormat* format) { format_ = format; }
  /// Parses `text` into microseconds since the epoch; false when it is not a timestamp.
  bool parse(std::string_view text, int64_t& micros) {
    if (format_) [[unlikely]]
      return format_->parse(text, micros);
    const char* p = text.data();
    if (text.size() != 19 || p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T') ||
        p[13] != ':' || p[16] != ':') {
      return parse_other_layout(text, micros);
    }
    if (!has_cached_date_ || std::memcmp(cached_date_, p, 10) != 0) {
      if (!cache_date(text)) return false;
    }
    unsigned hour, minute, second;
    if (!two_digits(p + 11, hour) || !two_digits(p + 14, minute) || !two_digits(p + 17, second) ||
        hour > 23 || minute > 59 || second > 60) {
      return false;
    }
    micros = (cached_days_ * 86'400 + hour * 3600 + minute * 60 + second) * 1'000'000;
    return true;
  }

 private:
  static bool two_digits(const char* p, unsigned& out) {
    const auto a = static_cast<unsigned>(p[0] - '0'), b = static_cast<unsigned>(p[1] - '0');
    if (a > 9 || b > 9) return false;
    out = a * 10 + b;
    return true;
  }
  bool parse_other_layout(std::string_view text, int64_t& micros);
  /// Parses the date part of a 19-character timestamp into the cache.
  bool cache_date(std::string_view text);

  const TimestampFormat* format_ = nullptr;
  char cached_date_[10] = {};
  int64_t cached_days_ = 0;
  bool has_cached_date_ = false;
};

}  // namespace mlops::io_detail
