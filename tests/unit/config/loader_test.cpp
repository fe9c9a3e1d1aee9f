#include "mlops/config/loader.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;
using testing::fake_env;

// A config dir with base.yaml and dev.yaml plus a workflow file, in one temporary directory.
class ConfigLoad : public ::testing::Test {
 protected:
  LoadOptions options(std::map<std::string, std::string> env = {}) {
    LoadOptions result;
    result.env = "dev";
    result.config_dir = dir_.file("configs");
    result.getenv = fake_env(std::move(env));
    return result;
  }
  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
  testing::TempDir dir_;
};

TEST_F(ConfigLoad, EachLayerOverridesTheOneBelow) {
  write("configs/base.yaml",
        "seed: 1\nruns_dir: base-runs\ndata_dir: base-data\nlog_level: debug\n");
  write("configs/dev.yaml", "seed: 2\nruns_dir: dev-runs\ndata_dir: dev-data\n");
  const std::string workflow = write("wf.yaml", "seed: 3\nruns_dir: wf-runs\n");
  LoadOptions opts = options({{"MLOPS_SEED", "4"}});
  opts.workflow_path = workflow;
  opts.overrides = {"seed=5"};

  ConfigNode root = load_config(opts);
  EXPECT_EQ(root.get("log_format")->text(), "text");  // built-in
  EXPECT_EQ(root.get("log_level")->text(), "debug");  // base
  EXPECT_EQ(root.get("data_dir")->text(), "dev-data");
  EXPECT_EQ(root.get("runs_dir")->text(), "wf-runs");
  EXPECT_EQ(root.get("seed")->text(), "5");
  EXPECT_EQ(root.get("seed")->origin().describe(), "--set seed=5");
  opts.overrides.clear();
  EXPECT_EQ(load_config(opts).get("seed")->origin().describe(), "env MLOPS_SEED");
}

TEST_F(ConfigLoad, ExplainShowsWhereEachValueCameFrom) {
  const std::string base = write("configs/base.yaml", "seed: 1\n");
  const std::string dev = write("configs/dev.yaml", "\nruns_dir: dev-runs\n");
  ConfigNode root = load_config(options({{"MLOPS_DATA_DIR", "/srv/data"}}));
  const std::string explained = to_yaml(root, true, true);
  EXPECT_NE(explained.find("data_dir: /srv/data  # env MLOPS_DATA_DIR\n"), std::string::npos);
  EXPECT_NE(explained.find("runs_dir: dev-runs  # " + dev + ":2:1\n"), std::string::npos);
  EXPECT_NE(explained.find("seed: 1  # " + base + ":1:1\n"), std::string::npos);
  EXPECT_NE(explained.find("log_format: text  # built-in\n"), std::string::npos);
}

TEST_F(ConfigLoad, WithoutConfigDirOnlyDefaultsApply) {
  LoadOptions opts = options();
  opts.config_dir = dir_.file("nowhere");
  ConfigNode root = load_config(opts);
  EXPECT_EQ(root.get("runs_dir")->text(), "runs");
  EXPECT_EQ(root.get("seed")->origin().describe(), "built-in");
}

TEST_F(ConfigLoad, BaseYamlIsOptional) {
  write("configs/dev.yaml", "seed: 2\n");
  EXPECT_EQ(load_config(options()).get("seed")->text(), "2");
}

TEST_F(ConfigLoad, MissingEnvFileIsAnError) {
  write("configs/base.yaml", "seed: 1\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dir_.file("configs") + "/dev.yaml: no such file");
}

TEST_F(ConfigLoad, UnknownEnvironmentSuggestsTheClosest) {
  LoadOptions opts = options();
  opts.env = "prdo";
  EXPECT_EQ(config_error([&] { load_config(opts); }),
            "unknown environment 'prdo' (expected local, dev or prod) (did you mean 'prod'?)");
  opts.env = "staging";
  EXPECT_EQ(config_error([&] { load_config(opts); }),
            "unknown environment 'staging' (expected local, dev or prod)");
}

TEST_F(ConfigLoad, MissingWorkflowFileIsAnError) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.workflow_path = dir_.file("missing.yaml");
  EXPECT_EQ(config_error([&] { load_config(opts); }), dir_.file("missing.yaml") + ": no such file");
}

TEST_F(ConfigLoad, WorkflowFileIsTheRootOrigin) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.workflow_path = write("wf.yaml", "name: w\n");
  EXPECT_EQ(load_config(opts).origin().describe(), *opts.workflow_path);
}

TEST_F(ConfigLoad, UnknownKeyInAFileNamesFileLineAndSuggestion) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.workflow_path =
      write("wf.yaml", "name: w\ntrain:\n  rounds: 3\n  objectve: binary:logistic\n");
  EXPECT_EQ(
      config_error([&] { load_config(opts); }),
      *opts.workflow_path + ":4:3: unknown key 'train.objectve' (did you mean 'train.objective'?)");
}

TEST_F(ConfigLoad, WrongTypeInAFileNamesFileLineAndKey) {
  const std::string dev = write("configs/dev.yaml", "train:\n  rounds: lots\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dev + ":2:3: key 'train.rounds': expected int, got 'lots'");
}

TEST_F(ConfigLoad, YamlSyntaxErrorNamesFileAndLine) {
  const std::string dev = write("configs/dev.yaml", "seed: 1\nruns_dir: [a\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dev + ":3:1: end of sequence flow not found");
}

TEST_F(ConfigLoad, TopLevelMustBeAMap) {
  const std::string dev = write("configs/dev.yaml", "- a\n- b\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dev + ":1:1: expected a map of keys at the top level");
}

TEST_F(ConfigLoad, SetParsesYamlValuesAndCreatesMaps) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.overrides = {"train.params.max_depth=6", "featurize.drop=[id, notes]", "report.title=a=b"};
  ConfigNode root = load_config(opts);
  EXPECT_EQ(root.find_path("train.params.max_depth")->text(), "6");
  EXPECT_EQ(root.find_path("train.params.max_depth")->origin().describe(),
            "--set train.params.max_depth=6");
  EXPECT_EQ(root.find_path("featurize.drop")->as_string_list("featurize.drop"),
            (std::vector<std::string>{"id", "notes"}));
  EXPECT_EQ(root.find_path("report.title")->text(), "a=b");
  EXPECT_EQ(root.find_path("train.rounds")->text(), "100");  // siblings kept
}

TEST_F(ConfigLoad, MalformedSetIsAnError) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.overrides = {"train.rounds"};
  EXPECT_EQ(config_error([&] { load_config(opts); }), "--set 'train.rounds': expected key=value");
  opts.overrides = {"=5"};
  EXPECT_EQ(config_error([&] { load_config(opts); }), "--set '=5': expected key=value");
}

TEST_F(ConfigLoad, SetOfAnUnknownKeyIsAnError) {
  write("configs/dev.yaml", "");
  LoadOptions opts = options();
  opts.overrides = {"train.round=5"};
  EXPECT_EQ(config_error([&] { load_config(opts); }),
            "--set train.round=5: unknown key 'train.round' (did you mean 'train.rounds'?)");
}

TEST_F(ConfigLoad, MlopsEnvironmentVariablesSetNestedKeys) {
  write("configs/dev.yaml", "train: {rounds: 10}\n");
  ConfigNode root = load_config(options({{"MLOPS_TRAIN__ROUNDS", "20"},
                                         {"MLOPS_RUNS_DIR", "/tmp/runs"},
                                         {"MLOPS_WORKFLOWS", "[a.yaml, b.yaml]"},
                                         {"MLOPS_LOG_LEVEL", ""}}));
  EXPECT_EQ(root.find_path("train.rounds")->text(), "20");
  EXPECT_EQ(root.find_path("train.rounds")->origin().describe(), "env MLOPS_TRAIN__ROUNDS");
  EXPECT_EQ(root.get("runs_dir")->text(), "/tmp/runs");
  EXPECT_EQ(root.get("workflows")->items().size(), 2u);
  EXPECT_EQ(root.get("log_level")->text(), "info");  // empty means unset
}

TEST_F(ConfigLoad, WrongTypeFromEnvironmentNamesTheVariable) {
  write("configs/dev.yaml", "");
  EXPECT_EQ(config_error([&] {
              load_config(options({{"MLOPS_TRAIN__ROUNDS", "x"}}));
            }),
            "env MLOPS_TRAIN__ROUNDS: key 'train.rounds': expected int, got 'x'");
}

TEST_F(ConfigLoad, InterpolatesEnvironmentVariablesWithDefaults) {
  write("configs/dev.yaml",
        "store:\n  path: ${DB_DIR}/mlops.db\nreport:\n  title: ${TITLE:-Daily run}\n"
        "description: ${EMPTY:-fallback}\n");
  ConfigNode root = load_config(options({{"DB_DIR", "/var/db"}, {"EMPTY", ""}}));
  EXPECT_EQ(root.find_path("store.path")->text(), "/var/db/mlops.db");
  EXPECT_EQ(root.find_path("report.title")->text(), "Daily run");
  EXPECT_EQ(root.find_path("description")->text(), "fallback");
}

TEST_F(ConfigLoad, InterpolatesConfigKeysFirst) {
  write("configs/dev.yaml", "data_dir: /data/${USER_DIR}\n");
  LoadOptions opts = options({{"USER_DIR", "ana"}, {"data_dir", "from-env"}});
  opts.workflow_path =
      write("wf.yaml", "name: w\ningest:\n  source:\n    path: ${data_dir}/penguins.csv\n");
  ConfigNode root = load_config(opts);
  EXPECT_EQ(root.find_path("ingest.source.path")->text(), "/data/ana/penguins.csv");
}

TEST_F(ConfigLoad, DoubleDollarIsALiteral) {
  write("configs/dev.yaml", "description: cost $${price} and ${X:-${data_dir}}\n");
  EXPECT_EQ(load_config(options()).get("description")->text(), "cost ${price} and data");
}

TEST_F(ConfigLoad, UnsetVariableWithoutDefaultNamesOriginAndKey) {
  LoadOptions opts = options();
  write("configs/dev.yaml", "");
  opts.workflow_path = write("wf.yaml", "name: w\ningest:\n  source:\n    path: ${SRC}/a.csv\n");
  EXPECT_EQ(config_error([&] { load_config(opts); }),
            *opts.workflow_path +
                ":4:5: key 'ingest.source.path': environment variable 'SRC' is not set");
}

TEST_F(ConfigLoad, ReferenceCycleIsAnError) {
  const std::string dev =
      write("configs/dev.yaml", "data_dir: ${runs_dir}/d\nruns_dir: ${data_dir}/r\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dev +
                ":1:1: key 'data_dir': ${...} references form a cycle: "
                "data_dir -> runs_dir -> data_dir");
}

TEST_F(ConfigLoad, UnterminatedReferenceIsAnError) {
  const std::string dev = write("configs/dev.yaml", "data_dir: ${HOME\n");
  EXPECT_EQ(config_error([&] { load_config(options()); }),
            dev + ":1:1: key 'data_dir': unterminated '${' in '${HOME'");
}

}  // namespace
}  // namespace mlops
