// Point-in-time entity aggregates: every value comes from rows of the same key strictly
// before the row's own time, inside the window; no later row can change an earlier row's value.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "transform_test_support.h"

namespace mlops::testing {
namespace {

const char* kSpec =
    "{type: window_aggregate, key: origin, time: t, column: delay, window: 2d, "
    "functions: [count, sum, mean, min, max], name: w}";

Table window_flights() {
  return make_table(
      {make_column("origin", DType::kString, {"A", "A", "B", "A", "A", "A", "B", nullptr}),
       make_column("t", DType::kTimestamp,
                   {"2001-01-01 00:00:00", "2001-01-02 00:00:00", "2001-01-02 00:00:00",
                    "2001-01-02 00:00:00", "2001-01-03 00:00:00", "2001-01-05 00:00:00",
                    "2001-01-03 00:00:00", "2001-01-03 00:00:00"}),
       make_column("delay", DType::kInt64, {"10", "20", "5", "30", nullptr, "7", "9", "100"})});
}

TEST(WindowAggregate, UsesOnlyEarlierRowsOfTheSameKeyInsideTheWindow) {
  Table out = applied(*fitted(kSpec, window_flights()), window_flights());
  // Row 0: nothing before. Rows 1 and 3 (same instant): only row 0. Row 4 (Jan 3): rows 0, 1,
  // 3 ([Jan 1, Jan 3)). Row 5 (Jan 5): window [Jan 3, Jan 5) holds row 4, whose delay is null.
  EXPECT_EQ(texts(out.column("w_count")), (Texts{"0", "1", "0", "1", "3", "0", "1", "null"}));
  EXPECT_EQ(texts(out.column("w_sum")), (Texts{"0", "10", "0", "10", "60", "0", "5", "null"}));
  EXPECT_EQ(texts(out.column("w_mean")),
            (Texts{"null", "10", "null", "10", "20", "null", "5", "null"}));
  EXPECT_EQ(texts(out.column("w_min")),
            (Texts{"null", "10", "null", "10", "10", "null", "5", "null"}));
  EXPECT_EQ(texts(out.column("w_max")),
            (Texts{"null", "10", "null", "10", "30", "null", "5", "null"}));
}

TEST(WindowAggregate, NoFutureRowLeaksIn) {
  // Random flights; each row's mean is recomputed by brute force over strictly earlier rows,
  // then every later row's delay is changed: no earlier value may move.
  std::mt19937 random(7);
  const size_t rows = 400;
  std::vector<std::string> origins, times;
  std::vector<std::string> delays;
  for (size_t i = 0; i < rows; ++i) {
    origins.push_back(std::string(1, static_cast<char>('A' + random() % 3)));
    times.push_back(format_timestamp(static_cast<int64_t>(random() % (20 * 86400)) * 1'000'000 +
                                     *parse_timestamp("2001-01-01")));
    delays.push_back(std::to_string(static_cast<int>(random() % 120) - 20));
  }
  auto build = [&](const std::vector<std::string>& delay_values) {
    std::vector<const char*> o, t, d;
    for (size_t i = 0; i < rows; ++i) {
      o.push_back(origins[i].c_str());
      t.push_back(times[i].c_str());
      d.push_back(delay_values[i].c_str());
    }
    return make_table({make_column("origin", DType::kString, o),
                       make_column("t", DType::kTimestamp, t),
                       make_column("delay", DType::kInt64, d)});
  };
  const char* spec = "{type: window_aggregate, key: origin, time: t, column: delay, window: 3d}";
  Table table = build(delays);
  Table out = applied(*fitted(spec, table), table);
  const Column& mean = out.column("origin_delay_3d_mean");
  const Column& time = table.column("t");
  const int64_t window = 3 * 86'400'000'000;
  for (size_t i = 0; i < rows; ++i) {
    double sum = 0;
    size_t count = 0;
    for (size_t j = 0; j < rows; ++j) {
      const int64_t ti = time.int_at(i), tj = time.int_at(j);
      if (origins[j] == origins[i] && tj < ti && tj >= ti - window) {
        sum += std::stod(delays[j]);
        ++count;
      }
    }
    ASSERT_EQ(out.column("origin_delay_3d_count").int_at(i), static_cast<int64_t>(count)) << i;
    if (count) {
      EXPECT_NEAR(mean.float_at(i), sum / count, 1e-9) << i;
    }
  }
  // Change every row at or after the median time: rows before it keep their values.
  std::vector<int64_t> sorted(time.ints().begin(), time.ints().end());
  std::sort(sorted.begin(), sorted.end());
  const int64_t cutoff = sorted[rows / 2];
  std::vector<std::string> changed = delays;
  for (size_t i = 0; i < rows; ++i) {
    if (time.int_at(i) >= cutoff) changed[i] = "9999";
  }
  Table future = build(changed);
  Table out_future = applied(*fitted(spec, future), future);
  for (size_t i = 0; i < rows; ++i) {
    if (time.int_at(i) >= cutoff) continue;
    EXPECT_EQ(texts(out.column("origin_delay_3d_mean"))[i],
              texts(out_future.column("origin_delay_3d_mean"))[i])
        << i;
  }
}

TEST(WindowAggregate, ScoringLaterDataSeesTheTrainingTail) {
  auto transform = fitted(kSpec, window_flights());
  auto reloaded = make(kSpec);
  reloaded->load_state(nlohmann::json::parse(transform->state().dump()));
  // One new A flight on Jan 6: the window [Jan 4, Jan 6) holds training row 5 (delay 7).
  Table later = make_table({make_column("origin", DType::kString, {"A"}),
                            make_column("t", DType::kTimestamp, {"2001-01-06 00:00:00"}),
                            make_column("delay", DType::kInt64, {nullptr})});
  Table out = applied(*reloaded, later);
  EXPECT_EQ(texts(out.column("w_count")), (Texts{"1"}));
  EXPECT_EQ(texts(out.column("w_mean")), (Texts{"7"}));
}

TEST(WindowAggregate, BadDeclarations) {
  EXPECT_EQ(error_of([] {
              make("{type: window_aggregate, key: o, time: t, column: d, window: 7 days}");
            }),
            "workflow.yaml:1:54: transform 'window_aggregate': window '7 days' is not a duration "
            "such as 30m, 12h, 7d");
  EXPECT_EQ(error_of([] {
              make(
                  "{type: window_aggregate, key: o, time: t, column: d, window: 7d, functions: "
                  "[avg]}");
            }),
            "workflow.yaml:1:66: transform 'window_aggregate': unknown function 'avg' (one of "
            "count, sum, mean, min, max)");
  Table table =
      make_table({make_column("o", DType::kString, {"A"}), make_column("t", DType::kString, {"x"}),
                  make_column("d", DType::kInt64, {"1"})});
  EXPECT_EQ(error_of([&] {
              applied(*make("{type: window_aggregate, key: o, time: t, column: d, window: 7d}"),
                      table);
            }),
            "featurize: transform 'window_aggregate': column 't' is string, expected timestamp");
}

}  // namespace
}  // namespace mlops::testing
