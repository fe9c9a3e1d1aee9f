// The one connection and locking policy of the SQLite stores.

#include "mlops/store/sqlite/sqlite_db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

std::string pragma(SqliteDb& db, const char* name) {
  SqliteStatement query(db, std::string("PRAGMA ") + name);
  EXPECT_TRUE(query.step());
  return query.text(0);
}

int64_t count(SqliteDb& db) {
  SqliteStatement query(db, "SELECT COUNT(*) FROM t");
  query.step();
  return query.integer(0);
}

TEST(SqliteDb, OpensInWalModeWithForeignKeysAndNormalSync) {
  testing::TempDir dir;
  SqliteDb db(dir.file("mlops.db"), "test store");
  EXPECT_EQ(pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(db, "synchronous"), "1");  // NORMAL
  EXPECT_EQ(pragma(db, "busy_timeout"), std::to_string(kBusyTimeoutMs));
}

TEST(SqliteDb, UnopenableFileIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("missing/folder/mlops.db");
  try {
    SqliteDb db(path, "test store");
    FAIL() << "opened";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
  }
}

TEST(SqliteDb, TransactionRollsBackUnlessCommitted) {
  testing::TempDir dir;
  SqliteDb db(dir.file("mlops.db"), "test store");
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    SqliteTransaction transaction(db);
    db.exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(count(db), 0);
  {
    SqliteTransaction transaction(db);
    db.exec("INSERT INTO t VALUES (1)");
    transaction.commit();
  }
  EXPECT_EQ(count(db), 1);
}

TEST(SqliteDb, SecondWriterWaitsForTheFirstInsteadOfFailing) {
  testing::TempDir dir;
  SqliteDb first(dir.file("mlops.db"), "test store");
  first.exec("CREATE TABLE t (x INTEGER)");
  SqliteDb second(dir.file("mlops.db"), "test store");
  auto transaction = std::make_unique<SqliteTransaction>(first);  // holds the write lock
  first.exec("INSERT INTO t VALUES (1)");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    transaction->commit();
  });
  {
    SqliteTransaction waiting(second);  // BEGIN IMMEDIATE blocks until the commit
    second.exec("INSERT INTO t VALUES (2)");
    waiting.commit();
  }
  release.join();
  EXPECT_EQ(count(first), 2);
}

}  // namespace
}  // namespace mlops
