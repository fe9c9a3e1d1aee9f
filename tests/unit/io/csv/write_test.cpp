// The CSV writer's exact output for every type and edge case, through to_csv, write_csv_file
// and CsvWriter (batches over several parallel blocks). The expected lines were captured from
// the row-by-row writer before the column-typed one replaced it: the bytes must not change.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/io/csv/csv.h"
#include "mlops/io/csv/writer.h"
#include "mlops/io/file.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::TempDir;

constexpr int64_t kMicrosPerSecond = 1'000'000;

int64_t micros(int64_t year, unsigned month, unsigned day, int64_t seconds_in_day = 0,
               int64_t fraction = 0) {
  return (days_from_civil(year, month, day) * 86'400 + seconds_in_day) * kMicrosPerSecond +
         fraction;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt = std::numeric_limits<int64_t>::min();

// One edge case of each type per row; nullopt is null.
struct EdgeRow {
  std::optional<int64_t> i;
  std::optional<double> f;
  std::optional<bool> b;
  std::optional<std::string> s;
  std::optional<int64_t> t;
};

const std::vector<EdgeRow>& edge_rows() {
  static const std::vector<EdgeRow> rows = {
      {0, 0.0, true, "plain", 0},
      {-1, -0.0, false, "", -1},
      {kMaxInt, kInf, std::nullopt, "a,b", -86'400 * kMicrosPerSecond},
      {kMinInt, -kInf, true, "say \"hi\"", 1500},
      {9, kNan, false, "two\nlines", micros(2024, 2, 29, 86'399)},
      {10, 1e20, true, "cr\r", micros(2024, 2, 29, 86'399)},
      {99, 1e16, false, " lead", micros(2024, 3, 1)},
      {100, 1e15, true, "trail ", micros(2024, 3, 1, 45'296)},
      {12345, 0.1, false, "\tlead tab", micros(1969, 12, 31, 86'399, 999'999)},
      {-100000, 1e-07, true, "in side", -1500},
      {1000000000, 0.0001, false, "a\tb", micros(1900, 1, 1, 43'200)},
      {std::nullopt, 123.456, true, "trailing tab\t", micros(2100, 12, 31, 86'399, 500'000)},
      {42, 5e-324, false, std::nullopt, std::nullopt},
      {-42, 1.7976931348623157e308, true, "\"", micros(9999, 12, 31, 86'399)},
      {7, -2.2250738585072014e-308, false, "x\r\ny", micros(1, 1, 1)},
      {1234567890123456789, 1.5, true, "\xC3\xBC utf-8", -kMicrosPerSecond},
      {3, 100.0, false, ",", 1'000'000'000'000},
      {8, 12345678.9, true, "\"\"", micros(2001, 1, 1, 60)},
      {18, 0.30000000000000004, false, "semi;colon", micros(2001, 1, 1, 60)},
      {19, 1234567890123456.7, true, "a \"quoted\" word, and more", micros(2001, 1, 2, 3'599)},
      {20, 9007199254740993.0, false, "  ", micros(1970, 1, 1, 0, 1)},
      {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {123, 2.5e-05, true, "end\n", micros(1999, 12, 31)},
      {-9, -1.0, false, "x", micros(1999, 12, 31, 86'399)},
      {5, 1.23e20, std::nullopt, "y", micros(1600, 2, 29, 3'661, 10)},
      {6, -123456.789e-10, true, "z", micros(2000, 1, 1)},
  };
  return rows;
}

const std::string kHeader = "i,f,b,s,t\n";

// to_csv of edge_rows(), line by line (captured from the row-by-row writer).
const std::vector<std::string> kCsvLines = {
    "0,0,true,plain,1970-01-01 00:00:00\n",
    "-1,-0,false,,1969-12-31 23:59:59.999999\n",
    "9223372036854775807,inf,,\"a,b\",1969-12-31 00:00:00\n",
    "-9223372036854775808,-inf,true,\"say \"\"hi\"\"\",1970-01-01 00:00:00.001500\n",
    "9,nan,false,\"two\nlines\",2024-02-29 23:59:59\n",
    "10,1e+20,true,\"cr\r\",2024-02-29 23:59:59\n",
    "99,1e+16,false,\" lead\",2024-03-01 00:00:00\n",
    "100,1000000000000000,true,\"trail \",2024-03-01 12:34:56\n",
    "12345,0.1,false,\"\tlead tab\",1969-12-31 23:59:59.999999\n",
    "-100000,1e-07,true,in side,1969-12-31 23:59:59.998500\n",
    "1000000000,0.0001,false,a\tb,1900-01-01 12:00:00\n",
    ",123.456,true,\"trailing tab\t\",2100-12-31 23:59:59.500000\n",
    "42,5e-324,false,,\n",
    "-42,1.7976931348623157e+308,true,\"\"\"\",9999-12-31 23:59:59\n",
    "7,-2.2250738585072014e-308,false,\"x\r\ny\",0001-01-01 00:00:00\n",
    "1234567890123456789,1.5,true,\xC3"
    "\xBC"
    " utf-8,1969-12-31 23:59:59\n",
    "3,100,false,\",\",1970-01-12 13:46:40\n",
    "8,12345678.9,true,\"\"\"\"\"\",2001-01-01 00:01:00\n",
    "18,0.30000000000000004,false,semi;colon,2001-01-01 00:01:00\n",
    "19,1234567890123456.8,true,\"a \"\"quoted\"\" word, and more\",2001-01-02 00:59:59\n",
    "20,9007199254740992,false,\"  \",1970-01-01 00:00:00.000001\n",
    ",,,,\n",
    "123,2.5e-05,true,\"end\n\",1999-12-31 00:00:00\n",
    "-9,-1,false,x,1999-12-31 23:59:59\n",
    "5,1.23e+20,,y,1600-02-29 01:01:01.000010\n",
    "6,-1.23456789e-05,true,z,2000-01-01 00:00:00\n",
};

const std::vector<std::string> kTsvLines = {
    "0\t0\ttrue\tplain\t1970-01-01 00:00:00\n",
    "-1\t-0\tfalse\t\t1969-12-31 23:59:59.999999\n",
    "9223372036854775807\tinf\t\ta,b\t1969-12-31 00:00:00\n",
    "-9223372036854775808\t-inf\ttrue\t\"say \"\"hi\"\"\"\t1970-01-01 00:00:00.001500\n",
    "9\tnan\tfalse\t\"two\nlines\"\t2024-02-29 23:59:59\n",
    "10\t1e+20\ttrue\t\"cr\r\"\t2024-02-29 23:59:59\n",
    "99\t1e+16\tfalse\t\" lead\"\t2024-03-01 00:00:00\n",
    "100\t1000000000000000\ttrue\t\"trail \"\t2024-03-01 12:34:56\n",
    "12345\t0.1\tfalse\t\"\tlead tab\"\t1969-12-31 23:59:59.999999\n",
    "-100000\t1e-07\ttrue\tin side\t1969-12-31 23:59:59.998500\n",
    "1000000000\t0.0001\tfalse\t\"a\tb\"\t1900-01-01 12:00:00\n",
    "\t123.456\ttrue\t\"trailing tab\t\"\t2100-12-31 23:59:59.500000\n",
    "42\t5e-324\tfalse\t\t\n",
    "-42\t1.7976931348623157e+308\ttrue\t\"\"\"\"\t9999-12-31 23:59:59\n",
    "7\t-2.2250738585072014e-308\tfalse\t\"x\r\ny\"\t0001-01-01 00:00:00\n",
    "1234567890123456789\t1.5\ttrue\t\xC3"
    "\xBC"
    " utf-8\t1969-12-31 23:59:59\n",
    "3\t100\tfalse\t,\t1970-01-12 13:46:40\n",
    "8\t12345678.9\ttrue\t\"\"\"\"\"\"\t2001-01-01 00:01:00\n",
    "18\t0.30000000000000004\tfalse\tsemi;colon\t2001-01-01 00:01:00\n",
    "19\t1234567890123456.8\ttrue\t\"a \"\"quoted\"\" word, and more\"\t2001-01-02 00:59:59\n",
    "20\t9007199254740992\tfalse\t\"  \"\t1970-01-01 00:00:00.000001\n",
    "\t\t\t\t\n",
    "123\t2.5e-05\ttrue\t\"end\n\"\t1999-12-31 00:00:00\n",
    "-9\t-1\tfalse\tx\t1999-12-31 23:59:59\n",
    "5\t1.23e+20\t\ty\t1600-02-29 01:01:01.000010\n",
    "6\t-1.23456789e-05\ttrue\tz\t2000-01-01 00:00:00\n",
};

// A table of `rows` rows whose row r is edge_rows()[r % size].
Table edge_table(size_t rows) {
  Column i("i", DType::kInt64), f("f", DType::kFloat64), b("b", DType::kBool),
      s("s", DType::kString), t("t", DType::kTimestamp);
  const auto& edges = edge_rows();
  for (size_t r = 0; r < rows; ++r) {
    const EdgeRow& edge = edges[r % edges.size()];
    edge.i ? i.push_int(*edge.i) : i.push_null();
    edge.f ? f.push_float(*edge.f) : f.push_null();
    edge.b ? b.push_bool(*edge.b) : b.push_null();
    edge.s ? s.push_string(*edge.s) : s.push_null();
    edge.t ? t.push_int(*edge.t) : t.push_null();
  }
  Table table;
  for (Column* column : {&i, &f, &b, &s, &t}) table.add_column(std::move(*column));
  return table;
}

std::string edge_text(const std::vector<std::string>& lines, size_t rows) {
  std::string text = kHeader;
  for (size_t r = 0; r < rows; ++r) text += lines[r % lines.size()];
  return text;
}

// "" when equal, else the first line that differs (the texts are too long to print whole).
std::string first_difference(const std::string& actual, const std::string& expected) {
  if (actual == expected) return "";
  size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  const size_t line_start = expected.rfind('\n', at == 0 ? 0 : at - 1);
  const size_t from = line_start == std::string::npos ? 0 : line_start + 1;
  const size_t line =
      static_cast<size_t>(std::count(expected.begin(), expected.begin() + from, '\n')) + 1;
  return fmt::format("line {} (sizes {} and {}): got '{}', expected '{}'", line, actual.size(),
                     expected.size(), actual.substr(from, 60), expected.substr(from, 60));
}

TEST(CsvWrite, EveryTypeAndEdgeCaseAsCsv) {
  ASSERT_EQ(kCsvLines.size(), edge_rows().size());
  EXPECT_EQ(to_csv(edge_table(kCsvLines.size())), edge_text(kCsvLines, kCsvLines.size()));
}

TEST(CsvWrite, EveryTypeAndEdgeCaseAsTsv) {
  ASSERT_EQ(kTsvLines.size(), edge_rows().size());
  std::string expected = edge_text(kTsvLines, kTsvLines.size());
  expected.replace(0, kHeader.size(), "i\tf\tb\ts\tt\n");
  EXPECT_EQ(to_csv(edge_table(kTsvLines.size()), '\t'), expected);
}

// More rows than a round of parallel blocks (4 threads of 64k rows), so every path runs.
constexpr size_t kManyRows = 4 * 65536 + 17;

// Rows [begin, end) of the table.
Table rows_of(const Table& table, size_t begin, size_t end) {
  std::vector<size_t> rows(end - begin);
  for (size_t r = begin; r < end; ++r) rows[r - begin] = r;
  return table.take(rows);
}

TEST(CsvWrite, ManyRowsInBatchesMatchTheRowByRowText) {
  Table table = edge_table(kManyRows);
  // Values that change every row: integers of every length, floats, timestamps whose day
  // changes inside and between blocks, some with fractional seconds.
  Column n("n", DType::kInt64), x("x", DType::kFloat64), at("at", DType::kTimestamp);
  std::vector<std::string> extra(kManyRows);
  for (size_t r = 0; r < kManyRows; ++r) {
    const int64_t value = static_cast<int64_t>(r * r * 7919 % 2'000'000'000'003) - 1'000'000'000;
    const double real = static_cast<double>(r) / 7.0 - 1000.0;
    const int64_t time = micros(2001, 1, 1, static_cast<int64_t>(r) * 61, r % 97 ? 0 : r % 1000);
    n.push_int(value), x.push_float(real), at.push_int(time);
    extra[r] = fmt::format(",{},{},{}\n", value, real, format_timestamp(time));
  }
  for (Column* column : {&n, &x, &at}) table.add_column(std::move(*column));
  std::string expected = "i,f,b,s,t,n,x,at\n";
  for (size_t r = 0; r < kManyRows; ++r) {
    const std::string& line = kCsvLines[r % kCsvLines.size()];
    expected.append(line, 0, line.size() - 1).append(extra[r]);
  }

  EXPECT_EQ(first_difference(to_csv(table), expected), "");
  TempDir dir;
  write_csv_file(table, dir.file("whole.csv"));
  EXPECT_EQ(first_difference(read_file(dir.file("whole.csv")), expected), "");
  CsvWriter writer(dir.file("batches.csv"));
  for (auto [begin, end] : {std::pair<size_t, size_t>{0, 70'001},
                            {70'001, 70'002},
                            {70'002, 70'002},
                            {70'002, kManyRows}}) {
    writer.write(rows_of(table, begin, end));
  }
  writer.commit();
  EXPECT_EQ(writer.rows(), kManyRows);
  EXPECT_EQ(first_difference(read_file(dir.file("batches.csv")), expected), "");
}

TEST(CsvWrite, ManyRowsAsTsv) {
  TempDir dir;
  write_csv_file(edge_table(kManyRows), dir.file("table.tsv"), '\t');
  std::string expected = edge_text(kTsvLines, kManyRows);
  expected.replace(0, kHeader.size(), "i\tf\tb\ts\tt\n");
  EXPECT_EQ(first_difference(read_file(dir.file("table.tsv")), expected), "");
}

// A lone empty field would be a blank line, which readers skip: a one-column table writes a
// null as "" in every block.
TEST(CsvWrite, OneColumnNullsAreQuotedInEveryBlock) {
  for (DType type :
       {DType::kInt64, DType::kFloat64, DType::kBool, DType::kString, DType::kTimestamp}) {
    Column only("only", type);
    std::string expected = "only\n";
    for (size_t r = 0; r < kManyRows; ++r) {
      if (r % 5 == 0) {
        only.push_null();
        expected += "\"\"\n";
        continue;
      }
      switch (type) {
        case DType::kFloat64: only.push_float(0.5); break;
        case DType::kBool: only.push_bool(true); break;
        case DType::kString: only.push_string("s"); break;
        default: only.push_int(0); break;
      }
      const char* text[] = {"0", "0.5", "true", "s", "1970-01-01 00:00:00"};
      expected += text[static_cast<int>(type)];
      expected += '\n';
    }
    Table table;
    table.add_column(std::move(only));
    TempDir dir;
    write_csv_file(table, dir.file("one.csv"));
    EXPECT_EQ(first_difference(read_file(dir.file("one.csv")), expected), "") << dtype_name(type);
  }
}

TEST(CsvWrite, NoBatchWritesAnEmptyHeaderLine) {
  TempDir dir;
  CsvWriter writer(dir.file("empty.csv"));
  writer.commit();
  EXPECT_EQ(read_file(dir.file("empty.csv")), "\n");
  EXPECT_EQ(writer.rows(), 0u);
}

TEST(CsvWrite, ABatchWithOtherColumnsIsRefused) {
  TempDir dir;
  CsvWriter writer(dir.file("t.csv"));
  writer.write(edge_table(3));
  Table other = edge_table(3);
  other.remove_column("s");
  EXPECT_THROW(writer.write(other), InternalError);
}

}  // namespace
}  // namespace mlops
