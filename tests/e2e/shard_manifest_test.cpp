// The shards of one batch prediction run as concurrent processes record every shard in the
// run's manifest (pipeline/shard_records.h): on SQLite, four `batch-predict --run R --shard K/4`
// at once in one runs_dir (each used to rewrite manifest.json whole, the last one winning); on
// PostgreSQL, four "machines" (a runs_dir each) joining one named run with `--run NAME
// --input ...`, whose shard rows in the shared tracking store reach every machine's manifest.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "cli_runner.h"
#include "flight_registry_workflow.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"

namespace mlops::testing {
namespace shard_manifest_test {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kShards = 4;

/// Runs every shell command line at once (each `mlops ARGS`, env prefix first); results in
/// order.
std::vector<CliResult> at_once(const std::vector<std::pair<std::string, std::string>>& jobs) {
  std::vector<CliResult> results(jobs.size());
  std::vector<std::unique_ptr<TempDir>> scratch;
  for (size_t i = 0; i < jobs.size(); ++i) scratch.push_back(std::make_unique<TempDir>());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < jobs.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = run_mlops(jobs[i].second, *scratch[i], jobs[i].first); });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

/// Checks the merged predict entry of a manifest that holds every shard: each shard's
/// own entry and file, the rows summed.
void expect_every_shard(const json& manifest, size_t rows) {
  const json& entry = manifest["stages"]["predict"];
  ASSERT_TRUE(entry.contains("shards")) << entry.dump(1);
  EXPECT_EQ(entry["shards"].size(), static_cast<size_t>(kShards)) << entry["shards"].dump(1);
  EXPECT_EQ(entry["details"]["shard_count"], kShards);
  EXPECT_EQ(entry["details"]["shards_recorded"], kShards);
  EXPECT_EQ(entry["status"], "ok");
  EXPECT_EQ(entry["rows"], rows);
  std::set<std::string> outputs;
  for (const auto& output : entry["outputs"]) {
    outputs.insert(fs::path(output["path"].get<std::string>()).filename().string());
  }
  for (int shard = 0; shard < kShards; ++shard) {
    const std::string key = fmt::format("{}/{}", shard, kShards);
    ASSERT_TRUE(entry["shards"].contains(key)) << entry["shards"].dump(1);
    EXPECT_EQ(entry["shards"][key]["details"]["shard"], key);
    EXPECT_FALSE(entry["shards"][key]["host"].get<std::string>().empty());
    EXPECT_TRUE(outputs.contains(fmt::format("predictions-{}-of-{}.csv", shard, kShards)))
        << entry["outputs"].dump(1);
  }
}

class ShardManifest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("jan.csv", flights_with_ids("flights-2001-01.csv", "jan-"));
    dir_.write("jun.csv", flights_with_ids("flights-2001-06.csv", "jun-"));
    workflow_ = dir_.write("flights.yaml",
                           flight_registry_yaml("flight-shards", dir_.file("jan.csv"), 5, 3));
  }
  std::string on(const std::string& machine, const std::string& args) const {
    return args + " --workflow " + workflow_ + " --set runs_dir=" + dir_.file(machine + "/runs");
  }

  TempDir dir_;
  std::string workflow_;
};

TEST_F(ShardManifest, ShardsOfOneRunAtOnceInOneRunsDirAllReachTheManifest) {
  CliResult trained = run_mlops(on("a", "run"), dir_);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const fs::path run = only_run(dir_.file("a/runs"));
  const std::string run_id = run.filename().string();
  std::vector<std::pair<std::string, std::string>> shards;
  for (int shard = 0; shard < kShards; ++shard) {
    shards.push_back(
        {"", on("a", fmt::format("batch-predict --run {} --shard {}/{}", run_id, shard, kShards))});
  }
  for (const auto& result : at_once(shards)) ASSERT_EQ(result.exit_code, 0) << result.err;

  // Every shard scored a part of the run's clean table; together all of it, once.
  const size_t clean_rows = count_lines(slurp(run / "ingest" / "clean.csv")) - 1;
  size_t scored = 0;
  for (int shard = 0; shard < kShards; ++shard) {
    const fs::path file = run / "predict" / fmt::format("predictions-{}-of-{}.csv", shard, kShards);
    ASSERT_TRUE(fs::exists(file)) << file;
    scored += count_lines(slurp(file)) - 1;
  }
  EXPECT_EQ(scored, clean_rows);
  expect_every_shard(read_json(run / "manifest.json"), clean_rows);
  // One row per shard in the tracking store, one file per shard beside the manifest.
  SqliteDb db(dir_.file("a/runs/mlops.db"), "test");
  SqliteStatement count(db, "SELECT COUNT(*) FROM run_shards WHERE run_id = ?1");
  count.bind(1, run_id);
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.integer(0), kShards);
  // Each shard logged its own rows, under its own name in the run; none replaced another's.
  SqliteStatement logged(db,
                         "SELECT COUNT(*), COUNT(DISTINCT run_id) FROM prediction_log WHERE "
                         "run_id LIKE ?1 || ':shard-%'");
  logged.bind(1, run_id);
  ASSERT_TRUE(logged.step());
  EXPECT_EQ(logged.integer(0), static_cast<int64_t>(clean_rows));
  EXPECT_EQ(logged.integer(1), kShards);
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(run / "shards")) {
    files += entry.path().extension() == ".json";
  }
  EXPECT_EQ(files, static_cast<size_t>(kShards));
  // `mlops status` reads the merged entry and says why a sharded stage reruns.
  CliResult status = run_mlops(on("a", "status"), dir_);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("predict    stale: it ran as 4 shards, which are never reused as a "
                            "whole"),
            std::string::npos)
      << status.out;
}

TEST_F(ShardManifest, ShardsOnSeveralMachinesJoinOneNamedRunThroughPostgres) {
  MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
  const std::string url = PostgresServer::shared().create_database();
  const std::string env = "MLOPS_STORE__URL='" + url + "'";
  CliResult trained = run_mlops(on("trainer", "run"), dir_, env);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;

  // Machine K scores shard K of the June file, all four in the run named "nightly-1".
  std::vector<std::pair<std::string, std::string>> shards;
  for (int shard = 0; shard < kShards; ++shard) {
    shards.push_back({env, on(fmt::format("m{}", shard),
                              fmt::format("batch-predict --run nightly-1 --input {} --shard {}/{} "
                                          "--scored-at '2026-12-07 06:00:00'",
                                          dir_.file("jun.csv"), shard, kShards))});
  }
  for (const auto& result : at_once(shards)) ASSERT_EQ(result.exit_code, 0) << result.err;

  PgConnection db(parse_postgres_url(url, "test"), "test");
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM run_shards WHERE run_id = 'nightly-1' AND "
                     "stage = 'predict'")
                .integer(0, 0),
            kShards);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM runs WHERE run_id = 'nightly-1'").integer(0, 0), 1);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM prediction_log WHERE run_id LIKE 'nightly-1:shard-%'")
                .integer(0, 0),
            3008);
  // Each machine's manifest holds its own shard and those recorded before it; the last to
  // record holds every one.
  size_t most = 0;
  json fullest;
  for (int shard = 0; shard < kShards; ++shard) {
    const json manifest =
        read_json(dir_.file(fmt::format("m{}/runs/nightly-1/manifest.json", shard)));
    const json& entry = manifest["stages"]["predict"];
    EXPECT_TRUE(entry["shards"].contains(fmt::format("{}/{}", shard, kShards))) << entry.dump(1);
    if (entry["shards"].size() > most) {
      most = entry["shards"].size();
      fullest = manifest;
    }
  }
  expect_every_shard(fullest, 3008);  // the June file's flights, each scored once
}

}  // namespace shard_manifest_test
}  // namespace mlops::testing
