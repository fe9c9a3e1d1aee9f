// A run's status is true and the run a command picks without --run is the latest usable one:
// a run whose process died is marked crashed when next opened, a run refused by another
// ingest's lock is `refused` (not failed) and never picked, export-report reports the latest
// run that trained; `validate FILE` needs a contract and `models list --workflow` lists that
// workflow's model only.

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "cli_runner.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

const std::string kCars = " --env local --workflow workflows/cars-mpg.yaml";

/// A pid no process has: a child's, once it has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

class RunState : public ::testing::Test {
 protected:
  CliResult mlops(const std::string& args) {
    return run_mlops(args + " --set runs_dir=" + dir_.file("runs"), dir_);
  }
  std::unique_ptr<TrackingStore> store() {
    return open_sqlite_tracking_store(dir_.file("runs/mlops.db"));
  }
  /// Leaves the run as kill -9 during its ingest does: `running` in its manifest and the
  /// tracking store, no stage recorded, and `pid` as its process.
  void leave_running(const fs::path& root, int64_t pid) {
    nlohmann::json manifest = read_json(root / "manifest.json");
    manifest["status"] = "running";
    manifest["pid"] = pid;
    manifest["stages"] = nlohmann::json::object();
    std::ofstream(root / "manifest.json", std::ios::trunc) << manifest.dump(2);
    RunRow row = *store()->find_run(root.filename().string());
    row.status = "running";
    store()->upsert_run(row);
  }
  /// The run directories, oldest first (run ids start with their start time).
  std::vector<fs::path> runs() {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir_.file("runs"))) {
      if (entry.is_directory()) found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
      return read_json(a / "manifest.json")["started_at_us"].get<int64_t>() <
             read_json(b / "manifest.json")["started_at_us"].get<int64_t>();
    });
    return found;
  }
  TempDir dir_;
};

TEST_F(RunState, RunWhoseProcessDiedIsMarkedCrashedWhenNextOpened) {
  ASSERT_EQ(mlops("ingest" + kCars).exit_code, 0);
  ASSERT_EQ(mlops("ingest" + kCars).exit_code, 0);
  const std::vector<fs::path> both = runs();
  ASSERT_EQ(both.size(), 2u);
  const fs::path& usable = both[0];
  const fs::path& killed = both[1];
  const std::string id = killed.filename().string();
  const nlohmann::json started = read_json(killed / "manifest.json");
  ASSERT_TRUE(started.contains("pid"));
  ASSERT_TRUE(started.contains("host"));

  // A run whose process is alive (this test's) stays running, and is not usable.
  leave_running(killed, ::getpid());
  CliResult alive = mlops("featurize" + kCars);
  ASSERT_EQ(alive.exit_code, 0) << alive.err;
  EXPECT_NE(alive.out.find("cars-mpg " + usable.filename().string() + " featurize: ok"),
            std::string::npos)
      << alive.out;
  EXPECT_EQ(read_json(killed / "manifest.json")["status"], "running");

  const pid_t pid = dead_pid();
  leave_running(killed, pid);
  // --force: featurize of that run is unchanged and would otherwise be skipped.
  CliResult next = mlops("featurize" + kCars + " --force");
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find(fmt::format(
                "run '{}' was left running by process {}, which is gone: marked crashed", id, pid)),
            std::string::npos)
      << next.err;
  EXPECT_NE(next.out.find("cars-mpg " + usable.filename().string() + " featurize: ok"),
            std::string::npos)
      << next.out;
  EXPECT_EQ(read_json(killed / "manifest.json")["status"], "crashed");
  EXPECT_EQ(store()->find_run(id)->status, "crashed");
}

TEST_F(RunState, NextRunMarksADeadRunCrashedAndRemovesItsTempFiles) {
  ASSERT_EQ(mlops("ingest" + kCars).exit_code, 0);
  const fs::path killed = only_run(dir_.file("runs"));
  const pid_t pid = dead_pid();
  leave_running(killed, pid);
  const fs::path temp = killed / "ingest" / ("profile.json.tmp-" + std::to_string(pid) + "-7");
  std::ofstream(temp) << "{\"half\":";
  // Killed before its manifest existed: a folder with a temp file only.
  const fs::path unborn = fs::path(dir_.file("runs")) / "20260101T000000Z-cars-mpg-0000";
  fs::create_directories(unborn);
  const fs::path unborn_temp = unborn / ("config.yaml.tmp-" + std::to_string(pid) + "-0");
  std::ofstream(unborn_temp) << "name:";

  CliResult next = mlops("ingest" + kCars);
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find(fmt::format("run '{}' was left running by process {}, which is gone: "
                                      "marked crashed",
                                      killed.filename().string(), pid)),
            std::string::npos)
      << next.err;
  EXPECT_EQ(read_json(killed / "manifest.json")["status"], "crashed");
  EXPECT_EQ(store()->find_run(killed.filename().string())->status, "crashed");
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(unborn_temp));
}

TEST_F(RunState, RunRefusedByTheLockIsRefusedAndNeverTheLatestRun) {
  ASSERT_EQ(mlops("ingest" + kCars).exit_code, 0);
  const fs::path first = only_run(dir_.file("runs"));

  // Another ingest of the workflow holds the lake's lock.
  const std::string lock = dir_.file("lake/cars-mpg/.lock");
  ASSERT_TRUE(fs::exists(lock));
  const int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  // --force: unchanged data would otherwise skip ingest without taking the lock.
  CliResult refused = mlops("ingest" + kCars + " --force");
  ::close(fd);
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_NE(refused.err.find("another ingest of this workflow is running"), std::string::npos)
      << refused.err;

  fs::path second;
  for (const auto& entry : fs::directory_iterator(dir_.file("runs"))) {
    if (entry.is_directory() && entry.path() != first) second = entry.path();
  }
  ASSERT_FALSE(second.empty());
  const nlohmann::json manifest = read_json(second / "manifest.json");
  EXPECT_EQ(manifest["status"], "refused");
  EXPECT_EQ(manifest["stages"]["ingest"]["status"], "refused");
  EXPECT_EQ(store()->find_run(second.filename().string())->status, "refused");

  // featurize without --run works in the run whose ingest succeeded.
  CliResult featurize = mlops("featurize" + kCars);
  ASSERT_EQ(featurize.exit_code, 0) << featurize.err;
  EXPECT_NE(featurize.out.find("cars-mpg " + first.filename().string() + " featurize: ok"),
            std::string::npos)
      << featurize.out;
}

TEST_F(RunState, ExportReportWithoutRunReportsTheLatestRunThatTrained) {
  ASSERT_EQ(mlops("run" + kCars).exit_code, 0);
  const std::string trained = only_run(dir_.file("runs")).filename().string();
  CliResult scored = mlops("batch-predict" + kCars + " --input data/cars.json");
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  CliResult report = mlops("export-report" + kCars);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("cars-mpg " + trained + " report: ok"), std::string::npos)
      << report.out;
}

TEST_F(RunState, ValidateOfAFileWithoutAContractIsAUsageError) {
  // With a run to validate, the file must still not be silently ignored.
  ASSERT_EQ(mlops("ingest" + kCars).exit_code, 0);
  ASSERT_EQ(mlops("featurize" + kCars).exit_code, 0);
  CliResult result = mlops("validate" + kCars + " tests/fixtures/seattle-weather.csv");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("validate: tests/fixtures/seattle-weather.csv needs --contract FILE "
                            "(the contract to check it against)"),
            std::string::npos)
      << result.err;
}

TEST_F(RunState, ModelsListOfAWorkflowListsItsModelOnly) {
  ASSERT_EQ(mlops("run" + kCars).exit_code, 0);
  ASSERT_EQ(mlops("run --env local --workflow workflows/penguins-species.yaml").exit_code, 0);
  CliResult every = mlops("models list --format json");
  ASSERT_EQ(every.exit_code, 0) << every.err;
  EXPECT_EQ(nlohmann::json::parse(every.out).size(), 2u);
  CliResult cars = mlops("models list --format json" + kCars);
  ASSERT_EQ(cars.exit_code, 0) << cars.err;
  const nlohmann::json listed = nlohmann::json::parse(cars.out);
  ASSERT_EQ(listed.size(), 1u) << cars.out;
  EXPECT_EQ(listed[0]["model"], "cars-mpg");
}

}  // namespace
}  // namespace mlops::testing
