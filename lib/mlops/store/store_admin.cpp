#include "mlops/store/store_admin.h"

#include "mlops/store/postgres/pg_schema.h"
#include "mlops/store/sqlite/schema_migrations.h"

namespace mlops {

std::vector<SchemaVersion> migrate_stores(const Settings& settings) {
  open_tracking_store(settings);
  open_registry(settings);
  open_evaluation_store(settings);
  std::vector<SchemaVersion> versions = {{"tracking"}, {"registry"}, {"evaluation"}};
  const StoreLocation location = store_location(settings);
  // The online feature store when it lives in the same PostgreSQL database (the default with
  // a PostgreSQL store.url).
  if (location.backend == StoreBackend::kPostgres &&
      settings.online_store_url == settings.store_url) {
    open_online_store(settings);
    versions.push_back({"online"});
  }
  if (location.backend == StoreBackend::kPostgres) {
    PgConnection db(location.postgres, "store");
    for (SchemaVersion& version : versions) {
      version.version = pg_schema_version(db, version.component);
    }
  } else {
    SqliteDb db(location.path, "store");
    for (SchemaVersion& version : versions) {
      version.version = schema_version(db, version.component);
    }
  }
  return versions;
}

}  // namespace mlops
