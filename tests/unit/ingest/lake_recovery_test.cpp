// What opening the lake discards: raw entries past the last checkpoint, and the temp files a
// killed process left.

#include <gtest/gtest.h>

#include <filesystem>

#include "ingest_fixture.h"
#include "mlops/ingest/lake.h"
#include "mlops/io/json.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

Batch one_record(int position) {
  Batch batch;
  batch.tables.push_back(json_batch("t", "test", {R"({"id": 1})"}, ReadOptions{}));
  batch.position = {{"n", position}};
  return batch;
}

// Every index line and the bodies' total size of raw/<source>.
std::pair<size_t, uintmax_t> raw_counts(const std::string& lake, const std::string& source) {
  size_t lines = 0;
  uintmax_t bytes = 0;
  for (const auto& partition : fs::directory_iterator(fs::path(lake) / "raw" / source)) {
    lines += testing::read_lines(partition.path() / "index.jsonl").size();
    if (fs::exists(partition.path() / "bodies.bin")) {
      bytes += fs::file_size(partition.path() / "bodies.bin");
    }
  }
  return {lines, bytes};
}

TEST(LakeRecovery, RawBodiesFetchedButNotCommittedAreDiscardedOnOpen) {
  TempDir dir;
  const std::string root = dir.file("lake");
  {
    Lake lake(root);
    lake.raw("s").append("first", {{"kind", "http"}});
    lake.commit("s", "", one_record(1));
    lake.raw("s").append("second", {{"kind", "http"}});  // killed before its commit
    lake.raw("s").sync();
    lake.raw("never").append("orphan", {{"kind", "http"}});  // a source that never committed
    lake.raw("never").sync();
  }
  Lake reopened(root);
  EXPECT_EQ(raw_counts(root, "s"), (std::pair<size_t, uintmax_t>{1, 5}));
  EXPECT_TRUE(fs::is_empty(fs::path(root) / "raw" / "never"));
  // The next body goes right after the committed one.
  reopened.raw("s").append("third", {{"kind", "http"}});
  reopened.commit("s", "", one_record(2));
  EXPECT_EQ(raw_counts(root, "s"), (std::pair<size_t, uintmax_t>{2, 10}));
}

TEST(LakeRecovery, TempFilesOfAKilledWriterAreRemovedOnOpen) {
  TempDir dir;
  const std::string root = dir.file("lake");
  { Lake lake(root); }
  const std::string copy =
      dir.write("lake/raw/s/date=2026-01-01/files/0123456789ab-big.csv.tmp-99999-0", "a,b\n");
  const std::string part = dir.write("lake/clean/t/part-00000001-0.csv.tmp-4242", "x\n");
  const std::string keep = dir.write("lake/raw/s/notes.tmp-old", "mine\n");
  Lake reopened(root);
  EXPECT_FALSE(fs::exists(copy));
  EXPECT_FALSE(fs::exists(part));
  EXPECT_TRUE(fs::exists(keep));
}

}  // namespace
}  // namespace mlops
