#include "mlops/model/xgb/matrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "mlops/core/error.h"

namespace mlops {
namespace {

Table sample_table() {
  Column height("height", DType::kFloat64);
  height.push_float(1.5);
  height.push_null();
  Column count("count", DType::kInt64);
  count.push_int(3);
  count.push_int(-4);
  Column flag("flag", DType::kBool);
  flag.push_bool(true);
  flag.push_bool(false);
  Column name("name", DType::kString);
  name.push_string("a");
  name.push_string("b");
  Table table;
  table.add_column(std::move(height));
  table.add_column(std::move(count));
  table.add_column(std::move(flag));
  table.add_column(std::move(name));
  return table;
}

std::string matrix_error(const Table& table, const std::vector<std::string>& names) {
  try {
    to_feature_matrix(table, names);
  } catch (const DataError& error) {
    return error.what();
  }
  return "no error";
}

TEST(FeatureMatrix, GathersNamedColumnsRowMajorInTheGivenOrder) {
  FeatureMatrix matrix = to_feature_matrix(sample_table(), {"flag", "height", "count"});
  EXPECT_EQ(matrix.names, (std::vector<std::string>{"flag", "height", "count"}));
  ASSERT_EQ(matrix.rows, 2u);
  ASSERT_EQ(matrix.values.size(), 6u);
  EXPECT_EQ(matrix.values[0], 1.0f);
  EXPECT_EQ(matrix.values[1], 1.5f);
  EXPECT_EQ(matrix.values[2], 3.0f);
  EXPECT_EQ(matrix.values[3], 0.0f);
  EXPECT_TRUE(std::isnan(matrix.values[4]));  // null -> missing
  EXPECT_EQ(matrix.values[5], -4.0f);
}

TEST(FeatureMatrix, StringColumnIsRejectedWithAHint) {
  EXPECT_EQ(matrix_error(sample_table(), {"height", "name"}),
            "feature column 'name' is a string column; encode it in featurize.transforms or list "
            "it in featurize.drop");
}

TEST(FeatureMatrix, MissingColumnSuggestsTheClosestName) {
  EXPECT_EQ(matrix_error(sample_table(), {"hieght"}),
            "no feature column 'hieght' (did you mean 'height'?)");
  EXPECT_EQ(matrix_error(sample_table(), {"zzzzzzzz"}), "no feature column 'zzzzzzzz'");
}

TEST(FeatureMatrix, InfiniteValueNamesColumnAndRow) {
  Column wide("wide", DType::kFloat64);
  wide.push_float(1.0);
  wide.push_float(std::numeric_limits<double>::infinity());
  Table table;
  table.add_column(std::move(wide));
  EXPECT_EQ(matrix_error(table, {"wide"}),
            "feature column 'wide' row 2: value inf does not fit a float32 feature");
}

}  // namespace
}  // namespace mlops
