#pragma once
// A small RAII layer over libpq for the PostgreSQL stores (tracking, model registry,
// evaluation), the PostgreSQL counterpart of store/sqlite/sqlite_db.h: one connection per
// store, statements prepared on first use and reused, parameters passed as text (never spliced
// into SQL), transactions that roll back unless committed, COPY for bulk rows.
//
// Errors name the store URL without its password (PostgresLocation::display):
// - the server cannot be reached, refuses the login or the password: NetworkError (exit 5);
// - a statement fails (a constraint, a missing table, the connection lost mid-way): IoError
//   (exit 5), with PostgreSQL's message and SQLSTATE.
// Concurrency is PostgreSQL's: writers that read then write (next version number, an alias's
// compare-and-set) take a transaction-scoped advisory lock (pg_advisory_xact_lock) first.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace mlops {

/// Where a PostgreSQL store is: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]`
/// (`postgres://` too; PARAMS are libpq's, e.g. sslmode=require). Without a password in the
/// URL libpq reads PGPASSWORD (or ~/.pgpass).
struct PostgresLocation {
  std::string url;      // as written: may hold the password, never print it
  std::string display;  // postgresql://USER@HOST:PORT/DB: for messages
};

/// True when `url` starts with postgresql:// or postgres://.
bool is_postgres_url(std::string_view url);

/// Parses a PostgreSQL URL. Throws ConfigError naming `key` (never the password) when it is not
/// `postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DB`: no host, no database, a port that is not a
/// number from 1 to 65535.
PostgresLocation parse_postgres_url(std::string_view url, std::string_view key);

/// One statement's result, cleared on destruction. Rows and columns start at 0.
class PgResult {
 public:
  explicit PgResult(pg_result* result = nullptr) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;  // "" for NULL
  int64_t integer(int row, int column) const;   // 0 for NULL
  double real(int row, int column) const;       // NaN for NULL
  /// Rows the statement changed (INSERT, UPDATE, DELETE, COPY).
  int64_t affected() const;

 private:
  pg_result* result_;
};

/// Statement parameters, all sent as text; a null is SQL NULL.
class PgParams {
 public:
  PgParams& add(std::string_view value);
  PgParams& add(const char* value) { return add(std::string_view(value)); }
  PgParams& add(const std::string& value) { return add(std::string_view(value)); }
  PgParams& add(int64_t value);
  PgParams& add(int value) { return add(static_cast<int64_t>(value)); }
  /// A double; NULL for NaN (the SQLite backends store NaN as NULL too).
  PgParams& add_real_or_null(double value);
  PgParams& add_null();
  size_t size() const { return values_.size(); }
  /// Pointers for libpq, valid while the params live.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

/// One connection to a PostgreSQL store.
class PgConnection {
 public:
  /// Connects; `what` names the store in errors ("model registry"). `lock_timeout_ms` > 0
  /// makes a statement waiting for another session's lock fail (IoError) after that long.
  /// Throws NetworkError naming location.display when the server cannot be reached or refuses
  /// the login, ConfigError when libpq cannot be loaded.
  PgConnection(PostgresLocation location, std::string_view what, int lock_timeout_ms = 0);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs one or more statements without parameters. Throws IoError.
  PgResult exec(std::string_view sql);
  /// Runs `sql` ($1, $2 ... for parameters), prepared on its first use on this connection and
  /// reused after. Throws IoError.
  PgResult query(const std::string& sql, const PgParams& params = {});
  /// COPY ... FROM STDIN with `data` in COPY's text format (copy_text_field escapes a field).
  /// Returns the rows copied. Throws IoError.
  int64_t copy_in(std::string_view copy_sql, std::string_view data);

  const PostgresLocation& location() const { return location_; }
  const std::string& what() const { return what_; }
  /// Throws IoError (NetworkError when the connection is gone) naming the URL, `context` and
  /// libpq's message.
  [[noreturn]] void fail(std::string_view context, const pg_result* result = nullptr) const;

 private:
  PgResult check(pg_result* result, std::string_view context, int expected_status) const;
  void connect();
  void ensure_connected();

  PostgresLocation location_;
  std::string what_;
  int lock_timeout_ms_ = 0;
  pg_conn* conn_ = nullptr;
  std::map<std::string, std::string, std::less<>> prepared_;  // sql -> statement name
};

/// Appends `value` to a COPY text-format row, escaping backslash, tab, newline and CR.
void copy_text_field(std::string& row, std::string_view value);

/// Appends a double to a COPY text-format row: \\N (NULL) for NaN, as the SQLite backends store
/// it; the shortest text that reads back exactly otherwise.
void copy_real_field(std::string& row, double value);

/// Appends a real[] literal ({0.25,0.75}) to a COPY text-format row; \\N when `values` is empty.
void copy_floats_field(std::string& row, const std::vector<float>& values);

/// A real[] as PostgreSQL prints it ({0.25,0.75}) back to floats.
std::vector<float> floats_from_array(const std::string& text);

/// bytea's hex text form (\\x then two hex digits a byte), for a bytea parameter.
std::string bytea_hex(std::string_view bytes);

/// bytea's hex text output back to bytes; nullopt when it is not hex.
std::optional<std::string> from_bytea_hex(std::string_view text);

/// BEGIN on construction; ROLLBACK on destruction unless commit() ran.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection);
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  /// Takes the transaction-scoped advisory lock named `name` (released at commit or
  /// rollback), so read-then-write logic under one name runs one session at a time.
  void lock(std::string_view name);
  /// Throws IoError; the transaction is rolled back on destruction then.
  void commit();

 private:
  PgConnection& connection_;
  bool done_ = false;
};

}  // namespace mlops
