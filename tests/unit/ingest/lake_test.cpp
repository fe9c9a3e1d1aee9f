// The lake's commit protocol and clean-layer schema evolution, on hand-made batches.

#include "mlops/ingest/lake.h"

#include <gtest/gtest.h>

#include "ingest_fixture.h"
#include "mlops/core/error.h"
#include "mlops/io/json.h"

namespace mlops {
namespace {

using testing::TempDir;

Batch json_records(const std::string& table, std::vector<std::string> records, int position) {
  Batch batch;
  batch.tables.push_back(json_batch(table, "test", std::move(records), ReadOptions{}));
  batch.position = {{"n", position}};
  return batch;
}

struct Crash {
  std::string point;
};

TEST(Lake, CommitWritesCleanRowsAndPosition) {
  TempDir dir;
  {
    Lake lake(dir.file("lake"));
    CommitStats stats = lake.commit(
        "s", "",
        json_records("t", {R"({"id": 1, "a": {"b": 2}})", R"({"id": 2, "a": {"b": 3}})"}, 1));
    EXPECT_EQ(stats.rows, 2u);
  }
  Lake again(dir.file("lake"));
  EXPECT_EQ(again.position("s"), (nlohmann::json{{"n", 1}}));
  EXPECT_EQ(again.position("other"), nlohmann::json::object());
  Table table = again.load("t");
  EXPECT_EQ(table.column_names(), (std::vector<std::string>{"id", "a.b"}));
  EXPECT_EQ(testing::ints(table, "a.b"), (std::vector<int64_t>{2, 3}));
}

TEST(Lake, TheRowsItJustWroteAreHandedOutOnceThenReadFromThePart) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  lake.commit("s", "", json_records("t", {R"({"id": 1, "x": "a"})", R"({"id": 2})"}, 1));
  const Table first = lake.load("t");   // the rows kept from the commit, moved out
  const Table second = lake.load("t");  // the same rows, read back from the clean part
  EXPECT_EQ(first.column_names(), (std::vector<std::string>{"id", "x"}));
  EXPECT_EQ(second.column_names(), first.column_names());
  EXPECT_EQ(testing::ints(second, "id"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(second.column("x").string_at(0), "a");
  EXPECT_TRUE(second.column("x").is_null(1));
  EXPECT_EQ(testing::ints(first, "id"), testing::ints(second, "id"));
}

TEST(Lake, SecondProcessCannotOpenALockedLake) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  try {
    Lake other(dir.file("lake"));
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("another ingest of this workflow is running"),
              std::string::npos);
  }
}

TEST(Lake, NewKeyAddsANullableColumnAndIntWidensToFloat) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  lake.commit("s", "", json_records("t", {R"({"id": 1, "ibu": 40})"}, 1));
  lake.commit("s", "", json_records("t", {R"({"id": 2, "ibu": 45.5, "abv": 5.2})"}, 2));
  Table table = lake.load("t");
  EXPECT_EQ(table.column_names(), (std::vector<std::string>{"id", "ibu", "abv"}));
  EXPECT_EQ(table.column("ibu").type(), DType::kFloat64);
  EXPECT_DOUBLE_EQ(table.column("ibu").float_at(0), 40.0);
  EXPECT_DOUBLE_EQ(table.column("ibu").float_at(1), 45.5);
  EXPECT_TRUE(table.column("abv").is_null(0));
  EXPECT_DOUBLE_EQ(table.column("abv").float_at(1), 5.2);
}

TEST(Lake, IncompatibleTypeGoesToQuarantineWithItsReason) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  lake.commit("s", "", json_records("t", {R"({"id": 1, "ibu": 40})"}, 1));
  CommitStats stats = lake.commit(
      "s", "", json_records("t", {R"({"id": 2, "ibu": "bitter"})", R"({"id": 3, "ibu": 41})"}, 2));
  EXPECT_EQ(stats.rows, 1u);
  EXPECT_EQ(stats.quarantined, 1u);
  ASSERT_EQ(lake.quarantined().size(), 1u);
  const BadRecord& bad = lake.quarantined().front();
  EXPECT_EQ(bad.record, 0u);
  EXPECT_EQ(bad.column, "ibu");
  EXPECT_EQ(bad.reason,
            "column 'ibu': value 'bitter' (string) does not fit the clean column's type int64");
  EXPECT_EQ(bad.raw, R"({"id": 2, "ibu": "bitter"})");
  EXPECT_EQ(testing::ints(lake.load("t"), "id"), (std::vector<int64_t>{1, 3}));
}

TEST(Lake, ColumnOfNullsTakesTheTypeOfItsFirstValues) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  Batch first;
  TableBatch csv;
  csv.table = "t";
  csv.result = read_json("{\"id\": 1, \"note\": null}\n", ReadOptions{});
  csv.json = false;  // a CSV header makes the column even when it is empty
  first.tables.push_back(std::move(csv));
  lake.commit("s", "", std::move(first));
  lake.commit("s", "", json_records("t", {R"({"id": 2, "note": 7})"}, 2));
  Table table = lake.load("t");
  EXPECT_EQ(table.column("note").type(), DType::kInt64);
  EXPECT_TRUE(table.column("note").is_null(0));
  EXPECT_EQ(table.column("note").int_at(1), 7);
}

TEST(Lake, KeySkipsRecordsAlreadyIngestedAcrossCommitsAndProcesses) {
  TempDir dir;
  {
    Lake lake(dir.file("lake"));
    CommitStats stats = lake.commit(
        "s", "uid",
        json_records("t", {R"({"uid": "a"})", R"({"uid": "b"})", R"({"uid": "a"})"}, 1));
    EXPECT_EQ(stats.rows, 2u);
    EXPECT_EQ(stats.duplicates, 1u);
  }
  Lake lake(dir.file("lake"));
  CommitStats stats =
      lake.commit("s", "uid", json_records("t", {R"({"uid": "b"})", R"({"uid": "c"})"}, 2));
  EXPECT_EQ(stats.rows, 1u);
  EXPECT_EQ(stats.duplicates, 1u);
  EXPECT_EQ(lake.load("t").num_rows(), 3u);
}

// A crash after each step of a commit, then a restart that commits the same batch again (what
// a source does: it resumes from the last committed position). Each record ends up in the
// clean table exactly once, and in quarantine exactly once.
TEST(Lake, CrashAtAnyStepOfACommitLeavesEveryRecordExactlyOnce) {
  for (const char* point : {"raw", "clean", "quarantine", "checkpoint"}) {
    SCOPED_TRACE(point);
    TempDir dir;
    auto second = [] {
      return json_records("t", {R"({"id": 3})", R"({"id": "x"})", R"({"id": 4})"}, 2);
    };
    int commits = 0;
    {
      Lake lake(dir.file("lake"), [&](std::string_view at) {
        if (at == point && ++commits == 2) throw Crash{point};
      });
      lake.commit("s", "id", json_records("t", {R"({"id": 1})", R"({"id": 2})"}, 1));
      EXPECT_THROW(lake.commit("s", "id", second()), Crash);
    }
    Lake lake(dir.file("lake"));
    const bool committed = std::string(point) == "checkpoint";
    EXPECT_EQ(lake.position("s"), (nlohmann::json{{"n", committed ? 2 : 1}}));
    if (!committed) lake.commit("s", "id", second());
    EXPECT_EQ(testing::ints(lake.load("t"), "id"), (std::vector<int64_t>{1, 2, 3, 4}));
    EXPECT_EQ(testing::lake_quarantine_at(dir.file("lake"), "s").size(), 1u);
    size_t parts = 0;
    for (const auto& file : std::filesystem::directory_iterator(dir.file("lake/clean/t"))) {
      parts += file.path().extension() == ".csv";
    }
    EXPECT_EQ(parts, 2u);  // the uncommitted part of the crashed commit is gone
  }
}

TEST(Lake, CompactMergesPartsAndSnapshotCopiesTheTable) {
  TempDir dir;
  Lake lake(dir.file("lake"));
  lake.commit("s", "", json_records("t", {R"({"id": 1})"}, 1));
  lake.commit("s", "", json_records("t", {R"({"id": 2, "x": 0.5})"}, 2));
  lake.compact("t");
  size_t parts = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir.file("lake/clean/t"))) {
    parts += file.path().extension() == ".csv";
  }
  EXPECT_EQ(parts, 1u);
  lake.snapshot("t", dir.file("run/clean.csv"));
  EXPECT_EQ(testing::read_text(dir.file("run/clean.csv")), "id,x\n1,\n2,0.5\n");
  EXPECT_TRUE(std::filesystem::exists(dir.file("run/clean.csv.schema.json")));
}

}  // namespace
}  // namespace mlops
