#pragma once
// The SQLite backends of the stores. They share one database file (store.path), each owning
// its tables (see each .cpp's migrations), and open it through SqliteDb's one connection
// policy. Callers outside store/ use store/open_stores.h, which picks the backend from the
// settings; tests open a backend on a file directly.

#include <memory>
#include <string>

#include "mlops/store/evaluation_store.h"
#include "mlops/store/online_store.h"
#include "mlops/store/registry.h"
#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/tracking_store.h"

namespace mlops {

/// The tracking store in `db_path` (tables `runs`, `metrics`), creating and migrating it.
/// Throws IoError naming the file when it cannot be opened, ConfigError when its schema is
/// newer than this binary knows.
std::unique_ptr<TrackingStore> open_sqlite_tracking_store(const std::string& db_path);

/// The registry in `db_path` (tables `model_versions`, `model_aliases`,
/// `model_alias_history`) keeping artifacts under `models_dir/<model>/v<N>/`. Throws as
/// open_sqlite_tracking_store.
std::unique_ptr<ModelRegistry> open_sqlite_registry(const std::string& db_path,
                                                    const std::string& models_dir);

/// The evaluation store in `db_path` (tables `prediction_log`, `labels`, `live_metrics`),
/// waiting up to `busy_timeout_ms` for another connection's lock. Throws as
/// open_sqlite_tracking_store.
std::unique_ptr<EvaluationStore> open_sqlite_evaluation_store(const std::string& db_path,
                                                              int busy_timeout_ms = kBusyTimeoutMs);

}  // namespace mlops

namespace mlops {

/// The online feature store in its own file `db_path` (tables `online_views`,
/// `online_values`). Throws as open_sqlite_tracking_store.
std::unique_ptr<OnlineStore> open_sqlite_online_store(const std::string& db_path);

}  // namespace mlops
