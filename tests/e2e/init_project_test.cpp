// `mlops init DIR`, then `mlops run --env local` inside the new project: the scaffold works
// right away, and init never loses a file that was already there.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "mlops/scaffold/templates.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

size_t count_entries(const fs::path& dir) {
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::recursive_directory_iterator(dir)) ++entries;
  return entries;
}

class InitProject : public ::testing::Test {
 protected:
  CliResult init(const fs::path& dir, const std::string& flags = "") {
    return run_mlops(fmt::format("init '{}' {}", dir.string(), flags), scratch_);
  }
  fs::path project() const { return dir_.path() / "proj"; }
  TempDir dir_;      // where projects are created
  TempDir scratch_;  // captured output, apart so it never makes a project dir non-empty
};

TEST_F(InitProject, NewProjectRunsLocallyRightAway) {
  CliResult created = init(project(), "--name demo-proj");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("  create  workflows/demo-proj.yaml\n"), std::string::npos);
  EXPECT_NE(created.out.find(fmt::format("project demo-proj in {}: {} written, 0 skipped",
                                         project().string(), project_templates().size())),
            std::string::npos)
      << created.out;

  CliResult run = run_mlops_in(project().string(), "run --env local", scratch_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("demo-proj "), std::string::npos);
  fs::path root = only_run(project() / "runs");
  nlohmann::json manifest = read_json(root / "manifest.json");
  EXPECT_EQ(manifest["status"], "ok");
  EXPECT_EQ(manifest["workflow"], "demo-proj");
  EXPECT_EQ(manifest["env"], "local");
  size_t checks = 0;
  for (const char* stage : {"ingest", "featurize", "validate", "train", "predict", "report"}) {
    ASSERT_EQ(manifest["stages"][stage]["status"], "ok") << stage;
    for (const auto& report : manifest["stages"][stage]["contracts"]) {
      for (const auto& check : report["checks"]) {
        EXPECT_TRUE(check["passed"].get<bool>()) << stage << ": " << check.dump();
        ++checks;
      }
    }
  }
  EXPECT_GT(checks, 30u);  // the built-in checks plus contracts/weather.yaml and the inline ones
  EXPECT_EQ(manifest["stages"]["ingest"]["rows"], 365);
  EXPECT_EQ(count_lines(slurp(root / "ingest" / "quarantine.jsonl")), 0u);

  // Rainy or not, from temperatures, wind and season: a useful model, and the baseline it is
  // compared with is a real one (logistic regression or the majority class).
  nlohmann::json metrics = read_json(root / "metrics.json");
  nlohmann::json train_metrics = read_json(root / "train" / "metrics.json");
  EXPECT_GT(metrics["auc"].get<double>(), 0.8);
  EXPECT_GT(metrics["accuracy"].get<double>(), 0.75);
  EXPECT_TRUE(train_metrics["baseline"]["model"] == "logistic_regression" ||
              train_metrics["baseline"]["model"] == "majority_class")
      << train_metrics["baseline"];
  EXPECT_TRUE(fs::exists(root / "train" / "model.json"));
  std::string predictions = slurp(root / "predict" / "predictions.csv");
  EXPECT_EQ(count_lines(predictions), 366u);  // header + one per day
  EXPECT_EQ(predictions.substr(0, predictions.find('\n')),
            "date,prediction,probability,model_version,scored_at");
  std::string report = slurp(root / "report" / "report.html");
  EXPECT_NE(report.find("demo-proj: rainy days"), std::string::npos);
  EXPECT_NE(report.find("auc"), std::string::npos);
}

TEST_F(InitProject, ProdConfigReadsItsSecretsFromTheEnvironment) {
  ASSERT_EQ(init(project()).exit_code, 0);
  CliResult unset = run_mlops_in(project().string(), "config show --env prod", scratch_,
                                 "env -u PROD_DATA_DIR -u PROD_TRACKING_DB");
  ASSERT_EQ(unset.exit_code, 0) << unset.err;
  EXPECT_NE(unset.out.find("data_dir: data\n"), std::string::npos) << unset.out;
  EXPECT_NE(unset.out.find("path: prod-state/runs/mlops.db\n"), std::string::npos) << unset.out;
  CliResult set = run_mlops_in(project().string(), "config show --env prod", scratch_,
                               "PROD_DATA_DIR=/mnt/weather PROD_TRACKING_DB=/mnt/db/mlops.db");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  // Values taken from the environment are shown masked, like every ${VAR} value (issue 15/18).
  EXPECT_NE(set.out.find("data_dir: \"****\"\n"), std::string::npos) << set.out;
  EXPECT_NE(set.out.find("path: \"****\"\n"), std::string::npos) << set.out;
  EXPECT_EQ(set.out.find("/mnt/weather"), std::string::npos) << set.out;
}

TEST_F(InitProject, NonEmptyDirectoryIsRefusedAndLeftAsItWas) {
  const std::string notes = dir_.write("proj/notes.txt", "keep me\n");
  CliResult result = init(project());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(fmt::format(
                "mlops: config error: init: '{}' is not empty (1 entry); pass --force to add the "
                "project files next to them (existing files are never overwritten)",
                project().string())),
            std::string::npos)
      << result.err;
  EXPECT_EQ(count_entries(project()), 1u);
  EXPECT_EQ(slurp(notes), "keep me\n");
}

TEST_F(InitProject, ForceAddsTheProjectButNeverOverwrites) {
  const std::string readme = dir_.write("proj/README.md", "# my notes\n");
  CliResult result = init(project(), "--name weather --force");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  skip    README.md (exists)\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("1 skipped"), std::string::npos);
  EXPECT_EQ(slurp(readme), "# my notes\n");
  EXPECT_TRUE(fs::exists(project() / "workflows" / "weather.yaml"));
  EXPECT_EQ(count_entries(project() / "configs"), 4u);
}

TEST_F(InitProject, NameDefaultsToTheDirectoryAndMustBeSafe) {
  ASSERT_EQ(init(dir_.file("churn-model") + "/").exit_code, 0);
  EXPECT_TRUE(fs::exists(dir_.path() / "churn-model" / "workflows" / "churn-model.yaml"));
  EXPECT_NE(slurp(dir_.path() / "churn-model" / "configs" / "base.yaml")
                .find("  - workflows/churn-model.yaml\n"),
            std::string::npos);

  CliResult bad = init(project(), "--name ../evil");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("project name '../evil' is not valid"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(project()));
}

}  // namespace
}  // namespace mlops::testing
