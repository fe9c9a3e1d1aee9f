#include "mlops/io/json.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using Strings = std::vector<std::string>;

ReadResult read(std::string_view text, std::vector<ColumnDecl> declared = {}) {
  ReadOptions options;
  options.source_name = "data.json";
  options.declared = std::move(declared);
  return read_json(text, options);
}

std::string data_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const DataError& error) {
    return error.what();
  }
  return "<no DataError>";
}

std::vector<std::string> values(const Table& table, std::string_view name) {
  const Column& column = table.column(name);
  std::vector<std::string> out;
  for (size_t row = 0; row < column.size(); ++row) {
    out.push_back(column.is_null(row) ? "<null>" : column.format_value(row));
  }
  return out;
}

TEST(Json, ReadsArrayOfObjectsWithColumnsInFirstAppearanceOrder) {
  ReadResult result = read(R"([{"z": 1, "a": "x"}, {"a": "y", "z": 2, "m": true}])");
  EXPECT_EQ(result.table.column_names(), (Strings{"z", "a", "m"}));
  EXPECT_EQ(result.table.column("z").type(), DType::kInt64);
  EXPECT_EQ(values(result.table, "a"), (Strings{"x", "y"}));
  EXPECT_EQ(values(result.table, "m"), (Strings{"<null>", "true"}));
  EXPECT_TRUE(result.bad.empty());
}

TEST(Json, ReadsJsonLines) {
  ReadResult result = read("{\"a\": 1}\r\n\n{\"a\": 2, \"b\": \"x\"}\n");
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "2"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"<null>", "x"}));
}

TEST(Json, EmptyInputGivesEmptyTable) {
  EXPECT_EQ(read("").table.num_columns(), 0u);
  EXPECT_EQ(read(" [ ] ").table.num_columns(), 0u);
}

TEST(Json, NestedObjectsFlattenAndArraysStayJsonText) {
  ReadResult result = read(R"([{"a": {"b": 1, "c": {"d": "x"}}, "e": [1, {"f": 2}], "g": {}}])");
  EXPECT_EQ(result.table.column_names(), (Strings{"a.b", "a.c.d", "e", "g"}));
  EXPECT_EQ(values(result.table, "a.b"), (Strings{"1"}));
  EXPECT_EQ(values(result.table, "a.c.d"), (Strings{"x"}));
  EXPECT_EQ(result.table.column("e").type(), DType::kString);
  EXPECT_EQ(values(result.table, "e"), (Strings{R"([1,{"f":2}])"}));
  EXPECT_EQ(values(result.table, "g"), (Strings{"<null>"}));
}

TEST(Json, MissingKeyAndJsonNullAreNull) {
  ReadResult result = read(R"([{"a": 1, "b": 2}, {"a": null}, {"b": 3}])");
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "<null>", "<null>"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"2", "<null>", "3"}));
}

TEST(Json, IntegersWidenToFloatWhenAColumnHasFractions) {
  ReadResult result = read(R"([{"x": 1}, {"x": 2.5}, {"x": 3}])");
  EXPECT_EQ(result.table.column("x").type(), DType::kFloat64);
  EXPECT_EQ(values(result.table, "x"), (Strings{"1", "2.5", "3"}));
}

TEST(Json, InfersBoolTimestampAndString) {
  ReadResult result = read(
      R"([{"b": true, "t": "2024-01-02", "s": "2024-01-02"},
          {"b": false, "t": "2024-01-02T03:04:05Z", "s": "later"}])");
  EXPECT_EQ(result.table.column("b").type(), DType::kBool);
  EXPECT_EQ(result.table.column("t").type(), DType::kTimestamp);
  EXPECT_EQ(result.table.column("t").int_at(1), *parse_timestamp("2024-01-02 03:04:05"));
  EXPECT_EQ(result.table.column("s").type(), DType::kString);
}

TEST(Json, ColumnMixingKindsIsStringOfEachValuesText) {
  ReadResult result = read(R"([{"m": 1}, {"m": "a"}, {"m": true}, {"m": [1]}, {"m": 1.5}])");
  EXPECT_EQ(result.table.column("m").type(), DType::kString);
  EXPECT_EQ(values(result.table, "m"), (Strings{"1", "a", "true", "[1]", "1.5"}));
}

TEST(Json, UnparsableJsonLineGoesToBadWithItsLine) {
  ReadResult result = read("{\"a\": 1}\n{\"a\": tru}\n\n{\"a\": 3}\n");
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "3"}));
  ASSERT_EQ(result.bad.size(), 1u);
  const BadRecord& bad = result.bad[0];
  EXPECT_EQ(bad.source, "data.json");
  EXPECT_EQ(bad.line, 2u);
  EXPECT_EQ(bad.record, 1u);
  EXPECT_EQ(bad.reason,
            "invalid JSON at column 10: syntax error while parsing value - invalid literal; "
            "last read: '\"a\": tru}'");
  EXPECT_EQ(bad.raw, "{\"a\": tru}");
}

TEST(Json, NonObjectRecordGoesToBad) {
  ReadResult result = read("{\"a\": 1}\n5\n");
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].reason, "expected a JSON object, found number");
  EXPECT_EQ(result.bad[0].line, 2u);
  EXPECT_EQ(result.table.num_rows(), 1u);
}

TEST(Json, DeclaredConversionFailureGoesToBadWithCompactRecord) {
  ReadResult result = read("[\n  {\"id\": 1, \"n\": \"42\"},\n  {\"id\": 2,\n   \"n\": \"abc\"}\n]",
                           {{"n", DType::kInt64, {}}});
  EXPECT_EQ(values(result.table, "n"), (Strings{"42"}));
  ASSERT_EQ(result.bad.size(), 1u);
  const BadRecord& bad = result.bad[0];
  EXPECT_EQ(bad.line, 3u);
  EXPECT_EQ(bad.record, 1u);
  EXPECT_EQ(bad.column, "n");
  EXPECT_EQ(bad.value, "abc");
  EXPECT_EQ(bad.reason, "cannot parse 'abc' as int64");
  EXPECT_EQ(bad.raw, R"({"id":2,"n":"abc"})");
}

TEST(Json, DeclaredTypesConvertNumbersAndStrings) {
  ReadResult result = read(R"([{"i": 3.0, "f": 2, "t": "2024-05-06", "s": 7, "b": "TRUE"},
                               {"i": "-4", "f": "1e3", "t": null, "s": "x", "b": false}])",
                           {{"i", DType::kInt64, {}},
                            {"f", DType::kFloat64, {}},
                            {"t", DType::kTimestamp, {}},
                            {"s", DType::kString, {}},
                            {"b", DType::kBool, {}}});
  EXPECT_TRUE(result.bad.empty());
  EXPECT_EQ(values(result.table, "i"), (Strings{"3", "-4"}));
  EXPECT_EQ(values(result.table, "f"), (Strings{"2", "1000"}));
  EXPECT_EQ(values(result.table, "t"), (Strings{"2024-05-06 00:00:00", "<null>"}));
  EXPECT_EQ(values(result.table, "s"), (Strings{"7", "x"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"true", "false"}));
}

TEST(Json, DeclaredIntRejectsFractionsAndBooleans) {
  ReadResult result = read("{\"i\": 1.5}\n{\"i\": true}\n", {{"i", DType::kInt64, {}}});
  ASSERT_EQ(result.bad.size(), 2u);
  EXPECT_EQ(result.bad[0].reason, "cannot parse '1.5' as int64");
  EXPECT_EQ(result.bad[1].reason, "cannot parse 'true' as int64");
}

TEST(Json, DeclaredColumnThatNeverAppearsIsAllNull) {
  ReadResult result = read("{\"a\": 1}\n", {{"b", DType::kFloat64, {}}});
  EXPECT_EQ(result.table.column_names(), (Strings{"a", "b"}));
  EXPECT_EQ(result.table.column("b").type(), DType::kFloat64);
  EXPECT_EQ(values(result.table, "b"), (Strings{"<null>"}));
}

TEST(Json, ValueOutsideAllowedGoesToBad) {
  ReadResult result = read(R"([{"sex": "MALE"}, {"sex": "."}, {"sex": null}])",
                           {{"sex", DType::kString, {"MALE", "FEMALE"}}});
  EXPECT_EQ(values(result.table, "sex"), (Strings{"MALE", "<null>"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].reason, "value '.' is not one of [MALE, FEMALE]");
}

TEST(Json, FlattenedKeyClashGoesToBad) {
  ReadResult result = read(R"([{"a.b": 1, "a": {"b": 2}}, {"a.b": 3}])");
  EXPECT_EQ(values(result.table, "a.b"), (Strings{"3"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].reason, "key 'a.b' appears twice once nested objects are flattened");
}

TEST(Json, ArraySyntaxErrorNamesSourceLineAndColumn) {
  EXPECT_EQ(data_error([] { read("[\n  {\"a\": 1},\n  {\"a\" 2}\n]"); }),
            "data.json: invalid JSON at line 3, column 8: syntax error while parsing object "
            "separator - unexpected number literal; expected ':'");
  EXPECT_EQ(data_error([] { read("[{\"a\": 1},\n"); }),
            "data.json: invalid JSON at line 2, column 1: syntax error while parsing value - "
            "unexpected end of input; expected '[', '{', or a literal");
}

// Found by tests/fuzz/fuzz_json (corpus/json/big-number.json): nlohmann's out_of_range escaped
// as an internal error (exit 1) from validate and ingest.
TEST(Json, NumberBeyondDoubleRangeInArrayIsDataErrorWithItsPosition) {
  EXPECT_EQ(data_error([] { read("[{\"a\": 1},\n {\"a\": 1e999}]"); }),
            "data.json: invalid JSON at line 2, column 8: number overflow parsing '1e999'");
}

TEST(Json, NumberBeyondDoubleRangeInJsonLineGoesToBad) {
  ReadResult result = read("{\"a\": 1}\n{\"a\": -1e999}\n{\"a\": 3}\n");
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "3"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 2u);
  EXPECT_EQ(result.bad[0].reason, "invalid JSON at column 7: number overflow parsing '-1e999'");
  EXPECT_EQ(result.bad[0].raw, "{\"a\": -1e999}");
}

TEST(Json, ReadFileUsesPathAsSourceName) {
  testing::TempDir dir;
  const std::string path = dir.write("in.jsonl", "{\"a\": 1}\n[1]\n");
  ReadResult result = read_json_file(path, ReadOptions());
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].source, path);
  EXPECT_EQ(result.bad[0].raw, "[1]");
}

}  // namespace
}  // namespace mlops
