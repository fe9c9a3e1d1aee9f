// The merge of a sharded stage's records into the run manifest.

#include "mlops/pipeline/shard_records.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace mlops {
namespace {

ShardRecord shard(int index, const std::string& status, int rows, const std::string& at) {
  const nlohmann::json entry{
      {"status", status},
      {"rows", rows},
      {"seconds", index + 0.5},
      {"outputs", {{{"path", "predict/predictions-" + std::to_string(index) + "-of-3.csv"}}}},
      {"details", {{"shard", std::to_string(index) + "/3"}, {"input_rows", rows + 1}}}};
  return {"r1", "predict", index, 3, "host" + std::to_string(index), at, entry.dump()};
}

TEST(ShardRecords, ManifestEntryIsTheMergeOfEveryShardRecorded) {
  nlohmann::json manifest{{"stages", {{"ingest", {{"status", "ok"}}}}}};
  merge_shard_records(manifest, {shard(2, "ok", 10, "t1"), shard(0, "ok", 5, "t1")});
  const nlohmann::json& entry = manifest["stages"]["predict"];
  EXPECT_EQ(entry["status"], "ok");
  EXPECT_EQ(entry["rows"], 15);
  EXPECT_EQ(entry["seconds"], 2.5);
  EXPECT_EQ(entry["details"]["input_rows"], 17);
  EXPECT_EQ(entry["details"]["shard_count"], 3);
  EXPECT_EQ(entry["details"]["shards_recorded"], 2);
  EXPECT_EQ(entry["outputs"].size(), 2u);
  EXPECT_EQ(entry["shards"]["2/3"]["host"], "host2");
  EXPECT_EQ(manifest["stages"]["ingest"]["status"], "ok");  // other stages untouched
}

TEST(ShardRecords, AShardRecordedTwiceCountsOnceWithItsLatestRecordAndAFailureShows) {
  nlohmann::json manifest{{"stages", nlohmann::json::object()}};
  merge_shard_records(manifest, {shard(1, "ok", 5, "t1"), shard(1, "failed", 7, "t2"),
                                 shard(0, "ok", 3, "t1"), shard(1, "ok", 9, "t0")});
  const nlohmann::json& entry = manifest["stages"]["predict"];
  EXPECT_EQ(entry["details"]["shards_recorded"], 2);
  EXPECT_EQ(entry["rows"], 10);
  EXPECT_EQ(entry["status"], "failed");
}

TEST(ShardRecords, ShardFilesWrittenAreReadBack) {
  testing::TempDir dir;
  write_shard_file(dir.path().string(), shard(0, "ok", 5, "t1"));
  write_shard_file(dir.path().string(), shard(2, "ok", 6, "t1"));
  dir.write("shards/predict-1-of-3.json.tmp-1", "{");  // a writer's temp file: not a record
  std::vector<ShardRecord> read = read_shard_files(dir.path().string());
  std::sort(read.begin(), read.end(),
            [](const auto& a, const auto& b) { return a.shard_index < b.shard_index; });
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[1].shard_index, 2);
  EXPECT_EQ(read[1].host, "host2");
  EXPECT_EQ(nlohmann::json::parse(read[1].entry)["rows"], 6);
}

}  // namespace
}  // namespace mlops
