// The embedded online store: its own SQLite file (online_store.url, default online.db next to
// runs_dir), one row per (view, key) holding the encoded value (store/online_record.h), one
// row per view with its declaration, watermark and last materialization. Writes are one
// transaction per write() call through prepared statements; the latest-wins rule is the
// upsert's WHERE.

#include <sqlite3.h>

#include <algorithm>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/store/online_record.h"
#include "mlops/store/sqlite/schema_migrations.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops {

namespace {

constexpr const char* kVersion1 =
    "CREATE TABLE online_views (view TEXT PRIMARY KEY, entity TEXT NOT NULL DEFAULT '', "
    "key_columns TEXT NOT NULL DEFAULT '[]', columns TEXT NOT NULL DEFAULT '[]', "
    "ttl_us INTEGER NOT NULL DEFAULT 0, watermark_us INTEGER, materialized_at_us INTEGER, "
    "rows_read INTEGER, keys_written INTEGER, seconds REAL);"
    "CREATE TABLE online_values (view TEXT NOT NULL, key TEXT NOT NULL, "
    "event_us INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (view, key)) WITHOUT ROWID;";

constexpr Migration kMigrations[] = {{1, kVersion1}};

class SqliteOnlineStore final : public OnlineStore {
 public:
  explicit SqliteOnlineStore(const std::string& path)
      : db_(path, "online store"),
        migrated_((apply_migrations(db_, "online", kMigrations), true)),
        upsert_(db_,
                "INSERT INTO online_values (view, key, event_us, value) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (view, key) DO UPDATE SET event_us = excluded.event_us, "
                "value = excluded.value WHERE excluded.event_us >= online_values.event_us"),
        lookup_(db_, "SELECT value FROM online_values WHERE view = ?1 AND key = ?2") {
    // A larger page cache than SQLite's 2 MB: a batch's upserts touch many B-tree pages.
    db_.exec("PRAGMA cache_size = -65536");
    // Checkpoints (copying the WAL into the file, with an fsync) every 64 MB of WAL rather
    // than every 4 MB: a materialization writes hundreds of MB.
    db_.exec("PRAGMA wal_autocheckpoint = 16384");
  }

  std::string describe() const override { return "sqlite:" + db_.path(); }

  void put_schema(const OnlineViewSchema& schema) override {
    SqliteStatement(db_,
                    "INSERT INTO online_views (view, entity, key_columns, columns, ttl_us) "
                    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (view) DO UPDATE SET "
                    "entity = excluded.entity, key_columns = excluded.key_columns, "
                    "columns = excluded.columns, ttl_us = excluded.ttl_us")
        .bind(1, schema.view)
        .bind(2, schema.entity)
        .bind(3, names_to_json(schema.key_columns))
        .bind(4, columns_to_json(schema.columns))
        .bind(5, schema.ttl_us)
        .step();
  }

  int64_t write(std::string_view view, std::span<const OnlineColumn> columns,
                std::span<const OnlineRecord> records, int64_t write_time_us) override {
    if (records.empty()) return 0;
    SqliteTransaction transaction(db_);
    SqliteStatement(db_, "INSERT OR IGNORE INTO online_views (view) VALUES (?1)")
        .bind(1, view)
        .step();
    // Upserts in key order touch each B-tree page once per batch instead of once per key;
    // the stable sort keeps one key's records in the order given (materialize passes them
    // sorted already).
    std::vector<uint32_t> order(records.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto by_key = [&](uint32_t a, uint32_t b) { return records[a].key < records[b].key; };
    if (!std::is_sorted(order.begin(), order.end(), by_key)) {
      std::stable_sort(order.begin(), order.end(), by_key);
    }
    int64_t written = 0;
    std::string bytes;
    for (const uint32_t index : order) {
      const OnlineRecord& record = records[index];
      bytes.clear();
      encode_online_value(columns, record, write_time_us, bytes);
      upsert_.bind_unowned(1, view).bind_unowned(2, record.key).bind(3, record.event_time_us);
      upsert_.bind_blob_unowned(4, bytes.data(), bytes.size());
      upsert_.step();
      written += sqlite3_changes(db_.handle());
      upsert_.reset();
    }
    transaction.commit();
    return written;
  }

  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions& options) override {
    std::vector<OnlineLookup> out(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      lookup_.bind(1, view).bind(2, keys[i]);
      if (lookup_.step()) {
        const std::string bytes = lookup_.blob(0);
        if (!try_decode_online_value(bytes, out[i])) {
          lookup_.reset();
          decode_online_value(bytes, where(view, keys[i]), out[i]);  // throws, naming the key
        }
        out[i].stale = is_stale(out[i].event_time_us, options);
      }
      lookup_.reset();
    }
    return out;
  }

  std::vector<OnlineViewInfo> views() override {
    std::vector<OnlineViewInfo> out;
    SqliteStatement names(db_, "SELECT view FROM online_views ORDER BY view");
    while (names.step()) {
      if (auto info = view(names.text(0))) out.push_back(std::move(*info));
    }
    return out;
  }

  std::optional<OnlineViewInfo> view(std::string_view name) override {
    SqliteStatement statement(
        db_,
        "SELECT entity, key_columns, columns, ttl_us, watermark_us, materialized_at_us, "
        "rows_read, keys_written, seconds FROM online_views WHERE view = ?1");
    statement.bind(1, name);
    if (!statement.step()) return std::nullopt;
    OnlineViewInfo info;
    info.schema.view = std::string(name);
    info.schema.entity = statement.text(0);
    info.schema.key_columns = names_from_json(statement.text(1));
    info.schema.columns = columns_from_json(statement.text(2));
    info.schema.ttl_us = statement.integer(3);
    if (!statement.is_null(4)) info.watermark_us = statement.integer(4);
    if (!statement.is_null(5)) {
      info.last_materialization = MaterializationRecord{statement.integer(5), statement.integer(6),
                                                        statement.integer(7), statement.real(8)};
    }
    SqliteStatement facts(db_, "SELECT COUNT(*), MAX(event_us) FROM online_values WHERE view = ?1");
    facts.bind(1, name);
    facts.step();
    info.keys = facts.integer(0);
    if (!facts.is_null(1)) info.latest_event_us = facts.integer(1);
    return info;
  }

  std::optional<int64_t> watermark(std::string_view view) override {
    SqliteStatement statement(db_, "SELECT watermark_us FROM online_views WHERE view = ?1");
    statement.bind(1, view);
    if (!statement.step() || statement.is_null(0)) return std::nullopt;
    return statement.integer(0);
  }

  void set_watermark(std::string_view view, int64_t watermark_us) override {
    SqliteStatement(db_,
                    "INSERT INTO online_views (view, watermark_us) VALUES (?1, ?2) "
                    "ON CONFLICT (view) DO UPDATE SET watermark_us = excluded.watermark_us")
        .bind(1, view)
        .bind(2, watermark_us)
        .step();
  }

  void record_materialization(std::string_view view, const MaterializationRecord& record) override {
    SqliteStatement(db_,
                    "INSERT INTO online_views (view, materialized_at_us, rows_read, keys_written, "
                    "seconds) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (view) DO UPDATE SET "
                    "materialized_at_us = excluded.materialized_at_us, rows_read = "
                    "excluded.rows_read, keys_written = excluded.keys_written, seconds = "
                    "excluded.seconds")
        .bind(1, view)
        .bind(2, record.finished_at_us)
        .bind(3, record.rows_read)
        .bind(4, record.keys_written)
        .bind(5, record.seconds)
        .step();
  }

  void delete_view(std::string_view view) override {
    SqliteTransaction transaction(db_);
    SqliteStatement(db_, "DELETE FROM online_values WHERE view = ?1").bind(1, view).step();
    SqliteStatement(db_, "DELETE FROM online_views WHERE view = ?1").bind(1, view).step();
    transaction.commit();
  }

 private:
  std::string where(std::string_view view, std::string_view key) const {
    return db_.path() + ": view " + std::string(view) + " key " + std::string(key);
  }
  SqliteDb db_;
  bool migrated_;  // the tables exist before the statements below are prepared
  SqliteStatement upsert_;
  SqliteStatement lookup_;
};

}  // namespace

std::unique_ptr<OnlineStore> open_sqlite_online_store(const std::string& db_path) {
  return std::make_unique<SqliteOnlineStore>(db_path);
}

}  // namespace mlops
