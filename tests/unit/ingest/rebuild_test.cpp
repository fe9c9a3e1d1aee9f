// `mlops ingest --rebuild`: a schema change is noticed, and the clean layer is rebuilt from raw
// through the new schema, atomically, with the raw layer left as received.

#include "mlops/ingest/rebuild.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "ingest_fixture.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

using testing::TempDir;

class Rebuild : public ::testing::Test {
 protected:
  Workflow workflow(const std::string& values, bool rebuild = false) {
    return testing::make_workflow(
        dir_, "name: events\ningest:\n" + std::string(rebuild ? "  rebuild: true\n" : "") +
                  "  source: {path: \"" + dir_.file("in/*.csv") +
                  "\"}\n  schema: {id: int64, kind: {values: [" + values + "]}}\n");
  }
  TempDir dir_;
};

TEST_F(Rebuild, SchemaChangeIsRefusedUntilRebuildReplaysRawThroughTheNewSchema) {
  dir_.write("in/a.csv", "id,kind\n1,x\n2,y\n3,z\n");
  ASSERT_FALSE(testing::ingest_once(workflow("x, y")).error);
  dir_.write("in/b.csv", "id,kind\n4,z\n");
  Workflow widened = workflow("x, y, z");
  EXPECT_EQ(testing::lake_quarantine(widened, "events").size(), 1u);
  try {
    testing::ingest_once(widened);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              lake_root(widened) +
                  ": ingest.schema (or ingest.null_values) changed since the lake's clean tables "
                  "were typed, so new rows would not match the earlier ones; run `mlops ingest "
                  "--rebuild` to replay the raw layer through the new schema");
  }
  const size_t raw_before = testing::raw_index(widened, "events").size();
  IngestOutcome rebuilt = testing::ingest_once(workflow("x, y, z", true));
  ASSERT_FALSE(rebuilt.error);
  EXPECT_EQ(testing::ints(testing::load_table(widened, "events"), "id"), testing::one_to(4));
  EXPECT_TRUE(testing::lake_quarantine(widened, "events").empty());
  EXPECT_EQ(testing::raw_index(widened, "events").size(), raw_before + 1);  // b.csv, new
  EXPECT_FALSE(std::filesystem::exists(lake_root(widened) + "/rebuild"));
  // The rebuilt lake takes the new schema's later runs, and a rebuild again changes nothing.
  EXPECT_FALSE(testing::ingest_once(widened).error);
  ASSERT_FALSE(testing::ingest_once(workflow("x, y, z", true)).error);
  EXPECT_EQ(testing::ints(testing::load_table(widened, "events"), "id"), testing::one_to(4));
}

TEST_F(Rebuild, ReplaysAppendsAndChangedFilesAsTheyWereIngested) {
  dir_.write("in/a.csv", "id,kind\n1,x\n");
  ASSERT_FALSE(testing::ingest_once(workflow("x, y")).error);
  dir_.write("in/a.csv", "id,kind\n1,x\n2,y\n");  // appended
  ASSERT_FALSE(testing::ingest_once(workflow("x, y")).error);
  dir_.write("in/a.csv", "id,kind\n5,y\n");  // changed
  ASSERT_FALSE(testing::ingest_once(workflow("x, y")).error);
  ASSERT_FALSE(testing::ingest_once(workflow("x, y", true)).error);
  EXPECT_EQ(testing::ints(testing::load_table(workflow("x, y"), "events"), "id"),
            (std::vector<int64_t>{5}));
}

TEST_F(Rebuild, CrashBeforeTheSwapKeepsTheOldTablesAndAfterItFinishesOnOpen) {
  dir_.write("in/a.csv", "id,kind\n1,x\n2,z\n");
  Workflow narrow = workflow("x");
  ASSERT_FALSE(testing::ingest_once(narrow).error);
  Workflow wide = workflow("x, z", true);
  for (const std::string point : {"clean", "swap"}) {
    const FaultHook crash = [&](std::string_view at) {
      if (at == point) throw IoError("crash at {}", at);
    };
    {
      Lake lake(lake_root(wide), crash);
      EXPECT_THROW(rebuild_lake(wide, lake, crash), IoError);
    }
    const std::vector<int64_t> expected =
        point == "swap" ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{1};
    Lake reopened(lake_root(wide));
    EXPECT_EQ(testing::ints(reopened.load("events"), "id"), expected) << point;
    EXPECT_FALSE(std::filesystem::exists(lake_root(wide) + "/rebuild")) << point;
  }
}

TEST_F(Rebuild, RunsTheEncodingCheckSoATranscodedFileIsReadAgain) {
  dir_.write("in/a.csv",
             "id,kind\n1,x\n2,Montr\xe9"
             "al\n3,y\n");
  const std::string source = "  source: {path: \"" + dir_.file("in/*.csv") + "\"";
  Workflow utf8 = testing::make_workflow(dir_, "name: events\ningest:\n" + source + "}\n");
  ASSERT_FALSE(testing::ingest_once(utf8).error);
  auto bad = testing::lake_quarantine(utf8, "events");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["line"], 3);
  // The replay of the same raw copy quarantines the same line again ...
  Workflow again =
      testing::make_workflow(dir_, "name: events\ningest:\n  rebuild: true\n" + source + "}\n");
  ASSERT_FALSE(testing::ingest_once(again).error);
  auto again_bad = testing::lake_quarantine(utf8, "events");
  ASSERT_EQ(again_bad.size(), 1u);
  EXPECT_EQ(again_bad[0]["line"], 3);
  EXPECT_EQ(again_bad[0]["reason"], bad[0]["reason"]);
  EXPECT_EQ(testing::ints(testing::load_table(utf8, "events"), "id"), (std::vector<int64_t>{1, 3}));
  // ... and once the source says Latin-1, the rebuild transcodes it.
  Workflow latin = testing::make_workflow(
      dir_, "name: events\ningest:\n  rebuild: true\n" + source + ", encoding: latin-1}\n");
  ASSERT_FALSE(testing::ingest_once(latin).error);
  Table table = testing::load_table(latin, "events");
  EXPECT_EQ(testing::ints(table, "id"), testing::one_to(3));
  EXPECT_EQ(table.column("kind").format_value(1),
            "Montr\xc3\xa9"
            "al");
  EXPECT_TRUE(testing::lake_quarantine(latin, "events").empty());
}

void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

class RebuildSqlite : public ::testing::Test {
 protected:
  RebuildSqlite() {
    sql(db_,
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, kind TEXT);"
        "INSERT INTO orders VALUES (1, 'x'), (2, 'y'), (3, 'z');");
  }
  Workflow workflow(const std::string& values, bool rebuild = false) {
    return testing::make_workflow(
        dir_, "name: shop\ningest:\n" + std::string(rebuild ? "  rebuild: true\n" : "") +
                  "  source: {type: sqlite, path: \"" + db_ +
                  "\", query: \"SELECT id, kind FROM orders\", incremental_column: id, "
                  "batch_size: 2}\n  schema: {kind: {values: [" +
                  values + "]}}\n");
  }
  TempDir dir_;
  std::string db_ = dir_.file("shop.db");
};

TEST_F(RebuildSqlite, ReplaysTheStoredResultsWithTheDatabaseGone) {
  ASSERT_FALSE(testing::ingest_once(workflow("x, y, z")).error);
  sql(db_, "INSERT INTO orders VALUES (4, 'x');");
  ASSERT_FALSE(testing::ingest_once(workflow("x, y, z")).error);
  std::filesystem::remove(db_);
  IngestOutcome rebuilt = testing::ingest_once(workflow("x, y", true));
  ASSERT_FALSE(rebuilt.error);
  EXPECT_EQ(testing::ints(testing::load_table(workflow("x, y"), "shop"), "id"),
            (std::vector<int64_t>{1, 2, 4}));
  auto bad = testing::lake_quarantine(workflow("x, y"), "shop");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["reason"], "value 'z' is not one of [x, y]");
  EXPECT_EQ(bad[0]["source"], db_ + ": SELECT id, kind FROM orders");
  Lake lake(lake_root(workflow("x, y")));
  EXPECT_EQ(lake.position("shop")["last"], 4);  // the next ingest goes on from row 4
}

TEST_F(RebuildSqlite, RawLayerOfAnOlderLakeIsRefusedNamingTheSource) {
  ASSERT_FALSE(testing::ingest_once(workflow("x, y, z")).error);
  const std::string root = lake_root(workflow("x, y, z"));
  std::filesystem::remove_all(root + "/raw");  // as a lake from before raw was kept
  try {
    testing::ingest_once(workflow("x, y", true));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "mlops ingest --rebuild: source 'shop' (sqlite): " + root +
                  "/raw/shop holds no raw records: the lake was written before its raw layer kept "
                  "what a replay needs, so its clean tables cannot be rebuilt from raw (nothing "
                  "was changed); move " +
                  root + " aside and run `mlops ingest` to ingest the source again");
    EXPECT_EQ(error.exit_code(), ExitCode::kUsage);
  }
  EXPECT_EQ(testing::ints(testing::load_table(workflow("x, y, z"), "shop"), "id"),
            testing::one_to(3));
}

TEST_F(RebuildSqlite, CrashAtAnyCommitStepKeepsTheOldLakeUntilTheSwap) {
  ASSERT_FALSE(testing::ingest_once(workflow("x, y, z")).error);
  Workflow narrow = workflow("x", true);
  for (const std::string point : {"raw", "clean", "quarantine", "checkpoint", "swap"}) {
    const FaultHook crash = [&](std::string_view at) {
      if (at == point) throw IoError("crash at {}", at);
    };
    {
      Lake lake(lake_root(narrow), crash);
      EXPECT_THROW(rebuild_lake(narrow, lake, crash), IoError) << point;
    }
    Lake reopened(lake_root(narrow));
    const Table table = reopened.load("shop");
    const size_t quarantined = testing::lake_quarantine(narrow, "shop").size();
    if (point == "swap") {  // past the commit point: the next open finishes it
      EXPECT_EQ(testing::ints(table, "id"), (std::vector<int64_t>{1}));
      EXPECT_EQ(quarantined, 2u);
    } else {
      EXPECT_EQ(testing::ints(table, "id"), testing::one_to(3)) << point;
      EXPECT_EQ(quarantined, 0u) << point;
    }
    EXPECT_FALSE(std::filesystem::exists(lake_root(narrow) + "/rebuild")) << point;
  }
}

}  // namespace
}  // namespace mlops
