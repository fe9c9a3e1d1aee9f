#include "mlops/config/schema.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

using testing::config_error;

std::string validate(const std::string& yaml) {
  return config_error([&] { validate_against_schema(parse_yaml(yaml, "w.yaml")); });
}

TEST(ConfigSchema, AcceptsEveryDeclaredKind) {
  EXPECT_EQ(validate("name: w\nseed: 3\nlog_format: json\nworkflows: a.yaml\n"
                     "train: {rounds: 5, split: {holdout: 0.3, stratify: false}, "
                     "params: {max_depth: 4, eta: 0.1, tree_method: hist}}\n"
                     "ingest: {schema: {a: int64, b: {type: string, values: [x]}}}\n"
                     "featurize: {transforms: [{type: log1p, column: a}]}\n"
                     "contracts: {ingest: contracts/clean.yaml}\n"),
            "");
}

TEST(ConfigSchema, UnknownKeyNamesFileLineAndSuggestion) {
  EXPECT_EQ(validate("name: w\ntrain:\n  rouns: 5\n"),
            "w.yaml:3:3: unknown key 'train.rouns' (did you mean 'train.rounds'?)");
  EXPECT_EQ(validate("trian: {}\n"), "w.yaml:1:1: unknown key 'trian' (did you mean 'train'?)");
}

TEST(ConfigSchema, UnknownKeyWithoutCloseMatchHasNoSuggestion) {
  EXPECT_EQ(validate("ingest:\n  source:\n    xyz: 1\n"),
            "w.yaml:3:5: unknown key 'ingest.source.xyz'");
}

TEST(ConfigSchema, WrongTypeNamesOriginKeyAndValue) {
  EXPECT_EQ(validate("train:\n  rounds: many\n"),
            "w.yaml:2:3: key 'train.rounds': expected int, got 'many'");
  EXPECT_EQ(validate("train: {split: {holdout: half}}\n"),
            "w.yaml:1:17: key 'train.split.holdout': expected float, got 'half'");
  EXPECT_EQ(validate("train: {split: {stratify: maybe}}\n"),
            "w.yaml:1:17: key 'train.split.stratify': expected bool, got 'maybe'");
  EXPECT_EQ(validate("ingest: [a]\n"), "w.yaml:1:1: key 'ingest': expected a map, got a list");
  // A URL under the wrong key is never quoted: a webhook or database URL is a secret.
  EXPECT_EQ(validate("notify: https://hooks.slack.com/services/T0/B0/secret-part\n"),
            "w.yaml:1:1: key 'notify': expected a map, got a URL (not shown: it may be a secret)");
  EXPECT_EQ(validate("notify: {on: ['https://hooks.slack.com/services/T0/B0/secret-part']}\n"),
            "w.yaml:1:10: key 'notify.on': expected items among failure, contract_failed, drift, "
            "promoted, rolled_back, got a URL (not shown: it may be a secret)");
  EXPECT_EQ(validate("name: {a: 1}\n"), "w.yaml:1:1: key 'name': expected string, got a map");
}

TEST(ConfigSchema, EnumValueMustBeAChoice) {
  EXPECT_EQ(validate("log_format: jsn\n"),
            "w.yaml:1:1: key 'log_format': expected one of text, json, got 'jsn' "
            "(did you mean 'json'?)");
}

TEST(ConfigSchema, RangesAreChecked) {
  EXPECT_EQ(validate("train: {rounds: 0}\n"),
            "w.yaml:1:9: key 'train.rounds': must be from 1 to 2147483647, got '0'");
  EXPECT_EQ(validate("train: {split: {holdout: 1}}\n"),
            "w.yaml:1:17: key 'train.split.holdout': must be between 0 and 1 (exclusive), got '1'");
  EXPECT_EQ(validate("seed: -1\n"), "w.yaml:1:1: key 'seed': must not be negative, got '-1'");
}

TEST(ConfigSchema, NullLeavesAKeyUnset) {
  EXPECT_EQ(validate("seed:\ntrain:\n"), "");
}

TEST(ConfigSchema, BuiltinDefaultsAreValidAndNamed) {
  ConfigNode defaults = builtin_defaults();
  EXPECT_NO_THROW(validate_against_schema(defaults));
  EXPECT_EQ(defaults.get("runs_dir")->text(), "runs");
  EXPECT_EQ(defaults.find_path("train.rounds")->text(), "100");
  EXPECT_EQ(defaults.find_path("store.backend")->text(), "sqlite");
  EXPECT_EQ(defaults.find_path("train.split.seed"), nullptr);
  EXPECT_EQ(defaults.find_path("train.split.holdout")->origin().describe(), "built-in");
}

TEST(ConfigSchema, ParentsAreDeclaredBeforeChildren) {
  const auto& keys = config_keys();
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t dot = keys[i].path.rfind('.');
    if (dot == std::string::npos) continue;
    const std::string parent = keys[i].path.substr(0, dot);
    bool found = false;
    for (size_t j = 0; j < i; ++j) found = found || keys[j].path == parent;
    EXPECT_TRUE(found) << keys[i].path;
  }
}

TEST(ConfigSchema, ReferenceListsEveryKeyWithItsEnvironmentVariable) {
  const std::string doc = config_reference_markdown();
  for (const auto& key : config_keys()) {
    EXPECT_NE(doc.find("| `" + key.path + "` |"), std::string::npos) << key.path;
  }
  EXPECT_NE(doc.find("| `train.rounds` | int | `100` | `MLOPS_TRAIN__ROUNDS` |"),
            std::string::npos);
}

}  // namespace
}  // namespace mlops
