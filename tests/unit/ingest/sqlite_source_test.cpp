// The sqlite source: a query read incrementally on a growing column.

#include "mlops/ingest/sqlite_source.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "ingest_fixture.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

using testing::TempDir;

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

TEST(SqliteSource, IncrementalColumnReadsOnlyNewRowsEachRun) {
  TempDir dir;
  const std::string db = dir.file("shop.db");
  exec(db,
       "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL, note TEXT);"
       "INSERT INTO orders VALUES (1, 9.5, 'a'), (2, 3.0, NULL), (3, 7.25, 'c');");
  Workflow w = testing::make_workflow(
      dir, "name: shop\ningest:\n  source: {type: sqlite, path: \"" + db +
               "\", query: \"SELECT id, total, note FROM orders\", incremental_column: id, "
               "batch_size: 2}\n");
  IngestOutcome first = testing::ingest_once(w);
  ASSERT_FALSE(first.error);
  EXPECT_EQ(first.sources[0].commits, 2u);  // batches of two rows
  exec(db, "INSERT INTO orders VALUES (4, 1.0, 'd');");
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.sources[0].records, 1u);
  Table table = testing::load_table(w, "shop");
  EXPECT_EQ(testing::ints(table, "id"), testing::one_to(4));
  EXPECT_EQ(table.column("total").type(), DType::kFloat64);
  EXPECT_TRUE(table.column("note").is_null(1));
  Lake lake(lake_root(w));
  EXPECT_EQ(lake.position("shop")["last"], 4);
}

TEST(SqliteSource, QueryErrorIsAConfigError) {
  TempDir dir;
  const std::string db = dir.file("shop.db");
  exec(db, "CREATE TABLE t (id INTEGER);");
  Workflow w =
      testing::make_workflow(dir, "name: shop\ningest:\n  source: {type: sqlite, path: \"" + db +
                                      "\", query: \"SELECT nope FROM t\"}\n");
  EXPECT_THROW(testing::ingest_once(w), ConfigError);
}

}  // namespace
}  // namespace mlops
