// `store.url: postgresql://...` end to end, the built binary against the test run's PostgreSQL
// server (tests/support/postgres_server.h), each "machine" a working folder of its own (its
// runs_dir and models_dir) sharing one database: trainings registering at once, promotions at
// once, a machine that never trained scoring the champion in concurrent shards with no
// prediction lost, serve replicas and batch shards logging at once, `store migrate`, `store copy`
// from SQLite, and the errors of a database that cannot be used, never showing the password.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "cli_runner.h"
#include "flight_registry_workflow.h"
#include "mlops/core/error.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "serve_process.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;

class PostgresStoreE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
    url_ = PostgresServer::shared().create_database();
    db_ = url_.substr(url_.rfind('/') + 1);
    dir_.write("jan.csv", flights_with_ids("flights-2001-01.csv", "jan-"));
    dir_.write("jun.csv", flights_with_ids("flights-2001-06.csv", "jun-"));
    workflow_ =
        dir_.write("flights.yaml", flight_registry_yaml("flight-pg", dir_.file("jan.csv"), 10, 3));
  }
  PostgresServer& server() { return PostgresServer::shared(); }

  /// `mlops ARGS` on `machine` (its own runs_dir and models_dir), the store URL (password
  /// included) in MLOPS_STORE__URL; `scratch` holds its output files.
  CliResult on(const std::string& machine, const std::string& args, const TempDir& scratch,
               const std::string& url = "") {
    return run_mlops(
        args + " --workflow " + workflow_ + " --set runs_dir=" + dir_.file(machine + "/runs"),
        scratch, "MLOPS_STORE__URL='" + (url.empty() ? url_ : url) + "'");
  }
  CliResult on(const std::string& machine, const std::string& args) {
    return on(machine, args, dir_);
  }

  /// Runs every (machine, args) at once; their results in order.
  std::vector<CliResult> at_once(const std::vector<std::pair<std::string, std::string>>& jobs) {
    std::vector<CliResult> results(jobs.size());
    std::vector<std::unique_ptr<TempDir>> scratch;
    for (size_t i = 0; i < jobs.size(); ++i) scratch.push_back(std::make_unique<TempDir>());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < jobs.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = on(jobs[i].first, jobs[i].second, *scratch[i]); });
    }
    for (auto& thread : threads) thread.join();
    return results;
  }

  int64_t scalar(const std::string& sql) {
    PgConnection db(parse_postgres_url(url_, "test"), "test");
    return db.query(sql).integer(0, 0);
  }

  nlohmann::json history() {
    CliResult result = on("c", "models history flight-pg --format json");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
  }

  TempDir dir_;
  std::string url_;
  std::string db_;
  std::string workflow_;
};

/// Every change of the champion alias names the holder before it as its previous one: the
/// changes were serialized, none lost.
void expect_serialized(const nlohmann::json& history) {
  int holder = 0;
  for (const auto& change : history) {
    if (change["alias"] != "champion") continue;
    const int previous =
        change["previous_version"].is_null() ? 0 : change["previous_version"].get<int>();
    EXPECT_EQ(previous, holder) << history.dump(1);
    holder = change["version"].get<int>();
  }
}

TEST_F(PostgresStoreE2e, MachinesTrainAtOnceAndOneThatNeverTrainedScoresInConcurrentShards) {
  const auto trained = at_once({{"a", "run"}, {"b", "run"}});
  for (const auto& result : trained) ASSERT_EQ(result.exit_code, 0) << result.err;
  // Distinct versions, one per training, on a machine that only reads.
  CliResult listed = on("c", "models list flight-pg --format json");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const nlohmann::json versions = nlohmann::json::parse(listed.out);
  ASSERT_EQ(versions.size(), 2u) << listed.out;
  EXPECT_EQ(versions[0]["version"], 1);
  EXPECT_EQ(versions[1]["version"], 2);
  EXPECT_NE(versions[0]["run_id"], versions[1]["run_id"]);
  expect_serialized(history());

  // Machine c never trained: its models_dir is empty, the files come from the database.
  EXPECT_FALSE(fs::exists(dir_.file("c/models")));
  const std::string fixed = " --scored-at '2026-11-22 10:00:00' --input " + dir_.file("jun.csv");
  std::vector<std::pair<std::string, std::string>> shards;
  for (int shard = 0; shard < 4; ++shard) {
    shards.push_back({"c", "batch-predict" + fixed + " --shard " + std::to_string(shard) +
                               "/4 --output " +
                               dir_.file("shard" + std::to_string(shard) + ".csv")});
  }
  size_t rows = 0;
  for (const auto& result : at_once(shards)) ASSERT_EQ(result.exit_code, 0) << result.err;
  for (int shard = 0; shard < 4; ++shard) {
    rows += count_lines(slurp(dir_.file("shard" + std::to_string(shard) + ".csv"))) - 1;
  }
  EXPECT_EQ(rows, 3008u);  // one prediction per input row
  // Every shard's rows logged, none twice (the trainings' runs logged the jan- rows).
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM prediction_log WHERE row_key LIKE 'jun-%'"), 3008);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT row_key) FROM prediction_log WHERE row_key LIKE "
                   "'jun-%'"),
            3008);
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT run_id) FROM prediction_log WHERE row_key LIKE "
                   "'jun-%'"),
            4);
  const int champion =
      scalar("SELECT version FROM model_aliases WHERE model = 'flight-pg' AND alias = 'champion'");
  // Every file the trainer registered (model, feature state, baseline, profile, ...), the
  // same bytes.
  const std::string version_dir = "/models/flight-pg/v" + std::to_string(champion);
  const std::string trainer = fs::exists(dir_.file("a" + version_dir)) ? "a" : "b";
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_.file(trainer + version_dir))) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(slurp(dir_.file("c" + version_dir + "/" + name)), slurp(entry.path())) << name;
    ++files;
  }
  EXPECT_GE(files, 4u);
  EXPECT_TRUE(fs::exists(dir_.file("c" + version_dir + "/model.json")));
  EXPECT_TRUE(fs::exists(dir_.file("c" + version_dir + "/feature_state.json")));
}

TEST_F(PostgresStoreE2e, ServeReplicasAndBatchShardsLogAtOnceAndNoneIsLost) {
  ASSERT_EQ(on("a", "run").exit_code, 0);
  // Three replicas on machines that never trained, each its own runs_dir and journal.
  std::vector<std::unique_ptr<ServeProcess>> replicas;
  for (int replica = 0; replica < 3; ++replica) {
    const std::string machine = "r" + std::to_string(replica);
    replicas.push_back(std::make_unique<ServeProcess>(
        dir_.path().string(),
        "-w " + workflow_ + " --set runs_dir=" + dir_.file(machine + "/runs") +
            " --set models_dir=" + dir_.file(machine + "/models"),
        dir_, std::vector<std::string>{"MLOPS_STORE__URL=" + url_}));
    ASSERT_TRUE(replicas.back()->started()) << replicas.back()->err();
  }
  // Two clients per replica post while four batch-predict shards log on machine c.
  constexpr int kRequestsPerClient = 60;
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (const auto& replica : replicas) {
    for (int client = 0; client < 2; ++client) {
      clients.emplace_back([&, server = replica.get()] {
        for (int i = 0; i < kRequestsPerClient; ++i) {
          auto answer = server->predict(
              "flight-pg",
              fmt::format(R"({{"rows": [{{"date": "2001-06-01 05:50:00", )"
                          R"("distance": {}, "origin": "BTV", "destination": "BOS"}}]}})",
                          100 + i));
          (answer && answer->status == 200 ? answered : failed)++;
        }
      });
    }
  }
  std::vector<std::pair<std::string, std::string>> shards;
  for (int shard = 0; shard < 4; ++shard) {
    shards.push_back(
        {"c", fmt::format("batch-predict --input {} --shard {}/4 --output {}", dir_.file("jun.csv"),
                          shard, dir_.file(fmt::format("shard{}.csv", shard)))});
  }
  for (const auto& result : at_once(shards)) EXPECT_EQ(result.exit_code, 0) << result.err;
  for (auto& client : clients) client.join();
  // SIGTERM flushes each replica's log before it exits.
  for (auto& replica : replicas) EXPECT_EQ(replica->stop(), 0) << replica->err();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(answered.load(), 3 * 2 * kRequestsPerClient);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM prediction_log WHERE log_id IS NOT NULL"),
            answered.load());
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT request_id) FROM prediction_log WHERE log_id IS NOT "
                   "NULL"),
            answered.load());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM prediction_log WHERE row_key LIKE 'jun-%'"), 3008);
}

TEST_F(PostgresStoreE2e, PromotionsAtOnceAreSerializedAndEveryOneIsRecorded) {
  ASSERT_EQ(on("a", "run").exit_code, 0);
  ASSERT_EQ(on("a", "run --set train.rounds=1 --set train.params.max_depth=1").exit_code, 0);
  std::vector<std::pair<std::string, std::string>> promotions;
  for (int i = 0; i < 6; ++i) {
    promotions.push_back({fmt::format("m{}", i),
                          fmt::format("models promote flight-pg {} --reason p{}", 1 + i % 2, i)});
  }
  for (const auto& result : at_once(promotions)) EXPECT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json changes = history();
  int promoted = 0;
  for (const auto& change : changes) promoted += change["action"] == "promote" ? 1 : 0;
  EXPECT_EQ(promoted, 6) << changes.dump(1);
  expect_serialized(changes);
  // The history is the database's to keep: even its owner cannot rewrite it.
  PgConnection db(parse_postgres_url(url_, "test"), "test");
  EXPECT_THROW(db.exec("DELETE FROM model_alias_history"), IoError);
}

TEST_F(PostgresStoreE2e, MigrateReportsEachStoresSchemaVersion) {
  CliResult migrated = on("a", "store migrate");
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_EQ(migrated.out, server().url_without_password(db_) +
                              ": schema up to date\n  tracking    v2\n  registry    v1\n"
                              "  evaluation  v1\n  online      v1\n");
  EXPECT_EQ(migrated.out.find(server().password()), std::string::npos);
}

TEST_F(PostgresStoreE2e, AnUnusableDatabaseIsAClearErrorThatNeverShowsThePassword) {
  const std::string password = server().password();
  const std::string port = std::to_string(server().port());
  CliResult wrong = on("a", "models list", dir_,
                       "postgresql://mlops:not-the-password@127.0.0.1:" + port + "/" + db_);
  EXPECT_EQ(wrong.exit_code, 5);
  EXPECT_NE(wrong.err.find(server().url_without_password(db_) +
                           ": cannot connect to the model registry: "),
            std::string::npos)
      << wrong.err;
  EXPECT_NE(wrong.err.find("password authentication failed"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos) << wrong.err;

  CliResult down =
      on("a", "models list", dir_, "postgresql://mlops:" + password + "@127.0.0.1:1/" + db_);
  EXPECT_EQ(down.exit_code, 5);
  EXPECT_NE(down.err.find("postgresql://mlops@127.0.0.1:1/" + db_ + ": cannot connect"),
            std::string::npos)
      << down.err;
  EXPECT_EQ(down.err.find(password), std::string::npos) << down.err;

  ASSERT_EQ(on("a", "store migrate").exit_code, 0);
  PgConnection(parse_postgres_url(url_, "test"), "test")
      .exec("UPDATE schema_migrations SET version = 9 WHERE component = 'registry'");
  CliResult newer = on("a", "models list");
  EXPECT_EQ(newer.exit_code, 2);
  EXPECT_NE(newer.err.find(server().url_without_password(db_) +
                           ": the model registry (registry) is at schema version 9, newer than "
                           "the 1 this mlops knows"),
            std::string::npos)
      << newer.err;
  EXPECT_EQ(newer.err.find(password), std::string::npos) << newer.err;
}

TEST_F(PostgresStoreE2e, ADatabaseWithoutTablesAndAUserWhoMayNotCreateThemIsAClearError) {
  // A role that may connect but not create tables (PostgreSQL 15's default for any role but
  // the owner; revoked here from PUBLIC all the same).
  const std::string role = "reader_" + db_;
  const std::string port = std::to_string(server().port());
  PgConnection owner(parse_postgres_url(url_, "test"), "test");
  owner.exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  server().admin().exec("CREATE ROLE " + role + " LOGIN PASSWORD 'reader-secret'");
  const std::string reader =
      "postgresql://" + role + ":reader-secret@127.0.0.1:" + port + "/" + db_;
  CliResult refused = on("a", "models list", dir_, reader);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("postgresql://" + role + "@127.0.0.1:" + port + "/" + db_ +
                             ": the model registry (registry) needs its tables created, and "
                             "user '" +
                             role +
                             "' may not create tables in schema 'public': run `mlops "
                             "store migrate` once as the database's owner, or let the user "
                             "create them (GRANT CREATE ON SCHEMA public TO " +
                             role + ")"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("reader-secret"), std::string::npos) << refused.err;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"), 0);

  // The owner creates the tables and trains; the role, granted the rows, then reads them.
  CliResult migrated = on("a", "store migrate");
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  owner.exec("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO " + role);
  owner.exec("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
  ASSERT_EQ(on("a", "run").exit_code, 0);
  CliResult listed = on("a", "models list --format json", dir_, reader);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out, nullptr, false).size(), 1u) << listed.out;
}

TEST_F(PostgresStoreE2e, TablesDroppedByHandAreAClearErrorAndTheRestIsKept) {
  ASSERT_EQ(on("a", "run").exit_code, 0);
  const int64_t runs = scalar("SELECT COUNT(*) FROM runs");
  ASSERT_GT(runs, 0);
  PgConnection(parse_postgres_url(url_, "test"), "test").exec("DROP TABLE model_aliases");
  CliResult broken = on("b", "models list");
  EXPECT_EQ(broken.exit_code, 5) << broken.err;
  EXPECT_NE(broken.err.find(server().url_without_password(db_) +
                            ": the model registry's table 'model_aliases' is missing although "
                            "the database records schema version 1 of 'registry': restore the "
                            "database from a backup (docs/production.md)"),
            std::string::npos)
      << broken.err;
  EXPECT_EQ(broken.err.find(server().password()), std::string::npos) << broken.err;
  // Nothing else was touched: not recreated behind the user's back, the runs still there.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'model_aliases'"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM runs"), runs);
}

TEST_F(PostgresStoreE2e, CopyMovesASqliteWorkspaceOnceAndAnotherMachineScoresFromIt) {
  // Machine s trained on SQLite (no store.url), promoted twice.
  auto sqlite = [&](const std::string& args) {
    return run_mlops(args + " --workflow " + workflow_ + " --set runs_dir=" + dir_.file("s/runs"),
                     dir_);
  };
  ASSERT_EQ(sqlite("run").exit_code, 0);
  ASSERT_EQ(sqlite("run --set train.rounds=1 --set train.params.max_depth=1").exit_code, 0);
  ASSERT_EQ(sqlite("models promote flight-pg 2 --reason try").exit_code, 0);
  ASSERT_EQ(sqlite("models rollback flight-pg").exit_code, 0);
  int64_t logged = 0;
  {
    SqliteDb source(dir_.file("s/runs/mlops.db"), "test");
    SqliteStatement count(source, "SELECT COUNT(*) FROM prediction_log");
    count.step();
    logged = count.integer(0);
  }
  ASSERT_GT(logged, 0);
  const std::string from =
      " --from sqlite:" + dir_.file("s/runs/mlops.db") + " --to '" + url_ + "'";
  CliResult copied = sqlite("store copy" + from);
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_NE(copied.out.find("copied into " + server().url_without_password(db_) + ": 2 runs, "),
            std::string::npos)
      << copied.out;
  EXPECT_NE(copied.out.find(" 2 model versions, 4 alias changes, " + std::to_string(logged) +
                            " predictions"),
            std::string::npos)
      << copied.out;
  EXPECT_EQ(copied.out.find(server().password()), std::string::npos);
  CliResult again = sqlite("store copy" + from);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(": 0 runs, 0 metrics, 0 model versions, 0 alias changes, 0 "
                           "predictions, 0 labels, 0 live metrics ("),
            std::string::npos)
      << again.out;

  // A machine that never saw the SQLite workspace: same versions, aliases and history.
  CliResult listed = on("d", "models history flight-pg --format json");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const nlohmann::json changes = nlohmann::json::parse(listed.out);
  ASSERT_EQ(changes.size(), 4u) << listed.out;
  EXPECT_EQ(changes[2]["reason"], "try");
  EXPECT_EQ(changes[3]["action"], "rollback");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM prediction_log"), logged);
  CliResult scored =
      on("d", "batch-predict --input " + dir_.file("jun.csv") + " --output " + dir_.file("d.csv"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_EQ(count_lines(slurp(dir_.file("d.csv"))), 3009u);
}

}  // namespace
}  // namespace mlops::testing
