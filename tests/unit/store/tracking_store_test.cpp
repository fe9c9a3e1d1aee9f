// The tracking store on every backend: runs indexed by workflow, and their metrics.

#include "mlops/store/tracking_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "store_backends.h"

namespace mlops {
namespace {

RunRow run(const std::string& id, const std::string& workflow, int started,
           const std::string& status) {
  return {id, workflow, "local", fmt::format("{:020}", started), status, "runs/" + id, "h1"};
}

class TrackingStoreTest : public testing::StoreBackendTest {
 protected:
  std::unique_ptr<mlops::TrackingStore> open() { return open_tracking_store(settings_); }
};

TEST_P(TrackingStoreTest, StartedRunIsFoundWithItsFields) {
  auto store = open();
  store->upsert_run(run("r1", "w", 1, "running"));
  EXPECT_EQ(store->find_run("r1"), run("r1", "w", 1, "running"));
  EXPECT_EQ(store->find_run("r2"), std::nullopt);
}

TEST_P(TrackingStoreTest, FinishingARunUpdatesOnlyItsStatusAndConfigHash) {
  auto store = open();
  store->upsert_run(run("r1", "w", 1, "running"));
  RunRow finished = run("r1", "other", 9, "ok");
  finished.config_hash = "h2";
  store->upsert_run(finished);
  RunRow expected = run("r1", "w", 1, "ok");
  expected.config_hash = "h2";
  EXPECT_EQ(store->find_run("r1"), expected);
}

TEST_P(TrackingStoreTest, LatestRunIsTheLastStartedOfItsWorkflow) {
  auto store = open();
  store->upsert_run(run("r1", "w", 1, "ok"));
  store->upsert_run(run("r2", "w", 2, "running"));
  store->upsert_run(run("r0", "w", 0, "ok"));  // indexed later, started earlier
  store->upsert_run(run("r3", "other", 3, "ok"));
  EXPECT_EQ(store->latest_run("w")->run_id, "r2");
  store->upsert_run(run("r2", "w", 2, "failed"));
  EXPECT_EQ(store->latest_run("w")->status, "failed");
  EXPECT_EQ(store->latest_run("nope"), std::nullopt);
}

TEST_P(TrackingStoreTest, RunsStartedInTheSameMicrosecondOrderById) {
  auto store = open();
  store->upsert_run(run("b", "w", 5, "ok"));
  store->upsert_run(run("a", "w", 5, "ok"));
  EXPECT_EQ(store->latest_run("w")->run_id, "b");
}

TEST_P(TrackingStoreTest, MetricSetAgainIsReplacedAndNaNReadsBackAsNaN) {
  auto store = open();
  store->upsert_run(run("r1", "w", 1, "ok"));
  store->set_metrics("r1", {{"auc", 0.7}, {"logloss", std::nan("")}});
  store->set_metrics("r1", {{"auc", 0.8}});
  const auto metrics = store->metrics("r1");
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_DOUBLE_EQ(metrics.at("auc"), 0.8);
  EXPECT_TRUE(std::isnan(metrics.at("logloss")));
  EXPECT_TRUE(store->metrics("r2").empty());
}

TEST_P(TrackingStoreTest, StoreReopenedKeepsItsRuns) {
  open()->upsert_run(run("r1", "w", 1, "ok"));
  EXPECT_EQ(open()->latest_run("w")->run_id, "r1");
}

TEST_P(TrackingStoreTest, ShardsOfARunKeepARowEachAndARecordedShardIsReplaced) {
  open()->upsert_run(run("r1", "w", 1, "running"));
  auto store = open();
  for (int shard : {2, 0, 1}) {
    store->record_shard({"r1", "predict", shard, 3, "host-" + std::to_string(shard),
                         "2026-12-07T06:00:00Z", R"({"rows": 1})"});
  }
  open()->record_shard({"r1", "predict", 1, 3, "other", "2026-12-07T06:01:00Z", R"({"rows": 2})"});
  open()->record_shard({"r2", "predict", 0, 2, "h", "2026-12-07T06:00:00Z", "{}"});
  const std::vector<ShardRecord> shards = open()->shards("r1");
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(shards[0], (ShardRecord{"r1", "predict", 0, 3, "host-0", "2026-12-07T06:00:00Z",
                                    R"({"rows": 1})"}));
  EXPECT_EQ(shards[1], (ShardRecord{"r1", "predict", 1, 3, "other", "2026-12-07T06:01:00Z",
                                    R"({"rows": 2})"}));
  EXPECT_EQ(shards[2].shard_index, 2);
  EXPECT_TRUE(open()->shards("unknown").empty());
}

MLOPS_FOR_EACH_STORE_BACKEND(TrackingStoreTest);

}  // namespace
}  // namespace mlops
