#include <gtest/gtest.h>

#include "mlops/store/prediction_log.h"
#include "store_backends.h"

namespace mlops {
namespace {

LoggedPrediction logged(const std::string& key, double score) {
  return LoggedPrediction{key, 0x1234, score >= 0.5 ? "yes" : "no", score, {}};
}

class EvaluationStoreTest : public testing::StoreBackendTest {
 protected:
  std::unique_ptr<mlops::EvaluationStore> open() { return open_evaluation_store(settings_); }
};

TEST_P(EvaluationStoreTest, JoinsLabelsWithTheLatestPredictionPerVersionAndKey) {
  auto store = open();
  store->log_predictions("m", "v1", "run-1", 1000, {logged("a", 0.2), logged("b", 0.9)});
  store->log_predictions("m", "v1", "run-2", 2000, {logged("a", 0.4)});  // scored again
  store->log_predictions("m", "v2", "run-3", 3000, {logged("a", 0.7), logged("c", 0.1)});
  store->log_predictions("other", "v1", "run-4", 3000, {logged("a", 0.5)});
  EXPECT_EQ(store->logged_count("m"), 5);

  store->add_labels("m", {{"a", "yes"}, {"b", "no"}, {"z", "no"}});
  store->add_labels("m", {{"b", "yes"}});  // a corrected label replaces the first
  EXPECT_EQ(store->matched_labels("m"), 2);
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 3u);  // v1: a (latest), b; v2: a. c has no label, z no prediction
  EXPECT_EQ(rows[0].model_version, "v1");
  EXPECT_EQ(rows[0].scored_at, 1000);
  EXPECT_EQ(rows[0].label, "yes");  // b, corrected
  EXPECT_DOUBLE_EQ(rows[0].score, 0.9);
  EXPECT_EQ(rows[1].scored_at, 2000);  // a's latest v1 prediction
  EXPECT_DOUBLE_EQ(rows[1].score, 0.4);
  EXPECT_EQ(rows[2].model_version, "v2");

  store->save_live_metrics("m", {{"v1", "1d", 0, "auc", 0.5, 2}});
  store->save_live_metrics("m", {{"v1", "1d", 0, "auc", 0.75, 3}});  // recomputed: replaced
  const auto metrics = store->live_metrics("m");
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(metrics[0].value, 0.75);
  EXPECT_EQ(metrics[0].rows, 3);
}

TEST_P(EvaluationStoreTest, KeepsMulticlassProbabilities) {
  auto store = open();
  LoggedPrediction row{"k", 1, "b", std::nan(""), {0.1f, 0.7f, 0.2f}};
  store->log_predictions("m", "v1", "r", 5, {row});
  store->add_labels("m", {{"k", "b"}});
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].probabilities, (std::vector<float>{0.1f, 0.7f, 0.2f}));
  EXPECT_TRUE(std::isnan(rows[0].score));
}

TEST_P(EvaluationStoreTest, ALabelGivenTwiceInOneCallKeepsTheLast) {
  auto store = open();
  store->log_predictions("m", "v1", "r", 5, {logged("a", 0.9)});
  store->add_labels("m", {{"a", "no"}, {"b", "no"}, {"a", "yes"}});
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].label, "yes");
  EXPECT_EQ(store->matched_labels("m"), 1);
}

MLOPS_FOR_EACH_STORE_BACKEND(EvaluationStoreTest);

TEST(PredictionLog, KeysRowsAndHashesTheirFeatures) {
  Table predictions;
  Column id("id", DType::kInt64), region("region", DType::kString);
  Column prediction("prediction", DType::kString), probability("probability", DType::kFloat64);
  id.push_int(7);
  id.push_int(8);
  region.push_string("eu");
  region.push_null();
  prediction.push_string("yes");
  prediction.push_string("no");
  probability.push_float(0.8);
  probability.push_float(0.3);
  for (auto* column : {&id, &region, &prediction, &probability}) {
    predictions.add_column(std::move(*column));
  }
  Table features;
  Column x("x", DType::kFloat64);
  x.push_float(1.5);
  x.push_float(1.5);
  features.add_column(std::move(x));

  const auto rows = prediction_log_rows(predictions, features, {"x"}, {"id", "region"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].row_key, "7|eu");
  EXPECT_EQ(rows[1].row_key, "8|");
  EXPECT_EQ(rows[0].prediction, "yes");
  EXPECT_DOUBLE_EQ(rows[1].score, 0.3);
  EXPECT_EQ(rows[0].features_hash, rows[1].features_hash);  // same features, same hash
  EXPECT_NE(rows[0].features_hash, 0u);
}

}  // namespace
}  // namespace mlops
