#include "mlops/notebook/json_spans.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "mlops/core/error.h"
#include "support/error_text.h"

namespace mlops {
namespace {

std::string data_error(const std::function<void()>& action) {
  return testing::error_text<DataError>(action);
}

std::string_view span_text(std::string_view text, const JsonSpan& span) {
  return text.substr(span.begin, span.end - span.begin);
}

TEST(JsonSpans, KeepsWhereEveryMemberAndValueLies) {
  const std::string text = "{\n \"a\": [1, -2.5e3, true],\n \"b\" : \"x\\\"y\", \"c\": null}";
  const JsonSpan root = parse_json_spans(text, "doc.json");
  ASSERT_EQ(root.kind, JsonSpan::Kind::kObject);
  EXPECT_EQ(root.begin, 0u);
  EXPECT_EQ(root.end, text.size());
  ASSERT_EQ(root.members.size(), 3u);
  EXPECT_EQ(root.members[0].key, "a");
  EXPECT_EQ(text.substr(root.members[0].key_begin, 3), "\"a\"");
  EXPECT_EQ(span_text(text, root.members[0].value), "[1, -2.5e3, true]");
  ASSERT_EQ(root.members[0].value.items.size(), 3u);
  EXPECT_EQ(span_text(text, root.members[0].value.items[1]), "-2.5e3");
  EXPECT_EQ(root.members[0].value.items[2].kind, JsonSpan::Kind::kBool);
  EXPECT_EQ(span_text(text, *root.find("b")), "\"x\\\"y\"");
  EXPECT_EQ(decode_string(text, *root.find("b")), "x\"y");
  EXPECT_EQ(root.find("c")->kind, JsonSpan::Kind::kNull);
  EXPECT_EQ(root.find("missing"), nullptr);
}

TEST(JsonSpans, DecodesEscapesAndSurrogatePairsToUtf8) {
  const std::string text = R"("caf\u00e9 \ud83d\ude00\n\t\/\\")";
  EXPECT_EQ(decode_string(text, parse_json_spans(text, "s")),
            "caf\xC3\xA9 \xF0\x9F\x98\x80\n\t/\\");
  const std::string key = R"({"k\u0065y": 1})";
  EXPECT_EQ(parse_json_spans(key, "s").members[0].key, "key");
}

TEST(JsonSpans, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(data_error([] { parse_json_spans(R"({"a": 1,})", "nb.ipynb"); }),
            "nb.ipynb:1:9: invalid JSON: expected a member name in double quotes");
  EXPECT_EQ(data_error([] { parse_json_spans("{\n  \"a\": tru\n}", "nb.ipynb"); }),
            "nb.ipynb:2:8: invalid JSON: expected a value");
  EXPECT_EQ(data_error([] { parse_json_spans("{} x", "nb.ipynb"); }),
            "nb.ipynb:1:4: invalid JSON: expected the end of the document");
  EXPECT_EQ(data_error([] { parse_json_spans("[1 2]", "nb.ipynb"); }),
            "nb.ipynb:1:4: invalid JSON: expected ',' or ']'");
  EXPECT_EQ(data_error([] { parse_json_spans("\"open", "nb.ipynb"); }),
            "nb.ipynb:1:6: invalid JSON: unterminated string");
  EXPECT_EQ(data_error([] { parse_json_spans("\"a\tb\"", "nb.ipynb"); }),
            "nb.ipynb:1:3: invalid JSON: control character in a string");
  EXPECT_EQ(data_error([] { parse_json_spans("01", "nb.ipynb"); }),
            "nb.ipynb:1:2: invalid JSON: expected the end of the document");
  EXPECT_EQ(data_error([] { parse_json_spans("", "nb.ipynb"); }),
            "nb.ipynb:1:1: invalid JSON: expected a value");
}

TEST(JsonSpans, RefusesNestingDeeperThanAThousandLevels) {
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  EXPECT_NE(data_error([&] {
              parse_json_spans(deep, "deep.json");
            }).find("invalid JSON: nesting deeper than 1000 levels"),
            std::string::npos);
  const std::string fine = std::string(500, '[') + std::string(500, ']');
  EXPECT_EQ(parse_json_spans(fine, "fine.json").end, fine.size());
}

TEST(JsonSpans, LineColumnCountsBytesFromOne) {
  EXPECT_EQ(line_column("ab\ncd", 0), "1:1");
  EXPECT_EQ(line_column("ab\ncd", 4), "2:2");
}

}  // namespace
}  // namespace mlops
