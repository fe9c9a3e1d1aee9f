// `mlops train` end to end: determinism of the model file, parameters from --set, robust
// objectives, the files the report and the registry read, and a group split on real flights.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cli_runner.h"
#include "mlops/io/table_file.h"
#include "mlops/model/baseline/baseline.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class Train : public ::testing::Test {
 protected:
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --set runs_dir=" + dir_.file("runs"), dir_);
  }
  fs::path root() const { return only_run(dir_.file("runs")); }
  TempDir dir_;
};

TEST_F(Train, SameDataConfigAndSeedGiveAByteIdenticalModel) {
  // Two threads, row subsampling, early stopping and cross-validation: nothing in the saved
  // model may depend on timing or thread scheduling.
  const std::string workflow =
      " --env local --workflow workflows/cars-mpg.yaml --set train.params.nthread=2"
      " --set train.early_stopping.rounds=15 --set train.cv.folds=3";
  CliResult first = mlops("run" + workflow);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string model = slurp(root() / "train" / "model.json");
  const std::string baseline = slurp(root() / "train" / "baseline.json");
  ASSERT_GT(model.size(), 10000u);
  CliResult second = mlops("train" + workflow + " --force");  // unchanged: retrain anyway
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(slurp(root() / "train" / "model.json") == model) << "model.json differs";
  EXPECT_EQ(slurp(root() / "train" / "baseline.json"), baseline);
  CliResult reseeded = mlops("train" + workflow + " --set train.split.seed=7");
  ASSERT_EQ(reseeded.exit_code, 0) << reseeded.err;
  EXPECT_FALSE(slurp(root() / "train" / "model.json") == model);
}

TEST_F(Train, ParametersFromSetReachXgboost) {
  ASSERT_EQ(mlops("run --env local --workflow workflows/cars-mpg.yaml --set train.rounds=20"
                  " --set train.params.max_depth=1")
                .exit_code,
            0);
  const nlohmann::json model = read_json(root() / "train" / "model.json");
  const auto& trees = model["learner"]["gradient_booster"]["model"]["trees"];
  ASSERT_EQ(trees.size(), 20u);
  for (const auto& tree : trees) EXPECT_EQ(tree["tree_param"]["num_nodes"], "3");  // stumps
}

TEST_F(Train, RobustRegressionObjectivesRunEndToEnd) {
  for (const char* objective : {"reg:pseudohubererror", "reg:absoluteerror"}) {
    CliResult result = mlops(std::string("run --env local --workflow workflows/cars-mpg.yaml ") +
                             "--set train.objective=" + objective);
    ASSERT_EQ(result.exit_code, 0) << objective << ": " << result.err;
    EXPECT_EQ(read_json(root() / "train" / "model_meta.json")["objective"], objective);
    EXPECT_LT(read_json(root() / "metrics.json")["mae"].get<double>(), 3.5) << objective;
    EXPECT_EQ(count_lines(slurp(root() / "predict" / "predictions.csv")), 407u);
    fs::remove_all(dir_.file("runs"));
  }
}

TEST_F(Train, WritesCurveEvaluationBaselineAndLineage) {
  CliResult result = mlops(
      "run --env local --workflow workflows/penguins-species.yaml --set train.rounds=200"
      " --set train.early_stopping.rounds=10 --set train.cv.folds=3");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const fs::path train = root() / "train";

  const nlohmann::json curve = read_json(train / "curve.json");
  EXPECT_EQ(curve["metric"], "logloss");
  const int trained = curve["rounds_trained"].get<int>();
  EXPECT_EQ(curve["train"].size(), static_cast<size_t>(trained));
  EXPECT_EQ(curve["validation"].size(), static_cast<size_t>(trained));
  EXPECT_FALSE(curve.contains("holdout"));
  EXPECT_LE(curve["best_round"].get<int>(), trained);
  EXPECT_EQ(curve["stopped_early"].get<bool>(), trained < 200);
  const nlohmann::json meta = read_json(train / "model_meta.json");
  EXPECT_EQ(meta["rounds"], curve["best_round"]);

  const nlohmann::json metrics = read_json(train / "metrics.json");
  EXPECT_EQ(metrics["baseline"]["model"], "softmax_regression");
  EXPECT_GT(metrics["validation_rows"].get<int>(), 0);
  for (const char* name : {"accuracy", "f1", "logloss"}) {
    ASSERT_TRUE(metrics["cv"].contains(name)) << name;
    EXPECT_EQ(metrics["cv"][name]["folds"].size(), 3u);
    EXPECT_TRUE(metrics["cv"][name]["mean"].is_number());
    EXPECT_TRUE(metrics["cv"][name]["std"].is_number());
  }
  EXPECT_EQ(metrics["confusion"]["labels"],
            nlohmann::json::parse(R"(["Adelie", "Chinstrap", "Gentoo"])"));
  int64_t holdout = 0;
  for (const auto& row : metrics["confusion"]["matrix"])
    for (const auto& count : row) holdout += count.get<int64_t>();
  EXPECT_EQ(holdout, metrics["holdout_rows"].get<int64_t>());
  EXPECT_EQ(read_json(train / "evaluation.json"),
            nlohmann::json({{"confusion", metrics["confusion"]}}));

  // Lineage: the repository's commit, the features' hash, the config hash, the schema.
  EXPECT_EQ(meta["git_commit"].get<std::string>().size(), 40u) << meta.dump();
  EXPECT_TRUE(meta["git_dirty"].is_boolean());
  const nlohmann::json manifest = read_json(root() / "manifest.json");
  EXPECT_EQ(meta["data_hash"], manifest["stages"]["featurize"]["outputs"][0]["hash"]);
  EXPECT_EQ(meta["config_hash"], manifest["config_hash"]);
  EXPECT_EQ(meta["schema"][0]["name"], meta["features"][0]);
  EXPECT_EQ(meta["schema"][0]["dtype"], "float64");
  EXPECT_TRUE(meta["mlops_version"].is_string());

  // The baseline file scores the features table (the last fallback of batch-predict).
  const BaselineModel baseline = BaselineModel::load((train / "baseline.json").string());
  const Table features = read_table((root() / "featurize" / "features.csv").string());
  EXPECT_EQ(baseline.predict(features).size(), features.num_rows() * 3);

  // Not a terminal: no progress bar in the captured stderr.
  EXPECT_EQ(result.err.find('\r'), std::string::npos);
  EXPECT_NE(result.err.find("train: cv accuracy mean="), std::string::npos) << result.err;
}

TEST_F(Train, GroupSplitKeepsEveryOriginOnOneSideOfFlights) {
  const std::string workflow = dir_.write("flights.yaml", R"(name: flights-by-origin
ingest:
  source: {type: file, path: ")" MLOPS_SOURCE_DIR R"(/tests/fixtures/flights-2001-01.csv"}
  schema: {date: timestamp, delay: int64, distance: int64, origin: string, destination: string}
featurize:
  transforms:
    - {type: datetime_parts, column: date, parts: [hour, day_of_week]}
    - {type: category_codes, columns: [destination], k: 20}
  label: {name: delayed, expr: "delay > 15"}
  drop: [date, origin]
train:
  objective: binary:logistic
  rounds: 30
  split: {type: group, column: origin, holdout: 0.3}
  cv: {folds: 3}
  params: {max_depth: 4, eta: 0.3}
)");
  CliResult result = mlops("run --workflow " + workflow);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Table features = read_table((root() / "featurize" / "features.csv").string());
  const Table clean = read_table((root() / "ingest" / "clean.csv").string());
  std::map<std::string, std::set<int64_t>> sides;
  const Column& split = features.column("__split");
  for (size_t row = 0; row < features.num_rows(); ++row) {
    if (!split.is_null(row))
      sides[clean.column("origin").format_value(row)].insert(split.int_at(row));
  }
  EXPECT_GT(sides.size(), 10u);
  std::set<int64_t> used;
  for (const auto& [origin, side] : sides) {
    EXPECT_EQ(side.size(), 1u) << origin;
    used.insert(side.begin(), side.end());
  }
  EXPECT_EQ(used, (std::set<int64_t>{0, 1}));  // both sides have origins

  const nlohmann::json evaluation = read_json(root() / "train" / "evaluation.json");
  EXPECT_LE(evaluation["roc"]["fpr"].size(), 200u);
  EXPECT_EQ(evaluation["roc"]["fpr"].size(), evaluation["roc"]["tpr"].size());
  EXPECT_LE(evaluation["pr"]["recall"].size(), 200u);
  EXPECT_EQ(evaluation["confusion"]["labels"], nlohmann::json::parse(R"(["false", "true"])"));
  const nlohmann::json metrics = read_json(root() / "train" / "metrics.json");
  EXPECT_EQ(metrics["cv"]["auc"]["folds"].size(), 3u);
  EXPECT_TRUE(metrics["holdout"].contains("pr_auc"));
}

}  // namespace
}  // namespace mlops::testing
