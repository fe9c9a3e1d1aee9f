#pragma once
// The store tests run against every backend: SQLite (a file in the test's temporary
// directory) and PostgreSQL (a fresh database on the test run's server,
// tests/support/postgres_server.h). A test derives from StoreBackendTest, opens the stores from
// settings_ (store/open_stores.h, the seam every command uses) and is instantiated with
// MLOPS_FOR_EACH_STORE_BACKEND.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/postgres/pg_connection.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace mlops::testing {

class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    settings_.runs_dir = dir_.file("runs");
    settings_.models_dir = dir_.file("models");
    settings_.store_path = dir_.file("mlops.db");
    if (postgres()) {
      MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
      settings_.store_url = PostgresServer::shared().create_database();
    }
  }

  bool postgres() const { return GetParam() == "postgresql"; }

  /// Runs `sql` on the store's database behind the stores' back (a tampering user); false
  /// when the database refuses it.
  bool exec_raw(const std::string& sql) const {
    if (postgres()) {
      try {
        PgConnection(store_location(settings_).postgres, "test").exec(sql);
        return true;
      } catch (const Error&) {
        return false;
      }
    }
    sqlite3* db = nullptr;
    if (sqlite3_open(settings_.store_path.c_str(), &db) != SQLITE_OK) return false;
    const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
  }

  /// The first row of `sql` run on the store's database, each value as text ("" for none).
  std::vector<std::string> raw_row(const std::string& sql) const {
    std::vector<std::string> values;
    if (postgres()) {
      PgConnection db(store_location(settings_).postgres, "test");
      const PgResult rows = db.query(sql);
      for (int column = 0; rows.rows() > 0 && column < rows.columns(); ++column) {
        values.push_back(rows.text(0, column));
      }
      return values;
    }
    sqlite3* db = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_open(settings_.store_path.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        values.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return values;
  }

  TempDir dir_;
  Settings settings_;
};

}  // namespace mlops::testing

/// Instantiates the parameterized suite `suite` once per store backend (names /sqlite,
/// /postgresql).
#define MLOPS_FOR_EACH_STORE_BACKEND(suite)                       \
  INSTANTIATE_TEST_SUITE_P(                                       \
      Backends, suite, ::testing::Values("sqlite", "postgresql"), \
      [](const ::testing::TestParamInfo<std::string>& info) { return info.param; })
