#include "mlops/model/train/training_split.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops {
namespace {

TEST(TrainingSplit, LeavesUnlabeledRowsOutOfBothSides) {
  Column label("y", DType::kFloat64);
  for (int i = 0; i < 50; ++i) {
    if (i % 10 == 0) {
      label.push_null();
    } else {
      label.push_float(i);
    }
  }
  SplitSpec spec;
  spec.holdout = 0.2;
  SplitIndices split = training_split(Table(), label, false, spec);
  EXPECT_EQ(split.train.size() + split.holdout.size(), 45u);
  for (size_t row : split.train) EXPECT_NE(row % 10, 0u);
  for (size_t row : split.holdout) EXPECT_NE(row % 10, 0u);
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
}

TEST(TrainingSplit, IsTheSameForFeaturizeAndTrain) {
  Column label("species", DType::kString);
  for (int i = 0; i < 60; ++i) label.push_string(i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c");
  SplitSpec spec;
  SplitIndices first = training_split(Table(), label, true, spec);
  SplitIndices second = training_split(Table(), label, true, spec);
  EXPECT_EQ(first.train, second.train);
  EXPECT_EQ(first.holdout, second.holdout);
  // Stratified: each class keeps its share on the holdout side.
  size_t a = 0;
  for (size_t row : first.holdout) a += label.string_at(row) == "a";
  EXPECT_EQ(a, 4u);
  spec.seed = 7;
  EXPECT_NE(training_split(Table(), label, true, spec).holdout, first.holdout);
}

TEST(TrainingSplit, TimeSplitHoldsOutTheLastSixthOfTheDayRange) {
  // 19 days (Jan 1-19, like the peer's 300k sample): cutoff = day 1 + floor(19 * 5/6) = Jan 16.
  Table table;
  Column when("date", DType::kTimestamp);
  Column label("y", DType::kInt64);
  for (int day = 1; day <= 19; ++day) {
    for (int hour : {0, 23}) {
      when.push_int(*parse_timestamp(fmt::format("2001-01-{:02} {:02}:00:00", day, hour)));
      label.push_int(day % 2);
    }
  }
  table.add_column(std::move(when));
  SplitSpec spec;
  spec.type = "time";
  spec.column = "date";
  spec.holdout = 1.0 / 6;
  SplitIndices split = training_split(table, label, true, spec);
  EXPECT_EQ(split.train.size(), 30u);   // Jan 1-15
  EXPECT_EQ(split.holdout.size(), 8u);  // Jan 16-19
  EXPECT_EQ(split.holdout.front(), 30u);
  spec.holdout_from = "2001-01-19";
  EXPECT_EQ(training_split(table, label, true, spec).holdout.size(), 2u);
  spec.holdout_from = "2002-01-01";
  EXPECT_THROW(training_split(table, label, true, spec), ConfigError);
  spec.column = "dat";
  try {
    training_split(table, label, true, spec);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(
        e.what(),
        "train.split.column: no column 'dat' in the ingested table (did you mean 'date'?)");
  }
}

TEST(TrainingSplit, SplitColumnRoundTripsWithUnlabeledRowsInNeitherSide) {
  SplitIndices split{{0, 3}, {1}};
  Column column = split_column(split, 4);
  EXPECT_TRUE(column.is_null(2));
  SplitIndices back = split_from_column(column);
  EXPECT_EQ(back.train, split.train);
  EXPECT_EQ(back.holdout, split.holdout);
}

// 30 customers with 4 orders each, interleaved; two orders have no customer.
Table orders() {
  Table table;
  Column customer("customer", DType::kString);
  for (int order = 0; order < 120; ++order) {
    if (order == 7 || order == 50) {
      customer.push_null();
    } else {
      customer.push_string(fmt::format("c{}", order % 30));
    }
  }
  table.add_column(std::move(customer));
  return table;
}

TEST(TrainingSplit, GroupSplitPutsEveryEntityOnOneSide) {
  const Table table = orders();
  Column label("y", DType::kInt64);
  for (int order = 0; order < 120; ++order) label.push_int(order % 2);
  SplitSpec spec;
  spec.type = "group";
  spec.column = "customer";
  spec.holdout = 0.3;
  const SplitIndices split = training_split(table, label, true, spec);
  EXPECT_EQ(split.train.size() + split.holdout.size(), 120u);
  const Column& customer = table.column("customer");
  std::set<std::string> train, holdout;
  for (size_t row : split.train) train.insert(customer.format_value(row));
  for (size_t row : split.holdout) holdout.insert(customer.format_value(row));
  for (const auto& entity : holdout) EXPECT_EQ(train.count(entity), 0u) << entity;
  // Null is a group of its own: both customer-less orders are on the same side.
  const bool first_held = std::binary_search(split.holdout.begin(), split.holdout.end(), 7);
  EXPECT_EQ(std::binary_search(split.holdout.begin(), split.holdout.end(), 50), first_held);
  // The groups travel to train in the __group column, equal per entity.
  const std::vector<uint64_t> groups = groups_from_column(group_column(split_groups(table, spec)));
  EXPECT_EQ(groups[0], groups[30]);
  EXPECT_NE(groups[0], groups[1]);
  EXPECT_EQ(groups[7], groups[50]);
}

TEST(TrainingSplit, GroupSplitColumnMustExist) {
  Column label("y", DType::kInt64);
  for (int order = 0; order < 120; ++order) label.push_int(order % 2);
  SplitSpec spec;
  spec.type = "group";
  spec.column = "custmer";
  try {
    training_split(orders(), label, true, spec);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "train.split.column: no column 'custmer' in the ingested table (did you mean "
                 "'customer'?)");
  }
}

TEST(TrainingSplit, IntegerYearColumnHoldsOutTheLastYears) {
  // 13 model years 1970..1982, 4 cars each: holdout 0.2 of the year range is
  // floor(13 * 0.8) = 10 years for training, 1980..1982 held out.
  Table table;
  Column year("year", DType::kInt64);
  Column label("y", DType::kFloat64);
  for (int y = 1970; y <= 1982; ++y) {
    for (int i = 0; i < 4; ++i) {
      year.push_int(y);
      label.push_float(i);
    }
  }
  table.add_column(year);
  SplitSpec spec;
  spec.type = "time";
  spec.column = "year";
  spec.holdout = 0.2;
  SplitIndices split = training_split(table, label, false, spec);
  EXPECT_EQ(split.train.size(), 40u);
  EXPECT_EQ(split.holdout.size(), 12u);
  for (size_t row : split.holdout) EXPECT_GE(year.int_at(row), 1980);
  for (size_t row : split.train) EXPECT_LT(year.int_at(row), 1980);
  // holdout_from names the first held-out year.
  spec.holdout_from = "1976";
  split = training_split(table, label, false, spec);
  EXPECT_EQ(split.train.size(), 24u);
  EXPECT_EQ(split.holdout.size(), 28u);
  spec.holdout_from = "1976-01-01";
  try {
    training_split(table, label, false, spec);
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "train.split.holdout_from: '1976-01-01' is not an integer (column 'year' holds "
              "integer periods such as years)");
  }
}

TEST(TrainingSplit, TimeSplitRefusesAFloatColumn) {
  Table table;
  Column value("score", DType::kFloat64);
  Column label("y", DType::kFloat64);
  for (int i = 0; i < 10; ++i) {
    value.push_float(i);
    label.push_float(i);
  }
  table.add_column(value);
  SplitSpec spec;
  spec.type = "time";
  spec.column = "score";
  try {
    training_split(table, label, false, spec);
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              "train.split.column: column 'score' is float64, a time split needs a timestamp or "
              "an integer period such as a year");
  }
}

}  // namespace
}  // namespace mlops
