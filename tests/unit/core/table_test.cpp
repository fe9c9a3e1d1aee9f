#include "mlops/core/table.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"

namespace mlops {
namespace {

TEST(Column, TracksNullsAcrossBitmapWords) {
  Column column("x", DType::kInt64);
  for (int i = 0; i < 130; ++i) {
    if (i % 3 == 0) {
      column.push_null();
    } else {
      column.push_int(i);
    }
  }
  EXPECT_EQ(column.size(), 130u);
  EXPECT_EQ(column.null_count(), 44u);
  EXPECT_TRUE(column.is_null(129));
  EXPECT_FALSE(column.is_null(128));
  EXPECT_EQ(column.int_at(128), 128);
  EXPECT_TRUE(std::isnan(column.numeric_at(0)));
}

TEST(Column, StringsAreOffsetsIntoOneBuffer) {
  Column column("s", DType::kString);
  column.push_string("alpha");
  column.push_null();
  column.push_string("");
  column.push_string("gamma");
  EXPECT_EQ(column.string_at(0), "alpha");
  EXPECT_EQ(column.string_at(3), "gamma");
  EXPECT_EQ(column.format_value(1), "");
  EXPECT_TRUE(column.is_null(1));
  EXPECT_FALSE(column.is_null(2));
}

TEST(Column, TakeGathersRowsWithTheirNulls) {
  Column column("f", DType::kFloat64);
  column.push_float(1.5);
  column.push_null();
  column.push_float(3.25);
  std::vector<size_t> rows{2, 1, 0, 2};
  Column taken = column.take(rows);
  EXPECT_EQ(taken.size(), 4u);
  EXPECT_EQ(taken.float_at(0), 3.25);
  EXPECT_TRUE(taken.is_null(1));
  EXPECT_EQ(taken.format_value(2), "1.5");
  EXPECT_EQ(taken.null_count(), 1u);
}

TEST(Table, UnknownColumnSuggestsTheClosest) {
  Table table;
  Column species("Species", DType::kString);
  species.push_string("Adelie");
  table.add_column(std::move(species));
  try {
    table.column("Specis");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "no column 'Specis' (did you mean 'Species'?)");
  }
}

TEST(Table, RejectsColumnsOfAnotherLength) {
  Table table;
  Column a("a", DType::kInt64), b("b", DType::kInt64);
  a.push_int(1);
  table.add_column(std::move(a));
  EXPECT_THROW(table.add_column(std::move(b)), InternalError);
}

TEST(DType, ParsesNamesAndAliases) {
  EXPECT_EQ(parse_dtype("float"), DType::kFloat64);
  EXPECT_EQ(parse_dtype("datetime"), DType::kTimestamp);
  EXPECT_EQ(parse_dtype("float32"), std::nullopt);
  EXPECT_EQ(dtype_name(DType::kBool), "bool");
}

}  // namespace
}  // namespace mlops
