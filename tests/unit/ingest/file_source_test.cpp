// The file source: globs, compressed files, and only new files read on the next run.

#include "mlops/ingest/file_source.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "ingest_fixture.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

using testing::TempDir;

std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3));
  return out;
}

class FileSource : public ::testing::Test {
 protected:
  Workflow workflow(const std::string& path) {
    return testing::make_workflow(
        dir_, "name: events\ningest:\n  source: {path: \"" + dir_.file(path) + "\"}\n");
  }
  TempDir dir_;
};

TEST_F(FileSource, GlobReadsCsvTsvJsonAndJsonLinesCompressedOrNot) {
  dir_.write("in/a.csv", "id,kind\n1,x\n2,y\n");
  dir_.write("in/b.csv.gz", gzip("id,kind\n3,x\n"));
  dir_.write("in/c.jsonl.zst", zstd("{\"id\": 4, \"kind\": \"z\"}\n{\"id\": 5}\n"));
  dir_.write("in/d.json", "[{\"id\": 6, \"kind\": \"x\", \"extra\": {\"n\": 1}}]");
  dir_.write("in/e.tsv", "id\tkind\n7\tq\n");
  Workflow w = workflow("in/*");
  IngestOutcome outcome = testing::ingest_once(w);
  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.inputs.size(), 5u);
  Table table = testing::load_table(w, "events");
  EXPECT_EQ(testing::ints(table, "id"), testing::one_to(7));
  EXPECT_EQ(table.column_names(), (std::vector<std::string>{"id", "kind", "extra.n"}));
  EXPECT_EQ(table.column("kind").string_at(3), "z");
  EXPECT_TRUE(table.column("kind").is_null(4));
  // Each file is kept in the raw layer as received (compressed stays compressed).
  auto raw = testing::raw_index(w, "events");
  ASSERT_EQ(raw.size(), 5u);
  EXPECT_EQ(testing::read_text(raw[1]["stored"].get<std::string>()),
            testing::read_text(dir_.file("in/b.csv.gz")));
}

TEST_F(FileSource, NextRunReadsOnlyNewFilesAndChangedOnesAgain) {
  dir_.write("in/1.csv", "id\n1\n2\n");
  Workflow w = workflow("in/*.csv");
  ASSERT_FALSE(testing::ingest_once(w).error);
  dir_.write("in/2.csv", "id\n3\n");
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.inputs, (std::vector<std::string>{dir_.file("in/2.csv")}));
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"), testing::one_to(3));
  IngestOutcome third = testing::ingest_once(w);  // nothing new
  EXPECT_TRUE(third.inputs.empty());
  EXPECT_EQ(testing::load_table(w, "events").num_rows(), 3u);
}

TEST_F(FileSource, BadRecordsGoToQuarantineWithLineAndReason) {
  dir_.write("in/a.csv", "id,n\n1,2\n2,3,4\n");
  Workflow w = workflow("in/a.csv");
  ASSERT_FALSE(testing::ingest_once(w).error);
  auto bad = testing::lake_quarantine(w, "events");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["line"], 3);
  EXPECT_EQ(bad[0]["reason"], "expected 2 fields, found 3");
  EXPECT_EQ(bad[0]["raw"], "2,3,4");
  EXPECT_EQ(bad[0]["source"], dir_.file("in/a.csv"));
}

TEST_F(FileSource, MissingPlainPathIsAnIoError) {
  Workflow w = workflow("in/none.csv");
  EXPECT_THROW(testing::ingest_once(w), IoError);
}

}  // namespace
}  // namespace mlops
