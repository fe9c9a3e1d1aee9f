#include "mlops/io/csv/number_text.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace mlops {
namespace {

std::string int_text(int64_t value) {
  char buffer[kInt64ScratchBytes];
  const std::string text(buffer, write_int64(buffer, value));
  EXPECT_LE(text.size(), 20u);
  return text;
}

std::string double_text(double value) {
  char buffer[kDoubleScratchBytes];
  const std::string text(buffer, write_double(buffer, value));
  EXPECT_LE(text.size(), 24u);
  return text;
}

TEST(NumberText, IntegersAsToString) {
  std::vector<int64_t> values = {0, std::numeric_limits<int64_t>::min(),
                                 std::numeric_limits<int64_t>::max()};
  for (int64_t power = 1; power <= 1'000'000'000'000'000'000; power *= 10) {
    for (int64_t value : {power - 1, power, power + 1}) {
      values.push_back(value);
      values.push_back(-value);
    }
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 100'000; ++i) {
    values.push_back(static_cast<int64_t>(random() >> (random() % 64)));
  }
  for (int64_t value : values) ASSERT_EQ(int_text(value), std::to_string(value)) << value;
}

// The one-multiplication digit writer is exact only by checking: every value below 10^8.
TEST(NumberText, EightDigitsOfEveryValueBelow10To8) {
  char expected[8] = {'0', '0', '0', '0', '0', '0', '0', '0'};
  char text[8];
  for (uint32_t value = 0; value < 100'000'000; ++value) {
    number_text_detail::write_8_digits(text, value);
    if (std::memcmp(text, expected, 8) != 0) {
      FAIL() << value << " written as " << std::string(text, 8);
    }
    for (int digit = 7; digit >= 0 && ++expected[digit] > '9'; --digit) expected[digit] = '0';
  }
}

TEST(NumberText, DoublesAsFmtPrintsThem) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> values = {0.0,
                                -0.0,
                                kInf,
                                -kInf,
                                std::numeric_limits<double>::quiet_NaN(),
                                -std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::denorm_min(),
                                -std::numeric_limits<double>::denorm_min(),
                                0.1,
                                0.30000000000000004,
                                1e-7,
                                2.5e-5,
                                1e20,
                                1.23e20,
                                9007199254740993.0};
  // Around the switch between fixed and exponent notation (1e-5 / 1e-4 and 1e15 / 1e16).
  for (double power = 1e-7; power < 1e19; power *= 10) {
    for (double value : {power, std::nextafter(power, 0.0), std::nextafter(power, kInf),
                         power * 1.5, power * 9.999999999999999, power * 0.12345678901234567}) {
      values.push_back(value);
      values.push_back(-value);
    }
  }
  std::mt19937_64 random(11);
  for (int i = 0; i < 1'000'000; ++i) values.push_back(std::bit_cast<double>(random()));
  // Decimals with few digits, as data holds them.
  for (int i = 0; i < 200'000; ++i) {
    const double value =
        static_cast<double>(static_cast<int64_t>(random() % 2'000'001) - 1'000'000) /
        std::pow(10.0, static_cast<int>(random() % 12));
    values.push_back(value);
  }
  for (double value : values) {
    ASSERT_EQ(double_text(value), fmt::format("{}", value))
        << "bits " << std::bit_cast<uint64_t>(value);
  }
}

}  // namespace
}  // namespace mlops
