// Follow mode's online push: the rows a lake commit added (Batch::keep_rows) reach the online
// views over that table under the latest-wins rule; a store that fails is retried with backoff
// until it takes the write or a stop is requested; the start's catch-up materializes in full.

#include "mlops/feature_store/online_push.h"

#include <gtest/gtest.h>

#include "fs_test_util.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/store/forwarding_online_store.h"
#include "mlops/store/open_stores.h"

namespace mlops {
namespace {

using testing::feature_workflow;
using testing::lake_view;
using testing::TempDir;

/// A real store whose first `failures` writes throw NetworkError (a Redis that is down).
class FlakyStore : public ForwardingOnlineStore {
 public:
  FlakyStore(OnlineStore& inner, int failures)
      : ForwardingOnlineStore(inner), failures_(failures) {}
  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    if (failures_ > 0) {
      --failures_;
      throw NetworkError("redis://127.0.0.1:1: connection refused");
    }
    return ForwardingOnlineStore::write(view, columns, records, write_time_us);
  }

 private:
  int failures_;
};

class OnlinePushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workflow_.settings.online_store_url = "sqlite:" + dir_.file("online.db");
    FeatureViewSpec view = lake_view("delays", "hourly");
    view.features = {{"delay", ""}, {"late", "delay > 10"}};
    workflow_.feature_store.views.push_back(view);
    FeatureViewSpec offline = lake_view("offline", "hourly");
    offline.online = false;
    workflow_.feature_store.views.push_back(offline);
    FeatureViewSpec other = lake_view("other_table", "daily");
    workflow_.feature_store.views.push_back(other);
    store_ = open_online_store(workflow_.settings);
  }

  /// Commits `csv` to the lake's `hourly` table and returns what the commit added.
  CommitStats commit(const std::string& csv) {
    Lake lake(workflow_.settings.lake_dir + "/wf");
    Batch batch;
    ReadOptions options;
    options.source_name = "hourly";
    batch.tables.push_back({.table = "hourly",
                            .source = "hourly",
                            .result = read_table_text(csv, "csv", options),
                            .record_sources = {},
                            .record_texts = {},
                            .json = false,
                            .origin = ""});
    batch.keep_rows = true;
    return lake.commit("hourly", "", std::move(batch));
  }

  OnlineLookup get(const std::string& key) { return store_->read_one("delays", key, {}); }

  TempDir dir_;
  Workflow workflow_ = feature_workflow(dir_);
  std::unique_ptr<OnlineStore> store_;
};

TEST_F(OnlinePushTest, PushesEachCommitsLatestRowPerKeyAndNeverAnOlderOne) {
  OnlinePush push(workflow_, *store_);
  ASSERT_EQ(push.views().size(), 2u);  // delays and other_table; not the offline view
  const CommitStats first = commit(
      "origin,hour,delay\n"
      "ATL,2024-01-01 02:00:00,12.5\n"
      "ORD,2024-01-01 01:00:00,3.0\n"
      "ATL,2024-01-01 01:00:00,1.0\n");  // older than the ATL row above it
  ASSERT_EQ(first.added.size(), 1u);
  EXPECT_EQ(first.added[0].first, "hourly");
  EXPECT_EQ(first.added[0].second.num_rows(), 3u);
  EXPECT_EQ(push.push(first), 2);
  OnlineLookup atl = get("ATL");
  ASSERT_TRUE(atl.found);
  EXPECT_EQ(atl.event_time_us, *parse_timestamp("2024-01-01 02:00:00"));
  EXPECT_EQ(std::get<double>(atl.values[0]), 12.5);
  EXPECT_EQ(std::get<bool>(atl.values[1]), true);
  EXPECT_EQ(store_->view("delays")->schema.key_columns, std::vector<std::string>{"origin"});

  // A late row (older than the stored one) loses; a newer one wins.
  const CommitStats second = commit(
      "origin,hour,delay\n"
      "ATL,2024-01-01 00:30:00,99.0\n"
      "ORD,2024-01-01 03:00:00,4.0\n");
  EXPECT_EQ(push.push(second), 1);
  EXPECT_EQ(std::get<double>(get("ATL").values[0]), 12.5);
  EXPECT_EQ(std::get<double>(get("ORD").values[0]), 4.0);
  EXPECT_FALSE(store_->watermark("delays").has_value());  // pushes leave the watermark
}

TEST_F(OnlinePushTest, RetriesAStoreThatIsDownWithBackoffUntilItTakesTheWrite) {
  FlakyStore flaky(*store_, 3);
  std::vector<double> waits;
  OnlinePushOptions options;
  options.sleep = [&waits](double seconds) { waits.push_back(seconds); };
  OnlinePush push(workflow_, flaky, options);
  EXPECT_EQ(push.push(commit("origin,hour,delay\nATL,2024-01-01 02:00:00,12.5\n")), 1);
  EXPECT_EQ(waits, (std::vector<double>{0.2, 0.4, 0.8}));
  EXPECT_TRUE(get("ATL").found);
}

TEST_F(OnlinePushTest, AStopWhileTheStoreIsDownThrowsItsErrorAndTheCatchUpPushesTheRows) {
  FlakyStore down(*store_, 1'000);
  bool stop = false;
  OnlinePushOptions options;
  options.sleep = [&stop](double) { stop = true; };  // the stop arrives during the first wait
  options.stop = [&stop] { return stop; };
  OnlinePush push(workflow_, down, options);
  const CommitStats stats = commit("origin,hour,delay\nATL,2024-01-01 02:00:00,12.5\n");
  EXPECT_THROW(push.push(stats), NetworkError);
  EXPECT_FALSE(get("ATL").found);

  // The next start: the lake has the rows, the catch-up materializes them.
  OnlinePush restarted(workflow_, *store_);
  restarted.catch_up([](const std::string& table) { return table == "hourly"; });
  EXPECT_EQ(std::get<double>(get("ATL").values[0]), 12.5);
}

TEST_F(OnlinePushTest, RowsAViewCannotBeComputedFromAreSkippedNotFatal) {
  workflow_.feature_store.views[0].features = {{"missing_column", ""}};
  OnlinePush push(workflow_, *store_);
  EXPECT_EQ(push.push(commit("origin,hour,delay\nATL,2024-01-01 02:00:00,12.5\n")), 0);
  EXPECT_FALSE(store_->view("delays").has_value());
}

}  // namespace
}  // namespace mlops
