// What only the PostgreSQL backends have: a server that may be unreachable or refuse the
// password, schema versions shared by many machines, artifacts stored in the database, and the
// URL's password never shown. The behaviour both backends share is tested on both
// (tests/unit/store/*_test.cpp, store_backends.h).

#include "mlops/store/postgres/pg_stores.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/postgres/pg_copy.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "store_backends.h"

namespace mlops {
namespace {

using testing::PostgresServer;

template <typename E, typename F>
std::string error_of(F&& action) {
  try {
    action();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error of the expected type>";
}

class PostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
    url_ = PostgresServer::shared().create_database();
    location_ = parse_postgres_url(url_, "store.url");
    db_ = url_.substr(url_.rfind('/') + 1);
  }
  PostgresServer& server() { return PostgresServer::shared(); }
  /// The location of the test database with `password` instead of the right one.
  PostgresLocation with_password(const std::string& password) {
    return parse_postgres_url("postgresql://mlops:" + password +
                                  "@127.0.0.1:" + std::to_string(server().port()) + "/" + db_,
                              "store.url");
  }

  testing::TempDir dir_;
  std::string url_;
  std::string db_;
  PostgresLocation location_;
};

TEST(PostgresUrl, NamesHostPortAndDatabaseAndNeverThePassword) {
  const PostgresLocation location =
      parse_postgres_url("postgresql://ml:s3cr3t-pw@db.internal:5433/mlops", "store.url");
  EXPECT_EQ(location.display, "postgresql://ml@db.internal:5433/mlops");
  EXPECT_EQ(parse_postgres_url("postgres://db/x?sslmode=require", "k").display,
            "postgresql://db/x?sslmode=require");
  EXPECT_EQ(parse_store_url("postgresql://ml:pw@h/db").backend, StoreBackend::kPostgres);
  EXPECT_EQ(error_of<ConfigError>([] { parse_store_url("postgresql://ml:s3cr3t@h:99999/db"); }),
            "store.url: the PostgreSQL port must be a number from 1 to 65535, not '99999'");
  EXPECT_EQ(error_of<ConfigError>([] { parse_store_url("postgresql://ml:s3cr3t@host"); }),
            "store.url: a PostgreSQL URL names a host and a database: "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB");
}

TEST_F(PostgresStore, AnUnreachableServerIsANetworkErrorNamingTheUrlWithoutItsPassword) {
  // A port nothing listens on: the server's own, on a database URL with another port.
  const PostgresLocation nowhere = parse_postgres_url(
      "postgresql://mlops:" + server().password() + "@127.0.0.1:1/" + db_, "store.url");
  try {
    open_postgres_tracking_store(nowhere);
    FAIL() << "no NetworkError";
  } catch (const NetworkError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with("postgresql://mlops@127.0.0.1:1/" + db_ +
                                    ": cannot connect to the tracking store: "))
        << message;
    EXPECT_EQ(message.find(server().password()), std::string::npos) << message;
    EXPECT_EQ(e.exit_code(), ExitCode::kIo);
  }
}

TEST_F(PostgresStore, AWrongPasswordIsANetworkErrorThatSaysSoAndHidesIt) {
  try {
    open_postgres_registry(with_password("wrong-password"), dir_.file("models"),
                           ArtifactStorage::kDatabase);
    FAIL() << "no NetworkError";
  } catch (const NetworkError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with(server().url_without_password(db_) +
                                    ": cannot connect to the model registry: "))
        << message;
    EXPECT_NE(message.find("password authentication failed for user \"mlops\""), std::string::npos)
        << message;
    EXPECT_NE(message.find("(check the password: ${VAR} in store.url, or PGPASSWORD)"),
              std::string::npos);
    EXPECT_EQ(message.find("wrong-password"), std::string::npos) << message;
  }
}

TEST_F(PostgresStore, ThePasswordMayComeFromPGPASSWORD) {
  const std::string bare =
      "postgresql://mlops@127.0.0.1:" + std::to_string(server().port()) + "/" + db_;
  ::setenv("PGPASSWORD", server().password().c_str(), 1);
  auto store = open_postgres_tracking_store(parse_postgres_url(bare, "store.url"));
  ::unsetenv("PGPASSWORD");
  store->upsert_run({"r1", "w", "prod", "1", "ok", "runs/r1", "h"});
  EXPECT_EQ(store->latest_run("w")->run_id, "r1");
}

TEST_F(PostgresStore, ServerErrorsNeverQuoteTheRowsTheyWereAbout) {
  // DETAIL (a unique key's values) and CONTEXT (the COPY line being written) would carry entity
  // keys and features into logs and notifications; the primary message and the HINT stay.
  PgConnection db(location_, "test store");
  db.exec("CREATE TABLE keyed (key TEXT PRIMARY KEY, amount INTEGER)");
  db.query("INSERT INTO keyed VALUES ('customer-4711', 1)");
  const std::string duplicate =
      error_of<IoError>([&] { db.query("INSERT INTO keyed VALUES ('customer-4711', 2)"); });
  EXPECT_NE(duplicate.find("duplicate key value violates unique constraint"), std::string::npos)
      << duplicate;
  EXPECT_EQ(duplicate.find("customer-4711"), std::string::npos) << duplicate;
  const std::string copied = error_of<IoError>(
      [&] { db.copy_in("COPY keyed (key, amount) FROM STDIN", "customer-0815\tnot-a-number\n"); });
  EXPECT_NE(copied.find("invalid input syntax for type integer"), std::string::npos) << copied;
  EXPECT_EQ(copied.find("customer-0815"), std::string::npos) << copied;
}

TEST_F(PostgresStore, ADatabaseAtANewerSchemaIsRefusedWithExitTwo) {
  open_postgres_tracking_store(location_);
  PgConnection(location_, "test")
      .exec("INSERT INTO schema_migrations (component, version) VALUES ('tracking', 7)");
  try {
    open_postgres_tracking_store(location_);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              server().url_without_password(db_) +
                  ": the tracking store (tracking) is at schema version 7, newer than the 2 "
                  "this mlops knows: a newer mlops wrote it; upgrade mlops or set store.url to "
                  "another database");
    EXPECT_EQ(e.exit_code(), ExitCode::kUsage);
  }
}

TEST_F(PostgresStore, ADatabaseThatLostItsTablesIsAnIoErrorNamingTheTable) {
  open_postgres_evaluation_store(location_);
  PgConnection(location_, "test").exec("DROP TABLE labels");
  EXPECT_EQ(error_of<IoError>([&] { open_postgres_evaluation_store(location_); }),
            server().url_without_password(db_) +
                ": the evaluation store's table 'labels' is missing although the database "
                "records schema version 1 of 'evaluation': restore the database from a backup "
                "(docs/production.md) or point store.url at another database");
}

TEST_F(PostgresStore, ProcessesOpeningANewDatabaseAtOnceMigrateItOnce) {
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    openers.emplace_back([&] {
      try {
        open_postgres_registry(location_, dir_.file("models"), ArtifactStorage::kDatabase);
        open_postgres_evaluation_store(location_);
      } catch (const Error&) {
        ++failures;
      }
    });
  }
  for (auto& opener : openers) opener.join();
  EXPECT_EQ(failures, 0);
  const PgResult rows =
      PgConnection(location_, "test")
          .query("SELECT component, COUNT(*) FROM schema_migrations GROUP BY component ORDER BY 1");
  ASSERT_EQ(rows.rows(), 2);
  EXPECT_EQ(rows.text(0, 0), "evaluation");
  EXPECT_EQ(rows.integer(0, 1), 1);
  EXPECT_EQ(rows.integer(1, 1), 1);
}

TEST_F(PostgresStore, ArtifactsLiveInTheDatabaseAndReachAMachineThatNeverTrained) {
  dir_.write("run/train/model.json", "{\"learner\": {\"trees\": [1, 2]}}");
  dir_.write("run/train/feature_state.json", "{\"columns\": []}");
  auto trainer =
      open_postgres_registry(location_, dir_.file("a/models"), ArtifactStorage::kDatabase);
  trainer->register_version("churn", "r1", dir_.file("run/train"), {{"auc", 0.7}}, {});
  trainer->register_version("churn", "r2", dir_.file("run/train"), {{"auc", 0.8}}, {});
  PgConnection db(location_, "test");
  // Content-addressed: two versions of the same two files store two blobs.
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM artifact_blobs").integer(0, 0), 2);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM model_version_files").integer(0, 0), 4);

  // Another machine: its own models_dir, empty.
  auto reader =
      open_postgres_registry(location_, dir_.file("b/models"), ArtifactStorage::kDatabase);
  const auto found = reader->find_version("churn", 2);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->artifact_dir, dir_.file("b/models/churn/v2"));
  EXPECT_EQ(dir_.read("b/models/churn/v2/model.json"), "{\"learner\": {\"trees\": [1, 2]}}");
  EXPECT_EQ(dir_.read("b/models/churn/v2/feature_state.json"), "{\"columns\": []}");
  // A cached file that changed is fetched again.
  dir_.write("b/models/churn/v2/model.json", "tampered");
  reader->find_version("churn", 2);
  EXPECT_EQ(dir_.read("b/models/churn/v2/model.json"), "{\"learner\": {\"trees\": [1, 2]}}");

  // A damaged database copy is refused, not served.
  db.exec("UPDATE artifact_blobs SET content = 'x'::bytea WHERE size = 15");
  std::filesystem::remove_all(dir_.file("b/models"));
  const std::string message = error_of<IoError>([&] { reader->find_version("churn", 1); });
  EXPECT_TRUE(message.starts_with(server().url_without_password(db_) +
                                  ": model registry: the stored 'feature_state.json' of churn "
                                  "v1 does not match its hash "))
      << message;
}

TEST_F(PostgresStore, WithSharedStorageArtifactsStayInModelsDir) {
  dir_.write("run/train/model.json", "{}");
  auto registry =
      open_postgres_registry(location_, dir_.file("shared/models"), ArtifactStorage::kModelsDir);
  const ModelVersion version =
      registry->register_version("churn", "r1", dir_.file("run/train"), {}, {});
  EXPECT_EQ(version.artifact_dir, dir_.file("shared/models/churn/v1"));
  EXPECT_EQ(dir_.read("shared/models/churn/v1/model.json"), "{}");
  EXPECT_EQ(
      PgConnection(location_, "test").query("SELECT COUNT(*) FROM artifact_blobs").integer(0, 0),
      0);
}

TEST_F(PostgresStore, AServedWriteMeetingALockFailsAfterTheWaitGiven) {
  auto store = open_postgres_evaluation_store(location_, 50);
  PgConnection other(location_, "other");
  other.exec("BEGIN; LOCK TABLE prediction_log IN ACCESS EXCLUSIVE MODE");
  ServedLogEntry entry{"z-1", {}};
  entry.prediction.model = "m";
  entry.prediction.row_key = "k";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(store->log_served_predictions(std::span(&entry, 1)), IoError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
  other.exec("ROLLBACK");
  EXPECT_EQ(store->log_served_predictions(std::span(&entry, 1)), 1u);
}

TEST_F(PostgresStore, RowKeysWithTabsNewlinesAndBackslashesRoundTripThroughCopy) {
  auto store = open_postgres_evaluation_store(location_);
  const std::string key = "a\tb\nc\\d\re|é";
  store->log_predictions("m", "v1", "r", 5, {LoggedPrediction{key, 1, "p\tq", 0.5, {}}});
  store->add_labels("m", {{key, "yes"}});
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].label, "yes");
  EXPECT_EQ(
      PgConnection(location_, "test").query("SELECT prediction FROM prediction_log").text(0, 0),
      "p\tq");
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

TEST_F(PostgresStore, ConcurrentWritersLoseNoPredictionAndStoreEachServedOneOnce) {
  // Four writers (a process each in production) logging batch rows and served rows at once;
  // each served batch is written twice (a journal replayed after a crash).
  constexpr int kWriters = 4, kBatches = 5, kRows = 2500;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      try {
        auto store = open_postgres_evaluation_store(location_);
        for (int b = 0; b < kBatches; ++b) {
          std::vector<LoggedPrediction> rows;
          std::vector<ServedLogEntry> served;
          for (int r = 0; r < kRows; ++r) {
            const std::string key =
                std::to_string(w) + "-" + std::to_string(b) + "-" + std::to_string(r);
            rows.push_back({key, static_cast<uint64_t>(r), "yes", 0.75, {}});
            ServedLogEntry entry{"log-" + key, {}};
            entry.prediction.model = "m";
            entry.prediction.row_key = key;
            entry.prediction.model_version = "v1";
            entry.prediction.source = "model";
            served.push_back(entry);
          }
          store->log_predictions("m", "v1", "run-" + std::to_string(w), b, rows);
          store->log_served_predictions(served);
          store->log_served_predictions(served);
        }
      } catch (const Error& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(failures, 0);
  auto store = open_postgres_evaluation_store(location_);
  EXPECT_EQ(store->served_count("m"), kWriters * kBatches * kRows);
  EXPECT_EQ(store->logged_count("m"), 2 * kWriters * kBatches * kRows);
  const double rate = 3.0 * kWriters * kBatches * kRows / seconds;
  RecordProperty("rows_per_second", static_cast<int>(rate));
  std::printf("logged %d rows (a third replays) in %.2f s: %.0f rows/s\n",
              3 * kWriters * kBatches * kRows, seconds, rate);
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

TEST_F(PostgresStore, ResolvingTheChampionReadsTheCachedFilesAfterTheFirstTime) {
  dir_.write("run/train/model.json", std::string(200'000, 'm'));
  dir_.write("run/train/feature_state.json", "{}");
  auto trainer = open_postgres_registry(location_, dir_.file("a"), ArtifactStorage::kDatabase);
  trainer->register_version("churn", "r1", dir_.file("run/train"), {}, {});
  trainer->set_alias("churn", "champion", 1, "gate", "");
  auto server = open_postgres_registry(location_, dir_.file("b"), ArtifactStorage::kDatabase);
  resolve_model_version(*server, "churn", "champion");  // fetches
  constexpr int kReads = 50;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kReads; ++i) {
    EXPECT_EQ(resolve_model_version(*server, "churn", "champion").version, 1);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      kReads;
  EXPECT_EQ(dir_.read("b/churn/v1/model.json").size(), 200'000u);
  RecordProperty("resolve_ms", std::to_string(ms));
  std::printf("resolve champion + verify cached files: %.2f ms\n", ms);
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

TEST_F(PostgresStore, CopyFromSqliteTakesEveryTableOnceAndIntoSharedModelsDir) {
  const std::string sqlite = dir_.file("sqlite.db");
  dir_.write("run/train/model.json", "{\"m\": 1}");
  {
    auto tracking = open_sqlite_tracking_store(sqlite);
    tracking->upsert_run({"r1", "w", "local", "00000000000000000001", "ok", "runs/r1", "h"});
    tracking->set_metrics("r1", {{"auc", 0.75}});
    auto registry = open_sqlite_registry(sqlite, dir_.file("s/models"));
    registry->register_version("churn", "r1", dir_.file("run/train"), {{"auc", 0.75}}, {});
    registry->register_version("churn", "r2", dir_.file("run/train"), {{"auc", 0.7}}, {});
    registry->set_alias("churn", "champion", 1, "gate", "first");
    registry->set_alias("churn", "champion", 2, "promote", "why not");
    auto evaluation = open_sqlite_evaluation_store(sqlite);
    evaluation->log_predictions("churn", "v1", "r1", 10, {{"k1", 1, "yes", 0.9, {}}});
    ServedLogEntry served{"log-1", {}};
    served.prediction.model = "churn";
    served.prediction.row_key = "k2";
    served.prediction.model_version = "v2";
    served.prediction.source = "model";
    served.prediction.probabilities = {0.25f, 0.75f};
    served.prediction.served_at_us = 20;
    evaluation->log_served_predictions(std::span(&served, 1));
    evaluation->add_labels("churn", {{"k1", "yes"}, {"k2", "no"}});
    evaluation->save_live_metrics("churn", {{"v1", "1d", 0, "auc", 0.5, 1}});
  }
  Settings to;
  to.store_url = url_;
  to.models_dir = dir_.file("shared/models");
  to.store_artifacts = "models_dir";
  const CopyCounts first = copy_sqlite_to_postgres(sqlite, to);
  EXPECT_EQ(first.runs, 1);
  EXPECT_EQ(first.metrics, 1);
  EXPECT_EQ(first.versions, 2);
  EXPECT_EQ(first.alias_changes, 2);
  EXPECT_EQ(first.predictions, 2);
  EXPECT_EQ(first.labels, 2);
  EXPECT_EQ(first.live_metrics, 1);
  EXPECT_EQ(first.already_there, 0);
  const CopyCounts second = copy_sqlite_to_postgres(sqlite, to);
  EXPECT_EQ(second.runs + second.versions + second.alias_changes + second.predictions +
                second.labels + second.live_metrics + second.metrics,
            0);
  EXPECT_EQ(second.already_there, 11);  // every row of the first copy

  auto registry = open_postgres_registry(location_, to.models_dir, ArtifactStorage::kModelsDir);
  EXPECT_EQ(registry->aliases("churn").at("champion"), 2);
  ASSERT_EQ(registry->alias_history("churn").size(), 2u);
  EXPECT_EQ(registry->alias_history("churn")[1].reason, "why not");
  EXPECT_EQ(registry->find_version("churn", 2)->artifact_dir, dir_.file("shared/models/churn/v2"));
  EXPECT_EQ(dir_.read("shared/models/churn/v2/model.json"), "{\"m\": 1}");
  auto evaluation = open_postgres_evaluation_store(location_);
  EXPECT_EQ(evaluation->served_count("churn"), 1);
  const auto labelled = evaluation->labelled("churn");
  ASSERT_EQ(labelled.size(), 2u);
  EXPECT_EQ(labelled[1].probabilities, (std::vector<float>{0.25f, 0.75f}));
  EXPECT_EQ(labelled[1].source, "model");
  EXPECT_EQ(evaluation->live_metrics("churn").size(), 1u);
  EXPECT_EQ(open_postgres_tracking_store(location_)->metrics("r1").at("auc"), 0.75);
}

TEST_F(PostgresStore, CopyRefusesADestinationWithAHistoryOfItsOwn) {
  const std::string sqlite = dir_.file("sqlite.db");
  dir_.write("run/train/model.json", "{}");
  open_sqlite_registry(sqlite, dir_.file("s/models"))
      ->register_version("churn", "sqlite-run", dir_.file("run/train"), {}, {});
  open_postgres_registry(location_, dir_.file("p"), ArtifactStorage::kDatabase)
      ->register_version("churn", "pg-run", dir_.file("run/train"), {}, {});
  Settings to;
  to.store_url = url_;
  to.models_dir = dir_.file("p");
  EXPECT_EQ(error_of<ConfigError>([&] { copy_sqlite_to_postgres(sqlite, to); }),
            "store copy: " + server().url_without_password(db_) +
                " already has churn v1 from run 'pg-run', not the source's run 'sqlite-run': "
                "the destination has a history of its own; copy into an empty database");
}

}  // namespace
}  // namespace mlops
