// The embedded registry backend: three tables in the SQLite store. Versions are numbered
// inside a write transaction, so two trainings finishing at once get distinct numbers; the
// alias history is append-only (triggers refuse UPDATE and DELETE).

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/log.h"
#include "mlops/core/time.h"
#include "mlops/store/artifact_files.h"
#include "mlops/store/sqlite/schema_migrations.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;

// Version 1: the schema before the version table. A change of schema is a new step at the end.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE IF NOT EXISTS model_versions (
  model TEXT NOT NULL, version INTEGER NOT NULL, run_id TEXT, created_at TEXT NOT NULL,
  artifact_dir TEXT NOT NULL, metrics TEXT NOT NULL, meta TEXT NOT NULL,
  PRIMARY KEY (model, version));
CREATE TABLE IF NOT EXISTS model_aliases (
  model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (model, alias), FOREIGN KEY (model, version) REFERENCES model_versions);
CREATE TABLE IF NOT EXISTS model_alias_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, alias TEXT NOT NULL,
  version INTEGER NOT NULL, previous_version INTEGER NOT NULL, action TEXT NOT NULL,
  reason TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS alias_history_no_update BEFORE UPDATE ON model_alias_history
  BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS alias_history_no_delete BEFORE DELETE ON model_alias_history
  BEGIN SELECT RAISE(ABORT, 'the alias history is append-only'); END;
)sql";

// Version 2: each version's files with their XXH3-128 hash, recorded in the transaction that
// registers the version and checked whenever the version is read.
constexpr const char* kVersion2 =
    "CREATE TABLE model_version_files (model TEXT NOT NULL, version INTEGER NOT NULL, "
    "name TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (model, version, name));";

constexpr Migration kMigrations[] = {{1, kVersion1}, {2, kVersion2}};

constexpr const char* kVersionColumns =
    "model, version, run_id, created_at, artifact_dir, metrics, meta";

ModelVersion read_version(const SqliteStatement& row) {
  ModelVersion version;
  version.model = row.text(0);
  version.version = static_cast<int>(row.integer(1));
  version.run_id = row.text(2);
  version.created_at = row.text(3);
  version.artifact_dir = row.text(4);
  nlohmann::json metrics = nlohmann::json::parse(row.text(5), nullptr, false);
  if (metrics.is_object()) {
    for (const auto& [name, value] : metrics.items()) {
      version.metrics[name] = value.is_number() ? value.get<double>() : std::nan("");
    }
  }
  version.meta = nlohmann::json::parse(row.text(6), nullptr, false);
  if (version.meta.is_discarded()) version.meta = nlohmann::json::object();
  return version;
}

AliasChange read_change(const SqliteStatement& row) {
  return AliasChange{row.integer(0),
                     row.text(1),
                     row.text(2),
                     static_cast<int>(row.integer(3)),
                     static_cast<int>(row.integer(4)),
                     row.text(5),
                     row.text(6),
                     row.text(7)};
}

class SqliteRegistry final : public ModelRegistry {
 public:
  SqliteRegistry(const std::string& db_path, std::string models_dir)
      // Absolute, so a store shared between working directories resolves every version.
      : db_(db_path, "model registry"), models_dir_(fs::absolute(models_dir).string()) {
    apply_migrations(db_, "registry", kMigrations);
  }

  ModelVersion register_version(const std::string& model, const std::string& run_id,
                                const std::string& artifact_dir,
                                const std::map<std::string, double>& metrics,
                                const nlohmann::json& meta) override {
    check_model_name(model);
    const fs::path model_dir = fs::path(models_dir_) / model;
    // Copied outside the lock into a private folder; a rename publishes it with the row.
    const std::string incoming = stage_artifacts(artifact_dir, model_dir.string(), run_id);
    std::vector<std::pair<std::string, std::string>> files;  // name, hash
    for (const auto& entry : fs::directory_iterator(incoming)) {
      files.emplace_back(entry.path().filename().string(), hash_file(entry.path().string()));
    }

    SqliteTransaction transaction(db_);
    SqliteStatement next(db_,
                         "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions "
                         "WHERE model = ?1");
    next.bind(1, model);
    next.step();
    ModelVersion version;
    version.model = model;
    version.version = static_cast<int>(next.integer(0));
    version.run_id = run_id;
    version.created_at = format_iso8601(now_micros());
    version.artifact_dir = (model_dir / fmt::format("v{}", version.version)).string();
    version.metrics = metrics;
    version.meta = meta;
    SqliteStatement(db_,
                    "INSERT INTO model_versions (model, version, run_id, created_at, "
                    "artifact_dir, metrics, meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, model)
        .bind(2, version.version)
        .bind(3, run_id)
        .bind(4, version.created_at)
        .bind(5, version.artifact_dir)
        .bind(6, metrics_json(metrics).dump())
        .bind(7, meta.dump())
        .step();
    SqliteStatement file_row(db_,
                             "INSERT INTO model_version_files (model, version, name, hash) "
                             "VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [name, hash] : files) {
      file_row.bind(1, model).bind(2, version.version).bind(3, name).bind(4, hash);
      file_row.run();
    }
    publish_artifacts(incoming, version.artifact_dir, [&] { transaction.commit(); });
    return version;
  }

  std::vector<std::string> models() override {
    SqliteStatement query(db_, "SELECT DISTINCT model FROM model_versions ORDER BY model");
    std::vector<std::string> names;
    while (query.step()) names.push_back(query.text(0));
    return names;
  }

  std::vector<ModelVersion> versions(const std::string& model) override {
    SqliteStatement query(db_, fmt::format("SELECT {} FROM model_versions WHERE model = ?1 "
                                           "ORDER BY version",
                                           kVersionColumns));
    query.bind(1, model);
    std::vector<ModelVersion> found;
    while (query.step()) found.push_back(read_version(query));
    return found;
  }

  std::optional<ModelVersion> find_version(const std::string& model, int version) override {
    SqliteStatement query(
        db_, fmt::format("SELECT {} FROM model_versions WHERE model = ?1 AND version = ?2",
                         kVersionColumns));
    query.bind(1, model).bind(2, version);
    if (!query.step()) return std::nullopt;
    ModelVersion found = read_version(query);
    verify_files(found);
    return found;
  }

  std::map<std::string, int> aliases(const std::string& model) override {
    SqliteStatement query(db_, "SELECT alias, version FROM model_aliases WHERE model = ?1");
    query.bind(1, model);
    std::map<std::string, int> found;
    while (query.step()) found[query.text(0)] = static_cast<int>(query.integer(1));
    return found;
  }

  AliasChange set_alias(const std::string& model, const std::string& alias, int version,
                        const std::string& action, const std::string& reason) override {
    return *change_alias(model, alias, version, std::nullopt, action, reason);
  }

  std::optional<AliasChange> set_alias_if(const std::string& model, const std::string& alias,
                                          int version, int expected, const std::string& action,
                                          const std::string& reason) override {
    return change_alias(model, alias, version, expected, action, reason);
  }

 private:
  std::optional<AliasChange> change_alias(const std::string& model, const std::string& alias,
                                          int version, std::optional<int> expected,
                                          const std::string& action, const std::string& reason) {
    check_alias_name(alias);
    SqliteTransaction transaction(db_);
    if (!find_version(model, version)) {
      throw ConfigError("model '{}' has no version {}", model, version);
    }
    SqliteStatement current(db_,
                            "SELECT version FROM model_aliases WHERE model = ?1 AND alias = ?2");
    current.bind(1, model).bind(2, alias);
    AliasChange change;
    change.model = model;
    change.alias = alias;
    change.version = version;
    change.previous_version = current.step() ? static_cast<int>(current.integer(0)) : 0;
    if (expected && *expected != change.previous_version) return std::nullopt;
    change.action = action;
    change.reason = reason;
    change.changed_at = format_iso8601(now_micros());
    SqliteStatement(db_,
                    "INSERT INTO model_aliases (model, alias, version, updated_at) VALUES "
                    "(?1, ?2, ?3, ?4) ON CONFLICT (model, alias) DO UPDATE SET "
                    "version = excluded.version, updated_at = excluded.updated_at")
        .bind(1, model)
        .bind(2, alias)
        .bind(3, version)
        .bind(4, change.changed_at)
        .step();
    SqliteStatement(db_,
                    "INSERT INTO model_alias_history (model, alias, version, "
                    "previous_version, action, reason, changed_at) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, model)
        .bind(2, alias)
        .bind(3, version)
        .bind(4, change.previous_version)
        .bind(5, action)
        .bind(6, reason)
        .bind(7, change.changed_at)
        .step();
    change.id = db_.last_insert_id();
    transaction.commit();
    return change;
  }

 public:
  std::vector<AliasChange> alias_history(const std::string& model,
                                         const std::string& alias) override {
    SqliteStatement query(db_,
                          "SELECT id, model, alias, version, previous_version, action, reason, "
                          "changed_at FROM model_alias_history WHERE model = ?1 AND "
                          "(?2 = '' OR alias = ?2) ORDER BY id");
    query.bind(1, model).bind(2, alias);
    std::vector<AliasChange> history;
    while (query.step()) history.push_back(read_change(query));
    return history;
  }

 private:
  /// Warns for each file recorded with the version that is missing from its folder or no
  /// longer has its recorded hash (versions registered before schema version 2 recorded none).
  /// A warning, not an error: scoring's fallback chain decides what an unreadable model means
  /// (docs/serving.md), and a changed file is then named in the log.
  void verify_files(const ModelVersion& version) {
    SqliteStatement files(db_,
                          "SELECT name, hash FROM model_version_files WHERE model = ?1 AND "
                          "version = ?2 ORDER BY name");
    files.bind(1, version.model).bind(2, version.version);
    while (files.step()) {
      const std::string path = (fs::path(version.artifact_dir) / files.text(0)).string();
      std::error_code error;
      const bool exists = fs::exists(path, error);
      if (exists && hash_file(path) == files.text(1)) continue;
      log_warn(fmt::format("model registry: the file '{}' of {} v{} {} since it was registered",
                           files.text(0), version.model, version.version,
                           exists ? "was changed" : "was removed"),
               {{"path", path}, {"registered_hash", files.text(1)}});
    }
  }

  SqliteDb db_;
  std::string models_dir_;
};

}  // namespace

std::unique_ptr<ModelRegistry> open_sqlite_registry(const std::string& db_path,
                                                    const std::string& models_dir) {
  return std::make_unique<SqliteRegistry>(db_path, models_dir);
}

}  // namespace mlops
