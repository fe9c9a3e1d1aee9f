#include "mlops/store/postgres/pg_connection.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "mlops/core/error.h"
#include "mlops/core/secret_mask.h"
#include "mlops/store/postgres/pg_api.h"

namespace mlops {

namespace {

/// libpq's message on one line, without its trailing newline (and never a secret).
std::string one_line(const char* message) {
  std::string text = message ? message : "";
  // The server's DETAIL and CONTEXT lines can quote a row being written (`COPY prediction_log,
  // line 45168: "<model> v2 <key> ..."`, a unique key's values): entity keys and features that
  // must not reach logs and notifications. The primary message and the HINT stay.
  for (const char* part : {"\nDETAIL:", "\nCONTEXT:"}) {
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part)) {
      const size_t hint = text.find("\nHINT:", at + 1);
      text.erase(at, hint == std::string::npos ? std::string::npos : hint - at);
    }
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string line;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (line.empty() || line.back() == ' ')) continue;
    line += c;
  }
  return mask_secrets(line);
}

void discard_notice(void*, const char*) {}  // "relation already exists, skipping" and the like

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

PostgresLocation parse_postgres_url(std::string_view url, std::string_view key) {
  if (!is_postgres_url(url)) {
    throw ConfigError("{}: a PostgreSQL URL starts with postgresql://", key);
  }
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view query;
  if (const size_t mark = rest.find('?'); mark != std::string_view::npos) {
    query = rest.substr(mark);
    rest = rest.substr(0, mark);
  }
  std::string user;
  // The password may hold '@' or '/' only percent-encoded, as in any URL; the last '@' ends it.
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    user = std::string(userinfo.substr(0, userinfo.find(':')));
    rest = rest.substr(at + 1);
  }
  const size_t slash = rest.find('/');
  const std::string_view hostport = rest.substr(0, slash);
  const std::string_view db =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  std::string_view host = hostport;
  if (const size_t colon = hostport.rfind(':');
      colon != std::string_view::npos && hostport.find(']', colon) == std::string_view::npos) {
    host = hostport.substr(0, colon);
    const std::string_view port = hostport.substr(colon + 1);
    int number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      throw ConfigError("{}: the PostgreSQL port must be a number from 1 to 65535, not '{}'", key,
                        port);
    }
  }
  if (host.empty() || db.empty()) {
    throw ConfigError(
        "{}: a PostgreSQL URL names a host and a database: "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB",
        key);
  }
  PostgresLocation location;
  location.url = std::string(url);
  location.display =
      fmt::format("postgresql://{}{}{}/{}", user, user.empty() ? "" : "@", hostport, db);
  if (!query.empty()) location.display = mask_secrets(location.display + std::string(query));
  return location;
}

PgResult::~PgResult() {
  if (result_) pq().PQclear(result_);
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_) pq().PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const {
  return result_ ? pq().PQntuples(result_) : 0;
}

int PgResult::columns() const {
  return result_ ? pq().PQnfields(result_) : 0;
}

bool PgResult::is_null(int row, int column) const {
  return pq().PQgetisnull(result_, row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
  return std::string(pq().PQgetvalue(result_, row, column),
                     static_cast<size_t>(pq().PQgetlength(result_, row, column)));
}

int64_t PgResult::integer(int row, int column) const {
  if (is_null(row, column)) return 0;
  return std::strtoll(pq().PQgetvalue(result_, row, column), nullptr, 10);
}

double PgResult::real(int row, int column) const {
  if (is_null(row, column)) return std::nan("");
  return std::strtod(pq().PQgetvalue(result_, row, column), nullptr);
}

int64_t PgResult::affected() const {
  const char* count = result_ ? pq().PQcmdTuples(result_) : "";
  return count && *count ? std::strtoll(count, nullptr, 10) : 0;
}

PgParams& PgParams::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

PgParams& PgParams::add(int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

PgParams& PgParams::add_real_or_null(double value) {
  if (std::isnan(value)) return add_null();
  if (std::isinf(value)) {
    values_.emplace_back(value > 0 ? "Infinity" : "-Infinity");
  } else {
    values_.emplace_back(fmt::format("{}", value));  // shortest text that reads back exactly
  }
  return *this;
}

PgParams& PgParams::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

PgConnection::PgConnection(PostgresLocation location, std::string_view what, int lock_timeout_ms)
    : location_(std::move(location)), what_(what), lock_timeout_ms_(lock_timeout_ms) {
  connect();
}

void PgConnection::connect() {
  const PqApi& api = pq();
  if (conn_) api.PQfinish(conn_);
  prepared_.clear();
  const std::string options =
      lock_timeout_ms_ > 0 ? fmt::format("-c lock_timeout={}", lock_timeout_ms_) : "";
  // Defaults first: the URL's own parameters (expanded from dbname) override them.
  // PGCONNECT_TIMEOUT, when set, is libpq's to read: an explicit keyword would override it.
  const char* timeout = std::getenv("PGCONNECT_TIMEOUT") ? "" : "10";
  const char* keywords[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
  const char* values[] = {timeout, "mlops", options.c_str(), location_.url.c_str(), nullptr};
  conn_ = api.PQconnectdbParams(keywords, values, 1);
  if (!conn_) {
    throw NetworkError("{}: cannot connect to the {}: out of memory", location_.display, what_);
  }
  if (api.PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = one_line(api.PQerrorMessage(conn_));
    api.PQfinish(conn_);
    conn_ = nullptr;
    const bool password = message.find("password") != std::string::npos;
    throw NetworkError("{}: cannot connect to the {}: {}{}", location_.display, what_, message,
                       password ? " (check the password: ${VAR} in store.url, or PGPASSWORD)" : "");
  }
  api.PQsetNoticeProcessor(conn_, discard_notice, nullptr);
}

void PgConnection::ensure_connected() {
  // A connection lost since the last statement (a server restart) is opened again; one lost
  // inside a transaction fails that transaction's statement first, so nothing is half-done.
  if (!conn_ || pq().PQstatus(conn_) != CONNECTION_OK) connect();
}

PgConnection::~PgConnection() {
  if (conn_) pq().PQfinish(conn_);
}

void PgConnection::fail(std::string_view context, const pg_result* result) const {
  const PqApi& api = pq();
  std::string message =
      one_line(result ? api.PQresultErrorMessage(result) : api.PQerrorMessage(conn_));
  if (message.empty()) message = one_line(api.PQerrorMessage(conn_));
  if (message.starts_with("ERROR:  ")) message.erase(0, 8);
  const char* state = result ? api.PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (api.PQstatus(conn_) != CONNECTION_OK) {
    throw NetworkError("{}: the {} lost its connection ({}): {}", location_.display, what_, context,
                       message);
  }
  throw IoError("{}: {}: {}: {}{}", location_.display, what_, context, message,
                state ? fmt::format(" (SQLSTATE {})", state) : "");
}

PgResult PgConnection::check(pg_result* raw, std::string_view context, int expected) const {
  PgResult result(raw);
  const int status = raw ? pq().PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != expected && !(expected == PGRES_COMMAND_OK && status == PGRES_TUPLES_OK)) {
    fail(context, raw);
  }
  return result;
}

PgResult PgConnection::exec(std::string_view sql) {
  ensure_connected();
  const std::string text(sql);
  return check(pq().PQexec(conn_, text.c_str()), "statement failed", PGRES_COMMAND_OK);
}

PgResult PgConnection::query(const std::string& sql, const PgParams& params) {
  ensure_connected();
  const PqApi& api = pq();
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    const std::string name = fmt::format("mlops_{}", prepared_.size() + 1);
    check(api.PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), "prepare failed",
          PGRES_COMMAND_OK);
    found = prepared_.emplace(sql, name).first;
  }
  const std::vector<const char*> values = params.pointers();
  pg_result* raw = api.PQexecPrepared(conn_, found->second.c_str(), static_cast<int>(values.size()),
                                      values.data(), nullptr, nullptr, 0);
  const int status = raw ? api.PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return PgResult(raw);
  return check(raw, "query failed", PGRES_TUPLES_OK);
}

int64_t PgConnection::copy_in(std::string_view copy_sql, std::string_view data) {
  ensure_connected();
  const PqApi& api = pq();
  check(api.PQexec(conn_, std::string(copy_sql).c_str()), "COPY failed", PGRES_COPY_IN);
  constexpr size_t kChunk = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    const size_t size = std::min(kChunk, data.size() - at);
    if (api.PQputCopyData(conn_, data.data() + at, static_cast<int>(size)) != 1) {
      fail("COPY failed");
    }
  }
  if (api.PQputCopyEnd(conn_, nullptr) != 1) fail("COPY failed");
  PgResult result = check(api.PQgetResult(conn_), "COPY failed", PGRES_COMMAND_OK);
  while (pg_result* extra = api.PQgetResult(conn_)) api.PQclear(extra);
  return result.affected();
}

void copy_text_field(std::string& row, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': row += "\\\\"; break;
      case '\t': row += "\\t"; break;
      case '\n': row += "\\n"; break;
      case '\r': row += "\\r"; break;
      default: row += c;
    }
  }
}

void copy_real_field(std::string& row, double value) {
  if (std::isnan(value)) {
    row += "\\N";
  } else if (std::isinf(value)) {
    row += value > 0 ? "Infinity" : "-Infinity";
  } else {
    fmt::format_to(std::back_inserter(row), "{}", value);
  }
}

void copy_floats_field(std::string& row, const std::vector<float>& values) {
  if (values.empty()) {
    row += "\\N";
    return;
  }
  row += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) row += ',';
    if (std::isnan(values[i])) {
      row += "NaN";
    } else {
      fmt::format_to(std::back_inserter(row), "{}", values[i]);
    }
  }
  row += '}';
}

std::vector<float> floats_from_array(const std::string& text) {
  std::vector<float> values;
  if (text.size() < 2) return values;
  size_t at = 1;
  while (at < text.size() - 1) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size() - 1;
    values.push_back(std::strtof(text.substr(at, end - at).c_str(), nullptr));
    at = end + 1;
  }
  return values;
}

std::string bytea_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex = "\\x";
  hex.reserve(2 + bytes.size() * 2);
  for (const unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::optional<std::string> from_bytea_hex(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string bytes;
  bytes.reserve((text.size() - 2) / 2);
  for (size_t at = 2; at < text.size(); at += 2) {
    const int high = digit(text[at]);
    const int low = digit(text[at + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

PgTransaction::PgTransaction(PgConnection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const Error&) {  // the connection is gone: the server rolled back already
  }
}

void PgTransaction::lock(std::string_view name) {
  connection_.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", PgParams().add(name));
}

void PgTransaction::commit() {
  done_ = true;
  connection_.exec("COMMIT");
}

}  // namespace mlops
