// Choosing and opening the stores from the settings.

#include "mlops/store/open_stores.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

std::string store_url_error(std::string_view url) {
  try {
    parse_store_url(url);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

TEST(OpenStores, SettingsPutEveryStoreInTheSqliteFileAndCreateItsFolder) {
  testing::TempDir dir;
  Settings settings;
  settings.store_path = dir.file("new/folder/mlops.db");
  settings.models_dir = dir.file("models");
  EXPECT_FALSE(store_exists(settings));
  open_tracking_store(settings)->upsert_run({"r1", "w", "local", "1", "ok", "runs/r1", "h"});
  EXPECT_TRUE(store_exists(settings));
  EXPECT_EQ(open_tracking_store(settings)->latest_run("w")->run_id, "r1");
  EXPECT_TRUE(open_registry(settings)->models().empty());
  EXPECT_EQ(open_evaluation_store(settings)->logged_count("m"), 0);
  EXPECT_EQ(store_location(settings).backend, StoreBackend::kSqlite);
  EXPECT_EQ(store_location(settings).path, settings.store_path);
}

TEST(OpenStores, SqliteUrlsNameRelativeAndAbsoluteFiles) {
  EXPECT_EQ(parse_store_url("sqlite:///runs/mlops.db").path, "runs/mlops.db");
  EXPECT_EQ(parse_store_url("sqlite:////var/lib/mlops.db").path, "/var/lib/mlops.db");
  EXPECT_EQ(parse_store_url("sqlite:////var/lib/mlops.db").backend, StoreBackend::kSqlite);
}

TEST(OpenStores, UnknownSchemeIsAConfigErrorThatHidesTheUrl) {
  EXPECT_EQ(store_url_error("redis://user:secret@host:6379/0"),
            "store.url: no store backend for scheme 'redis' (supported: sqlite, postgresql)");
  EXPECT_EQ(store_url_error("runs/mlops.db"),
            "store.url: not a store URL (expected scheme://..., e.g. sqlite:///runs/mlops.db)");
  // store copy --from's sqlite:PATH form, and libpq's keyword/value string: hints, no value.
  EXPECT_EQ(store_url_error("sqlite:runs/mlops.db"),
            "store.url: a sqlite URL names a file with three or four slashes: "
            "sqlite:///relative.db or sqlite:////absolute.db");
  EXPECT_EQ(store_url_error("host=db dbname=mlops user=ml password=hunter2"),
            "store.url: a libpq keyword/value string (host=... dbname=...) is not a store URL: "
            "write it as postgresql://USER@HOST:PORT/DB?PARAM=VALUE (the password in PGPASSWORD)");
  EXPECT_EQ(store_url_error("sqlite://"),
            "store.url: a sqlite URL names a file: sqlite:///relative.db or "
            "sqlite:////absolute.db");
}

}  // namespace
}  // namespace mlops
