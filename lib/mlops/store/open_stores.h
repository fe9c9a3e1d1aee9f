#pragma once
// The one way code outside store/ opens a store: from the settings, which choose the backend.
// By default every store lives in the SQLite file `store.path`, registry artifacts under
// `models_dir`; `store.url: postgresql://...` puts them in a PostgreSQL database every machine
// shares (store/postgres/), registry artifacts included (store.artifacts). The online feature
// store has its own URL (online_store.url: SQLite or Redis).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "mlops/config/workflow.h"
#include "mlops/store/evaluation_store.h"
#include "mlops/store/online_store.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/redis/redis_client.h"
#include "mlops/store/registry.h"
#include "mlops/store/tracking_store.h"

namespace mlops {

enum class StoreBackend { kSqlite, kPostgres };

/// Which backend holds the stores, and where.
struct StoreLocation {
  StoreBackend backend = StoreBackend::kSqlite;
  std::string path;           // kSqlite: the database file
  PostgresLocation postgres;  // kPostgres
  /// For messages: the file, or the URL without its password.
  std::string display() const { return backend == StoreBackend::kSqlite ? path : postgres.display; }
};

/// Where the settings put the stores: `settings.store_url` when set, else SQLite in
/// `settings.store_path`. Throws ConfigError for a bad store.url.
StoreLocation store_location(const Settings& settings);

/// Parses a store URL as SQLAlchemy (and so MLflow) writes them: `sqlite:///runs/mlops.db`
/// (relative), `sqlite:////var/lib/mlops.db` (absolute),
/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` (or `postgres://`). Throws ConfigError naming
/// `key` and the scheme (never the whole URL: it may hold a password) when the text is not
/// `scheme://...` or this build has no backend for the scheme.
StoreLocation parse_store_url(std::string_view url, std::string_view key = "store.url");

/// True when the settings' store has been created (SQLite: the file exists; PostgreSQL: always,
/// the database is the administrator's), so a command that only reads can tell "no runs yet"
/// without creating an empty store.
bool store_exists(const Settings& settings);

/// The tracking store (runs and their metrics), creating it (and its folder, or its tables)
/// when missing and migrating an older schema. Throws IoError naming the file when it cannot
/// be opened, NetworkError naming the URL without its password when a PostgreSQL server cannot
/// be reached or refuses the login (exit 5), ConfigError when the schema is newer than this
/// binary knows (exit 2).
std::unique_ptr<TrackingStore> open_tracking_store(const Settings& settings);

/// The model registry, its artifacts under `settings.models_dir`. Throws as
/// open_tracking_store.
std::unique_ptr<ModelRegistry> open_registry(const Settings& settings);

/// The evaluation store (prediction log, labels, live metrics). Throws as open_tracking_store.
std::unique_ptr<EvaluationStore> open_evaluation_store(const Settings& settings);

/// The evaluation store for a writer that must not wait long (the served prediction log): a
/// write that meets another writer's lock (later: a network call) fails with IoError after
/// `wait` instead of the usual 30 s. Throws as open_tracking_store.
std::unique_ptr<EvaluationStore> open_evaluation_store(const Settings& settings,
                                                       std::chrono::milliseconds wait);

/// Where the online feature store is (online_store.url).
struct OnlineStoreLocation {
  enum class Backend { kSqlite, kRedis, kPostgres };
  Backend backend = Backend::kSqlite;
  std::string path;           // kSqlite: the database file
  RedisLocation redis;        // kRedis
  PostgresLocation postgres;  // kPostgres
};

/// Parses an online store URL: `sqlite:PATH` (PATH as written, relative to the working
/// directory), `sqlite:///relative.db`, `sqlite:////absolute.db`,
/// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?connect_timeout=S&timeout=S]`, or
/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`. Throws ConfigError naming `key`, never the
/// password.
OnlineStoreLocation parse_online_store_url(std::string_view url,
                                           std::string_view key = "online_store.url");

/// The online feature store of `settings.online_store_url`, creating a SQLite file's folder.
/// Throws ConfigError for a bad URL, IoError for a SQLite file that cannot be opened,
/// NetworkError naming the Redis URL without its password when Redis cannot be reached
/// (exit 5).
std::unique_ptr<OnlineStore> open_online_store(const Settings& settings);

}  // namespace mlops
