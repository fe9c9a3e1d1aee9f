#include "mlops/core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace mlops {
namespace {

// Bytes written out as hex, so no literal runs into the next character.
std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out += static_cast<char>(value);
  return out;
}

TEST(Utf8, ValidTextHasNoInvalidByte) {
  EXPECT_EQ(find_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("Montr\u00e9al \u20ac \U0001F600"), std::nullopt);
}

TEST(Utf8, NamesTheOffsetOfTheFirstInvalidByte) {
  EXPECT_EQ(find_invalid_utf8("Montr" + bytes({0xE9}) + "al"), 5u);          // Latin-1 e-acute
  EXPECT_EQ(find_invalid_utf8("ok " + bytes({0xC0, 0xAF})), 3u);             // overlong '/'
  EXPECT_EQ(find_invalid_utf8(bytes({0xED, 0xA0, 0x80})), 0u);               // a UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("ab" + bytes({0xF4, 0x90, 0x80, 0x80})), 2u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("abc" + bytes({0xE2, 0x82})), 3u);             // truncated at the end
  EXPECT_EQ(find_invalid_utf8(bytes({0xB2}) + "EMALE"), 0u);  // a lone continuation byte
}

TEST(Utf8, ReplacesEachInvalidByteWithTheReplacementCharacter) {
  EXPECT_EQ(replace_invalid_utf8("Montr" + bytes({0xE9}) + "al"), "Montr\uFFFDal");
  EXPECT_EQ(replace_invalid_utf8("\u00e9" + bytes({0xFF})), "\u00e9\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("plain"), "plain");
}

}  // namespace
}  // namespace mlops
