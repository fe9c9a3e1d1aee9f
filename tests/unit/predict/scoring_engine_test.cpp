#include "mlops/predict/scoring_engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/model/xgb/xgb.h"
#include "model_bundle.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::Objective;
using testing::raw_rows;
using testing::TempDir;
using testing::write_model_bundle;

constexpr int64_t kEngineScoredAt = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

/// What XGBoost itself predicts for `rows`: the saved features computed by the saved feature
/// state, scored by the booster through a DMatrix.
std::vector<float> xgboost_predictions(const std::string& dir, const Table& rows) {
  const FeaturePipeline features = FeaturePipeline::load(dir + "/feature_state.json");
  const Table computed = features.transform(rows);
  const FeatureMatrix matrix = gather_all(TableRows(computed, features.feature_names()));
  return Booster::load(dir + "/model.json").predict(DMatrix(matrix));
}

/// Every value of every column as text, row by row.
std::vector<std::string> cells(const Table& table) {
  std::vector<std::string> out;
  for (size_t row = 0; row < table.num_rows(); ++row) {
    for (const auto& column : table.columns()) out.push_back(column.format_value(row));
  }
  return out;
}

TEST(ScoringEngine, BinaryModelScoresWhatXgboostPredicts) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v7");
  EXPECT_EQ(engine.source(), ScoreSource::kModel);
  EXPECT_EQ(engine.baseline(), nullptr);
  EXPECT_EQ(engine.version(), "v7");
  EXPECT_EQ(engine.task(), Task::kBinary);

  const Table rows = raw_rows(Objective::kBinary, 150, 99);  // not the training rows
  const std::vector<float> expected = xgboost_predictions(dir.path().string(), rows);
  const ScoredBatch scored =
      engine.score(rows, {.id_columns = {"id"}, .scored_at_micros = kEngineScoredAt});
  EXPECT_EQ(scored.source, ScoreSource::kModel);
  const Table& out = scored.predictions;
  EXPECT_EQ(out.column_names(), (std::vector<std::string>{"id", "prediction", "probability",
                                                          "model_version", "scored_at"}));
  ASSERT_EQ(out.num_rows(), 150u);
  ASSERT_EQ(expected.size(), 150u);
  size_t positives = 0;
  for (size_t row = 0; row < out.num_rows(); ++row) {
    EXPECT_EQ(out.column("probability").float_at(row), static_cast<double>(expected[row]))
        << "row " << row;
    EXPECT_EQ(out.column("prediction").string_at(row), expected[row] > 0.5f ? "yes" : "no");
    EXPECT_EQ(out.column("id").int_at(row), static_cast<int64_t>(row + 1));
    EXPECT_EQ(out.column("model_version").string_at(row), "v7");
    EXPECT_EQ(out.column("scored_at").int_at(row), kEngineScoredAt);
    positives += expected[row] > 0.5f;
  }
  EXPECT_GT(positives, 20u);  // the model separates the classes: both are predicted
  EXPECT_LT(positives, 130u);
  EXPECT_EQ(scored.features.num_rows(), 0u);  // not asked for
}

TEST(ScoringEngine, MulticlassModelGivesEachClassProbabilityAsXgboost) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kMulticlass);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string());
  EXPECT_EQ(engine.version(), "run-test");  // no version given: the training run's id

  const Table rows = raw_rows(Objective::kMulticlass, 60, 5);
  const std::vector<float> expected = xgboost_predictions(dir.path().string(), rows);
  const Table out = engine.score(rows, {}).predictions;
  // Classes in sorted order, as the feature state learned them.
  EXPECT_EQ(out.column_names(),
            (std::vector<std::string>{"prediction", "probability_high", "probability_low",
                                      "probability_mid", "model_version", "scored_at"}));
  const char* classes[] = {"high", "low", "mid"};
  for (size_t row = 0; row < out.num_rows(); ++row) {
    int best = 0;
    for (int c = 0; c < 3; ++c) {
      const float p = expected[row * 3 + c];
      EXPECT_EQ(out.column(std::string("probability_") + classes[c]).float_at(row),
                static_cast<double>(p));
      if (p > expected[row * 3 + best]) best = c;
    }
    EXPECT_EQ(out.column("prediction").string_at(row), classes[best]);
  }
}

TEST(ScoringEngine, RegressionModelScoresValuesAsXgboost) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kRegression);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v1");
  const Table rows = raw_rows(Objective::kRegression, 40, 8);
  const std::vector<float> expected = xgboost_predictions(dir.path().string(), rows);
  const Table out = engine.score(rows, {}).predictions;
  ASSERT_EQ(out.num_rows(), 40u);
  for (size_t row = 0; row < out.num_rows(); ++row) {
    EXPECT_EQ(out.column("prediction").float_at(row), static_cast<double>(expected[row]));
  }
}

TEST(ScoringEngine, OneRowAloneScoresAsThatRowInABatch) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kMulticlass);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v2");
  ASSERT_TRUE(engine.row_independent());
  const Table rows = raw_rows(Objective::kMulticlass, 30, 11);
  const ScoreOptions options{
      .id_columns = {"id"}, .scored_at_micros = kEngineScoredAt, .keep_features = true};
  const ScoredBatch batch = engine.score(rows, options);
  for (size_t row : {0, 4, 13, 29}) {  // row 4 has a null feature
    const std::vector<size_t> one = {row};
    const ScoredBatch alone = engine.score(rows.take(one), options);
    EXPECT_EQ(cells(alone.predictions), cells(batch.predictions.take(one))) << "row " << row;
    EXPECT_EQ(cells(alone.features), cells(batch.features.take(one))) << "row " << row;
  }
}

TEST(ScoringEngine, KeptFeaturesAreTheSavedTransformsOutput) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string());
  const Table rows = raw_rows(Objective::kBinary, 10, 3);
  const ScoredBatch scored = engine.score(rows, {.id_columns = {}, .keep_features = true});
  const Table expected = FeaturePipeline::load(dir.file("feature_state.json")).transform(rows);
  EXPECT_EQ(cells(scored.features), cells(expected));
  for (const auto& name : engine.features().feature_names()) {
    EXPECT_NE(scored.features.find(name), nullptr) << name;
  }
}

TEST(ScoringEngine, EmptyInputGetsTheOutputColumnsAndNoRows) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v1");
  const Table none = raw_rows(Objective::kBinary, 0);
  const Table out = engine.score(none, {.id_columns = {"id"}}).predictions;
  EXPECT_EQ(out.num_rows(), 0u);
  EXPECT_EQ(out.column_names(), (std::vector<std::string>{"id", "prediction", "probability",
                                                          "model_version", "scored_at"}));
}

TEST(ScoringEngine, MissingFeatureColumnIsADataErrorNamingIt) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string());
  Table rows = raw_rows(Objective::kBinary, 5);
  Table without;
  for (const auto& column : rows.columns()) {
    if (column.name() != "signal") without.add_column(column);
  }
  try {
    engine.score(without, {});
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("signal"), std::string::npos) << error.what();
  }
}

TEST(ScoringEngine, CorruptModelFallsBackToTheBaselineAndSaysSo) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  dir.write("model.json", "{\"learner\"");
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v3");
  EXPECT_EQ(engine.source(), ScoreSource::kBaseline);
  EXPECT_EQ(score_source_name(engine.source()), "baseline");
  ASSERT_NE(engine.baseline(), nullptr);
  EXPECT_EQ(engine.version(), "v3+baseline");
  EXPECT_NE(engine.fallback_reason().find("model.json"), std::string::npos)
      << engine.fallback_reason();

  const Table rows = raw_rows(Objective::kBinary, 50, 17);
  const ScoredBatch scored = engine.score(rows, {.id_columns = {}, .keep_features = true});
  EXPECT_EQ(scored.source, ScoreSource::kBaseline);
  const BaselineModel baseline = BaselineModel::load(dir.file("baseline.json"));
  const std::vector<float> expected =
      baseline.predict(TableRows(scored.features, engine.features().feature_names()));
  for (size_t row = 0; row < rows.num_rows(); ++row) {
    EXPECT_EQ(scored.predictions.column("probability").float_at(row),
              static_cast<double>(expected[row]));
    EXPECT_EQ(scored.predictions.column("model_version").string_at(row), "v3+baseline");
  }
}

TEST(ScoringEngine, CorruptModelWithoutBaselineIsAModelError) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  dir.write("model.json", "not json");
  std::filesystem::remove(dir.file("baseline.json"));
  EXPECT_THROW(ScoringEngine::load(dir.path().string()), ModelError);
}

TEST(ScoringEngine, MissingModelMetadataIsAnErrorNamingTheFile) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary);
  dir.write("model_meta.json", "{");
  try {
    ScoringEngine::load(dir.path().string());
    FAIL() << "expected ModelError";
  } catch (const ModelError& error) {
    EXPECT_NE(std::string(error.what()).find("model_meta.json"), std::string::npos);
  }
}

/// Scores the same rows from four threads at once, 20 times each: always the serial result.
void expect_concurrent_scores_equal_serial(const std::string& booster) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kMulticlass, booster);
  const ScoringEngine engine = ScoringEngine::load(dir.path().string(), "v1");
  const Table rows = raw_rows(Objective::kMulticlass, 64, 21);
  const ScoreOptions options{.id_columns = {"id"}, .scored_at_micros = kEngineScoredAt};
  const std::vector<std::string> serial = cells(engine.score(rows, options).predictions);
  std::vector<std::vector<std::string>> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 20; ++repeat) {
        results[t] = cells(engine.score(rows, options).predictions);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, serial);
}

TEST(ScoringEngine, ConcurrentScoringWithCompiledTreesGivesTheSerialResults) {
  expect_concurrent_scores_equal_serial("gbtree");
}

TEST(ScoringEngine, ConcurrentScoringWithTheXgboostBoosterGivesTheSerialResults) {
  expect_concurrent_scores_equal_serial("dart");  // not compiled: XGBoost scores
}

TEST(ScoringEngine, DartModelScoredByTheBoosterGivesWhatXgboostPredicts) {
  TempDir dir;
  write_model_bundle(dir.path().string(), Objective::kBinary, "dart");
  const ScoringEngine engine = ScoringEngine::load(dir.path().string());
  const Table rows = raw_rows(Objective::kBinary, 30, 4);
  const std::vector<float> expected = xgboost_predictions(dir.path().string(), rows);
  const Table out = engine.score(rows, {}).predictions;
  for (size_t row = 0; row < out.num_rows(); ++row) {
    EXPECT_EQ(out.column("probability").float_at(row), static_cast<double>(expected[row]));
  }
}

}  // namespace
}  // namespace mlops
