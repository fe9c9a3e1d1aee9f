// Fitting a batch to the clean table's columns: rows whose value cannot take the table's type
// are rejected, and every column keeps exactly the other rows, in order.

#include "mlops/ingest/conform.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

Column ints(const std::string& name, std::vector<int64_t> values) {
  Column column(name, DType::kInt64);
  for (int64_t value : values) column.push_int(value);
  return column;
}

Column strings(const std::string& name, std::vector<std::string> values) {
  Column column(name, DType::kString);
  for (const auto& value : values) column.push_string(value);
  return column;
}

TEST(ConformBatch, SameTypedColumnsKeepOnlyTheRowsOfOtherColumnsThatFit) {
  CleanTableState state;
  state.fields = {{"id", DType::kInt64, true}, {"amount", DType::kInt64, true}};
  Table batch;
  batch.add_column(ints("id", {1, 2, 3, 4}));
  batch.add_column(strings("amount", {"10", "ten", "30", "x"}));  // typed string by inference
  Conformed conformed = conform_batch(batch, state, false);
  ASSERT_EQ(conformed.rejected.size(), 2u);
  EXPECT_EQ(conformed.rejected[0].row, 1u);
  EXPECT_EQ(conformed.rejected[1].row, 3u);
  ASSERT_EQ(conformed.rows.num_rows(), 2u);
  const Column& id = conformed.rows.column("id");
  EXPECT_EQ(id.int_at(0), 1);
  EXPECT_EQ(id.int_at(1), 3);
  const Column& amount = conformed.rows.column("amount");
  EXPECT_EQ(amount.type(), DType::kInt64);
  EXPECT_EQ(amount.int_at(0), 10);
  EXPECT_EQ(amount.int_at(1), 30);
  // With rejections the batch stays whole: the rejected rows are quarantined from it.
  EXPECT_EQ(batch.num_columns(), 2u);
  EXPECT_EQ(batch.column("amount").string_at(1), "ten");
}

TEST(ConformBatch, MatchingBatchIsKeptWholeWithItsNulls) {
  CleanTableState state;
  state.fields = {{"id", DType::kInt64, true}};
  Table batch;
  Column id = ints("id", {7, 8});
  id.push_null();
  batch.add_column(std::move(id));
  Conformed conformed = conform_batch(batch, state, false);
  EXPECT_TRUE(conformed.rejected.empty());
  const Column& out = conformed.rows.column("id");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.int_at(1), 8);
  EXPECT_TRUE(out.is_null(2));
  EXPECT_EQ(out.null_count(), 1u);
  EXPECT_EQ(batch.num_columns(), 0u);  // handed over, not copied
}

TEST(ConformBatch, AWidenedColumnIsConvertedWhileTheOthersAreHandedOver) {
  CleanTableState state;
  state.fields = {{"id", DType::kInt64, true}, {"price", DType::kFloat64, true}};
  Table batch;
  batch.add_column(ints("id", {1, 2}));
  batch.add_column(ints("price", {5, 6}));  // int64 values in a float64 column
  Conformed conformed = conform_batch(batch, state, false);
  EXPECT_TRUE(conformed.rejected.empty());
  EXPECT_EQ(conformed.rows.column_names(), (std::vector<std::string>{"id", "price"}));
  EXPECT_EQ(conformed.rows.column("price").type(), DType::kFloat64);
  EXPECT_DOUBLE_EQ(conformed.rows.column("price").float_at(1), 6.0);
  EXPECT_EQ(conformed.rows.column("id").int_at(1), 2);
  EXPECT_EQ(batch.column_names(), (std::vector<std::string>{"price"}));
}

}  // namespace
}  // namespace mlops
