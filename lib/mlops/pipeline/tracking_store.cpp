#include "mlops/pipeline/tracking_store.h"

#include <sqlite3.h>

#include "mlops/core/error.h"

namespace mlops {

namespace {

/// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw IoError("{}: {}", path, sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  void bind(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.c_str(), -1, SQLITE_TRANSIENT);
  }
  void bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
  /// True while a row is available.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw IoError("{}: {}", path_, sqlite3_errmsg(db_));
  }
  std::string text(int column) {
    const unsigned char* value = sqlite3_column_text(stmt_, column);
    return value ? reinterpret_cast<const char*>(value) : "";
  }

 private:
  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kRunColumns =
    "run_id, workflow, env, started_at, status, run_dir, config_hash";

RunRow read_row(Statement& statement) {
  return RunRow{statement.text(0), statement.text(1), statement.text(2), statement.text(3),
                statement.text(4), statement.text(5), statement.text(6)};
}

}  // namespace

TrackingStore::TrackingStore(const std::string& path) : path_(path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw IoError("{}: cannot open the tracking store: {}", path, message);
  }
  sqlite3_busy_timeout(db_, 10'000);  // concurrent runs (a CI matrix) wait instead of failing
  exec("PRAGMA journal_mode=WAL");
  exec(
      "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, "
      "env TEXT, started_at TEXT, status TEXT, run_dir TEXT, config_hash TEXT);"
      "CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (workflow, started_at);"
      "CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, "
      "value REAL, PRIMARY KEY (run_id, name));");
}

TrackingStore::~TrackingStore() {
  sqlite3_close(db_);
}

void TrackingStore::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw IoError("{}: {}", path_, message);
  }
}

void TrackingStore::upsert_run(const RunRow& run) {
  Statement statement(db_,
                      "INSERT INTO runs (run_id, workflow, env, started_at, status, run_dir, "
                      "config_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run_id) DO "
                      "UPDATE SET status = excluded.status, config_hash = excluded.config_hash",
                      path_);
  statement.bind(1, run.run_id);
  statement.bind(2, run.workflow);
  statement.bind(3, run.env);
  statement.bind(4, run.started_at);
  statement.bind(5, run.status);
  statement.bind(6, run.run_dir);
  statement.bind(7, run.config_hash);
  statement.step();
}

void TrackingStore::set_metrics(const std::string& run_id,
                                const std::map<std::string, double>& metrics) {
  for (const auto& [name, value] : metrics) {
    Statement statement(db_,
                        "INSERT INTO metrics (run_id, name, value) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value",
                        path_);
    statement.bind(1, run_id);
    statement.bind(2, name);
    statement.bind(3, value);
    statement.step();
  }
}

std::optional<RunRow> TrackingStore::latest_run(const std::string& workflow) {
  Statement statement(db_,
                      std::string("SELECT ") + kRunColumns +
                          " FROM runs WHERE workflow = ?1 ORDER BY started_at DESC, run_id DESC "
                          "LIMIT 1",
                      path_);
  statement.bind(1, workflow);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

std::optional<RunRow> TrackingStore::find_run(const std::string& run_id) {
  Statement statement(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?1",
                      path_);
  statement.bind(1, run_id);
  if (!statement.step()) return std::nullopt;
  return read_row(statement);
}

}  // namespace mlops
