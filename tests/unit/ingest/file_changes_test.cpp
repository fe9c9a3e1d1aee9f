// A file that grows or changes after it was ingested: an append gives only its new records, a
// changed file replaces its own earlier rows (with a key: upserts them), nothing is duplicated.

#include <gtest/gtest.h>

#include <fstream>

#include "ingest_fixture.h"
#include "mlops/core/error.h"
#include "mlops/ingest/file_source.h"

namespace mlops {
namespace {

using testing::TempDir;

class FileChanges : public ::testing::Test {
 protected:
  Workflow workflow(const std::string& path, const std::string& extra = "") {
    return testing::make_workflow(dir_, "name: events\ningest:\n  source: {path: \"" +
                                            dir_.file(path) + "\"" + extra + "}\n");
  }
  void append(const std::string& path, const std::string& text) {
    std::ofstream out(dir_.file(path), std::ios::app | std::ios::binary);
    out << text;
  }
  std::vector<std::string> strings(const Table& table, const std::string& column) {
    std::vector<std::string> out;
    for (size_t row = 0; row < table.num_rows(); ++row) {
      out.emplace_back(table.column(column).string_at(row));
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(FileChanges, AppendedCsvReadsOnlyTheNewLinesUnderTheKnownHeader) {
  dir_.write("in/a.csv", "id,kind\n1,x\n2,y\n");
  Workflow w = workflow("in/a.csv");
  ASSERT_FALSE(testing::ingest_once(w).error);
  append("in/a.csv", "3,x\n4,oops,extra\n5,z\n");
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.sources[0].records, 3u);
  EXPECT_EQ(second.sources[0].rows, 2u);
  Table table = testing::load_table(w, "events");
  EXPECT_EQ(testing::ints(table, "id"), (std::vector<int64_t>{1, 2, 3, 5}));
  EXPECT_EQ(strings(table, "kind"), (std::vector<std::string>{"x", "y", "x", "z"}));
  // A bad appended line is quarantined with its line in the whole file.
  auto bad = testing::lake_quarantine(w, "events");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["line"], 5);
  EXPECT_EQ(bad[0]["reason"], "expected 2 fields, found 3");
}

TEST_F(FileChanges, AppendedJsonLinesReadsOnlyTheNewWholeLines) {
  dir_.write("in/a.jsonl", "{\"id\": 1}\n{\"id\": 2}\n");
  Workflow w = workflow("in/a.jsonl");
  ASSERT_FALSE(testing::ingest_once(w).error);
  append("in/a.jsonl", "{\"id\": 3}\n");
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.sources[0].rows, 1u);
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"), testing::one_to(3));
}

TEST_F(FileChanges, ChangedFileReplacesOnlyTheRowsItGaveBefore) {
  dir_.write("in/a.csv", "id\n1\n2\n");
  dir_.write("in/b.csv", "id\n10\n");
  Workflow w = workflow("in/*.csv");
  ASSERT_FALSE(testing::ingest_once(w).error);
  dir_.write("in/a.csv", "id\n7\n8\n9\n");  // rewritten, not appended
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.sources[0].rows, 3u);
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"),
            (std::vector<int64_t>{10, 7, 8, 9}));
  // A line added in the middle is a change too, not an append.
  dir_.write("in/b.csv", "id\n11\n10\n");
  ASSERT_FALSE(testing::ingest_once(w).error);
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"),
            (std::vector<int64_t>{7, 8, 9, 11, 10}));
  // The raw layer keeps every version as received.
  EXPECT_EQ(testing::raw_index(w, "events").size(), 4u);
}

TEST_F(FileChanges, ChangedFileWithAKeyUpsertsItsRowsLatestWins) {
  dir_.write("in/a.csv", "id,v\n1,a\n2,b\n");
  Workflow w = workflow("in/a.csv", ", key: id");
  ASSERT_FALSE(testing::ingest_once(w).error);
  dir_.write("in/a.csv", "id,v\n2,B\n3,c\n3,C\n");
  ASSERT_FALSE(testing::ingest_once(w).error);
  Table table = testing::load_table(w, "events");
  EXPECT_EQ(testing::ints(table, "id"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(strings(table, "v"), (std::vector<std::string>{"a", "B", "C"}));
}

TEST_F(FileChanges, ChangedFileOfATableWithoutOriginsAsksForARebuild) {
  dir_.write("in/a.csv", "id\n1\n");
  Workflow w = workflow("in/a.csv");
  ASSERT_FALSE(testing::ingest_once(w).error);
  // A lake written before origins were kept: its checkpoint has none.
  const std::string checkpoint = lake_root(w) + "/checkpoint.json";
  auto doc = nlohmann::json::parse(testing::read_text(checkpoint));
  doc["tables"]["events"].erase("origins");
  dir_.write(checkpoint, doc.dump());
  dir_.write("in/a.csv", "id\n2\n");
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_TRUE(second.error);
  try {
    std::rethrow_exception(second.error);
  } catch (const DataError& error) {
    EXPECT_EQ(std::string(error.what()),
              dir_.file("in/a.csv") +
                  ": the file changed since it was ingested, but clean table 'events' was "
                  "written before the lake kept which rows came from which file, so its earlier "
                  "rows cannot be replaced; run `mlops ingest --rebuild` to rebuild the clean "
                  "table from the raw layer");
  }
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"), (std::vector<int64_t>{1}));
}

TEST_F(FileChanges, EmptyCsvAndEmptyJsonAreTheSameDataError) {
  for (const std::string name : {"in/e.csv", "in/e.json", "in/e.jsonl"}) {
    dir_.write(name, name == "in/e.json" ? "\n" : "");
    Workflow w = workflow(name);
    IngestOutcome outcome = testing::ingest_once(w);
    ASSERT_TRUE(outcome.error) << name;
    try {
      std::rethrow_exception(outcome.error);
    } catch (const DataError& error) {
      EXPECT_EQ(std::string(error.what()),
                dir_.file(name) + ": the file is empty (no header and no records)");
      EXPECT_EQ(error.exit_code(), ExitCode::kBadData);
    }
  }
}

TEST_F(FileChanges, EveryRowQuarantinedIsOneDataErrorWithTheFirstReasons) {
  dir_.write("in/a.jsonl", "{\"a\": \"x\"}\n{\"a\": \"y\"}\n{\"a\": \"z\"}\n");
  Workflow w = testing::make_workflow(dir_, "name: events\ningest:\n  source: {path: \"" +
                                                dir_.file("in/a.jsonl") +
                                                "\"}\n  schema: {a: int64, b: string}\n");
  IngestOutcome outcome = testing::ingest_once(w);
  ASSERT_TRUE(outcome.error);
  try {
    std::rethrow_exception(outcome.error);
  } catch (const DataError& error) {
    const std::string file = dir_.file("in/a.jsonl");
    EXPECT_EQ(std::string(error.what()),
              "all 3 rows were quarantined; first reasons: cannot parse 'x' as int64 (" + file +
                  " line 1); cannot parse 'y' as int64 (" + file +
                  " line 2); cannot parse 'z' as int64 (" + file + " line 3)");
  }
}

}  // namespace
}  // namespace mlops
