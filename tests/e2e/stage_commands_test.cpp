// Each stage subcommand run alone on the previous stage's outputs, and the errors a user meets.

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class StageCommands : public ::testing::Test {
 protected:
  CliResult mlops(const std::string& args, const std::string& env_prefix = "") {
    return run_mlops(args + " --set runs_dir=" + dir_.file("runs"), dir_, env_prefix);
  }
  TempDir dir_;
};

TEST_F(StageCommands, EachStageRunsAloneOnThePreviousOutputs) {
  const std::string workflow = " --env local --workflow workflows/cars-mpg.yaml";
  for (const char* command :
       {"ingest", "featurize", "validate", "train", "batch-predict", "export-report"}) {
    CliResult result = mlops(command + workflow);
    ASSERT_EQ(result.exit_code, 0) << command << ": " << result.err;
  }
  fs::path root = only_run(dir_.file("runs"));
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  // Rerunning one step works in the same run and replaces its outputs.
  CliResult again = mlops("train" + workflow + " --set train.rounds=20");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(only_run(dir_.file("runs")), root);
  EXPECT_EQ(read_json(root / "train" / "model_meta.json")["rounds"], 20);
}

// `mlops run` hands each stage's table to the next in memory; the stages run one by one read
// the files back. Both must produce the same artifacts, byte for byte.
TEST_F(StageCommands, RunInOneProcessMatchesTheStagesRunAlone) {
  for (const char* name : {"cars-mpg", "penguins-species"}) {
    const std::string workflow = std::string(" --env local --workflow workflows/") + name +
                                 ".yaml --set predict.scored_at=2026-11-22T00:00:00Z";
    auto in = [&](const char* home) { return " --set runs_dir=" + dir_.file(home) + "/runs"; };
    CliResult whole = run_mlops("run" + workflow + in("whole"), dir_);
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    for (const char* command :
         {"ingest", "featurize", "validate", "train", "batch-predict", "export-report"}) {
      CliResult result = run_mlops(command + workflow + in("alone"), dir_);
      ASSERT_EQ(result.exit_code, 0) << command << ": " << result.err;
    }
    const fs::path one = only_run(dir_.file("whole") + "/runs");
    const fs::path other = only_run(dir_.file("alone") + "/runs");
    for (const char* file :
         {"ingest/clean.csv", "featurize/features.csv", "featurize/feature_state.json",
          "validate/contracts.json", "train/model.json", "train/curve.json", "train/profile.json",
          "metrics.json", "predict/predictions.csv"}) {
      ASSERT_TRUE(fs::exists(one / file)) << file;
      EXPECT_EQ(slurp(one / file), slurp(other / file)) << name << ": " << file;
    }
    fs::remove_all(dir_.file("whole"));
    fs::remove_all(dir_.file("alone"));
  }
}

TEST_F(StageCommands, StageWithoutItsInputSaysWhatToRunFirst) {
  CliResult ingest = mlops("ingest --env local --workflow workflows/cars-mpg.yaml");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  CliResult train = mlops("train --env local --workflow workflows/cars-mpg.yaml");
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_NE(train.err.find("has no validate output yet; `mlops train` needs it: run `mlops "
                           "validate` first"),
            std::string::npos)
      << train.err;
}

TEST_F(StageCommands, NoRunYetIsAUsageError) {
  CliResult result = mlops("featurize --env local --workflow workflows/cars-mpg.yaml");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no run of workflow 'cars-mpg'"), std::string::npos) << result.err;
}

TEST_F(StageCommands, WrongTypeInSetIsAConfigErrorNamingTheKey) {
  CliResult result =
      mlops("run --env local --workflow workflows/cars-mpg.yaml --set train.rounds=many");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("train.rounds"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("'many'"), std::string::npos) << result.err;
}

TEST_F(StageCommands, UnknownKeyInWorkflowNamesFileLineAndSuggestion) {
  std::string workflow = slurp(MLOPS_SOURCE_DIR "/workflows/cars-mpg.yaml");
  workflow.replace(workflow.find("  rounds: 300"), 12, "  roundz: 300");
  std::string path = dir_.write("bad.yaml", workflow);
  CliResult result = mlops("run --env local --workflow " + path);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(path + ":"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("unknown key 'train.roundz' (did you mean 'train.rounds'?)"),
            std::string::npos)
      << result.err;
}

TEST_F(StageCommands, MissingWorkflowFileIsAConfigError) {
  CliResult result = mlops("run --env local --workflow workflows/nope.yaml");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("workflows/nope.yaml: no such file"), std::string::npos) << result.err;
}

TEST_F(StageCommands, WrongTypedDataQuarantinesEveryRowAndSaysSoOnce) {
  // Every body mass is text: each record is quarantined, and ingest stops the run with one
  // message (exit 4) instead of a failed contract check per column.
  std::string data = slurp(MLOPS_SOURCE_DIR "/data/penguins.json");
  for (size_t at = data.find("\"Body Mass (g)\": "); at != std::string::npos;
       at = data.find("\"Body Mass (g)\": ", at + 1)) {
    size_t value = at + 17;
    size_t end = data.find_first_of(",\n}", value);
    data.replace(value, end - value, "\"heavy\"");
  }
  dir_.write("data/penguins.json", data);
  CliResult result =
      mlops("run --env local --workflow workflows/penguins-species.yaml --set data_dir=" +
            dir_.file("data"));
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("mlops: data error: all 344 rows were quarantined; first reasons: "
                            "cannot parse 'heavy' as float64 (" +
                            dir_.file("data/penguins.json") + " line 2)\n"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("check row_count failed"), std::string::npos) << result.err;
  fs::path root = only_run(dir_.file("runs"));
  EXPECT_EQ(count_lines(slurp(root / "ingest" / "quarantine.jsonl")), 344u);
  EXPECT_NE(slurp(root / "ingest" / "quarantine.jsonl").find("heavy"), std::string::npos);
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "failed");
  EXPECT_EQ(manifest["stages"]["ingest"]["status"], "failed");
  EXPECT_FALSE(manifest["stages"].contains("featurize"));
}

TEST_F(StageCommands, MissingColumnStopsWithItsName) {
  std::string data = slurp(MLOPS_SOURCE_DIR "/data/cars.json");
  for (size_t at = data.find("\"Origin\":"); at != std::string::npos;
       at = data.find("\"Origin\":")) {
    size_t line_start = data.rfind('\n', at);
    size_t line_end = data.find('\n', at);
    data.erase(line_start, line_end - line_start);
  }
  // Removing the last key leaves "...01-01"," before "}": drop the dangling commas.
  for (size_t at = data.find(",\n   }"); at != std::string::npos; at = data.find(",\n   }")) {
    data.erase(at, 1);
  }
  dir_.write("data/cars.json", data);
  CliResult result = mlops("run --env local --workflow workflows/cars-mpg.yaml --set data_dir=" +
                           dir_.file("data"));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(result.exit_code == 3 || result.exit_code == 4) << result.exit_code << result.err;
  EXPECT_NE(result.err.find("'Origin'"), std::string::npos) << result.err;
}

TEST_F(StageCommands, VersionAndHelp) {
  CliResult version = run_mlops("--version", dir_);
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "mlops 0.1.0\n");
  CliResult help = run_mlops("train --help", dir_);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--env", "--workflow", "--set", "--run", "--log-format"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(StageCommands, UnknownCommandSuggestsTheClosest) {
  CliResult result = run_mlops("trian", dir_);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown command 'trian' (did you mean 'train'?)"), std::string::npos)
      << result.err;
}

TEST_F(StageCommands, ConfigShowPrintsEffectiveProdConfigWithOrigins) {
  CliResult result = run_mlops("config show --env prod --explain", dir_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("/srv/mlops/data"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("configs/prod.yaml:"), std::string::npos) << result.out;
  CliResult with_env = run_mlops("config show --env prod", dir_, "MLOPS_DATA_DIR=/mnt/elsewhere");
  EXPECT_NE(with_env.out.find("/mnt/elsewhere"), std::string::npos) << with_env.out;
}

TEST_F(StageCommands, ValidateFilesAgainstAContract) {
  std::string contract = dir_.write("contract.yaml",
                                    "rows: {min: 1}\ncolumns:\n  weather: {dtype: string, values: "
                                    "[drizzle, rain, sun, snow, fog]}\n  temp_max: {dtype: "
                                    "float64, min: -30, max: 45}\n");
  const std::string data = " tests/fixtures/seattle-weather.csv";
  CliResult ok = run_mlops("validate --contract " + contract + data, dir_);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("seattle-weather.csv: ok (1461 rows"), std::string::npos) << ok.out;

  std::string strict =
      dir_.write("strict.yaml", "columns:\n  temp_max: {max: 30}\n  wind: {dtype: int64}\n");
  CliResult bad = run_mlops("validate --format json --contract " + strict + data, dir_);
  EXPECT_EQ(bad.exit_code, 3);
  nlohmann::json reports = nlohmann::json::parse(bad.out);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0]["passed"].get<bool>());
  bool saw_max = false;
  for (const auto& check : reports[0]["checks"]) {
    if (check["check"] == "max") {
      saw_max = true;
      EXPECT_FALSE(check["passed"].get<bool>());
      EXPECT_EQ(check["example_rows"].size(), 5u);
    }
    if (check["check"] == "dtype") {
      EXPECT_EQ(check["observed"], "float64");
    }
  }
  EXPECT_TRUE(saw_max);
}

}  // namespace
}  // namespace mlops::testing

namespace mlops::testing {
namespace {

TEST(Docs, ConfigReferenceIsGeneratedFromTheKeyTable) {
  TempDir dir;
  CliResult keys = run_mlops("config keys", dir);
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_EQ(keys.out, slurp(MLOPS_SOURCE_DIR "/docs/config.md"))
      << "docs/config.md is stale: run `build/mlops config keys > docs/config.md`";
}

}  // namespace
}  // namespace mlops::testing
