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
