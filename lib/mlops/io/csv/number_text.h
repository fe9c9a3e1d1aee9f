#pragma once
// Numbers as decimal text written at a char pointer, for the CSV writer's per-value loop: no
// std::string, no format-spec parsing, few branches on the digit count. Writers may store a
// few bytes past the end they return (scratch): callers leave room.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mlops {

/// Room write_int64 needs at `out`: 20 characters at most, up to 8 bytes of scratch.
inline constexpr size_t kInt64ScratchBytes = 24;
/// Room write_double needs at `out`: 24 characters at most, the rest scratch.
inline constexpr size_t kDoubleScratchBytes = 40;

namespace number_text_detail {

// "00" to "99".
inline constexpr char kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline constexpr uint64_t kPowersOf10[20] = {1ull,
                                             10ull,
                                             100ull,
                                             1'000ull,
                                             10'000ull,
                                             100'000ull,
                                             1'000'000ull,
                                             10'000'000ull,
                                             100'000'000ull,
                                             1'000'000'000ull,
                                             10'000'000'000ull,
                                             100'000'000'000ull,
                                             1'000'000'000'000ull,
                                             10'000'000'000'000ull,
                                             100'000'000'000'000ull,
                                             1'000'000'000'000'000ull,
                                             10'000'000'000'000'000ull,
                                             100'000'000'000'000'000ull,
                                             1'000'000'000'000'000'000ull,
                                             10'000'000'000'000'000'000ull};

/// The number of decimal digits of `value` (1 for 0), without a loop.
inline int decimal_digits(uint64_t value) {
  // floor(log10(2) * bit width) is the digit count or one less.
  const int guess = (std::bit_width(value | 1) * 1233) >> 12;
  return guess + ((value | 1) >= kPowersOf10[guess] ? 1 : 0);
}

/// The 8 digits of `value` (< 10^8, zero-padded) as ASCII bytes of a little-endian word, the
/// most significant digit first in memory, so that shifting the word drops leading zeros.
/// Divides lanes of the word in parallel: by 10^4 into two 32-bit lanes, by 100 into four
/// 16-bit lanes, by 10 into eight bytes (the multiply-shift quotients are exact here).
inline uint64_t eight_digit_word(uint32_t value) {
  uint64_t lanes = value / 10'000 | static_cast<uint64_t>(value % 10'000) << 32;
  const uint64_t hundreds = (lanes * 10'486) >> 20 & 0x0000'007F'0000'007Full;
  lanes = hundreds | (lanes - hundreds * 100) << 16;
  const uint64_t tens = (lanes * 103) >> 10 & 0x000F'000F'000F'000Full;
  lanes = tens | (lanes - tens * 10) << 8;
  return lanes + 0x3030'3030'3030'3030ull;
}

/// Writes the 8 digits of `value` (< 10^8, zero-padded) at `out` with one multiplication:
/// value / 10^6 as a fixed-point number with 50 fraction bits, whose integer part is the first
/// pair of digits and whose fraction times 100 gives each next pair (jeaiii's method; exact
/// for every value below 10^8, which a unit test checks).
inline void write_8_digits(char* out, uint32_t value) {
  constexpr int kFractionBits = 50;
  constexpr uint64_t kFraction = (uint64_t{1} << kFractionBits) - 1;
  uint64_t fixed = value * ((uint64_t{1} << kFractionBits) / 1'000'000 + 1);
  std::memcpy(out, &kDigitPairs[2 * (fixed >> kFractionBits)], 2);
  for (int pair = 1; pair < 4; ++pair) {
    fixed = (fixed & kFraction) * 100;
    std::memcpy(out + 2 * pair, &kDigitPairs[2 * (fixed >> kFractionBits)], 2);
  }
}

/// Writes `value` (< 100) at `out`: two bytes, one or two of them digits. Returns the end.
inline char* write_below_100(char* out, uint64_t value) {
  const bool one_digit = value < 10;
  std::memcpy(out, &kDigitPairs[2 * value + one_digit], 2);
  return out + 2 - one_digit;
}

/// Writes `value` in decimal at `out`; returns the end. A column's values mostly share a size
/// class, so the branches between classes are predicted; within a class the digit count costs
/// no branch. Stores go left to right, so each overwrites the previous one's scratch.
inline char* write_uint64(char* out, uint64_t value) {
  if (value < 100) return write_below_100(out, value);
  if (value < 10'000) {
    out = write_below_100(out, value / 100);
    std::memcpy(out, &kDigitPairs[2 * (value % 100)], 2);
    return out + 2;
  }
  const int digits = decimal_digits(value);
  if (digits <= 8) {
    const uint64_t text = eight_digit_word(static_cast<uint32_t>(value)) >> (8 * (8 - digits));
    std::memcpy(out, &text, 8);
    return out + digits;
  }
  // 9 to 20 digits: the leading ones (at most 8) as a shifted word, then groups of 8.
  char* end = out + digits;
  const auto last = static_cast<uint32_t>(value % 100'000'000);
  value /= 100'000'000;
  if (digits <= 16) {
    const uint64_t first = eight_digit_word(static_cast<uint32_t>(value)) >> (8 * (16 - digits));
    std::memcpy(out, &first, 8);
  } else {
    const uint64_t first =
        eight_digit_word(static_cast<uint32_t>(value / 100'000'000)) >> (8 * (24 - digits));
    std::memcpy(out, &first, 8);
    write_8_digits(end - 16, static_cast<uint32_t>(value % 100'000'000));
  }
  write_8_digits(end - 8, last);
  return end;
}

}  // namespace number_text_detail

/// Writes `value` in decimal at `out` (room: kInt64ScratchBytes); returns the end. Inline:
/// the CSV writer calls it once per integer.
inline char* write_int64(char* out, int64_t value) {
  auto magnitude = static_cast<uint64_t>(value);
  *out = '-';
  out += value < 0;
  if (value < 0) magnitude = 0 - magnitude;
  return number_text_detail::write_uint64(out, magnitude);
}

/// Writes `value` exactly as fmt's "{}" does: the shortest digits that read back as the same
/// double (fmt's Dragonbox), in fixed notation for decimal exponents -4 to 15 ("0.0001",
/// "1000000000000000") and as "1e+16" / "2.5e-05" otherwise; "-0", "inf", "-inf", "nan".
/// Room at `out`: kDoubleScratchBytes. Returns the end.
char* write_double(char* out, double value);

}  // namespace mlops
