#include "mlops/config/train_params.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/config/loader.h"
#include "mlops/config/schema.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;

// A workflow whose train section is `train`, loaded like the CLI does; returns the error.
std::string train_error(const std::string& train, const testing::TempDir& dir) {
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path =
      dir.write("wf.yaml", "name: w\ningest: {source: {path: a.csv}}\ntrain:\n" + train);
  options.getenv = testing::fake_env({});
  return config_error([&] { build_workflow(load_config(options), "local"); });
}

TEST(TrainParams, MisspeltObjectiveNamesFileLineKeyAndSuggestion) {
  testing::TempDir dir;
  const std::string error = train_error("  objective: multi:softmaxx\n", dir);
  EXPECT_TRUE(error.starts_with(dir.file("wf.yaml") +
                                ":4:3: key 'train.objective': expected one of reg:squarederror, "))
      << error;
  EXPECT_TRUE(error.ends_with(", got 'multi:softmaxx' (did you mean 'multi:softmax'?)")) << error;
}

TEST(TrainParams, ObjectiveWithoutProbabilitiesIsRefusedAtLoad) {
  testing::TempDir dir;
  EXPECT_EQ(train_error("  objective: multi:softmax\n", dir),
            dir.file("wf.yaml") +
                ":4:3: key 'train.objective': 'multi:softmax' predicts labels, not "
                "probabilities; use multi:softprob");
  EXPECT_EQ(train_error("  objective: binary:hinge\n", dir),
            dir.file("wf.yaml") +
                ":4:3: key 'train.objective': 'binary:hinge' does not predict probabilities; use "
                "binary:logistic");
}

TEST(TrainParams, UnknownParameterNamesFileLineKeyAndSuggestion) {
  testing::TempDir dir;
  EXPECT_EQ(train_error("  params:\n    max_dept: 4\n", dir),
            dir.file("wf.yaml") +
                ":5:5: unknown key 'train.params.max_dept' (did you mean "
                "'train.params.max_depth'?)");
}

TEST(TrainParams, WrongTypeNamesFileLineAndKey) {
  testing::TempDir dir;
  EXPECT_EQ(train_error("  params: {max_depth: deep}\n", dir),
            dir.file("wf.yaml") + ":4:12: key 'train.params.max_depth': expected int, got 'deep'");
}

TEST(TrainParams, ChoiceSuggestsTheClosest) {
  testing::TempDir dir;
  EXPECT_EQ(train_error("  params: {tree_method: hits}\n", dir),
            dir.file("wf.yaml") +
                ":4:12: key 'train.params.tree_method': expected one of auto, exact, approx, "
                "hist, gpu_hist, got 'hits' (did you mean 'hist'?)");
}

TEST(TrainParams, OutOfRangeValueNamesTheRule) {
  testing::TempDir dir;
  EXPECT_EQ(
      train_error("  params: {subsample: 1.5}\n", dir),
      dir.file("wf.yaml") + ":4:12: key 'train.params.subsample': must be from 0 to 1, got '1.5'");
}

TEST(TrainParams, ObjectiveUnderParamsIsRefusedAtLoad) {
  testing::TempDir dir;
  EXPECT_EQ(
      train_error("  params: {objective: 'reg:squarederror'}\n", dir),
      dir.file("wf.yaml") + ":4:12: key 'train.params.objective': set train.objective instead");
}

TEST(TrainParams, ValuesAreSentAsWrittenAndDefaultsAreNotMerged) {
  testing::TempDir dir;
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write(
      "wf.yaml", "name: w\ningest: {source: {path: a.csv}}\ntrain:\n  params: {eta: 0.10}\n");
  options.getenv = testing::fake_env({});
  const Workflow workflow = build_workflow(load_config(options), "local");
  ASSERT_EQ(workflow.train.params.size(), 1u);
  EXPECT_EQ(workflow.train.params[0], (std::pair<std::string, std::string>{"eta", "0.10"}));
  EXPECT_EQ(workflow.tree.find_path("train.params.max_depth"), nullptr);
}

TEST(TrainParams, TypedReadsUseTheWrittenValueElseTheDeclaredDefault) {
  TrainSpec spec;
  EXPECT_EQ(train_param_int(spec, "max_depth"), 6);
  EXPECT_EQ(train_param_int(spec, "max_bin"), 256);
  EXPECT_EQ(train_param_int(spec, "nthread"), 2);
  EXPECT_EQ(train_param_text(spec, "tree_method"), "hist");
  EXPECT_EQ(train_param_text(spec, "booster"), "gbtree");
  spec.params = {{"max_depth", "9"}, {"booster", "dart"}};
  EXPECT_EQ(train_param_int(spec, "max_depth"), 9);
  EXPECT_EQ(train_param_text(spec, "booster"), "dart");
  EXPECT_EQ(find_key("train.params.max_depth")->default_value, "6");
}

TEST(TrainParams, UndeclaredNameIsAnError) {
  TrainSpec spec;
  EXPECT_EQ(config_error([&] { train_param_text(spec, "max_dpeth"); }),
            "key 'train.params.max_dpeth' is not declared");
}

}  // namespace
}  // namespace mlops
