// Sharded reading: the shards of a file are contiguous record ranges that concatenate to the
// whole file, for any shard count, with true line numbers for bad records.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <thread>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/io/csv/reader.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

std::vector<int64_t> read_ids(const std::string& path, size_t index, size_t count,
                              std::vector<BadRecord>* bad_out = nullptr, size_t window = 64) {
  ReadOptions options;
  ColumnDecl id;
  id.name = "id";
  id.type = DType::kInt64;
  options.declared = {id};
  options.shard_index = index;
  options.shard_count = count;
  CsvReader reader(path, options, window);
  std::vector<int64_t> ids;
  std::vector<BadRecord> bad;
  Table batch;
  while (reader.next(batch, bad)) {
    const Column& id = batch.column("id");
    for (size_t row = 0; row < id.size(); ++row) ids.push_back(id.int_at(row));
  }
  if (bad_out) *bad_out = bad;
  return ids;
}

TEST(CsvShard, ShardsConcatenateToTheWholeFile) {
  testing::TempDir dir;
  std::string text = "id,name\n";
  std::vector<int64_t> all;
  for (int64_t i = 0; i < 997; ++i) {  // uneven line lengths, so boundaries fall mid-line
    text += std::to_string(i) + "," + std::string(static_cast<size_t>(i % 13), 'x') + "\n";
    all.push_back(i);
  }
  const std::string path = dir.write("data.csv", text);
  for (size_t count : {1, 2, 3, 7, 64}) {
    std::vector<int64_t> joined;
    for (size_t index = 0; index < count; ++index) {
      const auto part = read_ids(path, index, count);
      joined.insert(joined.end(), part.begin(), part.end());
    }
    EXPECT_EQ(joined, all) << count << " shards";
  }
  // More shards than records: the extra shards are empty, nothing is read twice.
  const std::string tiny = dir.write("tiny.csv", "id\n1\n2\n3\n");
  std::vector<int64_t> joined;
  for (size_t index = 0; index < 50; ++index) {
    const auto part = read_ids(tiny, index, 50);
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(joined, (std::vector<int64_t>{1, 2, 3}));
}

TEST(CsvShard, ByteOrderMarkAndAHeaderLongerThanTheWindow) {
  // The header outgrows the 64-byte window, so the reader refills it after dropping the BOM:
  // the shards' byte offsets must still count the BOM's three bytes.
  testing::TempDir dir;
  std::string text = "\xEF\xBB\xBFid";
  for (int c = 0; c < 20; ++c) text += ",column_with_a_long_name_" + std::to_string(c);
  text += "\n";
  std::vector<int64_t> all;
  for (int64_t i = 0; i < 300; ++i) {
    text += std::to_string(i) + std::string(20, ',') + "\n";
    all.push_back(i);
  }
  const std::string path = dir.write("bom.csv", text);
  for (size_t count : {2, 3, 5}) {
    std::vector<int64_t> joined;
    for (size_t index = 0; index < count; ++index) {
      std::vector<BadRecord> bad;
      const auto part = read_ids(path, index, count, &bad);
      EXPECT_TRUE(bad.empty()) << "shard " << index << " of " << count << ": " << bad[0].reason;
      joined.insert(joined.end(), part.begin(), part.end());
    }
    EXPECT_EQ(joined, all) << count << " shards";
  }
}

TEST(CsvShard, BadRecordsKeepTheirFileLineNumbers) {
  testing::TempDir dir;
  std::string text = "id\n";
  for (int i = 0; i < 100; ++i) text += i == 80 ? "oops\n" : std::to_string(i) + "\n";
  const std::string path = dir.write("data.csv", text);
  std::vector<BadRecord> bad;
  read_ids(path, 1, 2, &bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].line, 82u);  // header is line 1, record 80 is line 82
  EXPECT_EQ(bad[0].value, "oops");
}

TEST(CsvShard, ALateShardOfALargeFileCountsEveryLineBeforeItAndKnowsItsOwnBytes) {
  // 12 MB: the lines before the last of 4 shards are counted in several chunks (whose pages
  // are given back as they go), and the count stays exact across the chunks' edges.
  testing::TempDir dir;
  std::string text = "id\n";
  constexpr int kRecords = 1'000'000;
  constexpr int kBad = 900'000;  // in the last shard
  for (int i = 0; i < kRecords; ++i) {
    text += i == kBad ? std::string("oops-oops\n") : std::to_string(10'000'000 + i) + "\n";
  }
  const std::string path = dir.write("large.csv", text);
  ReadOptions options;
  options.declared = {{"id", DType::kInt64, {}}};
  size_t shard_bytes = 0, records = 0;
  for (size_t index = 0; index < 4; ++index) {
    options.shard_index = index;
    options.shard_count = 4;
    CsvReader reader(path, options);
    std::vector<BadRecord> bad, all_bad;
    Table batch;
    while (reader.next(batch, bad)) {
      records += batch.num_rows();
      all_bad.insert(all_bad.end(), bad.begin(), bad.end());
      bad.clear();
    }
    // Its own byte range, all of it handed out: what read_csv_file sizes the table by.
    EXPECT_EQ(reader.shard_bytes_read(), reader.shard_bytes()) << index;
    shard_bytes += reader.shard_bytes();
    if (index == 3) {
      ASSERT_EQ(all_bad.size(), 1u);
      EXPECT_EQ(all_bad[0].line, static_cast<size_t>(kBad) + 2);  // after the header line
      records += all_bad.size();
    } else {
      EXPECT_TRUE(all_bad.empty()) << index;
    }
  }
  EXPECT_EQ(records, static_cast<size_t>(kRecords));
  EXPECT_EQ(shard_bytes, text.size() - 3);  // every byte after the header, once
}

TEST(CsvShard, APipeCannotBeSharded) {
  testing::TempDir dir;
  const std::string fifo = dir.file("pipe.csv");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A small write fits the pipe's buffer, so the writer finishes whatever the reader does.
  std::thread writer([&] {
    std::FILE* out = std::fopen(fifo.c_str(), "w");
    std::fputs("id\n1\n2\n", out);
    std::fclose(out);
  });
  try {
    read_ids(fifo, 0, 2);
    ADD_FAILURE() << "a pipe was sharded";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()),
              fifo + ": reading a shard needs a regular file whose size is known (not a pipe)");
  }
  writer.join();
}

}  // namespace
}  // namespace mlops
