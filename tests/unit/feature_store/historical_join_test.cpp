#include "mlops/feature_store/historical_join.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "fs_test_util.h"
#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops {
namespace {

using testing::commit_csv;
using testing::TempDir;

constexpr int64_t kSecond = 1'000'000;
const int64_t kBase = *parse_timestamp("2024-01-01 00:00:00");

// One generated view row, as written to the lake.
struct GenRow {
  std::string a;
  int64_t b = 0;
  int64_t t = 0;      // seconds after kBase; -1 = null time
  std::string value;  // "" = null
};

// The brute-force answer: scan every row in written order; the latest time <= t within the
// ttl wins, and of equal times the last written.
std::string brute_force(const std::vector<GenRow>& rows, const std::string& a, int64_t b, int64_t t,
                        int64_t ttl_s) {
  const GenRow* best = nullptr;
  for (const GenRow& row : rows) {
    if (row.t < 0 || row.a != a || row.b != b || row.t > t) continue;
    if (ttl_s > 0 && t - row.t > ttl_s) continue;
    if (!best || row.t >= best->t) best = &row;
  }
  return best ? best->value : "";
}

Workflow pair_workflow(const TempDir& dir) {
  Workflow workflow;
  workflow.name = "wf";
  workflow.settings.lake_dir = dir.file("lake");
  workflow.settings.runs_dir = dir.file("runs");
  workflow.feature_store.entities.push_back({.name = "pair",
                                             .keys = {{"a", DType::kString}, {"b", DType::kInt64}},
                                             .description = "",
                                             .origin = "t"});
  return workflow;
}

class RandomJoin : public ::testing::TestWithParam<int> {};

TEST_P(RandomJoin, MatchesBruteForce) {
  std::mt19937_64 random(static_cast<uint64_t>(GetParam()));
  auto uniform = [&random](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(random);
  };
  TempDir dir;
  Workflow workflow = pair_workflow(dir);
  const int view_count = static_cast<int>(uniform(1, 3));
  std::vector<std::vector<GenRow>> generated(view_count);
  std::vector<int64_t> ttls(view_count);
  std::vector<FeatureRequest> requests;
  for (int v = 0; v < view_count; ++v) {
    const std::string name = fmt::format("v{}", v);
    FeatureViewSpec view;
    view.name = name;
    view.entity = "pair";
    view.source.table = name;
    view.event_time = "t";
    ttls[v] = uniform(0, 1) ? uniform(1, 20) : 0;
    view.ttl_us = ttls[v] * kSecond;
    view.origin = "t";
    workflow.feature_store.views.push_back(view);
    requests.push_back({name, {}});
    // Several commits: later ones bring rows older than earlier ones (late arrivals) and
    // rows with times already seen (ties).
    const int commits = static_cast<int>(uniform(1, 3));
    for (int c = 0; c < commits; ++c) {
      std::string csv = "a,b,t,value\n";
      const int rows = static_cast<int>(uniform(0, 40));
      for (int r = 0; r < rows; ++r) {
        GenRow row{fmt::format("k{}", uniform(0, 3)), uniform(0, 2),
                   uniform(0, 1) ? uniform(0, 40) : uniform(-1, 40),
                   uniform(0, 5) == 0 ? "" : fmt::format("{}", uniform(-100, 100))};
        csv += fmt::format("{},{},{},{}\n", row.a, row.b,
                           row.t < 0 ? "" : format_timestamp(kBase + row.t * kSecond), row.value);
        generated[v].push_back(row);
      }
      // A commit with no rows still declares the columns (an empty view).
      commit_csv(workflow, name, rows == 0 ? "a,b,t,value\nk0,0,,\n" : csv);
      if (rows == 0) generated[v].push_back({"k0", 0, -1, ""});
    }
  }

  Table entities;
  Column a("a", DType::kString), b("b", DType::kInt64), t("event_time", DType::kTimestamp);
  std::vector<GenRow> asked;
  for (int r = 0; r < 200; ++r) {
    GenRow row{fmt::format("k{}", uniform(0, 4)), uniform(0, 3), uniform(-2, 45), ""};
    if (uniform(0, 30) == 0) {
      a.push_null();  // a null key finds nothing
      row.a = "<null>";
    } else {
      a.push_string(row.a);
    }
    b.push_int(row.b);
    t.push_int(kBase + row.t * kSecond);
    asked.push_back(row);
  }
  entities.add_column(std::move(a));
  entities.add_column(std::move(b));
  entities.add_column(std::move(t));

  const PointInTimeJoin join(workflow, requests);
  std::vector<uint64_t> matched;
  join.join(entities, "event_time", matched);
  ASSERT_EQ(entities.num_columns(), 3u + view_count);
  for (int v = 0; v < view_count; ++v) {
    const Column& out = entities.column(fmt::format("v{}__value", v));
    uint64_t expected_matches = 0;
    for (size_t r = 0; r < asked.size(); ++r) {
      const std::string expected =
          brute_force(generated[v], asked[r].a, asked[r].b, asked[r].t, ttls[v]);
      EXPECT_EQ(out.format_value(r), expected)
          << "seed " << GetParam() << " view v" << v << " row " << r << " key " << asked[r].a << ","
          << asked[r].b << " t " << asked[r].t << " ttl " << ttls[v];
      const bool any = std::any_of(generated[v].begin(), generated[v].end(), [&](const GenRow& g) {
        return g.t >= 0 && g.a == asked[r].a && g.b == asked[r].b && g.t <= asked[r].t &&
               (ttls[v] == 0 || asked[r].t - g.t <= ttls[v]);
      });
      expected_matches += any ? 1 : 0;
    }
    EXPECT_EQ(matched[v], expected_matches) << "seed " << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomJoin, ::testing::Range(0, 60));

TEST(HistoricalJoin, TtlEdgeIsInclusiveAndLaterRowsNeverLeak) {
  TempDir dir;
  Workflow workflow = testing::feature_workflow(dir);
  commit_csv(workflow, "hourly",
             "origin,hour,delay\n"
             "ATL,2024-01-01 01:00:00,1\n"
             "ATL,2024-01-01 02:00:00,2\n"
             "ATL,2024-01-01 02:00:00,3\n");  // a tie: the last written wins
  workflow.feature_store.views.push_back(testing::lake_view("d", "hourly", 3600 * kSecond));
  const PointInTimeJoin join(workflow, {{"d", {}}});
  Table entities;
  Column origin("origin", DType::kString), time("event_time", DType::kTimestamp);
  for (const char* at : {"2024-01-01 00:59:59", "2024-01-01 01:00:00", "2024-01-01 01:59:59",
                         "2024-01-01 02:00:00", "2024-01-01 03:00:00", "2024-01-01 03:00:01"}) {
    origin.push_string("ATL");
    time.push_int(*parse_timestamp(at));
  }
  entities.add_column(std::move(origin));
  entities.add_column(std::move(time));
  std::vector<uint64_t> matched;
  join.join(entities, "event_time", matched);
  const Column& delay = entities.column("d__delay");
  std::vector<std::string> got;
  for (size_t r = 0; r < delay.size(); ++r) got.push_back(delay.format_value(r));
  EXPECT_EQ(got, (std::vector<std::string>{"", "1", "1", "3", "3", ""}));
  EXPECT_EQ(matched, (std::vector<uint64_t>{4}));
}

TEST(HistoricalJoin, FileJoinStreamsInInputOrderAndNamesBadInput) {
  TempDir dir;
  Workflow workflow = testing::feature_workflow(dir);
  commit_csv(workflow, "hourly",
             "origin,hour,delay\nATL,2024-01-01 01:00:00,1.5\nORD,2024-01-01 01:00:00,7\n");
  workflow.feature_store.views.push_back(testing::lake_view("d", "hourly"));
  const std::string entities = dir.write("e.csv",
                                         "origin,event_time,label\n"
                                         "ORD,2024-01-01 05:00:00,1\n"
                                         "ATL,2024-01-01 00:00:00,0\n"
                                         "SFO,2024-01-01 05:00:00,1\n"
                                         "ATL,2024-01-01 01:00:00,0\n");
  const HistoricalJoinStats stats = historical_join_file(
      workflow, {.entities = entities, .features = {{"d", {}}}, .event_time = "event_time"},
      dir.file("out.csv"));
  EXPECT_EQ(stats.rows, 4u);
  EXPECT_EQ(stats.matched, (std::vector<uint64_t>{2}));
  EXPECT_EQ(dir.read("out.csv"),
            "origin,event_time,label,d__delay\n"
            "ORD,2024-01-01 05:00:00,1,7\n"
            "ATL,2024-01-01 00:00:00,0,\n"
            "SFO,2024-01-01 05:00:00,1,\n"
            "ATL,2024-01-01 01:00:00,0,1.5\n");

  const std::string bad_time =
      dir.write("bad.csv", "origin,event_time\nATL,2024-01-01 00:00:00\nATL,yesterday\n");
  try {
    historical_join_file(
        workflow, {.entities = bad_time, .features = {{"d", {}}}, .event_time = "event_time"},
        dir.file("out2.csv"));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(bad_time + ":3: column 'event_time'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("yesterday"), std::string::npos) << e.what();
  }
  const std::string no_keys = dir.write("nokeys.csv", "airport,when\nATL,2024-01-01 00:00:00\n");
  try {
    historical_join_file(workflow,
                         {.entities = no_keys, .features = {{"d", {}}}, .event_time = "event_time"},
                         dir.file("out3.csv"));
    FAIL();
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("has no key column 'origin' and the event-time column "
                                         "'event_time'"),
              std::string::npos)
        << e.what();
  }
  try {
    historical_join_file(
        workflow, {.entities = entities, .features = {{"dd", {}}}, .event_time = "event_time"},
        dir.file("out4.csv"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown feature view 'dd' (did you mean 'd'?)"),
              std::string::npos)
        << e.what();
  }
}

TEST(HistoricalJoin, ParsesFeatureRequests) {
  const FeatureRequest all = parse_feature_request("delays");
  EXPECT_EQ(all.view, "delays");
  EXPECT_TRUE(all.features.empty());
  const FeatureRequest some = parse_feature_request("delays:avg, count");
  EXPECT_EQ(some.features, (std::vector<std::string>{"avg", "count"}));
  EXPECT_THROW(parse_feature_request(":avg"), ConfigError);
  EXPECT_THROW(parse_feature_request("delays:avg,"), ConfigError);
}

}  // namespace
}  // namespace mlops
