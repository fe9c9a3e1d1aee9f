#pragma once
// The PostgreSQL backends of the stores, selected by `store.url: postgresql://...`. They share
// one database (each store owning its tables, see each .cpp's migrations) and have the SQLite
// backends' behaviour (store/sqlite/sqlite_stores.h): the same test suite runs against both.
// Callers outside store/ use store/open_stores.h; tests open a backend directly.

#include <memory>
#include <string>

#include "mlops/store/evaluation_store.h"
#include "mlops/store/online_store.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/registry.h"
#include "mlops/store/tracking_store.h"

namespace mlops {

/// The tracking store (tables `runs`, `metrics`), creating and migrating its tables. Throws
/// NetworkError naming the URL without its password when the server cannot be reached or
/// refuses the login (exit 5), ConfigError when the schema is newer than this binary knows
/// (exit 2), IoError when a table is missing or a statement fails (exit 5).
std::unique_ptr<TrackingStore> open_postgres_tracking_store(const PostgresLocation& location);

/// Where a PostgreSQL registry keeps the versions' files.
enum class ArtifactStorage {
  kDatabase,   // in the database, content-addressed; models_dir is a local cache
  kModelsDir,  // in models_dir, which every machine must reach (shared storage)
};

/// The registry (tables `model_versions`, `model_aliases`, `model_alias_history`,
/// `artifact_blobs`, `model_version_files`). With ArtifactStorage::kDatabase a version's files
/// are stored in the database and a version read (find_version) materializes them under
/// `models_dir/<model>/v<N>/`, each verified against its hash; with kModelsDir they are copied
/// there as the SQLite registry does. Throws as open_postgres_tracking_store.
std::unique_ptr<ModelRegistry> open_postgres_registry(const PostgresLocation& location,
                                                      const std::string& models_dir,
                                                      ArtifactStorage storage);

/// Stores one file of a registered version in the registry's tables: its bytes once per
/// content (keyed by hash_bytes), its name under the version. Throws IoError. For the
/// registry and `mlops store copy`, inside their transaction.
void store_artifact_file(PgConnection& db, const std::string& model, int version,
                         const std::string& name, std::string_view content);

/// The evaluation store (tables `prediction_log`, `labels`, `live_metrics`); a statement that
/// waits for another session's lock longer than `lock_timeout_ms` (> 0) fails with IoError.
/// Throws as open_postgres_tracking_store.
std::unique_ptr<EvaluationStore> open_postgres_evaluation_store(const PostgresLocation& location,
                                                                int lock_timeout_ms = 0);

/// The online feature store in PostgreSQL (tables `online_views`, `online_values`): views'
/// declarations, watermarks, last materializations and values shared by every machine.
/// Throws as open_postgres_tracking_store.
std::unique_ptr<OnlineStore> open_postgres_online_store(const PostgresLocation& location);

}  // namespace mlops
