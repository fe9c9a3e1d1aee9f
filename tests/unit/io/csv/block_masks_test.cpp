// The line splitter: its SSE2 and portable paths agree with a plain reference on random and
// edge inputs, and short integers read as one word equal the strict parser's values.

#include "mlops/io/csv/block_masks.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "mlops/core/value_parse.h"
#include "mlops/io/csv/typed_field.h"

namespace mlops::io_detail {
namespace {

/// One split line as the tests compare them.
struct Line {
  size_t number = 0;
  std::string raw;
  size_t num_fields = 0;
  std::vector<std::string> fields;  // the stored ones
  bool operator==(const Line&) const = default;
};

/// What a splitter yields for `text`: its lines, then the line count and whether it stopped at
/// a quote.
struct Split {
  std::vector<Line> lines;
  size_t line_count = 0;
  bool found_quote = false;
  bool operator==(const Split&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Split& split) {
  out << split.lines.size() << " lines, count " << split.line_count << ", quote "
      << split.found_quote << ":";
  for (const auto& line : split.lines) {
    out << " [" << line.number << " '" << line.raw << "' " << line.num_fields << "]";
  }
  return out;
}

template <bool kSimd>
Split split_with(std::string_view text, char delimiter, size_t capacity) {
  BasicLineSplitter<kSimd> splitter(text, delimiter);
  std::vector<std::string_view> fields(capacity);
  Split out;
  SplitLine line;
  while (splitter.next(line, fields)) {
    Line copy{line.line, std::string(line.raw), line.num_fields, {}};
    for (size_t i = 0; i < std::min(line.num_fields, capacity); ++i) {
      copy.fields.emplace_back(fields[i]);
    }
    out.lines.push_back(std::move(copy));
  }
  out.line_count = splitter.lines();
  out.found_quote = splitter.found_quote();
  return out;
}

/// The rules written out the slow way: lines end at '\n', a CR before it is dropped, empty
/// lines are skipped but counted, fields are cut at every delimiter.
Split reference_split(std::string_view text, char delimiter, size_t capacity) {
  Split out;
  if (text.find('"') != std::string_view::npos) {
    out.found_quote = true;  // the splitters stop at the quote's block; only the flag is compared
    return out;
  }
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    ++out.line_count;
    start = end + 1;
    if (content.empty()) continue;
    Line line{out.line_count, std::string(content), 0, {}};
    size_t from = 0;
    for (;;) {
      const size_t cut = content.find(delimiter, from);
      const std::string_view field =
          content.substr(from, cut == std::string_view::npos ? std::string_view::npos : cut - from);
      if (line.fields.size() < capacity) line.fields.emplace_back(field);
      ++line.num_fields;
      if (cut == std::string_view::npos) break;
      from = cut + 1;
    }
    out.lines.push_back(std::move(line));
  }
  return out;
}

void expect_all_agree(std::string_view text, char delimiter = ',', size_t capacity = 4) {
  const Split expected = reference_split(text, delimiter, capacity);
  const Split scalar = split_with<false>(text, delimiter, capacity);
  const Split simd = split_with<true>(text, delimiter, capacity);
  if (expected.found_quote) {
    EXPECT_TRUE(scalar.found_quote) << text;
    EXPECT_TRUE(simd.found_quote) << text;
    EXPECT_EQ(scalar, simd) << text;
    return;
  }
  EXPECT_EQ(scalar, expected) << text;
  EXPECT_EQ(simd, expected) << text;
}

TEST(CsvSplit, SplitsLinesAndFields) {
  const Split split = split_with<true>("a,b,c\n1,2,3\n", ',', 4);
  ASSERT_EQ(split.lines.size(), 2u);
  EXPECT_EQ(split.lines[1], (Line{2, "1,2,3", 3, {"1", "2", "3"}}));
  EXPECT_EQ(split.line_count, 2u);
  EXPECT_FALSE(split.found_quote);
}

TEST(CsvSplit, EdgeCasesAgreeWithTheReference) {
  for (std::string_view text :
       {"", "\n", "\n\n\r\n", "a", "a\n", "a\r\n", "a\r", "\r", "\r\r\n", ",", ",,\n,", "a,\r\nb",
        "a,b\n\nc,d\r\n\r\ne", "x\ny\nz", "1,2,3,4,5,6,7\n1", "a\"b\n", "\"", "a,b\nc,\"d\"\n"}) {
    expect_all_agree(text);
  }
}

TEST(CsvSplit, FieldsAndLineEndsAtEveryBlockBoundary) {
  // Delimiters, CRs and LFs placed on each side of the 16-, 32- and 64-byte boundaries of the
  // SSE2 blocks, and texts that end just before, on and after them.
  for (size_t length = 1; length <= 200; ++length) {
    for (size_t mark : {15u, 16u, 31u, 32u, 63u, 64u, 65u, 127u, 128u}) {
      if (mark >= length) continue;
      for (char special : {',', '\n', '\r'}) {
        std::string text(length, 'x');
        text[mark] = special;
        if (special == '\r' && mark + 1 < length) text[mark + 1] = '\n';
        if (mark > 0) text[mark - 1] = ',';
        expect_all_agree(text);
      }
    }
  }
}

TEST(CsvSplit, RandomTextsAgreeWithTheReference) {
  std::mt19937 random(7);
  const std::string alphabet = "ab1,,,\n\n\r;\t ";
  for (int round = 0; round < 3000; ++round) {
    const size_t length = random() % 300;
    std::string text;
    for (size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    const char delimiter = round % 3 == 0 ? '\t' : round % 3 == 1 ? ';' : ',';
    expect_all_agree(text, delimiter, 1 + random() % 6);
  }
}

TEST(CsvSplit, AQuoteAnywhereStopsBothPaths) {
  std::mt19937 random(11);
  for (int round = 0; round < 500; ++round) {
    std::string text;
    for (int line = 0; line < 20; ++line) text += "12,abc,,x\n";
    text[random() % text.size()] = '"';
    expect_all_agree(text);
  }
}

TEST(CsvSplit, MoreFieldsThanStoredAreCounted) {
  const Split split = split_with<true>("1,2,3,4,5\n", ',', 2);
  ASSERT_EQ(split.lines.size(), 1u);
  EXPECT_EQ(split.lines[0].num_fields, 5u);
  EXPECT_EQ(split.lines[0].fields, (std::vector<std::string>{"1", "2"}));
}

// Integers read a word at a time give parse_int64's value, or fail where it fails, for every
// length, sign and stray byte, whether or not the word may be read.
TEST(CsvTypedField, IntegerWordAgreesWithTheStrictParser) {
  std::mt19937 random(3);
  const std::string bytes = "0123456789-+. ae/:";
  for (int round = 0; round < 20000; ++round) {
    const size_t length = random() % 21;
    std::string text;
    for (size_t i = 0; i < length; ++i) {
      text +=
          random() % 4 ? static_cast<char>('0' + random() % 10) : bytes[random() % bytes.size()];
    }
    // The buffer goes on past the text (as a CSV line does) with bytes that are not digits.
    const std::string buffer = text + ",9999999";
    const std::string_view field(buffer.data(), text.size());
    const auto expected = parse_int64(text);
    for (const char* readable_end :
         {static_cast<const char*>(nullptr), buffer.data() + buffer.size()}) {
      int64_t value = -1;
      const bool parsed = parse_int64_field(field, value, readable_end);
      ASSERT_EQ(parsed, expected.has_value()) << "'" << text << "'";
      if (parsed) {
        EXPECT_EQ(value, *expected) << "'" << text << "'";
      }
    }
  }
}

TEST(CsvTypedField, IntegerWordCoversEachLengthUpToEightDigits) {
  for (const std::string text : {"0", "7", "-7", "+7", "10", "99", "-120", "2880", "12345",
                                 "-654321", "1234567", "99999999", "-99999999", "00000042"}) {
    const std::string buffer = text + ",abcdefgh";  // readable: the word path is taken
    int64_t value = 0;
    ASSERT_TRUE(parse_int64_field(std::string_view(buffer.data(), text.size()), value,
                                  buffer.data() + buffer.size()))
        << text;
    EXPECT_EQ(value, *parse_int64(text)) << text;
  }
}

// Without readable bytes past the text (no word read), the field parser's digit loop.
TEST(IntegerField, AgreesWithTheStrictParser) {
  auto field = [](std::string_view text) -> std::optional<int64_t> {
    const std::string held(text);  // not a literal: GCC would warn about the (unused) word read
    int64_t value = 0;
    if (!parse_int64_field(held, value)) return std::nullopt;
    return value;
  };
  for (const char* text : {"0",
                           "-0",
                           "+7",
                           "-42",
                           "007",
                           "123456789012345678",
                           "-123456789012345678",
                           "9223372036854775807",
                           "-9223372036854775808",
                           "9223372036854775808",
                           "",
                           "-",
                           "+",
                           "+-5",
                           "-+5",
                           "--5",
                           "4.0",
                           "12a",
                           " 1",
                           "1 ",
                           "1e3",
                           "0x10"}) {
    EXPECT_EQ(field(text), parse_int64(text)) << "'" << text << "'";
  }
  EXPECT_EQ(field("-123456789012345678"), -123456789012345678);
  EXPECT_EQ(field("+-5"), std::nullopt);
}

}  // namespace
}  // namespace mlops::io_detail
