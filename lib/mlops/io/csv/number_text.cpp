#include "mlops/io/csv/number_text.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace mlops {
namespace {

using number_text_detail::decimal_digits;
using number_text_detail::kDigitPairs;
using number_text_detail::write_8_digits;

constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr uint64_t kExponentBits = uint64_t{0x7ff} << 52;
constexpr uint64_t kFractionBits = (uint64_t{1} << 52) - 1;

}  // namespace

char* write_double(char* out, double value) {
  uint64_t bits = std::bit_cast<uint64_t>(value);
  *out = '-';
  out += bits >> 63;
  bits &= ~kSignBit;
  if ((bits & kExponentBits) == kExponentBits) {
    std::memcpy(out, (bits & kFractionBits) ? "nan" : "inf", 3);
    return out + 3;
  }
  // The digits fmt prints: significand * 10^exponent, the significand as short as round-trip
  // allows (at most 17 digits). fmt::detail is not fmt's public API, but it is the function
  // fmt's "{}" calls; a unit test compares this writer with fmt::format on a million doubles.
  const auto decimal = fmt::detail::dragonbox::to_decimal(std::bit_cast<double>(bits));
  const uint64_t significand = decimal.significand;
  const int size = decimal_digits(significand);
  const int exponent = decimal.exponent;
  // The significand as 17 zero-padded digits ending at buffer + 25; `digits` is its first.
  // The copies below have fixed sizes (no memcpy call per value); what they write past the
  // end is scratch.
  char buffer[48];
  const uint64_t low_16 = significand % 10'000'000'000'000'000;
  buffer[8] = static_cast<char>('0' + significand / 10'000'000'000'000'000);
  write_8_digits(buffer + 9, static_cast<uint32_t>(low_16 / 100'000'000));
  write_8_digits(buffer + 17, static_cast<uint32_t>(low_16 % 100'000'000));
  const char* digits = buffer + 25 - size;

  const int scientific_exponent = exponent + size - 1;
  if (scientific_exponent < -4 || scientific_exponent >= 16) {  // 1.2345e+20, 5e-324
    out[0] = digits[0];
    out[1] = '.';
    std::memcpy(out + 2, digits + 1, 16);
    out += size == 1 ? 1 : size + 1;
    *out++ = 'e';
    *out++ = scientific_exponent < 0 ? '-' : '+';
    unsigned magnitude = scientific_exponent < 0 ? -scientific_exponent : scientific_exponent;
    if (magnitude >= 100) {
      *out++ = static_cast<char>('0' + magnitude / 100);
      magnitude %= 100;
    }
    std::memcpy(out, &kDigitPairs[2 * magnitude], 2);
    return out + 2;
  }
  if (exponent >= 0) {  // 1234e5 -> 123400000 (at most 16 digits)
    std::memcpy(out, digits, 16);
    std::memset(out + size, '0', 16);
    return out + size + exponent;
  }
  const int integer_digits = size + exponent;
  if (integer_digits > 0) {  // 1234e-2 -> 12.34 (at most 16 digits before the point)
    std::memcpy(out, digits, 16);
    out[integer_digits] = '.';
    std::memcpy(out + integer_digits + 1, digits + integer_digits, 16);
    return out + size + 1;
  }
  // 1234e-6 -> 0.001234 (at most 3 zeros after the point)
  const int zeros = -integer_digits;
  std::memcpy(out, "0.000", 5);
  std::memcpy(out + 2 + zeros, digits, 17);
  return out + 2 + zeros + size;
}

}  // namespace mlops
