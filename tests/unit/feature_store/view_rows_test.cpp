#include "mlops/feature_store/view_rows.h"

#include <gtest/gtest.h>

#include "fs_test_util.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/io/table_file.h"

namespace mlops {
namespace {

using testing::commit_csv;
using testing::feature_workflow;
using testing::lake_view;
using testing::TempDir;

TEST(ViewRows, LakeTableSortedByEventTimeWithExpressionFeature) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  commit_csv(workflow, "hourly",
             "origin,hour,delay,flights\n"
             "ATL,2024-01-01 02:00:00,10.5,4\n"
             "ORD,2024-01-01 01:00:00,3.0,2\n"
             "ATL,2024-01-01 01:00:00,1.0,1\n");
  commit_csv(workflow, "hourly",
             "origin,hour,delay,flights\nATL,,9.0,1\nSFO,2024-01-01 00:30:00,2.0,8\n");
  FeatureViewSpec view = lake_view("delays", "hourly");
  view.features = {{"delay", ""}, {"per_flight", "delay / flights"}};
  workflow.feature_store.views.push_back(view);

  const ViewRows rows = read_view_rows(workflow, view);
  EXPECT_EQ(rows.table.column_names(),
            (std::vector<std::string>{"origin", "hour", "delay", "per_flight"}));
  ASSERT_EQ(rows.table.num_rows(), 4u);
  EXPECT_EQ(rows.dropped_null_rows, 1u);
  const Column& origin = rows.table.column("origin");
  EXPECT_EQ(origin.string_at(0), "SFO");
  EXPECT_EQ(origin.string_at(1), "ORD");  // equal times keep the written order
  EXPECT_EQ(origin.string_at(2), "ATL");
  EXPECT_EQ(origin.string_at(3), "ATL");
  EXPECT_EQ(rows.table.column("hour").type(), DType::kTimestamp);
  EXPECT_DOUBLE_EQ(rows.table.column("per_flight").float_at(3), 10.5 / 4);

  const ViewRows window = read_view_rows(
      workflow, view,
      {.features = {"delay"}, .start_us = parse_timestamp("2024-01-01 01:00:00"), .end_us = {}});
  EXPECT_EQ(window.table.column_names(), (std::vector<std::string>{"origin", "hour", "delay"}));
  EXPECT_EQ(window.table.num_rows(), 3u);
}

TEST(ViewRows, UnknownColumnsAndMissingTablesAreNamed) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  FeatureViewSpec view = lake_view("delays", "hourly");
  try {
    read_view_rows(workflow, view);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("lake table 'hourly' of workflow 'wf'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("run `mlops ingest`"), std::string::npos);
  }
  commit_csv(workflow, "hourly", "origin,hour,delay\nATL,2024-01-01 02:00:00,1\n");
  view.features = {{"delays", ""}};
  try {
    read_view_rows(workflow, view);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("feature column 'delays' is not in lake table 'hourly'"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'delay'"), std::string::npos);
  }
  view.features = {};
  view.event_time = "hours";
  EXPECT_THROW(read_view_rows(workflow, view), DataError);
  view.event_time = "delay";
  try {
    read_view_rows(workflow, view);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("is int64, expected timestamp"), std::string::npos)
        << e.what();
  }
  view.event_time = "hour";
  EXPECT_THROW(
      read_view_rows(workflow, view, {.features = {"dealy"}, .start_us = {}, .end_us = {}}),
      DataError);
}

TEST(ViewRows, AnotherWorkflowsLake) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  commit_csv(workflow, "hourly", "origin,hour,delay\nATL,2024-01-01 02:00:00,1\n", "other");
  FeatureViewSpec view = lake_view("delays", "hourly");
  view.source.workflow = "other";
  const ViewRows rows = read_view_rows(workflow, view);
  EXPECT_EQ(rows.table.num_rows(), 1u);
  EXPECT_EQ(rows.features, (std::vector<std::string>{"delay"}));
}

TEST(ViewRows, ReadsTheLakeWhileAnIngestHoldsItsLockAndAfterCompaction) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  commit_csv(workflow, "hourly", "origin,hour,delay\nATL,2024-01-01 02:00:00,1\n");
  commit_csv(workflow, "hourly", "origin,hour,delay\nORD,2024-01-01 03:00:00,2\n");
  const FeatureViewSpec view = lake_view("delays", "hourly");
  {
    Lake held(workflow.settings.lake_dir + "/wf");  // an ingest in progress holds the lock
    EXPECT_EQ(read_view_rows(workflow, view).table.num_rows(), 2u);
    held.compact("hourly");  // replaces both parts with one, deleting the old ones
    EXPECT_EQ(read_view_rows(workflow, view).table.num_rows(), 2u);
  }
}

// A run folder with a manifest recording `stage` with `status` and an output file.
void write_run(const TempDir& dir, const std::string& id, const std::string& stage,
               const std::string& status, const std::string& finished_at, const std::string& file,
               const std::string& csv) {
  const std::string folder = "runs/" + id + "/" + stage;
  dir.write(folder + "/" + file, csv);
  dir.write("runs/" + id + "/manifest.json",
            fmt::format(R"({{"run_id": "{}", "workflow": "wf", "status": "ok", "stages": {{"{}":
                {{"status": "{}", "finished_at": "{}", "outputs": [{{"path": "elsewhere/{}"}}]}}}}}})",
                        id, stage, status, finished_at, file));
}

TEST(ViewRows, LatestSuccessfulFeaturizeAndPredictionsRuns) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  FeatureViewSpec view = lake_view("scores", "");
  view.source.kind = ViewSource::Kind::kPredictions;
  view.event_time = "";
  try {
    read_view_rows(workflow, view);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no run whose predict succeeded"), std::string::npos)
        << e.what();
  }
  write_run(dir, "r1", "predict", "ok", "2024-01-01T00:00:00Z", "predictions.csv",
            "origin,prediction,scored_at\nATL,0.5,2024-01-01 00:00:00\n");
  write_run(dir, "r2", "predict", "ok", "2024-01-02T00:00:00Z", "predictions.csv",
            "origin,prediction,scored_at\nATL,0.7,2024-01-02 00:00:00\nORD,0.1,2024-01-02 "
            "00:00:00\n");
  write_run(dir, "r3", "predict", "failed", "2024-01-03T00:00:00Z", "predictions.csv",
            "origin,prediction,scored_at\n");
  const ViewRows rows = read_view_rows(workflow, view);
  EXPECT_EQ(rows.table.num_rows(), 2u);  // r2: the latest that succeeded
  EXPECT_EQ(rows.features, (std::vector<std::string>{"prediction"}));
  EXPECT_NE(rows.source.find("(run r2)"), std::string::npos) << rows.source;

  view.source.kind = ViewSource::Kind::kFeaturize;
  view.event_time = "t";
  write_run(dir, "r4", "featurize", "ok", "2024-01-01T00:00:00Z", "features.csv",
            "origin,t,x\nATL,2024-01-01 00:00:00,3\n");
  EXPECT_EQ(read_view_rows(workflow, view).table.column("x").int_at(0), 3);
}

}  // namespace
}  // namespace mlops
