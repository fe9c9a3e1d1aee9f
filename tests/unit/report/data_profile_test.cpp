#include "mlops/report/data_profile.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>

#include "mlops/core/time.h"

namespace mlops {
namespace {

using nlohmann::json;

uint64_t sum_of(const json& counts) {
  return std::accumulate(counts.begin(), counts.end(), uint64_t{0},
                         [](uint64_t total, const json& c) { return total + c.get<uint64_t>(); });
}

TEST(DataProfile, NumbersGetMomentsAndAHistogramOfTheirNonNullValues) {
  Column column("x", DType::kFloat64);
  for (double v : {1.0, 2.0, 3.0, 4.0}) column.push_float(v);
  column.push_null();
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["type"], "float64");
  EXPECT_EQ(profile["rows"], 5);
  EXPECT_EQ(profile["nulls"], 1);
  EXPECT_EQ(profile["min"], 1.0);
  EXPECT_EQ(profile["max"], 4.0);
  EXPECT_DOUBLE_EQ(profile["mean"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(profile["std"].get<double>(), std::sqrt(1.25));
  const json& histogram = profile["histogram"];
  EXPECT_EQ(histogram["counts"].size(), kProfileBins);
  EXPECT_EQ(histogram["edges"].size(), kProfileBins + 1);
  EXPECT_EQ(histogram["edges"].front(), 1.0);
  EXPECT_EQ(histogram["edges"].back(), 4.0);
  EXPECT_EQ(sum_of(histogram["counts"]), 4u);
  EXPECT_EQ(histogram["counts"].back(), 1);  // the maximum lands in the last bin
}

TEST(DataProfile, SmallIntegerRangesGetOneBinPerValue) {
  Column hours("hour", DType::kInt64);
  for (int64_t v : {0, 0, 5, 23}) hours.push_int(v);
  const json histogram = profile_data_column(hours)["histogram"];
  ASSERT_EQ(histogram["counts"].size(), 24u);
  EXPECT_EQ(histogram["edges"][5], 5.0);
  EXPECT_EQ(histogram["counts"][0], 2);
  EXPECT_EQ(histogram["counts"][5], 1);
  EXPECT_EQ(histogram["counts"][23], 1);
}

TEST(DataProfile, AConstantColumnHasOneBin) {
  Column column("c", DType::kFloat64);
  for (int i = 0; i < 3; ++i) column.push_float(7.5);
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["std"], 0.0);
  EXPECT_EQ(profile["histogram"]["counts"], json::parse("[3]"));
}

TEST(DataProfile, TimestampsKeepMicroseconds) {
  Column column("date", DType::kTimestamp);
  column.push_int(*parse_timestamp("2001-01-01"));
  column.push_int(*parse_timestamp("2001-01-31"));
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["min"].get<double>(), static_cast<double>(*parse_timestamp("2001-01-01")));
  EXPECT_EQ(sum_of(profile["histogram"]["counts"]), 2u);
}

TEST(DataProfile, AllNullNumbersHaveNoMoments) {
  Column column("x", DType::kInt64);
  column.push_null();
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["nulls"], 1);
  EXPECT_FALSE(profile.contains("min"));
  EXPECT_FALSE(profile.contains("histogram"));
}

TEST(DataProfile, TextListsTheMostFrequentValuesByCountThenValue) {
  Column column("origin", DType::kString);
  // 12 distinct values: "v00" once ... "v11" 12 times, plus ties of "b" and "a" at 12.
  for (int i = 0; i < 12; ++i) {
    for (int n = 0; n <= i; ++n) column.push_string(fmt::format("v{:02}", i));
  }
  for (int n = 0; n < 12; ++n) column.push_string("b");
  for (int n = 0; n < 12; ++n) column.push_string("a");
  column.push_null();
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["distinct"], 14);
  EXPECT_FALSE(profile["distinct_capped"].get<bool>());
  ASSERT_EQ(profile["top"].size(), kProfileTopValues);
  EXPECT_EQ(profile["top"][0], json::parse(R"({"value": "a", "count": 12})"));
  EXPECT_EQ(profile["top"][1]["value"], "b");
  EXPECT_EQ(profile["top"][2]["value"], "v11");
  // 78 + 24 values; the top 10 hold 12 + 12 + 12 + 11 + 10 + ... + 5 = 92.
  EXPECT_EQ(profile["other"], 102 - 92);
  EXPECT_EQ(profile["nulls"], 1);
}

TEST(DataProfile, CapsDistinctCounting) {
  Column column("id", DType::kString);
  for (size_t i = 0; i < kProfileDistinctCap + 5; ++i) column.push_string(std::to_string(i));
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["distinct"], kProfileDistinctCap);
  EXPECT_TRUE(profile["distinct_capped"].get<bool>());
  EXPECT_EQ(profile["other"], kProfileDistinctCap + 5 - kProfileTopValues);
}

TEST(DataProfile, BooleansCountTrueAndFalse) {
  Column column("flag", DType::kBool);
  for (bool v : {true, false, true}) column.push_bool(v);
  const json profile = profile_data_column(column);
  EXPECT_EQ(profile["top"], json::parse(R"([{"value": "true", "count": 2},
                                            {"value": "false", "count": 1}])"));
  EXPECT_EQ(profile["other"], 0);
}

TEST(DataProfile, ProfilesEveryColumnOfATable) {
  Table table;
  Column a("a", DType::kInt64), b("b", DType::kString);
  a.push_int(1);
  b.push_string("x");
  table.add_column(std::move(a));
  table.add_column(std::move(b));
  const json profile = profile_data(table);
  EXPECT_EQ(profile["format"], "mlops.data_profile/1");
  EXPECT_EQ(profile["rows"], 1);
  ASSERT_EQ(profile["columns"].size(), 2u);
  EXPECT_EQ(profile["columns"][1]["name"], "b");
}

}  // namespace
}  // namespace mlops
