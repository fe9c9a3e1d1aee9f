// Served predictions (`mlops serve`) in the evaluation store: rows of the same prediction log as
// batch-predict's, joined with labels alike, stored once per log_id, and a version-1 store file
// upgraded in place.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/store/sqlite/schema_migrations.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "store_backends.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

ServedLogEntry served(const std::string& id, const std::string& key, double score, int64_t at,
                      const std::string& version = "v1", const std::string& source = "model") {
  ServedPrediction p;
  p.model = "m";
  p.request_id = "req-" + id;
  p.row_key = key;
  p.model_version = version;
  p.source = source;
  p.prediction = score >= 0.5 ? "yes" : "no";
  p.score = score;
  p.features_hash = 0xabc;
  p.served_at_us = at;
  p.latency_ms = 0.25;
  return {id, p};
}

LoggedPrediction batch_row(const std::string& key, double score) {
  return LoggedPrediction{key, 0x1234, score >= 0.5 ? "yes" : "no", score, {}};
}

int64_t scalar(const std::string& path, const std::string& sql) {
  SqliteDb db(path, "test");
  SqliteStatement query(db, sql);
  query.step();
  return query.integer(0);
}

class ServedPredictionsOnBackend : public testing::StoreBackendTest {};

TEST_P(ServedPredictionsOnBackend, AreJoinedWithLabelsLikeBatchOnesLatestFirst) {
  auto store = open_evaluation_store(settings_);
  store->log_predictions("m", "v1", "run-1", 1000, {batch_row("a", 0.2), batch_row("b", 0.9)});
  // Served later: a (twice: the later counts), c; a default answer for d (no model made it).
  const std::vector<ServedLogEntry> batch{
      served("t-1", "a", 0.6, 3000), served("t-2", "a", 0.7, 4000), served("t-3", "c", 0.1, 2000),
      served("t-4", "d", 0.5, 2000, "", "default")};
  EXPECT_EQ(store->log_served_predictions(batch), 4u);
  // The journal replayed with a's older answer after the newer: still not the latest.
  EXPECT_EQ(store->log_served_predictions(std::vector{served("t-0", "a", 0.3, 2500)}), 1u);
  EXPECT_EQ(store->logged_count("m"), 7);
  EXPECT_EQ(store->served_count("m"), 5);

  store->add_labels("m", {{"a", "yes"}, {"b", "no"}, {"c", "no"}, {"d", "no"}});
  EXPECT_EQ(store->matched_labels("m"), 4);
  EXPECT_FALSE(store->ambiguous_labelled_key("m"));  // a served twice is not ambiguous
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 3u);  // v1: b (batch), c (served), a (served at 4000); d left out
  EXPECT_EQ(rows[0].scored_at, 1000);
  EXPECT_EQ(rows[0].source, "");
  EXPECT_DOUBLE_EQ(rows[0].score, 0.9);
  EXPECT_EQ(rows[1].scored_at, 2000);
  EXPECT_EQ(rows[1].source, "model");
  EXPECT_EQ(rows[2].scored_at, 4000);
  EXPECT_DOUBLE_EQ(rows[2].score, 0.7);
  EXPECT_EQ(rows[2].label, "yes");
}

TEST_P(ServedPredictionsOnBackend, AreStoredOncePerLogIdAndKeepEveryColumn) {
  auto store = open_evaluation_store(settings_);
  ServedLogEntry multi = served("x-1", "k", std::nan(""), 77);
  multi.prediction.probabilities = {0.1f, 0.7f, 0.2f};
  multi.prediction.prediction = "b";
  const std::vector<ServedLogEntry> batch{multi, served("x-2", "k", 0.4, 78)};
  EXPECT_EQ(store->log_served_predictions(batch), 2u);
  EXPECT_EQ(store->log_served_predictions(batch), 0u);  // replayed again: nothing twice
  EXPECT_EQ(store->served_count("m"), 2);
  const std::vector<std::string> row = raw_row(fmt::format(
      "SELECT CASE WHEN run_id IS NULL THEN 1 ELSE 0 END, request_id, source, latency_ms, "
      "features_hash, scored_at, {}, CASE WHEN score IS NULL THEN 1 ELSE 0 END FROM "
      "prediction_log WHERE log_id = 'x-1'",
      postgres() ? "array_length(probabilities, 1) * 4" : "length(probabilities)"));
  EXPECT_EQ(row, (std::vector<std::string>{"1", "req-x-1", "model", "0.25", "0000000000000abc",
                                           "77", "12", "1"}));
  const auto labelled = (store->add_labels("m", {{"k", "b"}}), store->labelled("m"));
  ASSERT_EQ(labelled.size(), 1u);  // the later (x-2) of k
  EXPECT_DOUBLE_EQ(labelled[0].score, 0.4);
}

MLOPS_FOR_EACH_STORE_BACKEND(ServedPredictionsOnBackend);

TEST(ServedPredictions, ARemovedStoreFileIsAnIoErrorNotAWriteIntoNothing) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  auto store = open_sqlite_evaluation_store(path);
  std::filesystem::remove(path);
  try {
    store->log_served_predictions(std::vector{served("y-1", "k", 0.4, 1)});
    FAIL() << "no IoError";
  } catch (const IoError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": the evaluation store's file was removed or replaced");
  }
}

TEST(ServedPredictions, AWriteMeetingALockFailsAfterTheWaitGiven) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  auto store = open_sqlite_evaluation_store(path, 50);
  SqliteDb other(path, "other");
  other.exec("BEGIN EXCLUSIVE");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(store->log_served_predictions(std::vector{served("z-1", "k", 0.4, 1)}), IoError);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(40));
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  other.exec("ROLLBACK");
  EXPECT_EQ(store->log_served_predictions(std::vector{served("z-1", "k", 0.4, 1)}), 1u);
}

TEST(ServedPredictions, AVersionOneStoreFileIsUpgradedInPlace) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  {
    // The evaluation tables as version 1 made them, with a batch row and its label.
    SqliteDb db(path, "test");
    const Migration version1[] = {{1, R"sql(
CREATE TABLE IF NOT EXISTS prediction_log (
  model TEXT NOT NULL, model_version TEXT NOT NULL, run_id TEXT, row_key TEXT NOT NULL,
  features_hash TEXT NOT NULL, prediction TEXT, score REAL, probabilities BLOB,
  scored_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS prediction_log_by_key ON prediction_log (model, row_key);
CREATE INDEX IF NOT EXISTS prediction_log_by_run ON prediction_log (model, run_id);
CREATE TABLE IF NOT EXISTS labels (
  model TEXT NOT NULL, row_key TEXT NOT NULL, label TEXT NOT NULL, received_at TEXT NOT NULL,
  PRIMARY KEY (model, row_key));
CREATE TABLE IF NOT EXISTS live_metrics (
  model TEXT NOT NULL, model_version TEXT NOT NULL, window TEXT NOT NULL,
  window_start INTEGER NOT NULL, metric TEXT NOT NULL, value REAL, rows INTEGER NOT NULL,
  evaluated_at TEXT NOT NULL,
  PRIMARY KEY (model, model_version, window, window_start, metric));
)sql"}};
    apply_migrations(db, "evaluation", version1);
    db.exec(
        "INSERT INTO prediction_log VALUES ('m', 'v1', 'r1', 'k1', '0000000000001234', 'yes', "
        "0.9, NULL, 1000); INSERT INTO labels VALUES ('m', 'k1', 'yes', "
        "'2026-01-02T00:00:00Z')");
    EXPECT_EQ(schema_version(db, "evaluation"), 1);
  }
  auto store = open_sqlite_evaluation_store(path);
  {
    SqliteDb db(path, "test");
    EXPECT_EQ(schema_version(db, "evaluation"), 3);
  }
  EXPECT_EQ(store->log_served_predictions(std::vector{served("u-1", "k2", 0.2, 2000)}), 1u);
  store->add_labels("m", {{"k2", "no"}});
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].source, "");  // the old batch row, kept
  EXPECT_DOUBLE_EQ(rows[0].score, 0.9);
  EXPECT_EQ(rows[1].source, "model");
  EXPECT_EQ(scalar(path, "SELECT COUNT(*) FROM prediction_log WHERE source IS NULL"), 1);
}

// Served rows stay out of the key and run indexes (version 3: a random key per served row
// dirtied a random index page per row), yet labels still join them and a batch row of the
// same key.
TEST(ServedPredictions, ServedRowsStayOutOfTheKeyIndexAndStillJoinLabels) {
  testing::TempDir dir;
  const std::string path = dir.file("mlops.db");
  auto store = open_sqlite_evaluation_store(path);
  store->log_predictions("m", "v1", "r1", 1000, {batch_row("k1", 0.9)});
  std::vector<ServedLogEntry> batch;
  for (int i = 0; i < 50; ++i) {
    batch.push_back(
        served(fmt::format("u-{}", i), fmt::format("k{}", i % 5), 0.1 * (i % 10), 2000 + i, "v2"));
  }
  EXPECT_EQ(store->log_served_predictions(batch), 50u);
  EXPECT_EQ(scalar(path,
                   "SELECT COUNT(*) FROM prediction_log INDEXED BY prediction_log_by_key "
                   "WHERE model = 'm' AND log_id IS NULL"),
            1);
  EXPECT_EQ(scalar(path,
                   "SELECT COUNT(*) FROM prediction_log INDEXED BY prediction_log_by_run "
                   "WHERE model = 'm' AND run_id IS NOT NULL"),
            1);
  store->add_labels("m", {{"k1", "yes"}, {"k3", "no"}, {"k9", "no"}});
  EXPECT_EQ(store->matched_labels("m"), 2);
  const auto rows = store->labelled("m");
  ASSERT_EQ(rows.size(), 3u);  // k1 in batch (v1) and served (v2), k3 served (v2)
  int served_rows = 0;
  for (const auto& row : rows) served_rows += row.source == "model" ? 1 : 0;
  EXPECT_EQ(served_rows, 2);
}

}  // namespace
}  // namespace mlops
