// CsvReader over inputs large enough to be cut into parts and windows: the parts are typed on
// several threads and the next window while the caller works, yet records, bad records and
// their line numbers come out as one thread reading line by line would give them, whether the
// input is text in memory, a mapped file or a pipe.

#include "mlops/io/csv/reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "mlops/io/csv/csv.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

ReadOptions declared_options() {
  ReadOptions options;
  options.source_name = "data.csv";
  options.declared = {{"id", DType::kInt64, {}},
                      {"value", DType::kFloat64, {}},
                      {"kind", DType::kString, {"a", "b"}}};
  return options;
}

/// A generated input and what reading it must give.
struct Expected {
  std::string text;
  std::vector<int64_t> ids;  // of the good records, in order
  std::vector<BadRecord> bad;
};

/// About `bytes` of records "id,value,kind"; one line in `bad_every` is bad in a way that
/// changes with it (a field too many or too few, an id or value that does not parse, a kind
/// not allowed), and blank and CRLF lines are mixed in.
Expected generate(size_t bytes, size_t bad_every, uint32_t seed) {
  std::mt19937 random(seed);
  Expected out;
  out.text = "id,value,kind\n";
  size_t line = 1, record = 0;
  for (int64_t id = 0; out.text.size() < bytes; ++id) {
    ++line;
    const unsigned roll = random() % 50;
    if (roll == 0) {
      out.text += "\n";  // blank: counted, no record
      continue;
    }
    const std::string end = roll == 1 ? "\r\n" : "\n";
    std::string fields =
        std::to_string(id) + "," + std::to_string(id % 97) + ".5," + (id % 2 ? "a" : "b");
    if (random() % bad_every == 0) {
      std::string column, value, reason;
      switch (random() % 5) {
        case 0:
          fields += ",extra";
          reason = "expected 3 fields, found 4";
          break;
        case 1:
          fields = std::to_string(id) + ",1.5";
          reason = "expected 3 fields, found 2";
          break;
        case 2:
          fields = "x" + std::to_string(id) + ",1.5,a";
          column = "id", value = "x" + std::to_string(id);
          reason = "cannot parse '" + value + "' as int64";
          break;
        case 3:
          fields = std::to_string(id) + ",one,a";
          column = "value", value = "one";
          reason = "cannot parse 'one' as float64";
          break;
        default:
          fields = std::to_string(id) + ",2.5,c";
          column = "kind", value = "c";
          reason = "value 'c' is not one of [a, b]";
          break;
      }
      out.bad.push_back({"data.csv", line, record, column, value, reason, fields});
    } else {
      out.ids.push_back(id);
    }
    out.text += fields + end;
    ++record;
  }
  return out;
}

/// Every batch of a reader, concatenated.
struct Read {
  std::vector<int64_t> ids;
  std::vector<BadRecord> bad;
  size_t batches = 0;
};

Read read_all(CsvReader& reader) {
  Read out;
  Table batch;
  while (reader.next(batch, out.bad)) {
    ++out.batches;
    const Column& id = batch.column("id");
    const Column& value = batch.column("value");
    const Column& kind = batch.column("kind");
    for (size_t row = 0; row < id.size(); ++row) {
      out.ids.push_back(id.int_at(row));
      // The other columns of the same row belong to the same record.
      EXPECT_EQ(value.float_at(row), static_cast<double>(id.int_at(row) % 97) + 0.5);
      EXPECT_EQ(kind.string_at(row), id.int_at(row) % 2 ? "a" : "b");
    }
  }
  return out;
}

void expect_same_bad(const std::vector<BadRecord>& got, const std::vector<BadRecord>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].line, expected[i].line) << i;
    EXPECT_EQ(got[i].record, expected[i].record) << i;
    EXPECT_EQ(got[i].column, expected[i].column) << i;
    EXPECT_EQ(got[i].value, expected[i].value) << i;
    EXPECT_EQ(got[i].reason, expected[i].reason) << i;
    EXPECT_EQ(got[i].raw, expected[i].raw) << i;
  }
}

TEST(CsvReader, PartsAndWindowsNumberBadRecordsAsOneThreadWould) {
  // 9 MB: a 16 MB window of parts of about 4 MB, bad records in every part.
  const Expected expected = generate(9 << 20, 500, 1);
  CsvReader reader(std::string_view(expected.text), declared_options());
  const Read read = read_all(reader);
  EXPECT_GE(read.batches, 2u);
  EXPECT_EQ(read.ids, expected.ids);
  expect_same_bad(read.bad, expected.bad);
  EXPECT_EQ(reader.records_read(), expected.ids.size() + expected.bad.size());
  EXPECT_EQ(reader.bytes_read(), expected.text.size());
}

TEST(CsvReader, AByteOrderMarkInsideTheFileIsDataInEveryWindow) {
  // Found by tests/fuzz/fuzz_csv (corpus/csv/bom-inside.csv): a window that began at a line
  // starting with a byte order mark skipped it, so the quote after it opened a field and the
  // windowed read lost the records after it; in memory the mark was data.
  testing::TempDir dir;
  std::string text = "\xEF\xBB\xBFid,name\n";
  for (int i = 0; i < 40; ++i) {
    text += (i == 20 ? std::string("\xEF\xBB\xBF\"x") : std::to_string(i)) + ",n" +
            std::to_string(i) + "\n";
  }
  const std::string path = dir.write("bom.csv", text);
  ReadOptions options;
  options.source_name = "bom.csv";
  const ReadResult in_memory = read_csv(text, options);
  EXPECT_EQ(in_memory.table.column_names().front(), "id");  // the file's own mark is skipped
  for (size_t window = 8; window <= 300; ++window) {        // a window starts at the marked line
    ReadOptions file_options = options;
    file_options.declared.push_back({"id", DType::kString, {}});
    CsvReader reader(path, file_options, window);
    Table batch;
    std::vector<BadRecord> bad;
    size_t rows = 0;
    while (reader.next(batch, bad)) rows += batch.num_rows();
    EXPECT_EQ(rows + bad.size(), in_memory.table.num_rows() + in_memory.bad.size()) << window;
    EXPECT_EQ(rows + bad.size(), 40u) << window;
  }
}

TEST(CsvReader, MappedFileSmallWindowsAndAPipeReadAlike) {
  testing::TempDir dir;
  const Expected expected = generate(3 << 20, 200, 2);
  const std::string path = dir.write("data.csv", expected.text);
  for (size_t window : {size_t{16} << 20, size_t{1} << 20, size_t{100'000}}) {
    CsvReader reader(path, declared_options(), window);
    const Read read = read_all(reader);
    EXPECT_EQ(read.ids, expected.ids) << window;
    expect_same_bad(read.bad, expected.bad);
  }
  // A pipe cannot be mapped: it is read through the FILE, window by window.
  const std::string fifo = dir.file("pipe.csv");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::FILE* out = std::fopen(fifo.c_str(), "w");
    std::fwrite(expected.text.data(), 1, expected.text.size(), out);
    std::fclose(out);
  });
  CsvReader reader(fifo, declared_options(), 1 << 20);
  const Read read = read_all(reader);
  writer.join();
  EXPECT_EQ(read.ids, expected.ids);
  expect_same_bad(read.bad, expected.bad);
}

TEST(CsvReader, AQuoteInALaterPartSendsTheWindowToTheExactScanner) {
  const Expected plain = generate(6 << 20, 1000, 3);
  // A record whose quoted kind holds the delimiter and a newline, two thirds in: it spans two
  // lines, so every later line moves by two and every later record by one.
  const size_t cut = plain.text.find('\n', plain.text.size() * 2 / 3) + 1;
  const auto line = static_cast<size_t>(
      std::count(plain.text.begin(), plain.text.begin() + static_cast<long>(cut), '\n') + 1);
  std::string text = plain.text;
  text.insert(cut, "-1,0.5,\"a,\nb\"\n");
  std::vector<BadRecord> expected;
  for (BadRecord entry : plain.bad) {
    if (entry.reason.starts_with("value ")) continue;  // allowed values are not declared here
    if (entry.line > line) entry.line += 2, entry.record += 1;
    expected.push_back(entry);
  }
  ReadOptions options = declared_options();
  options.declared[2].allowed.clear();
  CsvReader reader(std::string_view(text), options);
  std::vector<BadRecord> bad;
  Table batch;
  std::string quoted_kind;
  while (reader.next(batch, bad)) {
    const Column& id = batch.column("id");
    for (size_t row = 0; row < id.size(); ++row) {
      if (id.int_at(row) == -1) quoted_kind = batch.column("kind").string_at(row);
    }
  }
  EXPECT_EQ(quoted_kind, "a,\nb");
  expect_same_bad(bad, expected);
  EXPECT_GT(expected.back().line, line);  // the shift was tested
}

TEST(CsvReader, AnUndeclaredColumnWidenedByALaterWindowReadsAgain) {
  testing::TempDir dir;
  std::string text = "id,x\n";
  for (int i = 0; i < 200'000; ++i) text += std::to_string(i) + "," + std::to_string(i % 7) + "\n";
  text += "200000,2.5\n";  // in the last of many small windows, parsed ahead of the caller
  const std::string path = dir.write("data.csv", text);
  ReadOptions options;
  options.declared = {{"id", DType::kInt64, {}}};
  try {
    CsvReader reader(path, options, 64 << 10);
    EXPECT_EQ(reader.schema()[1].type, DType::kInt64);
    Table batch;
    std::vector<BadRecord> bad;
    while (reader.next(batch, bad)) {
    }
    ADD_FAILURE() << "no InferenceMismatch";
  } catch (const CsvReader::InferenceMismatch& mismatch) {
    EXPECT_EQ(mismatch.column, "x");
    EXPECT_EQ(mismatch.widened, DType::kFloat64);
  }
  const ReadResult result = read_csv_file(path, options);
  ASSERT_EQ(result.table.num_rows(), 200'001u);
  EXPECT_EQ(result.table.column("x").type(), DType::kFloat64);
  EXPECT_EQ(result.table.column("x").float_at(200'000), 2.5);
  EXPECT_EQ(result.table.column("x").float_at(199'999), 199'999 % 7);
}

TEST(CsvReader, StoppingEarlyWhileTheNextWindowIsParsedIsSafe) {
  const Expected expected = generate(4 << 20, 100, 4);
  testing::TempDir dir;
  const std::string path = dir.write("data.csv", expected.text);
  for (int round = 0; round < 5; ++round) {
    CsvReader reader(path, declared_options(), 256 << 10);
    Table batch;
    std::vector<BadRecord> bad;
    ASSERT_TRUE(reader.next(batch, bad));
    EXPECT_GT(batch.num_rows(), 0u);
  }  // destroyed with a window being parsed
}

TEST(CsvReader, BatchesTheCallerChangedAreRefilledClean) {
  // The columns of a finished batch are emptied and refilled by a later part: whatever the
  // caller did to them must not show in later batches.
  testing::TempDir dir;
  const Expected expected = generate(2 << 20, 300, 5);
  const std::string path = dir.write("data.csv", expected.text);
  CsvReader reader(path, declared_options(), 64 << 10);
  Read read;
  Table batch;
  while (reader.next(batch, read.bad)) {
    ASSERT_EQ(batch.column_names(), (std::vector<std::string>{"id", "value", "kind"}));
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      read.ids.push_back(batch.column("id").int_at(row));
      EXPECT_FALSE(batch.column("kind").is_null(row));
    }
    batch.mutable_column(0).rename("renamed");
    batch.mutable_column(0).push_int(-5);
    batch.mutable_column(2).push_null();
  }
  EXPECT_EQ(read.ids, expected.ids);
  expect_same_bad(read.bad, expected.bad);
}

TEST(CsvReader, HeaderWhoseQuotesFoolTheCountIsScannedWhole) {
  // The quote in x"y is text, and the one opening the second field makes the header span two
  // lines; counting quotes ends the header after its first line (the scanner would find the
  // second field unterminated there), so the header is taken from all whole records.
  const ReadResult result = read_csv("x\"y,\"p\nq\",z\n1,2,3\n4,5,6\"\n", ReadOptions());
  ASSERT_EQ(result.table.num_columns(), 3u);
  EXPECT_EQ(result.table.columns()[0].name(), "x\"y");
  EXPECT_EQ(result.table.columns()[1].name(), "p\nq");
  EXPECT_EQ(result.table.columns()[2].name(), "z");
  EXPECT_EQ(result.table.num_rows(), 2u);
}

TEST(CsvReader, AStrayQuoteInAnUnquotedFieldDoesNotMoveWhereWindowsCut) {
  // Found by tests/fuzz/fuzz_csv (corpus/csv/stray-quote-windows.csv): counting every quote,
  // the window cut took the stray quote in 5'10" as opening a field, so a later quoted field's
  // newline looked like a record end: small windows split that record in two (an
  // "unterminated quoted field" and a field count error) where one read did not.
  std::string text = "id,height,note\n";
  for (int i = 0; i < 20; ++i) {
    text += std::to_string(i) + (i == 3 ? ",5'10\",plain\n" : ",6,\"two\nlines\"\n");
  }
  ReadOptions options;
  options.declared = {{"height", DType::kString, {}}};
  testing::TempDir dir;
  const std::string path = dir.write("data.csv", text);
  const ReadResult whole = read_csv(text, options);
  ASSERT_TRUE(whole.bad.empty());
  ASSERT_EQ(whole.table.num_rows(), 20u);
  for (size_t window : {size_t{16}, size_t{64}, size_t{100}}) {
    CsvReader reader(path, options, window);
    Table batch;
    std::vector<BadRecord> bad;
    size_t rows = 0;
    while (reader.next(batch, bad)) rows += batch.num_rows();
    EXPECT_EQ(rows, 20u) << window;
    EXPECT_TRUE(bad.empty()) << window << ": " << (bad.empty() ? "" : bad.front().reason);
  }
}

}  // namespace
}  // namespace mlops
