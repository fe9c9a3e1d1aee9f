// Skipping unchanged work (issue 15 item 12): the daily cron on unchanged data reruns nothing
// and registers no new version; --force reruns; a changed config value reruns its stage and
// what is downstream; appended rows rerun everything; `mlops status` says which and why.

#include <gtest/gtest.h>

#include <fstream>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kStages[] = {"ingest", "featurize", "validate", "train", "predict"};

class SkipUnchanged : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("data.csv", rows(1, 240));
    dir_.write("wf.yaml",
               "name: skipper\n"
               "ingest: {source: {path: data.csv}}\n"
               "featurize: {label: {column: y}, drop: [id]}\n"
               "train:\n"
               "  objective: 'reg:squarederror'\n"
               "  rounds: 5\n"
               "  split: {type: random, holdout: 0.25}\n"
               "  params: {max_depth: 3, nthread: 1}\n"
               "predict: {id_columns: [id]}\n");
  }
  /// id, two features and a label they determine.
  static std::string rows(int first, int last, bool header = true) {
    std::string csv = header ? "id,x1,x2,y\n" : "";
    for (int id = first; id <= last; ++id) {
      const int x1 = (id * 7) % 23, x2 = (id * 13) % 17;
      csv += std::to_string(id) + "," + std::to_string(x1) + "," + std::to_string(x2) + "," +
             std::to_string(3 * x1 + x2) + "\n";
    }
    return csv;
  }
  CliResult mlops(const std::string& command, const std::string& extra = "") {
    return run_mlops_in(dir_.path().string(),
                        command + " --workflow wf.yaml --set runs_dir=runs " + extra, dir_);
  }
  /// The id of the run `mlops run` printed ("skipper <id>: ok").
  static std::string run_id(const CliResult& result) {
    const size_t start = result.out.find("skipper ") + 8;
    return result.out.substr(start, result.out.find(':', start) - start);
  }
  json manifest(const std::string& run) {
    return read_json(dir_.path() / "runs" / run / "manifest.json");
  }
  static std::string skipped(const std::string& stage, const std::string& run) {
    return stage + ": unchanged since run " + run + ", skipped; --force reruns";
  }
  TempDir dir_;
};

TEST_F(SkipUnchanged, StatusBeforeAnyRunSaysNeverRun) {
  CliResult status = mlops("status");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("skipper: 5 of 6 stages stale\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("  ingest     stale: never run\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("  featurize  stale: never run; upstream ingest is stale\n"),
            std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("  report     always runs: export-report always runs (it is cheap)"),
            std::string::npos)
      << status.out;
  CliResult check = mlops("status", "--check");
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find("status: skipper has stale stages; `mlops run` reruns them"),
            std::string::npos)
      << check.err;
}

TEST_F(SkipUnchanged, SecondRunOnUnchangedDataSkipsAndRegistersNoNewVersion) {
  CliResult first = mlops("run");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string one = run_id(first);
  EXPECT_EQ(first.err.find("skipped"), std::string::npos) << first.err;

  CliResult second = mlops("run");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string two = run_id(second);
  ASSERT_NE(one, two);
  for (const char* stage : kStages) {
    EXPECT_NE(second.err.find(skipped(stage, one)), std::string::npos) << stage << second.err;
  }
  EXPECT_EQ(second.err.find("registry:"), std::string::npos) << second.err;
  EXPECT_TRUE(fs::exists(dir_.path() / "models" / "skipper" / "v1"));
  EXPECT_FALSE(fs::exists(dir_.path() / "models" / "skipper" / "v2"));

  // The manifest says which run's outputs were reused; the files are there for the report.
  const json record = manifest(two);
  EXPECT_EQ(record["status"], "ok");
  for (const char* stage : kStages) {
    EXPECT_EQ(record["stages"][stage]["status"], "skipped") << stage;
    EXPECT_EQ(record["stages"][stage]["reused_from"], one) << stage;
    EXPECT_EQ(record["stages"][stage]["skip_reason"], "unchanged since run " + one) << stage;
  }
  EXPECT_EQ(record["stages"]["report"]["status"], "ok");
  EXPECT_EQ(record["stages"]["train"]["details"]["registry"]["version"], 1);
  const fs::path root_one = dir_.path() / "runs" / one, root_two = dir_.path() / "runs" / two;
  EXPECT_EQ(slurp(root_two / "train" / "model.json"), slurp(root_one / "train" / "model.json"));
  EXPECT_EQ(slurp(root_two / "metrics.json"), slurp(root_one / "metrics.json"));
  EXPECT_TRUE(fs::exists(root_two / "predict" / "predictions.csv"));
  EXPECT_NE(slurp(root_two / "report" / "report.html").find("rmse"), std::string::npos);

  // A third run reuses the same outputs, still naming the run that made them.
  CliResult third = mlops("run");
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find(skipped("train", one)), std::string::npos) << third.err;

  CliResult status = mlops("status");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("skipper: up to date\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("  train      up to date (run " + run_id(third) + ", outputs of run " +
                            one + ")\n"),
            std::string::npos)
      << status.out;
  EXPECT_EQ(mlops("status", "--check").exit_code, 0);
  CliResult as_json = mlops("status", "--format json");
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json parsed = json::parse(as_json.out);
  EXPECT_EQ(parsed["stale"], false);
  const json& stages = parsed["workflows"][0]["stages"];
  ASSERT_EQ(stages.size(), 6u);
  EXPECT_EQ(stages[3]["stage"], "train");
  EXPECT_EQ(stages[3]["state"], "up to date");
  EXPECT_EQ(stages[3]["reused_from"], one);
  EXPECT_EQ(stages[5]["state"], "always runs");
}

TEST_F(SkipUnchanged, ForceRerunsEveryStage) {
  ASSERT_EQ(mlops("run").exit_code, 0);
  CliResult forced = mlops("run", "--force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.err.find("skipped"), std::string::npos) << forced.err;
  const json record = manifest(run_id(forced));
  for (const char* stage : kStages) EXPECT_EQ(record["stages"][stage]["status"], "ok") << stage;
  EXPECT_TRUE(fs::exists(dir_.path() / "models" / "skipper" / "v2"));
  EXPECT_EQ(record["stages"]["ingest"]["details"]["rows_added"], 0);
  CliResult status = mlops("status");
  EXPECT_NE(status.out.find("skipper: up to date\n"), std::string::npos) << status.out;
}

TEST_F(SkipUnchanged, StageCommandsSkipToo) {
  CliResult first = mlops("ingest");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string one = first.out.substr(8, first.out.find(' ', 8) - 8);
  CliResult again = mlops("ingest");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find(skipped("ingest", one)), std::string::npos) << again.err;
  EXPECT_NE(again.out.find(" ingest: skipped, unchanged since run " + one + " (240 rows)\n"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("/ingest/clean.csv\n"), std::string::npos) << again.out;
  // featurize works in the latest run, whose ingest was skipped.
  CliResult featurize = mlops("featurize");
  ASSERT_EQ(featurize.exit_code, 0) << featurize.err;
  EXPECT_NE(featurize.out.find(" featurize: ok"), std::string::npos) << featurize.out;
  CliResult forced = mlops("ingest", "--force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find(" ingest: ok"), std::string::npos) << forced.out;
  // No new data: the forced ingest's clean table is the same bytes, so featurize (last run on
  // the skipped ingest's table) is still up to date.
  CliResult status = mlops("status");
  EXPECT_NE(status.out.find("  featurize  up to date"), std::string::npos) << status.out;
}

TEST_F(SkipUnchanged, ChangedRoundsRerunsTrainAndWhatFollowsOnly) {
  CliResult first = mlops("run");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string one = run_id(first);

  CliResult status = mlops("status", "--set train.rounds=40");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("skipper: 2 of 6 stages stale\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("  validate   up to date (run " + one + ")\n"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("  train      stale: config changed: train.rounds\n"),
            std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("  predict    stale: upstream train is stale\n"), std::string::npos)
      << status.out;
  CliResult check = mlops("status", "--set train.rounds=40 --check");
  EXPECT_EQ(check.exit_code, 1) << check.err;
  const json parsed = json::parse(mlops("status", "--set train.rounds=40 --format json").out);
  EXPECT_EQ(parsed["stale"], true);
  EXPECT_EQ(parsed["workflows"][0]["stages"][3]["changed_config"], json::array({"train.rounds"}));
  EXPECT_EQ(parsed["workflows"][0]["stages"][0]["state"], "up to date");

  CliResult rerun = mlops("run", "--set train.rounds=40");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  for (const char* stage : {"ingest", "featurize", "validate"}) {
    EXPECT_NE(rerun.err.find(skipped(stage, one)), std::string::npos) << stage << rerun.err;
  }
  EXPECT_EQ(rerun.err.find("train: unchanged"), std::string::npos) << rerun.err;
  const json record = manifest(run_id(rerun));
  EXPECT_EQ(record["stages"]["train"]["status"], "ok");
  EXPECT_EQ(record["stages"]["train"]["details"]["registry"]["version"], 2);
  // 40 rounds fit the noise-free label better: v2 is the champion and scores the table.
  EXPECT_EQ(record["stages"]["predict"]["status"], "ok");
  EXPECT_EQ(record["stages"]["predict"]["details"]["model_version"], "v2");
  EXPECT_NE(mlops("status", "--set train.rounds=40").out.find("skipper: up to date\n"),
            std::string::npos);
}

TEST_F(SkipUnchanged, AppendedRowsRerunEverything) {
  CliResult first = mlops("run");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::ofstream(dir_.file("data.csv"), std::ios::app) << rows(241, 260, false);

  CliResult status = mlops("status");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("  ingest     stale: input changed: source skipper: data.csv\n"),
            std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("  featurize  stale: upstream ingest is stale\n"), std::string::npos)
      << status.out;
  const json parsed = json::parse(mlops("status", "--format json").out);
  EXPECT_EQ(parsed["workflows"][0]["stages"][0]["changed_inputs"],
            json::array({"source skipper: data.csv"}));

  CliResult rerun = mlops("run");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(rerun.err.find("unchanged since"), std::string::npos) << rerun.err;
  const json record = manifest(run_id(rerun));
  for (const char* stage : {"ingest", "featurize", "validate", "train"}) {
    EXPECT_EQ(record["stages"][stage]["status"], "ok") << stage;
  }
  EXPECT_EQ(record["stages"]["ingest"]["details"]["rows_added"], 20);
  EXPECT_EQ(record["stages"]["ingest"]["rows"], 260);
}

TEST_F(SkipUnchanged, AMissingOutputRerunsItsStage) {
  CliResult first = mlops("run");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string one = run_id(first);
  fs::remove(dir_.path() / "runs" / one / "train" / "model.json");

  CliResult status = mlops("status");
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(
      status.out.find("  train      stale: output runs/" + one + "/train/model.json is missing\n"),
      std::string::npos)
      << status.out;
  CliResult rerun = mlops("run");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find(skipped("validate", one)), std::string::npos) << rerun.err;
  EXPECT_EQ(manifest(run_id(rerun))["stages"]["train"]["status"], "ok");
  EXPECT_TRUE(fs::exists(dir_.path() / "runs" / run_id(rerun) / "train" / "model.json"));
}

}  // namespace
}  // namespace mlops::testing
