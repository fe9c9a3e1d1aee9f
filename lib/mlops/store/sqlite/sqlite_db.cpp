#include "mlops/store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "mlops/core/error.h"

namespace mlops {

namespace {

/// Runs `attempt` (which returns an SQLite result code) again while it fails with SQLITE_BUSY,
/// pausing 1, 2, 4 ... 100 ms, until `timeout_ms` after the first attempt. The busy handler
/// already waited for most locks; what reaches here failed without waiting (WAL recovery, a
/// journal mode switch), so the pause is short.
template <typename Attempt>
int retry_while_busy(int timeout_ms, Attempt attempt) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int pause_ms = 1;
  int rc = attempt();
  while ((rc & 0xff) == SQLITE_BUSY && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    pause_ms = std::min(pause_ms * 2, 100);
    rc = attempt();
  }
  return rc;
}

/// Turns SQLite's memory statistics off, once, before its first connection: with them on,
/// every allocation SQLite makes (binding a text, opening a cursor) takes one process-wide
/// mutex, a tenth of the served prediction log's writer. Nothing here reads the statistics.
/// A no-op (SQLITE_MISUSE) when SQLite was initialized already.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, std::string_view what, int busy_timeout_ms)
    : path_(path), what_(what), busy_timeout_ms_(busy_timeout_ms) {
  configure_sqlite_once();
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError("{}: cannot open the {}: {}", path, what_, message);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
}

SqliteDb::~SqliteDb() {
  sqlite3_close(db_);
}

void SqliteDb::fail(std::string_view context) const {
  throw IoError("{}: {}{}{}", path_, context, context.empty() ? "" : ": ", sqlite3_errmsg(db_));
}

void SqliteDb::exec(std::string_view sql) {
  const std::string text(sql);
  // Outside a transaction a failed statement left nothing behind; a failed COMMIT keeps the
  // transaction open and may be run again. Anything else inside a transaction is not retried.
  const bool retry = sqlite3_get_autocommit(db_) != 0 || text == "COMMIT";
  char* error = nullptr;
  auto attempt = [&] {
    sqlite3_free(error);
    error = nullptr;
    return sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  };
  const int rc = retry ? retry_while_busy(busy_timeout_ms_, attempt) : attempt();
  if (rc != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw IoError("{}: {} failed: {}", path_, what_, message);
  }
}

int64_t SqliteDb::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}

SqliteStatement::SqliteStatement(SqliteDb& db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    db.fail("cannot prepare a query");
  }
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, const void* data, size_t bytes) {
  sqlite3_bind_blob64(stmt_, index, data, bytes, SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::bind_unowned(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob_unowned(int index, const void* data, size_t bytes) {
  sqlite3_bind_blob64(stmt_, index, data, bytes, SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

SqliteStatement& SqliteStatement::bind_real_or_null(int index, double value) {
  return std::isnan(value) ? bind_null(index) : bind(index, value);
}

bool SqliteStatement::step() {
  // A statement outside a transaction that met SQLITE_BUSY was rolled back and may run again
  // (sqlite3_step resets it itself); inside one, the caller's transaction decides.
  const bool retry = sqlite3_get_autocommit(db_.handle()) != 0;
  const int rc = retry
                     ? retry_while_busy(db_.busy_timeout_ms(), [&] { return sqlite3_step(stmt_); })
                     : sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("");
}

void SqliteStatement::run() {
  step();
  reset();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(stmt_, column);
  return value ? std::string(reinterpret_cast<const char*>(value),
                             static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
               : std::string();
}

std::string SqliteStatement::blob(int column) const {
  const void* value = sqlite3_column_blob(stmt_, column);
  return value ? std::string(static_cast<const char*>(value),
                             static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
               : std::string();
}

int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::real(int column) const {
  if (is_null(column)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, column);
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace mlops
