// A workflow is parsed whole at load: a misspelt transform type, contract key or objective
// fails `mlops run` with exit 2 and file:line:key plus a suggestion, before any stage writes.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kData = "a,b,y\n1,2.5,x\n2,3.5,z\n3,1.0,x\n4,0.5,z\n";

class WorkflowCheck : public ::testing::Test {
 protected:
  // Writes data.csv and wf.yaml (`train` and `extra` appended to a valid workflow), then runs
  // `mlops <command> --workflow wf.yaml` in the temp dir.
  CliResult run(const std::string& command, const std::string& featurize, const std::string& train,
                const std::string& contracts = "") {
    dir_.write("data.csv", kData);
    dir_.write("wf.yaml",
               "name: w\n"
               "ingest:\n"
               "  source: {path: data.csv}\n"
               "featurize:\n" +
                   featurize +
                   "  label: {column: y}\n"
                   "train:\n" +
                   train + contracts);
    return run_mlops_in(dir_.path().string(), command + " --env local --workflow wf.yaml", dir_);
  }
  void expect_nothing_written() const {
    EXPECT_FALSE(fs::exists(dir_.file("lake")));
    EXPECT_FALSE(fs::exists(dir_.file("runs")) && !fs::is_empty(dir_.file("runs")));
    EXPECT_FALSE(fs::exists(dir_.file("models")));
  }
  std::string wf() const { return dir_.file("wf.yaml"); }
  TempDir dir_;
};

constexpr const char* kTransforms = "  transforms:\n    - {type: log1p, column: b}\n";
constexpr const char* kTrain = "  objective: binary:logistic\n  rounds: 2\n";

TEST_F(WorkflowCheck, MisspeltTransformTypeStopsTheRunBeforeIngest) {
  CliResult result = run("run", "  transforms:\n    - {type: log1pp, column: b}\n", kTrain);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:6:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("(did you mean 'log1p'?)"), std::string::npos) << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, MisspeltObjectiveStopsTheRunBeforeIngest) {
  CliResult result = run("run", kTransforms, "  objective: multi:softmaxx\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:9:3: key 'train.objective': expected one of"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("got 'multi:softmaxx' (did you mean 'multi:softmax'?)"),
            std::string::npos)
      << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, MisspeltXgboostParameterStopsTheRunBeforeIngest) {
  CliResult result = run("run", kTransforms, std::string(kTrain) + "  params: {max_dpth: 3}\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:11:12: unknown key 'train.params.max_dpth' (did you mean "
                            "'train.params.max_depth'?)"),
            std::string::npos)
      << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, MisspeltKeyInAContractFileStopsTheRunBeforeIngest) {
  dir_.write("contract.yaml", "rows: {min: 1}\ncolums:\n  a: {dtype: int64}\n");
  CliResult result = run("run", kTransforms, kTrain, "contracts: {ingest: contract.yaml}\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("contract.yaml:2:1: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("'colums' (did you mean 'columns'?)"), std::string::npos) << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, UnknownInlineContractCheckStopsTheRunBeforeIngest) {
  CliResult result =
      run("run", kTransforms, kTrain,
          "contracts:\n  featurize:\n    columns:\n      b: {dtype: float64, mni: 0}\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:14:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("unknown contract key 'columns.b.mni' (did you mean 'min'?)"),
            std::string::npos)
      << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, MissingContractFileNamesTheWorkflowKey) {
  CliResult result = run("run", kTransforms, kTrain, "contracts: {ingest: nowhere.yaml}\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:11:13: key 'contracts.ingest': contract file 'nowhere.yaml' "
                            "does not exist"),
            std::string::npos)
      << result.err;
  expect_nothing_written();
}

TEST_F(WorkflowCheck, ConfigShowRejectsAnUnknownContractKey) {
  CliResult result = run("config show", kTransforms, kTrain,
                         "contracts:\n  ingest: {rows: {min: 1}, colums: {}}\n");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("wf.yaml:12:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("'colums' (did you mean 'columns'?)"), std::string::npos) << result.err;
}

TEST_F(WorkflowCheck, StageCommandChecksTheWholeWorkflowToo) {
  CliResult result = run("ingest", "  transforms:\n    - {type: log1pp, column: b}\n", kTrain);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("(did you mean 'log1p'?)"), std::string::npos) << result.err;
  expect_nothing_written();
}

}  // namespace
}  // namespace mlops::testing
