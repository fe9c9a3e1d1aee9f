// The expr transform and datetime_parts.

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace mlops::testing {
namespace {

TEST(ExprTransform, AddsAColumnFromAnExpression) {
  Table table = make_table({make_column("weight", DType::kFloat64, {"80", "60", nullptr}),
                            make_column("height", DType::kFloat64, {"2", "1.5", "1.8"})});
  Table out = applied(*make("{type: expr, name: bmi, expr: \"weight / height ^ 2\"}"), table);
  EXPECT_EQ(texts(out.column("bmi")), (Texts{"20", "26.666666666666668", "null"}));
  EXPECT_EQ(out.num_columns(), 3u);
}

TEST(ExprTransform, ErrorsNameTheWorkflowOrigin) {
  EXPECT_EQ(error_of([] { make("{type: expr, name: bmi, expr: \"weight / \"}"); }),
            "workflow.yaml:1:25: transform 'expr': expression 'weight / ': expected a value, got "
            "end of expression at character 10");
  Table table = make_table({make_column("weight", DType::kFloat64, {"80"})});
  EXPECT_EQ(error_of([&] { applied(*make("{type: expr, name: x, expr: \"wieght * 2\"}"), table); }),
            "workflow.yaml:1:23: transform 'expr': expression 'wieght * 2': no column 'wieght' "
            "(did you mean 'weight'?)");
  EXPECT_EQ(error_of([] { make("{type: expr, expr: \"1\"}"); }),
            "workflow.yaml:1:1: transform 'expr' needs 'name'");
}

TEST(DatetimeParts, EveryPart) {
  // 2001-06-03 was a Sunday.
  Table table = make_table({make_column("t", DType::kTimestamp, {"2001-06-03 14:25:36", nullptr})});
  Table out = applied(
      *make("{type: datetime_parts, column: t, parts: [year, quarter, month, day, day_of_month, "
            "hour, minute, second, day_of_week, day_of_year, is_weekend, epoch]}"),
      table);
  std::vector<std::string> values;
  for (const auto& column : out.columns()) values.push_back(texts(column)[0]);
  EXPECT_EQ(values,
            (Texts{"2001", "2", "6", "3", "3", "14", "25", "36", "6", "154", "1", "991578336"}));
  EXPECT_EQ(out.find("t"), nullptr);  // removed unless keep: true
  EXPECT_EQ(texts(out.column("t_hour"))[1], "null");
}

TEST(DatetimeParts, RunsOfDaysNullsAndTimesBefore1970) {
  // Parts of the date are kept per run of equal days: rows change day, come back to one, and
  // cross the epoch (1969-12-31 was a Wednesday, 1970-01-01 a Thursday).
  Table table = make_table({make_column(
      "t", DType::kTimestamp,
      {"1969-12-31 23:59:59", "1969-12-31 00:00:00", "1970-01-01 00:00:00", "2001-06-03 14:25:36",
       nullptr, "2001-06-03 09:05:01", "2001-06-04 00:00:00", "1969-12-31 12:00:00"})});
  Table out = applied(
      *make("{type: datetime_parts, column: t, parts: [year, quarter, month, day, hour, minute, "
            "second, day_of_week, day_of_year, is_weekend, epoch]}"),
      table);
  auto part = [&](const std::string& name) { return texts(out.column("t_" + name)); };
  EXPECT_EQ(part("year"), (Texts{"1969", "1969", "1970", "2001", "null", "2001", "2001", "1969"}));
  EXPECT_EQ(part("quarter"), (Texts{"4", "4", "1", "2", "null", "2", "2", "4"}));
  EXPECT_EQ(part("month"), (Texts{"12", "12", "1", "6", "null", "6", "6", "12"}));
  EXPECT_EQ(part("day"), (Texts{"31", "31", "1", "3", "null", "3", "4", "31"}));
  EXPECT_EQ(part("hour"), (Texts{"23", "0", "0", "14", "null", "9", "0", "12"}));
  EXPECT_EQ(part("minute"), (Texts{"59", "0", "0", "25", "null", "5", "0", "0"}));
  EXPECT_EQ(part("second"), (Texts{"59", "0", "0", "36", "null", "1", "0", "0"}));
  EXPECT_EQ(part("day_of_week"), (Texts{"2", "2", "3", "6", "null", "6", "0", "2"}));
  EXPECT_EQ(part("day_of_year"), (Texts{"365", "365", "1", "154", "null", "154", "155", "365"}));
  EXPECT_EQ(part("is_weekend"), (Texts{"0", "0", "0", "1", "null", "1", "0", "0"}));
  EXPECT_EQ(part("epoch"),
            (Texts{"-1", "-86400", "0", "991578336", "null", "991559101", "991612800", "-43200"}));
}

// From 65,536 rows the parts are filled on two threads: every part still matches the calendar.
TEST(DatetimeParts, ManyRowsOnTwoThreadsMatchTheCalendar) {
  Column t("t", DType::kTimestamp);
  const int64_t start = *parse_timestamp("1969-12-25 05:00:00");
  for (int64_t row = 0; row < 70'000; ++row) {
    if (row % 13 == 0) {
      t.push_null();
    } else {
      t.push_int(start + row * 3'607'000'000);  // about an hour apart: days change often
    }
  }
  Table table;
  table.add_column(std::move(t));
  const Table out = applied(
      *make("{type: datetime_parts, column: t, parts: [year, month, hour, minute, day_of_week, "
            "day_of_year, epoch], keep: true}"),
      table);
  const Column& input = out.column("t");
  for (size_t row = 0; row < input.size(); ++row) {
    if (input.is_null(row)) {
      ASSERT_TRUE(out.column("t_hour").is_null(row)) << row;
      continue;
    }
    const int64_t micros = input.int_at(row);
    const CivilTime civil = civil_from_micros(micros);
    ASSERT_EQ(out.column("t_year").int_at(row), civil.year) << row;
    ASSERT_EQ(out.column("t_month").int_at(row), civil.month) << row;
    ASSERT_EQ(out.column("t_hour").int_at(row), civil.hour) << row;
    ASSERT_EQ(out.column("t_minute").int_at(row), civil.minute) << row;
    ASSERT_EQ(out.column("t_day_of_week").int_at(row), civil.day_of_week) << row;
    ASSERT_EQ(out.column("t_day_of_year").int_at(row), civil.day_of_year) << row;
    ASSERT_EQ(out.column("t_epoch").int_at(row),
              micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000))
        << row;
  }
}

TEST(DatetimeParts, WrongTypeAndUnknownPart) {
  Table table = make_table({make_column("t", DType::kString, {"2001-06-03"})});
  EXPECT_EQ(
      error_of([&] { applied(*make("{type: datetime_parts, column: t, parts: [hour]}"), table); }),
      "featurize: transform 'datetime_parts': column 't' is string, expected timestamp "
      "(declare it as timestamp in ingest.schema)");
  EXPECT_EQ(error_of([] { make("{type: datetime_parts, column: t, parts: [day_of_wek]}"); }),
            "workflow.yaml:1:35: transform 'datetime_parts': unknown part 'day_of_wek' (did you "
            "mean 'day_of_week'?)");
}

}  // namespace
}  // namespace mlops::testing
