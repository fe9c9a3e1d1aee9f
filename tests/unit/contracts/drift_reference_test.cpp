// Profiles of several columns: computed two columns at a time, returned in the caller's order,
// each the same as the column profiled alone.

#include "mlops/contracts/drift_reference.h"

#include <gtest/gtest.h>

#include <vector>

namespace mlops {
namespace {

/// Five columns of n rows, numeric and text, one with nulls.
Table five_columns(size_t n) {
  Column a("a", DType::kInt64), b("b", DType::kFloat64), c("c", DType::kString),
      d("d", DType::kFloat64), e("e", DType::kInt64);
  for (size_t i = 0; i < n; ++i) {
    a.push_int(static_cast<int64_t>(i % 7));
    b.push_float(static_cast<double>(i) * 0.5);
    c.push_string(i % 3 ? "x" : "y");
    if (i % 4 == 0) {
      d.push_null();
    } else {
      d.push_float(-static_cast<double>(i));
    }
    e.push_int(static_cast<int64_t>(n - i));
  }
  Table table;
  for (Column* column : {&a, &b, &c, &d, &e}) table.add_column(std::move(*column));
  return table;
}

TEST(DriftReference, ColumnsComeInTheCallersOrderEachAsIfProfiledAlone) {
  const Table table = five_columns(1000);
  const std::vector<size_t> rows{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987};
  const DriftReference profile =
      drift_reference_of_columns(table, {"e", "c", "missing", "a", "d", "b"}, rows);
  EXPECT_EQ(profile.rows, rows.size());
  const std::vector<std::string> expected{"e", "c", "a", "d", "b"};  // a missing name is skipped
  ASSERT_EQ(profile.columns.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(profile.columns[i].name, expected[i]);
    const ColumnDriftReference alone = column_drift_reference(table.column(expected[i]), rows);
    const DriftReference one{rows.size(), {profile.columns[i]}}, reference{rows.size(), {alone}};
    EXPECT_EQ(one.to_json(), reference.to_json()) << expected[i];
  }
  EXPECT_EQ(profile.columns[3].nulls, 2u);  // d is null on every fourth row: 8 and 144 here
}

TEST(DriftReference, TableProfileCoversEveryRowOfEveryColumn) {
  const Table table = five_columns(200);
  const DriftReference profile = drift_reference_of_table(table);
  ASSERT_EQ(profile.columns.size(), 5u);
  EXPECT_EQ(profile.rows, 200u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(profile.columns[i].name, table.columns()[i].name());
    EXPECT_EQ(profile.columns[i].rows, 200u);
  }
  EXPECT_EQ(profile.columns[3].nulls, 50u);
  EXPECT_DOUBLE_EQ(profile.columns[1].max, 99.5);
  EXPECT_DOUBLE_EQ(profile.columns[4].min, 1.0);
}

}  // namespace
}  // namespace mlops
