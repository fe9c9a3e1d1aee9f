#include "mlops/io/csv/csv.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

ReadResult read(std::string_view text, std::vector<ColumnDecl> declared = {},
                std::vector<std::string> null_values = {}) {
  ReadOptions options;
  options.source_name = "data.csv";
  options.declared = std::move(declared);
  options.null_values = std::move(null_values);
  return read_csv(text, options);
}

std::string data_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const DataError& error) {
    return error.what();
  }
  return "<no DataError>";
}

// Every value of a column as CSV shows it, nulls as "<null>".
std::vector<std::string> values(const Table& table, std::string_view name) {
  const Column& column = table.column(name);
  std::vector<std::string> out;
  for (size_t row = 0; row < column.size(); ++row) {
    out.push_back(column.is_null(row) ? "<null>" : column.format_value(row));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(Csv, ReadsHeaderAndRecords) {
  ReadResult result = read("id,name\n1,ann\n2,bob\n");
  EXPECT_EQ(result.table.column_names(), (Strings{"id", "name"}));
  EXPECT_EQ(values(result.table, "id"), (Strings{"1", "2"}));
  EXPECT_EQ(values(result.table, "name"), (Strings{"ann", "bob"}));
  EXPECT_TRUE(result.bad.empty());
}

TEST(Csv, LastRecordNeedsNoLineEnd) {
  EXPECT_EQ(values(read("a\n1\n2").table, "a"), (Strings{"1", "2"}));
}

TEST(Csv, QuotedFieldMayHoldDelimiter) {
  EXPECT_EQ(values(read("name,n\n\"Smith, J\",1\n").table, "name"), (Strings{"Smith, J"}));
}

TEST(Csv, DoubledQuoteInQuotedFieldIsOneQuote) {
  ReadResult result = read("q,n\n\"say \"\"hi\"\"\",1\n\"\"\"\",2\n");
  EXPECT_EQ(values(result.table, "q"), (Strings{"say \"hi\"", "\""}));
}

TEST(Csv, QuoteInsideUnquotedFieldIsKept) {
  EXPECT_EQ(values(read("s\n5\"6\n").table, "s"), (Strings{"5\"6"}));
}

TEST(Csv, TextAfterClosingQuoteIsKept) {
  EXPECT_EQ(values(read("s,t\n\"ab\"c,d\n").table, "s"), (Strings{"abc"}));
}

TEST(Csv, QuotedFieldMayHoldNewline) {
  ReadResult result = read("id,note\n1,\"two\nlines\"\n2,plain\n3\n");
  EXPECT_EQ(values(result.table, "note"), (Strings{"two\nlines", "plain"}));
  // The newline inside the quotes still counts: the third record starts on line 5.
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 5u);
  EXPECT_EQ(result.bad[0].record, 2u);
}

TEST(Csv, BadRecordSpanningLinesKeepsItsRawText) {
  ReadResult result = read("a,b\n\"x\ny\",1,extra\n", {});
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 2u);
  EXPECT_EQ(result.bad[0].raw, "\"x\ny\",1,extra");
}

TEST(Csv, CrlfLineEndsAreNotPartOfFields) {
  ReadResult result = read("a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n3,\"q\"\r\n");
  EXPECT_EQ(result.table.column_names(), (Strings{"a", "b"}));
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "2", "3"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"x\r\ny", "z", "q"}));
}

TEST(Csv, ByteOrderMarkAtStartIsSkipped) {
  ReadResult result = read("\xEF\xBB\xBFid,v\n1,2\n");
  EXPECT_EQ(result.table.column_names(), (Strings{"id", "v"}));
}

TEST(Csv, TabDelimiterReadsTsv) {
  ReadOptions options;
  options.delimiter = '\t';
  ReadResult result = read_csv("a\tb\n1,5\tx y\n", options);
  EXPECT_EQ(values(result.table, "a"), (Strings{"1,5"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"x y"}));
}

TEST(Csv, EmptyFieldsAndConfiguredNullValuesAreNull) {
  ReadResult result = read("a,b\n1,\n,NA\n3,x\n", {}, {"NA"});
  EXPECT_EQ(values(result.table, "a"), (Strings{"1", "<null>", "3"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"<null>", "<null>", "x"}));
  EXPECT_EQ(result.table.column("a").type(), DType::kInt64);
  EXPECT_EQ(result.table.column("a").null_count(), 1u);
}

TEST(Csv, QuotedEmptyFieldIsNull) {
  EXPECT_EQ(values(read("a,b\n\"\",1\n").table, "a"), (Strings{"<null>"}));
}

TEST(Csv, InfersEachType) {
  ReadResult result = read(
      "i,f,b,t,s,n\n"
      "1,1.5,true,2024-01-02,x,\n"
      "-2,3,False,2024-01-02 03:04:05,1,\n");
  const Table& table = result.table;
  EXPECT_EQ(table.column("i").type(), DType::kInt64);
  EXPECT_EQ(table.column("f").type(), DType::kFloat64);  // 3 widens to float64
  EXPECT_EQ(table.column("b").type(), DType::kBool);
  EXPECT_EQ(table.column("t").type(), DType::kTimestamp);
  EXPECT_EQ(table.column("s").type(), DType::kString);
  EXPECT_EQ(table.column("n").type(), DType::kString);  // only nulls
  EXPECT_EQ(table.column("i").int_at(1), -2);
  EXPECT_EQ(table.column("f").float_at(1), 3.0);
  EXPECT_FALSE(table.column("b").bool_at(1));
  EXPECT_EQ(table.column("t").int_at(1), *parse_timestamp("2024-01-02T03:04:05Z"));
}

TEST(Csv, DeclaredTypesOverrideInference) {
  ReadResult result =
      read("code,x\n007,1\n010,2\n", {{"code", DType::kString, {}}, {"x", DType::kFloat64, {}}});
  EXPECT_EQ(result.table.column("code").type(), DType::kString);
  EXPECT_EQ(values(result.table, "code"), (Strings{"007", "010"}));
  EXPECT_EQ(result.table.column("x").type(), DType::kFloat64);
}

TEST(Csv, UnparsableDeclaredValueSendsRecordToBad) {
  ReadResult result = read("name,age\nann,31\nbob,abc\ncid,40\n", {{"age", DType::kInt64, {}}});
  EXPECT_EQ(values(result.table, "name"), (Strings{"ann", "cid"}));
  EXPECT_EQ(values(result.table, "age"), (Strings{"31", "40"}));
  ASSERT_EQ(result.bad.size(), 1u);
  const BadRecord& bad = result.bad[0];
  EXPECT_EQ(bad.source, "data.csv");
  EXPECT_EQ(bad.line, 3u);
  EXPECT_EQ(bad.record, 1u);
  EXPECT_EQ(bad.column, "age");
  EXPECT_EQ(bad.value, "abc");
  EXPECT_EQ(bad.reason, "cannot parse 'abc' as int64");
  EXPECT_EQ(bad.raw, "bob,abc");
}

TEST(Csv, DeclaredNullIsAccepted) {
  ReadResult result = read("age\n\n", {{"age", DType::kInt64, {}}});
  EXPECT_TRUE(result.bad.empty());
  ReadResult with_na = read("a,age\n1,NA\n", {{"age", DType::kInt64, {}}}, {"NA"});
  EXPECT_TRUE(with_na.bad.empty());
  EXPECT_EQ(values(with_na.table, "age"), (Strings{"<null>"}));
}

TEST(Csv, WrongFieldCountGoesToBad) {
  ReadResult result = read("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n1,2,3,4,5,6\n");
  EXPECT_EQ(result.table.num_rows(), 1u);
  ASSERT_EQ(result.bad.size(), 2u);
  EXPECT_EQ(result.bad[0].reason, "expected 5 fields, found 4");
  EXPECT_EQ(result.bad[0].line, 3u);
  EXPECT_EQ(result.bad[0].column, "");
  EXPECT_EQ(result.bad[0].raw, "1,2,3,4");
  EXPECT_EQ(result.bad[1].reason, "expected 5 fields, found 6");
}

TEST(Csv, BadRecordsComeInRecordOrder) {
  ReadResult result = read("a,b\nx,1\n1\n", {{"a", DType::kInt64, {}}});
  ASSERT_EQ(result.bad.size(), 2u);
  EXPECT_EQ(result.bad[0].record, 0u);
  EXPECT_EQ(result.bad[1].record, 1u);
}

TEST(Csv, UnterminatedQuoteSendsTheRestToBad) {
  ReadResult result = read("a,b\n1,x\n2,\"open\n3,y\n");
  EXPECT_EQ(values(result.table, "a"), (Strings{"1"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 3u);
  EXPECT_EQ(result.bad[0].reason, "unterminated quoted field");
  EXPECT_EQ(result.bad[0].raw, "2,\"open\n3,y");
}

TEST(Csv, ValueOutsideAllowedGoesToBadButNullIsAllowed) {
  ReadResult result =
      read("id,sex\n1,MALE\n2,.\n3,\n", {{"sex", DType::kString, {"MALE", "FEMALE"}}});
  EXPECT_EQ(values(result.table, "sex"), (Strings{"MALE", "<null>"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].reason, "value '.' is not one of [MALE, FEMALE]");
  EXPECT_EQ(result.bad[0].value, ".");
  EXPECT_EQ(result.bad[0].column, "sex");
}

TEST(Csv, BlankLinesAreSkippedButCounted) {
  ReadResult result = read("a\n1\n\n\r\nx\n", {{"a", DType::kInt64, {}}});
  EXPECT_EQ(result.table.num_rows(), 1u);
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 5u);
  EXPECT_EQ(result.bad[0].record, 1u);
}

TEST(Csv, HeaderOnlyGivesEmptyTypedTable) {
  ReadResult result = read("a,b\n", {{"b", DType::kFloat64, {}}});
  EXPECT_EQ(result.table.num_rows(), 0u);
  EXPECT_EQ(result.table.column("a").type(), DType::kString);
  EXPECT_EQ(result.table.column("b").type(), DType::kFloat64);
}

TEST(Csv, MissingDeclaredColumnNamesHeaderAndSuggests) {
  EXPECT_EQ(data_error([] {
              read("species,island\nA,B\n", {{"specis", DType::kString, {}}});
            }),
            "data.csv: column 'specis' declared in the schema is missing from the header "
            "(columns: species, island) (did you mean 'species'?)");
  EXPECT_EQ(data_error([] {
              read("a,b\n", {{"zzzzzz", DType::kString, {}}});
            }),
            "data.csv: column 'zzzzzz' declared in the schema is missing from the header "
            "(columns: a, b)");
}

TEST(Csv, DuplicateHeaderNameIsAnError) {
  EXPECT_EQ(data_error([] { read("a,b,a\n1,2,3\n"); }),
            "data.csv: column 'a' appears more than once in the header");
}

TEST(Csv, EmptyInputIsAnError) {
  EXPECT_EQ(data_error([] { read(""); }),
            "data.csv: the input is empty (a header row is expected)");
  EXPECT_EQ(data_error([] { read("\n\r\n"); }),
            "data.csv: the input is empty (a header row is expected)");
}

TEST(Csv, EmptyHeaderNameGetsAPositionalName) {
  EXPECT_EQ(read(",a\n0,x\n").table.column_names(), (Strings{"unnamed_0", "a"}));
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  auto field = [](std::string_view text, char delimiter = ',') {
    std::string out;
    append_csv_field(out, text, delimiter);
    return out;
  };
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(field(" lead"), "\" lead\"");
  EXPECT_EQ(field("trail "), "\"trail \"");
  EXPECT_EQ(field("in side"), "in side");
  EXPECT_EQ(field("a,b", '\t'), "a,b");
  EXPECT_EQ(field("a\tb", '\t'), "\"a\tb\"");
}

Table sample_table() {
  Column id("id", DType::kInt64), score("score", DType::kFloat64), ok("ok", DType::kBool),
      note("note", DType::kString), at("at", DType::kTimestamp);
  id.push_int(1), id.push_int(-2), id.push_null();
  score.push_float(0.1), score.push_null(), score.push_float(1e-07);
  ok.push_bool(true), ok.push_bool(false), ok.push_null();
  note.push_string("a, \"b\""), note.push_string("two\nlines"), note.push_null();
  at.push_int(*parse_timestamp("2024-03-01 12:30:00")), at.push_null(),
      at.push_int(*parse_timestamp("1999-12-31"));
  Table table;
  for (Column* column : {&id, &score, &ok, &note, &at}) table.add_column(std::move(*column));
  return table;
}

TEST(CsvWriter, ToCsvFormatsEachTypeAndWritesNullsEmpty) {
  EXPECT_EQ(to_csv(sample_table()),
            "id,score,ok,note,at\n"
            "1,0.1,true,\"a, \"\"b\"\"\",2024-03-01 12:30:00\n"
            "-2,,false,\"two\nlines\",\n"
            ",1e-07,,,1999-12-31 00:00:00\n");
}

TEST(CsvWriter, WriteThenReadRoundTrips) {
  TempDir dir;
  const std::string path = dir.file("out/table.csv");
  const Table table = sample_table();
  write_csv_file(table, path);
  ReadOptions options;
  ReadResult result = read_csv_file(path, options);
  EXPECT_TRUE(result.bad.empty());
  EXPECT_EQ(result.table.schema(), table.schema());
  for (const auto& column : table.columns()) {
    EXPECT_EQ(values(result.table, column.name()), values(table, column.name())) << column.name();
  }
}

TEST(CsvWriter, SingleColumnNullRowSurvivesRoundTrip) {
  Column only("x", DType::kInt64);
  only.push_int(1), only.push_null(), only.push_int(3);
  Table table;
  table.add_column(std::move(only));
  EXPECT_EQ(to_csv(table), "x\n1\n\"\"\n3\n");
  EXPECT_EQ(values(read(to_csv(table)).table, "x"), (Strings{"1", "<null>", "3"}));
}

TEST(Csv, ReadFileUsesPathAsSourceName) {
  TempDir dir;
  const std::string path = dir.write("in.csv", "a\n1\nx\n");
  ReadOptions options;
  options.declared = {{"a", DType::kInt64, {}}};
  ReadResult result = read_csv_file(path, options);
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].source, path);
}

TEST(Csv, SemicolonDelimiterAndSingleQuoteReadQuotedFields) {
  ReadOptions options;
  options.delimiter = ';';
  options.quote = '\'';
  // The quote char opens a field only at its start; doubled it stands for itself, and a
  // double quote is plain text.
  ReadResult result = read_csv("a;b;c\n'x;y';'it''s';5\"1\n'multi\nline';2;3\n", options);
  ASSERT_TRUE(result.bad.empty()) << result.bad[0].reason;
  EXPECT_EQ(values(result.table, "a"), (Strings{"x;y", "multi\nline"}));
  EXPECT_EQ(values(result.table, "b"), (Strings{"it's", "2"}));
  EXPECT_EQ(values(result.table, "c"), (Strings{"5\"1", "3"}));
}

TEST(Csv, QuoteCharInLongQuoteFreeTextGoesThroughTheFastPath) {
  // Longer than a 64-byte block: the splitter's masks look for the configured quote.
  ReadOptions options;
  options.delimiter = '|';
  options.quote = '\'';
  std::string text = "id|name\n";
  for (int i = 0; i < 200; ++i) text += std::to_string(i) + "|\"n" + std::to_string(i) + "\"\n";
  text += "200|'a|b'\n";
  ReadResult result = read_csv(text, options);
  ASSERT_EQ(result.table.num_rows(), 201u);
  EXPECT_EQ(result.table.column("name").string_at(0), "\"n0\"");
  EXPECT_EQ(result.table.column("name").string_at(200), "a|b");
}

TEST(Csv, DeclaredTimestampFormatParsesAndQuarantinesWithTheFormat) {
  std::string error;
  ColumnDecl date{.name = "date", .type = DType::kTimestamp, .allowed = {}};
  date.format =
      std::make_shared<const TimestampFormat>(*TimestampFormat::compile("%b %d %Y", error));
  ReadResult result = read("id,date\n1,Nov 12 2015\n2,2015-11-12\n3,\n", {date});
  EXPECT_EQ(values(result.table, "date"), (Strings{"2015-11-12 00:00:00", "<null>"}));
  ASSERT_EQ(result.bad.size(), 1u);
  EXPECT_EQ(result.bad[0].line, 3u);
  EXPECT_EQ(result.bad[0].column, "date");
  EXPECT_EQ(result.bad[0].value, "2015-11-12");
  EXPECT_EQ(result.bad[0].reason, "cannot parse '2015-11-12' as timestamp with format '%b %d %Y'");
}

}  // namespace
}  // namespace mlops
