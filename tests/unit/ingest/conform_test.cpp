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
}

}  // namespace
}  // namespace mlops
