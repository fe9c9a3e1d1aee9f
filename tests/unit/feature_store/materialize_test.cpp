#include "mlops/feature_store/materialize.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "fs_test_util.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"
#include "mlops/feature_store/online_lookup.h"
#include "mlops/feature_store/view_rows.h"
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
  try {
    parse_entity_key(compound, "origin=ORD,year=2024,origin=LAX");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "--key 'origin=ORD,year=2024,origin=LAX': key column 'origin' given twice");
  }
}

// The one-pass path (read_view_rows with latest_per_key, what materialize runs) and the sorted
// path (every row in event-time order, each key's last row kept) leave equal stores, on random
// rows with many equal event times, null keys and times, over a string, a compound and an
// integer key.
enum class KeyKind { kString, kCompound, kInt };

void expect_paths_agree(Workflow workflow, const TempDir& dir, KeyKind kind) {
  auto& keys_of_entity = workflow.feature_store.entities[0].keys;
  if (kind == KeyKind::kCompound) keys_of_entity.push_back({"gate", DType::kInt64});
  if (kind == KeyKind::kInt) keys_of_entity = {{"num", DType::kInt64}};
  const std::string suffix = std::to_string(static_cast<int>(kind));
  std::mt19937 random(16 + static_cast<unsigned>(kind));
  int serial = 0;
  for (int commit = 0; commit < 3; ++commit) {
    std::string csv = "origin,gate,num,hour,delay,flights\n";
    for (int i = 0; i < 500; ++i, ++serial) {
      const unsigned k = random() % 40;
      const std::string origin = random() % 50 == 0 ? "" : fmt::format("K{}", k);
      const std::string hour =
          random() % 60 == 0 ? "" : fmt::format("2024-01-01 0{}:00:00", random() % 6);
      const std::string flights = random() % 5 == 0 ? "" : std::to_string(random() % 9);
      const std::string num = origin.empty() ? "" : std::to_string(k);
      csv += fmt::format("{},{},{},{},{}.5,{}\n", origin, k % 3, num, hour, serial, flights);
    }
    commit_csv(workflow, "hourly", csv);
  }
  FeatureViewSpec view = lake_view("delays", "hourly");
  view.features = {{"delay", ""}, {"flights", ""}, {"double_delay", "delay * 2"}};
  workflow.feature_store.views.push_back(view);

  Settings one_pass_settings = workflow.settings, sorted_settings = workflow.settings;
  one_pass_settings.online_store_url = "sqlite:" + dir.file("a" + suffix + ".db");
  sorted_settings.online_store_url = "sqlite:" + dir.file("b" + suffix + ".db");
  auto one_pass = open_online_store(one_pass_settings);
  auto sorted = open_online_store(sorted_settings);
  MaterializeOptions options;
  options.now_us = 1;
  const MaterializeResult result = materialize(workflow, *one_pass, options);

  // The sorted path, by brute force: the last row of each key in event-time order wins.
  const ViewRows rows = read_view_rows(workflow, view);
  EXPECT_EQ(result.views[0].rows_read, static_cast<int64_t>(rows.table.num_rows()));
  EXPECT_EQ(rows.rows_in_range, rows.table.num_rows());
  EXPECT_GT(rows.dropped_null_rows, 0u);
  std::map<std::string, size_t> last;
  for (size_t row = 0; row < rows.table.num_rows(); ++row) {
    std::vector<std::string> parts;
    for (const std::string& key : rows.keys)
      parts.push_back(rows.table.column(key).format_value(row));
    last[entity_key_text(parts)] = row;
  }
  std::vector<size_t> picked;
  std::vector<std::string> keys;
  for (const auto& entry : last) {
    keys.push_back(entry.first);
    picked.push_back(entry.second);
  }
  std::sort(picked.begin(), picked.end());
  const Table latest = rows.table.take(picked);
  const std::vector<OnlineRecord> records =
      online_records(latest, rows.keys, rows.event_time, rows.features);
  sorted->write("delays", online_columns(latest, rows.features), records, 1);
  EXPECT_EQ(result.views[0].keys, static_cast<int64_t>(keys.size()));
  EXPECT_EQ(result.views[0].keys_written, static_cast<int64_t>(keys.size()));

  // latest_records on the rows in written order (not sorted) picks the same rows too.
  ViewRowsOptions newest_only;
  newest_only.latest_per_key = true;
  const ViewRows unsorted = read_view_rows(workflow, view, newest_only);
  EXPECT_EQ(unsorted.table.num_rows(), keys.size());
  EXPECT_EQ(unsorted.rows_in_range, rows.table.num_rows());

  const std::vector<OnlineLookup> a = one_pass->read("delays", keys, {});
  const std::vector<OnlineLookup> b = sorted->read("delays", keys, {});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(keys[i]);
    ASSERT_TRUE(a[i].found);
    ASSERT_TRUE(b[i].found);
    EXPECT_EQ(a[i].event_time_us, b[i].event_time_us);
    EXPECT_EQ(a[i].write_time_us, b[i].write_time_us);
    EXPECT_EQ(a[i].columns, b[i].columns);
    EXPECT_EQ(a[i].values, b[i].values);
  }
}

TEST(MaterializePaths, OnePassAndSortedPathsLeaveEqualStores) {
  TempDir dir;
  expect_paths_agree(feature_workflow(dir), dir, KeyKind::kString);
  expect_paths_agree(feature_workflow(dir), dir, KeyKind::kCompound);
  expect_paths_agree(feature_workflow(dir), dir, KeyKind::kInt);
}

TEST(MaterializePaths, LatestRecordsNeedNoSortedRows) {
  TempDir dir;
  Workflow workflow = feature_workflow(dir);
  commit_csv(workflow, "hourly",
             "origin,hour,delay\n"
             "ATL,2024-01-01 02:00:00,1.0\n"
             "ORD,2024-01-01 03:00:00,2.0\n"
             "ATL,2024-01-01 01:00:00,3.0\n"  // older: loses
             "ATL,2024-01-01 02:00:00,4.0\n"  // a tie, written later: wins
             "ORD,2024-01-01 03:00:00,5.0\n"  // a tie, written later: wins
             "ORD,2024-01-01 00:00:00,6.0\n");
  const FeatureViewSpec view = lake_view("delays", "hourly");
  workflow.feature_store.views.push_back(view);
  const ViewRows sorted = read_view_rows(workflow, view);
  ViewRowsOptions newest_only;
  newest_only.latest_per_key = true;
  const ViewRows newest = read_view_rows(workflow, view, newest_only);
  ASSERT_EQ(newest.table.num_rows(), 2u);
  EXPECT_EQ(newest.rows_in_range, 6u);
  // Written order: ATL's row 4 before ORD's row 5.
  EXPECT_EQ(newest.table.column("delay").float_at(0), 4.0);
  EXPECT_EQ(newest.table.column("delay").float_at(1), 5.0);
  const std::vector<std::string> features{"delay"};
  for (const ViewRows* rows : {&sorted, &newest}) {
    const std::vector<OnlineRecord> records =
        latest_records(rows->table, rows->keys, rows->event_time, features);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].key, "ATL");
    EXPECT_EQ(std::get<double>(records[0].values[0]), 4.0);
    EXPECT_EQ(records[1].key, "ORD");
    EXPECT_EQ(std::get<double>(records[1].values[0]), 5.0);
  }
}

}  // namespace
}  // namespace mlops
