// The online feature store in PostgreSQL (online_store.url: postgresql://..., or store.url's
// database when online_store.url is unset): the tables of the SQLite backend
// (store/sqlite/sqlite_online_store.cpp), so the views' declarations, watermarks and last
// materializations are shared by every machine, and so are the values. A write() is one COPY
// into a temporary table and one upsert, latest event time winning (of one key's records in
// one call, the one with the latest event time, the last of equals).

#include <fmt/format.h>

#include "mlops/core/error.h"
#include "mlops/store/online_record.h"
#include "mlops/store/postgres/pg_schema.h"
#include "mlops/store/postgres/pg_stores.h"

namespace mlops {

namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE online_views (view TEXT PRIMARY KEY, entity TEXT NOT NULL DEFAULT '',
  key_columns TEXT NOT NULL DEFAULT '[]', columns TEXT NOT NULL DEFAULT '[]',
  ttl_us BIGINT NOT NULL DEFAULT 0, watermark_us BIGINT, materialized_at_us BIGINT,
  rows_read BIGINT, keys_written BIGINT, seconds DOUBLE PRECISION);
CREATE TABLE online_values (view TEXT NOT NULL, key TEXT NOT NULL, event_us BIGINT NOT NULL,
  value BYTEA NOT NULL, PRIMARY KEY (view, key));
)sql";

constexpr PgMigration kMigrations[] = {{1, kVersion1}};
constexpr std::string_view kTables[] = {"online_views", "online_values"};

/// A text[] literal of `values` ({"a","b\"c"}).
std::string text_array(std::span<const std::string> values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

class PgOnlineStore final : public OnlineStore {
 public:
  explicit PgOnlineStore(const PostgresLocation& location) : db_(location, "online store") {
    apply_pg_migrations(db_, "online", kMigrations, kTables);
  }

  std::string describe() const override { return db_.location().display; }

  void put_schema(const OnlineViewSchema& schema) override {
    db_.query(
        "INSERT INTO online_views (view, entity, key_columns, columns, ttl_us) VALUES ($1, $2, "
        "$3, $4, $5) ON CONFLICT (view) DO UPDATE SET entity = excluded.entity, key_columns = "
        "excluded.key_columns, columns = excluded.columns, ttl_us = excluded.ttl_us",
        PgParams()
            .add(schema.view)
            .add(schema.entity)
            .add(names_to_json(schema.key_columns))
            .add(columns_to_json(schema.columns))
            .add(schema.ttl_us));
  }

  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    if (records.empty()) return 0;
    std::string rows;
    std::string bytes;
    for (size_t i = 0; i < records.size(); ++i) {
      bytes.clear();
      encode_online_value(columns, records[i], write_time_us, bytes);
      fmt::format_to(std::back_inserter(rows), "{}\t", i);
      copy_text_field(rows, records[i].key);
      fmt::format_to(std::back_inserter(rows), "\t{}\t", records[i].event_time_us);
      copy_text_field(rows, bytea_hex(bytes));
      rows += '\n';
    }
    PgTransaction transaction(db_);
    db_.exec(
        "CREATE TEMP TABLE IF NOT EXISTS online_incoming (seq BIGINT, key TEXT, event_us BIGINT, "
        "value BYTEA) ON COMMIT DELETE ROWS");
    db_.copy_in("COPY online_incoming (seq, key, event_us, value) FROM STDIN", rows);
    db_.query("INSERT INTO online_views (view) VALUES ($1) ON CONFLICT (view) DO NOTHING",
              PgParams().add(view));
    const PgResult written = db_.query(
        "INSERT INTO online_values (view, key, event_us, value) SELECT DISTINCT ON (key) $1, "
        "key, event_us, value FROM online_incoming ORDER BY key, event_us DESC, seq DESC "
        "ON CONFLICT (view, key) DO UPDATE SET event_us = excluded.event_us, value = "
        "excluded.value WHERE excluded.event_us >= online_values.event_us",
        PgParams().add(view));
    transaction.commit();
    return written.affected();
  }

  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override {
    std::vector<OnlineLookup> out(keys.size());
    if (keys.empty()) return out;
    const PgResult rows = db_.query(
        "SELECT k.i, v.value FROM unnest($2::text[]) WITH ORDINALITY AS k(key, i) JOIN "
        "online_values v ON v.view = $1 AND v.key = k.key",
        PgParams().add(view).add(text_array(keys)));
    for (int row = 0; row < rows.rows(); ++row) {
      const size_t i = static_cast<size_t>(rows.integer(row, 0)) - 1;
      const std::optional<std::string> bytes = from_bytea_hex(rows.text(row, 1));
      const std::string where =
          fmt::format("{}: view {} key {}", db_.location().display, view, keys[i]);
      if (!bytes) throw DataError("{}: the stored value is not bytea", where);
      if (!try_decode_online_value(*bytes, out[i])) decode_online_value(*bytes, where, out[i]);
      out[i].stale = is_stale(out[i].event_time_us, options);
    }
    return out;
  }

  std::vector<OnlineViewInfo> views() override {
    const PgResult names = db_.query("SELECT view FROM online_views ORDER BY view");
    std::vector<OnlineViewInfo> out;
    for (int row = 0; row < names.rows(); ++row) {
      if (auto info = view(names.text(row, 0))) out.push_back(std::move(*info));
    }
    return out;
  }

  std::optional<OnlineViewInfo> view(std::string_view name) override {
    const PgResult rows = db_.query(
        "SELECT entity, key_columns, columns, ttl_us, watermark_us, materialized_at_us, "
        "rows_read, keys_written, seconds, (SELECT COUNT(*) FROM online_values v WHERE "
        "v.view = o.view), (SELECT MAX(event_us) FROM online_values v WHERE v.view = o.view) "
        "FROM online_views o WHERE view = $1",
        PgParams().add(name));
    if (rows.rows() == 0) return std::nullopt;
    OnlineViewInfo info;
    info.schema.view = std::string(name);
    info.schema.entity = rows.text(0, 0);
    info.schema.key_columns = names_from_json(rows.text(0, 1));
    info.schema.columns = columns_from_json(rows.text(0, 2));
    info.schema.ttl_us = rows.integer(0, 3);
    if (!rows.is_null(0, 4)) info.watermark_us = rows.integer(0, 4);
    if (!rows.is_null(0, 5)) {
      info.last_materialization = MaterializationRecord{rows.integer(0, 5), rows.integer(0, 6),
                                                        rows.integer(0, 7), rows.real(0, 8)};
    }
    info.keys = rows.integer(0, 9);
    if (!rows.is_null(0, 10)) info.latest_event_us = rows.integer(0, 10);
    return info;
  }

  std::optional<int64_t> watermark(std::string_view view) override {
    const PgResult rows =
        db_.query("SELECT watermark_us FROM online_views WHERE view = $1", PgParams().add(view));
    if (rows.rows() == 0 || rows.is_null(0, 0)) return std::nullopt;
    return rows.integer(0, 0);
  }

  void set_watermark(std::string_view view, int64_t watermark_us) override {
    db_.query(
        "INSERT INTO online_views (view, watermark_us) VALUES ($1, $2) ON CONFLICT (view) DO "
        "UPDATE SET watermark_us = excluded.watermark_us",
        PgParams().add(view).add(watermark_us));
  }

  void record_materialization(std::string_view view, const MaterializationRecord& record) override {
    db_.query(
        "INSERT INTO online_views (view, materialized_at_us, rows_read, keys_written, seconds) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (view) DO UPDATE SET materialized_at_us = "
        "excluded.materialized_at_us, rows_read = excluded.rows_read, keys_written = "
        "excluded.keys_written, seconds = excluded.seconds",
        PgParams()
            .add(view)
            .add(record.finished_at_us)
            .add(record.rows_read)
            .add(record.keys_written)
            .add_real_or_null(record.seconds));
  }

  void delete_view(std::string_view view) override {
    PgTransaction transaction(db_);
    db_.query("DELETE FROM online_values WHERE view = $1", PgParams().add(view));
    db_.query("DELETE FROM online_views WHERE view = $1", PgParams().add(view));
    transaction.commit();
  }

 private:
  PgConnection db_;
};

}  // namespace

std::unique_ptr<OnlineStore> open_postgres_online_store(const PostgresLocation& location) {
  return std::make_unique<PgOnlineStore>(location);
}

}  // namespace mlops
