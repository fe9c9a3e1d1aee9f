#include "mlops/store/registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/store/promotion.h"
#include "store_backends.h"

namespace mlops {
namespace {

class Registry : public testing::StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    artifacts_ = dir_.file("run/train");
    dir_.write("run/train/model.json", "{\"learner\": {}}");
    dir_.write("run/train/model_meta.json", "{\"objective\": \"binary:logistic\"}");
    registry_ = open_registry(settings_);
  }
  ModelVersion add(double auc) {
    return registry_->register_version("churn", "run-1", artifacts_, {{"auc", auc}},
                                       {{"rounds", 10}});
  }
  std::string artifacts_;
  std::unique_ptr<ModelRegistry> registry_;
};

TEST_P(Registry, NumbersVersionsAndKeepsItsOwnCopyOfTheArtifacts) {
  EXPECT_EQ(add(0.7).version, 1);
  const ModelVersion second = add(0.8);
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(second.artifact_dir, dir_.file("models/churn/v2"));
  std::filesystem::remove_all(dir_.file("run"));  // the run is gone; the version is not
  EXPECT_TRUE(std::filesystem::exists(dir_.file("models/churn/v2/model.json")));
  const auto found = registry_->find_version("churn", 2);
  ASSERT_TRUE(found);
  EXPECT_DOUBLE_EQ(found->metrics.at("auc"), 0.8);
  EXPECT_EQ(found->meta["rounds"], 10);
  EXPECT_EQ(registry_->models(), std::vector<std::string>{"churn"});
  EXPECT_EQ(registry_->versions("churn").size(), 2u);
}

TEST_P(Registry, EachVersionFileIsRecordedWithItsHashInTheRegisteringTransaction) {
  add(0.7);
  const std::string model = dir_.file("models/churn/v1/model.json");
  EXPECT_EQ(raw_row("SELECT hash FROM model_version_files WHERE model = 'churn' AND version = 1 "
                    "AND name = 'model.json'"),
            std::vector<std::string>{hash_file(model)});
  EXPECT_EQ(raw_row("SELECT COUNT(*) FROM model_version_files WHERE version = 1"),
            std::vector<std::string>{"2"});
  if (!postgres()) return;
  // The database holds the files: a changed cached copy is fetched again.
  std::filesystem::remove(model);  // a hard link to the run's file: replaced, not edited
  dir_.write("models/churn/v1/model.json", "{\"learner\": {\"edited\": 1}}");
  ASSERT_TRUE(registry_->find_version("churn", 1));
  EXPECT_EQ(dir_.read("models/churn/v1/model.json"), "{\"learner\": {}}");
}

TEST_P(Registry, AliasesMoveAndTheHistoryIsAppendOnly) {
  add(0.7);
  add(0.8);
  registry_->set_alias("churn", "champion", 1, "gate", "first");
  const AliasChange change = registry_->set_alias("churn", "champion", 2, "promote", "better");
  EXPECT_EQ(change.previous_version, 1);
  EXPECT_EQ(registry_->aliases("churn").at("champion"), 2);
  const auto history = registry_->alias_history("churn", "champion");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].reason, "better");

  // The database itself refuses, whoever asks.
  EXPECT_FALSE(exec_raw("DELETE FROM model_alias_history"));
  EXPECT_FALSE(exec_raw("UPDATE model_alias_history SET version = 9"));
  if (postgres()) {
    EXPECT_FALSE(exec_raw("TRUNCATE model_alias_history"));
  }
  EXPECT_EQ(registry_->alias_history("churn").size(), 2u);
}

TEST_P(Registry, CompareAndSetRefusesWhenTheHolderChanged) {
  add(0.7);
  add(0.8);
  add(0.9);
  ASSERT_TRUE(registry_->set_alias_if("churn", "champion", 1, 0, "gate", "first"));
  // Two trainings both saw v1 as champion: the first to write wins, the second must re-decide.
  ASSERT_TRUE(registry_->set_alias_if("churn", "champion", 3, 1, "gate", "v3 beats v1"));
  EXPECT_FALSE(registry_->set_alias_if("churn", "champion", 2, 1, "gate", "v2 beats v1"));
  EXPECT_EQ(registry_->aliases("churn").at("champion"), 3);
  EXPECT_EQ(registry_->alias_history("churn").size(), 2u);
}

TEST_P(Registry, ResolvesNumbersAndAliasesAndNamesWhatExists) {
  add(0.7);
  add(0.8);
  registry_->set_alias("churn", "champion", 2, "gate", "");
  EXPECT_EQ(resolve_model_version(*registry_, "churn", "1").version, 1);
  EXPECT_EQ(resolve_model_version(*registry_, "churn", "v1").version, 1);
  EXPECT_EQ(resolve_model_version(*registry_, "churn", "champion").version, 2);
  try {
    resolve_model_version(*registry_, "churn", "staging");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "model 'churn' has no version or alias 'staging' (versions v1..v2; aliases: "
                 "champion=v2)");
  }
  EXPECT_THROW(resolve_model_version(*registry_, "other", "champion"), ConfigError);
  EXPECT_THROW(registry_->set_alias("churn", "champion", 7, "promote", ""), ConfigError);
  auto message = [](const std::function<void()>& action) {
    try {
      action();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("<no ConfigError>");
  };
  EXPECT_EQ(message([&] { registry_->set_alias("churn", "v3", 1, "promote", ""); }),
            "alias 'v3' is not usable: it must not look like a version number");
  EXPECT_EQ(message([&] { registry_->register_version("../evil", "r", artifacts_, {}, {}); }),
            "model name '../evil' is not usable: use letters, digits, '-', '_' and '.' (not "
            "first)");
  EXPECT_EQ(message([&] { registry_->set_alias("churn", "champion", 7, "promote", ""); }),
            "model 'churn' has no version 7");
}

std::string config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

TEST_P(Registry, RollbackGivesTheAliasBackToItsPreviousHolderAndRecordsWhy) {
  add(0.7);
  add(0.8);
  add(0.9);
  registry_->set_alias("churn", "champion", 1, "gate", "first");
  registry_->set_alias("churn", "champion", 2, "gate", "better");
  registry_->set_alias("churn", "champion", 3, "gate", "better");
  AliasChange change = roll_back_alias(*registry_, "churn", "champion", "");
  EXPECT_EQ(change.previous_version, 3);
  EXPECT_EQ(change.version, 2);
  EXPECT_EQ(change.action, "rollback");
  EXPECT_EQ(change.reason, "rollback from v3");
  change = roll_back_alias(*registry_, "churn", "champion", "v2 drifts");
  EXPECT_EQ(change.version, 1);  // not back to v3: it lost the alias to a rollback
  EXPECT_EQ(change.reason, "v2 drifts");
  EXPECT_EQ(registry_->aliases("churn").at("champion"), 1);
  EXPECT_EQ(registry_->alias_history("churn", "champion").back().action, "rollback");
}

TEST_P(Registry, RollbackWithoutATargetIsAConfigErrorNamingWhatIsMissing) {
  add(0.7);
  registry_->set_alias("churn", "champion", 1, "gate", "first");
  EXPECT_EQ(config_error([&] { roll_back_alias(*registry_, "churn", "champion", ""); }),
            "model 'churn': alias 'champion' has had no other holder than v1 to go back to");
  EXPECT_EQ(config_error([&] { roll_back_alias(*registry_, "churn", "challenger", ""); }),
            "model 'churn' has no alias 'challenger' to roll back");
  EXPECT_EQ(config_error([&] { roll_back_alias(*registry_, "fraud", "champion", ""); }),
            "no registered model 'fraud' (registered: churn): train it first (`mlops train` or "
            "`mlops run`)");
  EXPECT_EQ(registry_->alias_history("churn").size(), 1u);
}

MLOPS_FOR_EACH_STORE_BACKEND(Registry);

AliasChange change(int version, int previous, const char* action) {
  return AliasChange{0, "m", "champion", version, previous, action, "", ""};
}

TEST(RollbackTarget, WalksBackOverVersionsThatWereRolledBack) {
  std::vector<AliasChange> history{change(1, 0, "gate"), change(2, 1, "gate"),
                                   change(3, 2, "gate")};
  EXPECT_EQ(rollback_target(history, 3), 2);
  history.push_back(change(2, 3, "rollback"));
  EXPECT_EQ(rollback_target(history, 2), 1);
  history.push_back(change(1, 2, "rollback"));
  EXPECT_EQ(rollback_target(history, 1), std::nullopt);
  history.push_back(change(4, 1, "gate"));
  EXPECT_EQ(rollback_target(history, 4), 1);
  EXPECT_EQ(rollback_target({change(1, 0, "gate")}, 1), std::nullopt);
}

TEST(PromotionGate, FirstVersionIsPromoted) {
  const GateDecision decision = decide_promotion({}, Task::kBinary, {{"auc", 0.7}}, std::nullopt);
  EXPECT_TRUE(decision.promote);
  EXPECT_EQ(decision.metric, "auc");
  EXPECT_EQ(decision.reason, "first version: no champion yet (holdout auc 0.7)");
}

TEST(PromotionGate, HigherIsBetterWithAMargin) {
  const std::map<std::string, double> champion{{"auc", 0.80}};
  EXPECT_TRUE(decide_promotion({}, Task::kBinary, {{"auc", 0.81}}, champion).promote);
  EXPECT_FALSE(decide_promotion({}, Task::kBinary, {{"auc", 0.80}}, champion).promote);
  const GateDecision worse = decide_promotion({}, Task::kBinary, {{"auc", 0.79}}, champion);
  EXPECT_FALSE(worse.promote);
  EXPECT_EQ(worse.reason,
            "holdout auc 0.79 vs champion 0.8: worse by 0.01 (higher is better; any improvement "
            "required)");
  const GateSpec margin{"auc", 0.02};
  EXPECT_FALSE(decide_promotion(margin, Task::kBinary, {{"auc", 0.81}}, champion).promote);
  EXPECT_TRUE(decide_promotion(margin, Task::kBinary, {{"auc", 0.83}}, champion).promote);
}

TEST(PromotionGate, LowerIsBetterForLossesAndMissingMetricsAreNamed) {
  const std::map<std::string, double> champion{{"rmse", 3.0}, {"r2", 0.5}};
  EXPECT_TRUE(decide_promotion({}, Task::kRegression, {{"rmse", 2.9}}, champion).promote);
  EXPECT_FALSE(decide_promotion({}, Task::kRegression, {{"rmse", 3.1}}, champion).promote);
  EXPECT_TRUE(decide_promotion({"r2", 0}, Task::kRegression, {{"r2", 0.6}}, champion).promote);
  EXPECT_EQ(default_gate_metric(Task::kMulticlass), "logloss");
  try {
    decide_promotion({"f1", 0}, Task::kRegression, {{"rmse", 1.0}}, champion);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "registry.gate.metric: the model has no holdout metric 'f1' (it has: rmse)");
  }
}

}  // namespace
}  // namespace mlops
