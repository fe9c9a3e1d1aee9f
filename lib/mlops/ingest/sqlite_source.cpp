#include "mlops/ingest/sqlite_source.h"

#include <sqlite3.h>

#include <memory>

#include "mlops/core/error.h"
#include "mlops/core/log.h"
#include "mlops/io/file.h"

namespace mlops {

namespace {

using Json = nlohmann::json;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct Finalize {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::ordered_json column_value(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER: return sqlite3_column_int64(statement, column);
    case SQLITE_FLOAT: return sqlite3_column_double(statement, column);
    case SQLITE_NULL: return nullptr;
    case SQLITE_BLOB: {
      // Blobs as lower-case hex text: JSON has no bytes, and hex round-trips exactly.
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement, column));
      const int size = sqlite3_column_bytes(statement, column);
      static const char* kHex = "0123456789abcdef";
      std::string text;
      for (int i = 0; i < size; ++i) {
        text += kHex[bytes[i] >> 4];
        text += kHex[bytes[i] & 15];
      }
      return text;
    }
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text ? text : "",
                         static_cast<size_t>(sqlite3_column_bytes(statement, column)));
    }
  }
}

void bind_value(sqlite3_stmt* statement, int index, const Json& value) {
  if (value.is_number_integer()) {
    sqlite3_bind_int64(statement, index, value.get<int64_t>());
  } else if (value.is_number()) {
    sqlite3_bind_double(statement, index, value.get<double>());
  } else {
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    sqlite3_bind_text(statement, index, text.c_str(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
}

// The batch of one flush: the rows as JSON texts, typed for the source's table.
Batch rows_batch(SourceContext& context, const std::string& label, std::vector<std::string> texts) {
  context.report.records += texts.size();
  Batch batch;
  batch.tables.push_back(
      json_batch(context.spec.table, label, std::move(texts), context.read_options(label)));
  return batch;
}

}  // namespace

void run_sqlite_source(SourceContext& context) {
  const SourceSpec& spec = context.spec;
  const std::string query = context.options.text("query");
  const std::string column = context.options.text("incremental_column");
  const bool keyed = !context.options.text("key").empty();
  const size_t batch_size = static_cast<size_t>(context.options.integer("batch_size"));
  if (!path_exists(spec.path)) throw IoError("{}: no such database", spec.path);

  sqlite3* raw_db = nullptr;
  const int opened = sqlite3_open_v2(spec.path.c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw_db);
  if (opened != SQLITE_OK) {
    throw IoError("{}: cannot open the database: {}", spec.path,
                  raw_db ? sqlite3_errmsg(raw_db) : sqlite3_errstr(opened));
  }
  sqlite3_busy_timeout(db.get(), 5000);

  Json position = context.lake.position(spec.name);
  const Json last = position.value("last", Json());
  std::string sql = query;
  if (!column.empty()) {
    // With a key, rows equal to the last value are read again (ties committed in separate
    // batches are not lost) and the key drops the ones already in.
    const std::string id = quote_identifier(column);
    sql = "SELECT * FROM (" + query + ")" +
          (last.is_null() ? "" : " WHERE " + id + (keyed ? " >= ?1" : " > ?1")) + " ORDER BY " + id;
  }
  sqlite3_stmt* raw_statement = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_statement, nullptr) != SQLITE_OK) {
    throw ConfigError("ingest.source.query of source '{}': {}", spec.name,
                      sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, Finalize> statement(raw_statement);
  if (!column.empty() && !last.is_null()) bind_value(statement.get(), 1, last);

  const int columns = sqlite3_column_count(statement.get());
  int incremental = -1;
  for (int i = 0; i < columns; ++i) {
    if (column == sqlite3_column_name(statement.get(), i)) incremental = i;
  }
  if (!column.empty() && incremental < 0) {
    throw ConfigError(
        "ingest.source.incremental_column '{}' is not a column of the query of "
        "source '{}'",
        column, spec.name);
  }
  const std::string label = spec.path + ": " + query;
  context.report.inputs.push_back(spec.path);
  ++context.report.requests;

  std::vector<std::string> texts;
  auto flush = [&] {
    if (texts.empty()) return;
    std::string body;
    for (const auto& text : texts) body += text + "\n";
    context.lake.raw(spec.name).append(
        body,
        {{"kind", "sqlite"}, {"database", spec.path}, {"query", query}, {"rows", texts.size()}});
    context.report.bytes += body.size();
    Batch batch = rows_batch(context, label, std::move(texts));
    batch.position = position;
    context.commit(std::move(batch));
    texts.clear();
  };
  while (true) {
    const int step = sqlite3_step(statement.get());
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) {
      throw IoError("{}: query of source '{}' failed: {}", spec.path, spec.name,
                    sqlite3_errmsg(db.get()));
    }
    nlohmann::ordered_json row = nlohmann::ordered_json::object();  // columns in query order
    for (int i = 0; i < columns; ++i) {
      row[sqlite3_column_name(statement.get(), i)] = column_value(statement.get(), i);
    }
    if (incremental >= 0) {
      const auto value = column_value(statement.get(), incremental);
      if (!value.is_null()) position["last"] = Json::parse(value.dump());
    }
    texts.push_back(row.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (texts.size() >= batch_size) flush();
  }
  flush();
}

void replay_sqlite_source(SourceContext& context, const std::vector<RawEntry>& entries) {
  for (const auto& entry : entries) {
    if (entry.meta.value("kind", "") != "sqlite") continue;
    const std::string body = read_raw_body(entry);
    context.report.bytes += body.size();
    // The body is the flush's rows, one JSON text per line (a text never holds a newline).
    std::vector<std::string> texts;
    for (size_t start = 0; start < body.size();) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      if (end > start) texts.push_back(body.substr(start, end - start));
      start = end + 1;
    }
    const std::string label =
        entry.meta.value("database", "") + ": " + entry.meta.value("query", "");
    context.commit(rows_batch(context, label, std::move(texts)));
  }
}

}  // namespace mlops
