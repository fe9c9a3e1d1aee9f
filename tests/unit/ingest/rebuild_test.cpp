// `mlops ingest --rebuild`: a schema change is noticed, and the clean layer is rebuilt from raw
// through the new schema, atomically, with the raw layer left as received.

#include "mlops/ingest/rebuild.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mlops
