#pragma once
// A small RAII layer over SQLite for the embedded stores (tracking, model registry,
// evaluation): one connection, prepared statements that finalize themselves, transactions that
// roll back unless committed. Errors become IoError naming the database file.
//
// The connection and locking policy of every store, kept here and nowhere else:
// - Open: read-write, creating the file. `journal_mode=WAL`, so readers never block the writer
//   and a CI matrix on one machine can share the store; `synchronous=NORMAL`, which in WAL mode
//   never corrupts the file (a power loss may drop the last commits, an application crash
//   loses nothing); `foreign_keys=ON` (SQLite's default is off).
// - Waiting: a busy timeout of kBusyTimeoutMs (or what the opener passes): a statement that meets
// another connection's
//   lock waits up to that long before failing with IoError ("database is locked").
// - Writers: a store that reads and then writes (next version number, compare-and-set of an
//   alias, a batch of rows) does it inside a SqliteTransaction, which is BEGIN IMMEDIATE: the
//   write lock is taken up front, so no other writer can slip in between, and no deadlock
//   between two readers upgrading to writers can happen. A single INSERT/UPDATE outside a
//   transaction commits on its own.
// - Retry: SQLITE_BUSY that the busy handler does not cover (a lock met while switching to WAL
//   or while another connection recovers the WAL index) is retried with a growing pause,
//   within the same kBusyTimeoutMs, for statements run outside an explicit transaction and for
//   BEGIN/COMMIT themselves. Inside a transaction the write lock is already held.
// - Schema: each store lists its migrations (store/sqlite/schema_migrations.h) and applies them
//   at open, in one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mlops {

class SqliteDb;

/// How long a statement waits for another connection's lock before it fails.
inline constexpr int kBusyTimeoutMs = 30'000;

/// A prepared statement, finalized on destruction. Binding indexes start at 1, columns at 0.
class SqliteStatement {
 public:
  /// Prepares `sql`; throws IoError naming the file and SQLite's message.
  SqliteStatement(SqliteDb& db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const char* value) {
    return bind(index, std::string_view(value));
  }
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  SqliteStatement& bind_blob(int index, const void* data, size_t bytes);
  SqliteStatement& bind_null(int index);
  /// Text and blob bound without SQLite's copy: the bytes must stay unchanged until the
  /// statement is stepped and reset (a hot loop's reused buffer).
  SqliteStatement& bind_unowned(int index, std::string_view text);
  SqliteStatement& bind_blob_unowned(int index, const void* data, size_t bytes);
  /// Binds a double, or NULL when it is NaN (SQLite has no NaN).
  SqliteStatement& bind_real_or_null(int index, double value);

  /// True while a row is available; false when done. Retries SQLITE_BUSY outside a
  /// transaction (see the policy above); throws IoError on failure.
  bool step();
  /// Steps once and resets, for INSERT/UPDATE statements reused in a loop.
  void run();
  void reset();

  std::string text(int column) const;
  std::string blob(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;  // NaN for NULL
  bool is_null(int column) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// One connection to a store file, opened with the policy above.
class SqliteDb {
 public:
  /// Opens (creating) the database file; `what` names the store in errors; a lock is waited
  /// for up to `busy_timeout_ms` (a caller that must not wait long, such as the served
  /// prediction log, passes less). Throws IoError naming the path when it cannot be opened or
  /// set up.
  SqliteDb(const std::string& path, std::string_view what, int busy_timeout_ms = kBusyTimeoutMs);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  /// Runs one or more statements without results, retrying SQLITE_BUSY outside a
  /// transaction. Throws IoError naming the file and the store.
  void exec(std::string_view sql);
  int64_t last_insert_id() const;
  const std::string& path() const { return path_; }
  /// The store's name in errors ("tracking store").
  const std::string& what() const { return what_; }
  sqlite3* handle() const { return db_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }
  /// Throws IoError with the connection's last message.
  [[noreturn]] void fail(std::string_view context) const;

 private:
  std::string path_;
  std::string what_;
  int busy_timeout_ms_ = kBusyTimeoutMs;
  sqlite3* db_ = nullptr;
};

/// BEGIN IMMEDIATE on construction (takes the write lock up front, so read-then-write logic such
/// as "next version number" cannot race); ROLLBACK on destruction unless commit() ran.
class SqliteTransaction {
 public:
  /// Throws IoError when the write lock cannot be had within kBusyTimeoutMs.
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  /// Throws IoError; the transaction is rolled back on destruction then.
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace mlops
