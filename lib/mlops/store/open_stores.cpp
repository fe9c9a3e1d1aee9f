#include "mlops/store/open_stores.h"

#include <algorithm>
#include <filesystem>

#include "mlops/core/error.h"
#include "mlops/store/postgres/pg_stores.h"
#include "mlops/store/redis/redis_online_store.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace mlops {

namespace {

/// `path` after creating its folder (a store in a new folder just works).
std::string with_folder(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) {
    throw IoError("{}: cannot create the store's folder: {}", parent.string(), error.message());
  }
  return path;
}

ArtifactStorage artifact_storage(const Settings& settings) {
  return settings.store_artifacts == "models_dir" ? ArtifactStorage::kModelsDir
                                                  : ArtifactStorage::kDatabase;
}

}  // namespace

StoreLocation store_location(const Settings& settings) {
  if (!settings.store_url.empty()) return parse_store_url(settings.store_url);
  StoreLocation location;
  location.path = settings.store_path;
  return location;
}

StoreLocation parse_store_url(std::string_view url, std::string_view key) {
  const size_t separator = url.find("://");
  if (separator == std::string_view::npos || separator == 0) {
    // Never quoted: the text may hold a password. Two near misses get their own hint.
    if (url.starts_with("sqlite:")) {
      throw ConfigError(
          "{}: a sqlite URL names a file with three or four slashes: sqlite:///relative.db or "
          "sqlite:////absolute.db",
          key);
    }
    if (url.find('=') != std::string_view::npos) {
      throw ConfigError(
          "{}: a libpq keyword/value string (host=... dbname=...) is not a store URL: write it "
          "as postgresql://USER@HOST:PORT/DB?PARAM=VALUE (the password in PGPASSWORD)",
          key);
    }
    throw ConfigError("{}: not a store URL (expected scheme://..., e.g. sqlite:///runs/mlops.db)",
                      key);
  }
  const std::string_view scheme = url.substr(0, separator);
  if (scheme == "sqlite") {
    std::string_view path = url.substr(separator + 3);
    // sqlite:///a.db is relative, sqlite:////a.db absolute: the third slash ends the host.
    if (path.empty() || path[0] != '/' || path.size() == 1) {
      throw ConfigError(
          "{}: a sqlite URL names a file: sqlite:///relative.db or "
          "sqlite:////absolute.db",
          key);
    }
    path.remove_prefix(1);
    StoreLocation location;
    location.path = std::string(path);
    return location;
  }
  if (is_postgres_url(url)) {
    StoreLocation location;
    location.backend = StoreBackend::kPostgres;
    location.postgres = parse_postgres_url(url, key);
    return location;
  }
  throw ConfigError("{}: no store backend for scheme '{}' (supported: sqlite, postgresql)", key,
                    scheme);
}

bool store_exists(const Settings& settings) {
  const StoreLocation location = store_location(settings);
  if (location.backend == StoreBackend::kPostgres) return true;
  std::error_code error;
  return std::filesystem::exists(location.path, error);
}

std::unique_ptr<TrackingStore> open_tracking_store(const Settings& settings) {
  const StoreLocation location = store_location(settings);
  if (location.backend == StoreBackend::kPostgres) {
    return open_postgres_tracking_store(location.postgres);
  }
  return open_sqlite_tracking_store(with_folder(location.path));
}

std::unique_ptr<ModelRegistry> open_registry(const Settings& settings) {
  const StoreLocation location = store_location(settings);
  if (location.backend == StoreBackend::kPostgres) {
    return open_postgres_registry(location.postgres, settings.models_dir,
                                  artifact_storage(settings));
  }
  return open_sqlite_registry(with_folder(location.path), settings.models_dir);
}

std::unique_ptr<EvaluationStore> open_evaluation_store(const Settings& settings) {
  const StoreLocation location = store_location(settings);
  if (location.backend == StoreBackend::kPostgres) {
    return open_postgres_evaluation_store(location.postgres);
  }
  return open_sqlite_evaluation_store(with_folder(location.path));
}

std::unique_ptr<EvaluationStore> open_evaluation_store(const Settings& settings,
                                                       std::chrono::milliseconds wait) {
  const StoreLocation location = store_location(settings);
  if (location.backend == StoreBackend::kPostgres) {
    return open_postgres_evaluation_store(location.postgres,
                                          std::max(1, static_cast<int>(wait.count())));
  }
  return open_sqlite_evaluation_store(with_folder(location.path), static_cast<int>(wait.count()));
}

OnlineStoreLocation parse_online_store_url(std::string_view url, std::string_view key) {
  OnlineStoreLocation location;
  if (url.starts_with("redis://")) {
    location.backend = OnlineStoreLocation::Backend::kRedis;
    location.redis = parse_redis_url(url, key);
    return location;
  }
  if (is_postgres_url(url)) {
    location.backend = OnlineStoreLocation::Backend::kPostgres;
    location.postgres = parse_postgres_url(url, key);
    return location;
  }
  if (url.starts_with("sqlite://")) {
    location.path = parse_store_url(url, key).path;
    return location;
  }
  if (url.starts_with("sqlite:") && url.size() > 7) {
    location.path = std::string(url.substr(7));
    return location;
  }
  const size_t colon = url.find(':');
  throw ConfigError(
      "{}: expected sqlite:PATH, redis://[:PASSWORD@]HOST:PORT/DB or "
      "postgresql://USER@HOST:PORT/DB{}",
      key,
      colon == std::string_view::npos || colon == 0
          ? std::string()
          : fmt::format(" (no online store backend for scheme '{}')", url.substr(0, colon)));
}

std::unique_ptr<OnlineStore> open_online_store(const Settings& settings) {
  const OnlineStoreLocation location = parse_online_store_url(settings.online_store_url);
  if (location.backend == OnlineStoreLocation::Backend::kRedis) {
    return open_redis_online_store(location.redis);
  }
  if (location.backend == OnlineStoreLocation::Backend::kPostgres) {
    return open_postgres_online_store(location.postgres);
  }
  return open_sqlite_online_store(with_folder(location.path));
}

}  // namespace mlops
