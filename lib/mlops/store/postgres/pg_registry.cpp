// The registry in PostgreSQL. Versions are numbered and aliases changed inside a transaction
// holding an advisory lock on the model, so trainings and promotions on several machines are
// serialized; the alias history is append-only by the database's own triggers (UPDATE, DELETE
// and TRUNCATE are refused whoever asks). A version's files live in the database,
// content-addressed by their XXH3-128 hash, unless models_dir is shared storage.

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/core/hash.h"
#include "mlops/core/time.h"
#include "mlops/io/file.h"
#include "mlops/store/artifact_files.h"
#include "mlops/store/postgres/pg_schema.h"
#include "mlops/store/postgres/pg_stores.h"

namespace mlops {

namespace {

namespace fs = std::filesystem;

constexpr const char* kVersion1 = R"sql(
CREATE TABLE model_versions (
  model TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL, run_id TEXT,
  created_at TEXT NOT NULL, artifact_dir TEXT NOT NULL, metrics TEXT NOT NULL,
  meta TEXT NOT NULL, PRIMARY KEY (model, version));
CREATE TABLE model_aliases (
  model TEXT COLLATE "C" NOT NULL, alias TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL,
  updated_at TEXT NOT NULL, PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version) REFERENCES model_versions);
CREATE TABLE model_alias_history (
  id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
  previous_version INTEGER NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
  changed_at TEXT NOT NULL);
CREATE FUNCTION mlops_alias_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the alias history is append-only';
END $$;
CREATE TRIGGER alias_history_append_only BEFORE UPDATE OR DELETE ON model_alias_history
  FOR EACH ROW EXECUTE FUNCTION mlops_alias_history_append_only();
CREATE TRIGGER alias_history_no_truncate BEFORE TRUNCATE ON model_alias_history
  FOR EACH STATEMENT EXECUTE FUNCTION mlops_alias_history_append_only();
CREATE TABLE artifact_blobs (
  hash TEXT PRIMARY KEY, size BIGINT NOT NULL, content BYTEA NOT NULL);
CREATE TABLE model_version_files (
  model TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
  hash TEXT NOT NULL REFERENCES artifact_blobs, PRIMARY KEY (model, version, name),
  FOREIGN KEY (model, version) REFERENCES model_versions);
)sql";

constexpr PgMigration kMigrations[] = {{1, kVersion1}};
constexpr std::string_view kTables[] = {"model_versions", "model_aliases", "model_alias_history",
                                        "artifact_blobs", "model_version_files"};

const std::string kVersionColumns =
    "model, version, run_id, created_at, artifact_dir, metrics, meta";

ModelVersion read_version(const PgResult& rows, int row) {
  ModelVersion version;
  version.model = rows.text(row, 0);
  version.version = static_cast<int>(rows.integer(row, 1));
  version.run_id = rows.text(row, 2);
  version.created_at = rows.text(row, 3);
  version.artifact_dir = rows.text(row, 4);
  nlohmann::json metrics = nlohmann::json::parse(rows.text(row, 5), nullptr, false);
  if (metrics.is_object()) {
    for (const auto& [name, value] : metrics.items()) {
      version.metrics[name] = value.is_number() ? value.get<double>() : std::nan("");
    }
  }
  version.meta = nlohmann::json::parse(rows.text(row, 6), nullptr, false);
  if (version.meta.is_discarded()) version.meta = nlohmann::json::object();
  return version;
}

AliasChange read_change(const PgResult& rows, int row) {
  return AliasChange{rows.integer(row, 0),
                     rows.text(row, 1),
                     rows.text(row, 2),
                     static_cast<int>(rows.integer(row, 3)),
                     static_cast<int>(rows.integer(row, 4)),
                     rows.text(row, 5),
                     rows.text(row, 6),
                     rows.text(row, 7)};
}

struct ArtifactFile {
  std::string name;
  std::string path;
};

class PgRegistry final : public ModelRegistry {
 public:
  PgRegistry(const PostgresLocation& location, const std::string& models_dir,
             ArtifactStorage storage)
      : db_(location, "model registry"),
        models_dir_(fs::absolute(models_dir).string()),
        storage_(storage) {
    apply_pg_migrations(db_, "registry", kMigrations, kTables);
  }

  ModelVersion register_version(const std::string& model, const std::string& run_id,
                                const std::string& artifact_dir,
                                const std::map<std::string, double>& metrics,
                                const nlohmann::json& meta) override {
    check_model_name(model);
    const fs::path model_dir = fs::path(models_dir_) / model;
    // Copied outside the lock into a private folder; a rename publishes it with the row.
    const std::string incoming = stage_artifacts(artifact_dir, model_dir.string(), run_id);
    std::vector<ArtifactFile> files;
    for (const auto& entry : fs::directory_iterator(incoming)) {
      files.push_back({entry.path().filename().string(), entry.path().string()});
    }

    PgTransaction transaction(db_);
    transaction.lock("mlops.registry." + model);
    const PgResult next =
        db_.query("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model = $1",
                  PgParams().add(model));
    ModelVersion version;
    version.model = model;
    version.version = static_cast<int>(next.integer(0, 0));
    version.run_id = run_id;
    version.created_at = format_iso8601(now_micros());
    // In the database, artifact_dir records where the training machine kept the files; each
    // reader gets its own models_dir instead (find_version).
    version.artifact_dir = (model_dir / fmt::format("v{}", version.version)).string();
    version.metrics = metrics;
    version.meta = meta;
    db_.query(
        "INSERT INTO model_versions (model, version, run_id, created_at, artifact_dir, metrics, "
        "meta) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        PgParams()
            .add(model)
            .add(version.version)
            .add(run_id)
            .add(version.created_at)
            .add(version.artifact_dir)
            .add(metrics_json(metrics).dump())
            .add(meta.dump()));
    if (storage_ == ArtifactStorage::kDatabase) {
      for (const ArtifactFile& file : files) {
        store_artifact_file(db_, model, version.version, file.name, read_file(file.path));
      }
    }
    publish_artifacts(incoming, version.artifact_dir, [&] { transaction.commit(); });
    return version;
  }

  std::vector<std::string> models() override {
    const PgResult rows = db_.query("SELECT DISTINCT model FROM model_versions ORDER BY model");
    std::vector<std::string> names;
    for (int row = 0; row < rows.rows(); ++row) names.push_back(rows.text(row, 0));
    return names;
  }

  std::vector<ModelVersion> versions(const std::string& model) override {
    const PgResult rows = db_.query(
        "SELECT " + kVersionColumns + " FROM model_versions WHERE model = $1 ORDER BY version",
        PgParams().add(model));
    std::vector<ModelVersion> found;
    for (int row = 0; row < rows.rows(); ++row) found.push_back(local(read_version(rows, row)));
    return found;
  }

  std::optional<ModelVersion> find_version(const std::string& model, int version) override {
    const PgResult rows = db_.query(
        "SELECT " + kVersionColumns + " FROM model_versions WHERE model = $1 AND version = $2",
        PgParams().add(model).add(version));
    if (rows.rows() == 0) return std::nullopt;
    ModelVersion found = local(read_version(rows, 0));
    if (storage_ == ArtifactStorage::kDatabase) materialize(found);
    return found;
  }

  std::map<std::string, int> aliases(const std::string& model) override {
    const PgResult rows = db_.query("SELECT alias, version FROM model_aliases WHERE model = $1",
                                    PgParams().add(model));
    std::map<std::string, int> found;
    for (int row = 0; row < rows.rows(); ++row) {
      found[rows.text(row, 0)] = static_cast<int>(rows.integer(row, 1));
    }
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

  std::vector<AliasChange> alias_history(const std::string& model,
                                         const std::string& alias) override {
    const PgResult rows = db_.query(
        "SELECT id, model, alias, version, previous_version, action, reason, changed_at FROM "
        "model_alias_history WHERE model = $1 AND ($2 = '' OR alias = $2) ORDER BY id",
        PgParams().add(model).add(alias));
    std::vector<AliasChange> history;
    for (int row = 0; row < rows.rows(); ++row) history.push_back(read_change(rows, row));
    return history;
  }

 private:
  /// The version with its files where this machine reads them: `models_dir/<model>/v<N>` of
  /// this process's settings when the database holds the files.
  ModelVersion local(ModelVersion version) const {
    if (storage_ == ArtifactStorage::kDatabase) {
      version.artifact_dir =
          (fs::path(models_dir_) / version.model / fmt::format("v{}", version.version)).string();
    }
    return version;
  }

  /// Makes the version's folder hold exactly its stored files: a file missing or differing
  /// from its hash is fetched, verified against the hash, and written atomically.
  void materialize(const ModelVersion& version) {
    const PgResult files = db_.query(
        "SELECT name, hash FROM model_version_files WHERE model = $1 AND version = $2 "
        "ORDER BY name",
        PgParams().add(version.model).add(version.version));
    std::error_code error;
    for (int row = 0; row < files.rows(); ++row) {
      const std::string name = files.text(row, 0);
      const std::string hash = files.text(row, 1);
      const std::string path = (fs::path(version.artifact_dir) / name).string();
      if (fs::exists(path, error) && hash_file(path) == hash) continue;
      const PgResult blob =
          db_.query("SELECT content FROM artifact_blobs WHERE hash = $1", PgParams().add(hash));
      const std::optional<std::string> content =
          blob.rows() == 1 ? from_bytea_hex(blob.text(0, 0)) : std::nullopt;
      if (!content || hash_bytes(*content) != hash) {
        throw IoError(
            "{}: model registry: the stored '{}' of {} v{} does not match its hash {}: the "
            "database copy is damaged; restore it from a backup (docs/production.md)",
            db_.location().display, name, version.model, version.version, hash);
      }
      fs::create_directories(version.artifact_dir, error);
      write_file_atomic(path, *content);
    }
  }

  std::optional<AliasChange> change_alias(const std::string& model, const std::string& alias,
                                          int version, std::optional<int> expected,
                                          const std::string& action, const std::string& reason) {
    check_alias_name(alias);
    PgTransaction transaction(db_);
    transaction.lock("mlops.registry." + model);
    const PgResult exists =
        db_.query("SELECT 1 FROM model_versions WHERE model = $1 AND version = $2",
                  PgParams().add(model).add(version));
    if (exists.rows() == 0) throw ConfigError("model '{}' has no version {}", model, version);
    const PgResult current =
        db_.query("SELECT version FROM model_aliases WHERE model = $1 AND alias = $2",
                  PgParams().add(model).add(alias));
    AliasChange change;
    change.model = model;
    change.alias = alias;
    change.version = version;
    change.previous_version = current.rows() ? static_cast<int>(current.integer(0, 0)) : 0;
    if (expected && *expected != change.previous_version) return std::nullopt;
    change.action = action;
    change.reason = reason;
    change.changed_at = format_iso8601(now_micros());
    db_.query(
        "INSERT INTO model_aliases (model, alias, version, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, "
        "updated_at = excluded.updated_at",
        PgParams().add(model).add(alias).add(version).add(change.changed_at));
    const PgResult id = db_.query(
        "INSERT INTO model_alias_history (model, alias, version, previous_version, action, "
        "reason, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        PgParams()
            .add(model)
            .add(alias)
            .add(version)
            .add(change.previous_version)
            .add(action)
            .add(reason)
            .add(change.changed_at));
    change.id = id.integer(0, 0);
    transaction.commit();
    return change;
  }

  PgConnection db_;
  std::string models_dir_;
  ArtifactStorage storage_;
};

}  // namespace

void store_artifact_file(PgConnection& db, const std::string& model, int version,
                         const std::string& name, std::string_view content) {
  const std::string hash = hash_bytes(content);
  db.query(
      "INSERT INTO artifact_blobs (hash, size, content) VALUES ($1, $2, $3::bytea) "
      "ON CONFLICT (hash) DO NOTHING",
      PgParams().add(hash).add(static_cast<int64_t>(content.size())).add(bytea_hex(content)));
  db.query(
      "INSERT INTO model_version_files (model, version, name, hash) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (model, version, name) DO NOTHING",
      PgParams().add(model).add(version).add(name).add(hash));
}

std::unique_ptr<ModelRegistry> open_postgres_registry(const PostgresLocation& location,
                                                      const std::string& models_dir,
                                                      ArtifactStorage storage) {
  return std::make_unique<PgRegistry>(location, models_dir, storage);
}

}  // namespace mlops
