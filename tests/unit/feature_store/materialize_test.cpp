#include "mlops/feature_store/materialize.h"

#include <gtest/gtest.h>

#include "fs_test_util.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/store/open_stores.h"

namespace mlops {
namespace {

using testing::commit_csv;
using testing::feature_workflow;
using testing::lake_view;
using testing::TempDir;

int64_t at(const char* text) {
  return *parse_timestamp(text);
}

class Materialize : public ::testing::Test {
 protected:
  void SetUp() override {
    workflow_.settings.online_store_url = "sqlite:" + dir_.file("online.db");
    commit_csv(workflow_, "hourly",
               "origin,hour,delay,flights\n"
               "ATL,2024-01-01 01:00:00,1.0,1\n"
               "ORD,2024-01-01 01:00:00,3.0,2\n"
               "ATL,2024-01-01 02:00:00,10.5,4\n"
               "ATL,2024-01-01 02:00:00,11.5,5\n");  // a tie: the last written wins
    FeatureViewSpec view = lake_view("delays", "hourly");
    view.features = {{"delay", ""}, {"flights", ""}};
    workflow_.feature_store.views.push_back(view);
    FeatureViewSpec offline = lake_view("offline", "hourly");
    offline.online = false;
    workflow_.feature_store.views.push_back(offline);
    store_ = open_online_store(workflow_.settings);
  }

  OnlineLookup get(const std::string& key) { return store_->read_one("delays", key, {}); }

  TempDir dir_;
  Workflow workflow_ = feature_workflow(dir_);
  std::unique_ptr<OnlineStore> store_;
};

TEST_F(Materialize, WritesEachKeysLatestRowAndTheWatermarkAfterIt) {
  const MaterializeResult result = materialize(workflow_, *store_, {});
  ASSERT_EQ(result.views.size(), 2u);
  EXPECT_EQ(result.views[0].rows_read, 4);
  EXPECT_EQ(result.views[0].keys, 2);
  EXPECT_EQ(result.views[0].keys_written, 2);
  EXPECT_TRUE(result.views[1].skipped);
  const OnlineLookup atl = get("ATL");
  ASSERT_TRUE(atl.found);
  EXPECT_EQ(atl.event_time_us, at("2024-01-01 02:00:00"));
  EXPECT_EQ(std::get<double>(atl.values[0]), 11.5);
  EXPECT_EQ(std::get<int64_t>(atl.values[1]), 5);
  EXPECT_EQ(store_->watermark("delays"), at("2024-01-01 02:00:00"));
  const auto info = store_->view("delays");
  ASSERT_TRUE(info && info->last_materialization);
  EXPECT_EQ(info->schema.entity, "airport");
  EXPECT_EQ(info->schema.columns,
            (std::vector<OnlineColumn>{{"delay", DType::kFloat64}, {"flights", DType::kInt64}}));
  EXPECT_EQ(info->last_materialization->rows_read, 4);
  EXPECT_FALSE(store_->view("offline").has_value());
}

TEST_F(Materialize, ARerunChangesNothingAndIncrementalReadsFromTheWatermark) {
  materialize(workflow_, *store_, {});
  commit_csv(workflow_, "hourly",
             "origin,hour,delay,flights\n"
             "ORD,2023-12-31 00:00:00,99.0,9\n"  // late and older: never overwrites
             "SFO,2024-01-01 03:00:00,2.0,8\n");
  MaterializeOptions incremental;
  incremental.incremental = true;
  const MaterializeResult result = materialize(workflow_, *store_, incremental);
  EXPECT_EQ(result.views[0].rows_read, 3);  // the two ATL rows at the watermark, SFO
  EXPECT_EQ(std::get<double>(get("SFO").values[0]), 2.0);
  EXPECT_EQ(std::get<double>(get("ORD").values[0]), 3.0);
  EXPECT_EQ(store_->watermark("delays"), at("2024-01-01 03:00:00"));
  // A full rerun reads the late ORD row too, and it still loses to the newer one.
  const MaterializeResult full = materialize(workflow_, *store_, {});
  EXPECT_EQ(full.views[0].rows_read, 6);
  EXPECT_EQ(std::get<double>(get("ORD").values[0]), 3.0);
  EXPECT_EQ(std::get<double>(get("ATL").values[0]), 11.5);
}

TEST_F(Materialize, ARangeLeavesTheWatermark) {
  MaterializeOptions range;
  range.start_us = at("2024-01-01 00:00:00");
  range.end_us = at("2024-01-01 02:00:00");
  const MaterializeResult result = materialize(workflow_, *store_, range);
  EXPECT_EQ(result.views[0].rows_read, 2);
  EXPECT_EQ(std::get<double>(get("ATL").values[0]), 1.0);
  EXPECT_FALSE(store_->watermark("delays").has_value());
}

TEST_F(Materialize, MistakesAreConfigErrors) {
  MaterializeOptions options;
  options.views = {"delay"};
  try {
    materialize(workflow_, *store_, options);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "workflow 'wf' has no feature view 'delay' (did you mean 'delays'?)");
  }
  options.views = {"offline"};
  try {
    materialize(workflow_, *store_, options);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "wf.yaml:1:1: feature view 'offline' is declared online: false; materialize "
                 "only writes online views");
  }
  options.views = {};
  options.incremental = true;
  options.start_us = 1;
  EXPECT_THROW(materialize(workflow_, *store_, options), ConfigError);
}

TEST_F(Materialize, LookupsParseKeysAndJudgeStaleness) {
  workflow_.feature_store.views[0].ttl_us = 3'600'000'000;
  materialize(workflow_, *store_, {});
  const std::vector<std::string> keys{"origin=ATL", "origin=JFK"};
  const FeatureLookup lookup =
      lookup_features(workflow_, *store_, "delays", keys, at("2024-01-01 03:30:00"));
  EXPECT_EQ(lookup_json(lookup).dump(),
            R"({"results":[{"event_time":"2024-01-01T02:00:00Z","features":{"delay":11.5,)"
            R"("flights":5},"found":true,"key":{"origin":"ATL"},"stale":true,)"
            R"("written_at":")" +
                format_iso8601(lookup.found[0].write_time_us) +
                R"("},{"found":false,"key":{"origin":"JFK"}}],"view":"delays"})");
  EXPECT_EQ(format_lookup(lookup),
            "delays origin=ATL: event time 2024-01-01T02:00:00Z (stale: older than the view's "
            "ttl)\n  delay = 11.5\n  flights = 5\ndelays origin=JFK: not found\n");
  const EntitySpec compound{.name = "route",
                            .keys = {{"origin", DType::kString}, {"year", DType::kInt64}},
                            .description = "",
                            .origin = ""};
  EXPECT_EQ(parse_entity_key(compound, "year=0042,origin=ORD").text, std::string("ORD\x1f"
                                                                                 "42"));
  try {
    parse_entity_key(compound, "origin=ORD");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "--key 'origin=ORD': entity 'route' needs every key column: missing "
                 "'year'");
  }
}

}  // namespace
}  // namespace mlops
