#pragma once
// A small RAII layer over SQLite for the embedded stores (tracking, model registry, evaluation):
// one connection, prepared statements that finalize themselves, and transactions that roll
// back unless committed. Errors become IoError naming the database file.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mlops {

class SqliteDb;

class SqliteStatement {
 public:
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
  /// Binds a double, or NULL when it is NaN (SQLite has no NaN).
  SqliteStatement& bind_real_or_null(int index, double value);

  /// True while a row is available; false when done. Throws IoError on failure.
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

class SqliteDb {
 public:
  /// Opens (creating) the database file in WAL mode with a busy timeout, so concurrent runs
  /// (a CI matrix on one machine) wait instead of failing. `what` names the store in errors.
  SqliteDb(const std::string& path, std::string_view what);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  /// Runs one or more statements without results.
  void exec(std::string_view sql);
  int64_t last_insert_id() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  /// Throws IoError with the connection's last message.
  [[noreturn]] void fail(std::string_view context) const;

 private:
  std::string path_;
  std::string what_;
  sqlite3* db_ = nullptr;
};

/// BEGIN IMMEDIATE on construction (takes the write lock up front, so read-then-write logic such
/// as "next version number" cannot race); ROLLBACK on destruction unless commit() ran.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace mlops
