// The prediction log of `mlops serve` against real SQLite files and real threads: every
// prediction logged is stored exactly once, also while the store is locked by another
// connection, its folder cannot be made, or the process was killed with records in the journal;
// log() never waits for the store.

#include "mlops/serve/prediction_logger.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "mlops/store/sqlite/sqlite_db.h"
#include "mlops/store/sqlite/sqlite_stores.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

ServedPrediction served(int n) {
  ServedPrediction p;
  p.model = "churn";
  p.request_id = fmt::format("r{}", n / 2);  // two rows per request
  p.row_key = fmt::format("user-{}", n);
  p.model_version = "v1";
  p.source = "model";
  p.prediction = n % 2 ? "yes" : "no";
  p.score = (n % 100) / 100.0;
  p.features_hash = static_cast<uint64_t>(n) * 7919;
  p.served_at_us = 1'700'000'000'000'000 + n;
  p.latency_ms = 0.5;
  return p;
}

/// Options that make a test quick: short flushes and retries.
PredictionLoggerOptions quick(const std::string& journal_dir) {
  PredictionLoggerOptions options;
  options.journal_dir = journal_dir;
  options.batch_size = 64;
  options.flush_interval = milliseconds(5);
  options.store_wait = milliseconds(50);
  options.retry_min = milliseconds(10);
  options.retry_max = milliseconds(50);
  return options;
}

PredictionLogger::OpenStore sqlite_at(const std::string& path, int wait_ms = 50) {
  return [path, wait_ms] { return open_sqlite_evaluation_store(path, wait_ms); };
}

bool eventually(const std::function<bool()>& done, milliseconds within = milliseconds(20000)) {
  const auto deadline = Clock::now() + within;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return done();
}

int64_t scalar(const std::string& path, const std::string& sql) {
  SqliteDb db(path, "test");
  SqliteStatement query(db, sql);
  query.step();
  return query.integer(0);
}

int64_t stored_rows(const std::string& path) {
  return scalar(path, "SELECT COUNT(*) FROM prediction_log");
}

int64_t distinct_log_ids(const std::string& path) {
  return scalar(path, "SELECT COUNT(DISTINCT log_id) FROM prediction_log");
}

int64_t distinct_keys(const std::string& path) {
  return scalar(path, "SELECT COUNT(DISTINCT row_key) FROM prediction_log");
}

size_t segment_files(const std::string& dir) {
  if (!fs::exists(dir)) return 0;
  return static_cast<size_t>(
      std::count_if(fs::directory_iterator(dir), fs::directory_iterator(),
                    [](const auto& entry) { return entry.path().extension() == ".journal"; }));
}

/// Logs predictions 0 .. threads * each - 1 from `threads` threads at once.
void log_from_threads(PredictionSink& sink, int threads, int each) {
  std::vector<std::thread> loggers;
  for (int t = 0; t < threads; ++t) {
    loggers.emplace_back([&sink, t, each] {
      for (int i = 0; i < each; ++i) sink.log(served(t * each + i));
    });
  }
  for (auto& thread : loggers) thread.join();
}

TEST(PredictionLogger, ManyThreadsLoggingAtOnceStoreEveryPredictionOnce) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  PredictionLogger logger(sqlite_at(db), quick(dir.file("journal")));
  log_from_threads(logger, 8, 2500);
  logger.close(milliseconds(20000));
  const PredictionSinkStats stats = logger.stats();
  EXPECT_EQ(stats.accepted, 20000u);
  EXPECT_EQ(stats.stored, 20000u);
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.journaled, 0u);
  EXPECT_TRUE(stats.store_reachable);
  EXPECT_EQ(stored_rows(db), 20000);
  EXPECT_EQ(distinct_keys(db), 20000);
  EXPECT_EQ(segment_files(dir.file("journal")), 0u);
}

TEST(PredictionLogger, AFullQueueSpillsToTheJournalWhichIsReplayedWhileRunning) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  PredictionLoggerOptions options = quick(dir.file("journal"));
  options.queue_capacity = 100;  // far less than 8 threads log at once
  PredictionLogger logger(sqlite_at(db), options);
  log_from_threads(logger, 8, 2500);
  EXPECT_TRUE(eventually([&] {
    const PredictionSinkStats stats = logger.stats();
    return stats.stored == 20000u && stats.journaled == 0u && stats.queued == 0u;
  })) << logger.stats().stored
      << " stored, " << logger.stats().journaled << " journaled";
  logger.close(milliseconds(5000));
  EXPECT_EQ(stored_rows(db), 20000);
  EXPECT_EQ(distinct_keys(db), 20000);
  EXPECT_EQ(segment_files(dir.file("journal")), 0u);
}

TEST(PredictionLogger, LogNeverWaitsForALockedStore) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  open_sqlite_evaluation_store(db);
  PredictionLoggerOptions options = quick(dir.file("journal"));
  options.store_wait = milliseconds(3000);  // a write waits for the lock longer than the test
  options.queue_capacity = 500;             // so the queue fills and log() journals too
  PredictionLogger logger(sqlite_at(db, 3000), options);
  SqliteDb other(db, "other");
  other.exec("BEGIN EXCLUSIVE");
  // A second of requests while the store is locked: each log() returns at once.
  std::vector<double> waits;
  const auto until = Clock::now() + milliseconds(1000);
  for (int n = 0; Clock::now() < until; ++n) {
    const auto start = Clock::now();
    logger.log(served(n));
    waits.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (n % 10 == 0) std::this_thread::sleep_for(milliseconds(1));
  }
  const PredictionSinkStats locked = logger.stats();
  other.exec("COMMIT");
  std::sort(waits.begin(), waits.end());
  ASSERT_GT(waits.size(), 1000u);
  EXPECT_LT(waits[waits.size() / 2], 0.1) << "median log() in ms";
  EXPECT_LT(waits.back(), 50.0) << "slowest log() in ms";
  EXPECT_EQ(locked.stored, 0u);
  EXPECT_GT(locked.journaled, 0u);  // the queue overflowed into the journal
  logger.close(milliseconds(10000));
  EXPECT_EQ(logger.stats().queued, 0u);
  EXPECT_EQ(logger.stats().accepted, waits.size());
  // A replay that was under way when close() returned finishes; nothing is missing.
  EXPECT_TRUE(eventually([&] {
    const PredictionSinkStats stats = logger.stats();
    return stats.stored + stats.journaled == waits.size();
  }));
}

TEST(PredictionLogger, WhileTheStoreIsLockedRecordsAreJournaledThenReplayedOnce) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  const std::string journal = dir.file("journal");
  open_sqlite_evaluation_store(db);
  SqliteDb other(db, "other");
  other.exec("BEGIN EXCLUSIVE");
  PredictionLogger logger(sqlite_at(db), quick(journal));
  log_from_threads(logger, 4, 500);
  EXPECT_TRUE(eventually([&] { return logger.stats().journaled == 2000u; }))
      << logger.stats().journaled;
  PredictionSinkStats stats = logger.stats();
  EXPECT_EQ(stats.stored, 0u);
  EXPECT_FALSE(stats.store_reachable);
  EXPECT_GT(stats.journal_bytes, 0u);
  EXPECT_GE(segment_files(journal), 1u);

  other.exec("COMMIT");  // the lock goes: the journal drains without a new request
  EXPECT_TRUE(eventually([&] { return logger.stats().stored == 2000u; }));
  stats = logger.stats();
  EXPECT_EQ(stats.journaled, 0u);
  EXPECT_EQ(stats.journal_bytes, 0u);
  EXPECT_TRUE(stats.store_reachable);
  logger.close(milliseconds(5000));
  EXPECT_EQ(stored_rows(db), 2000);
  EXPECT_EQ(distinct_log_ids(db), 2000);
  EXPECT_EQ(distinct_keys(db), 2000);
  EXPECT_EQ(segment_files(journal), 0u);
}

TEST(PredictionLogger, CloseWhileTheStoreIsLockedJournalsWithinItsBound) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  const std::string journal = dir.file("journal");
  open_sqlite_evaluation_store(db);
  SqliteDb other(db, "other");
  other.exec("BEGIN EXCLUSIVE");
  PredictionLoggerOptions options = quick(journal);
  options.store_wait = milliseconds(2000);  // the writer is stuck in a write when close() runs
  options.batch_size = 10000;
  options.flush_interval = milliseconds(1);
  {
    PredictionLogger logger(sqlite_at(db, 2000), options);
    for (int n = 0; n < 300; ++n) logger.log(served(n));
    std::this_thread::sleep_for(milliseconds(100));  // the writer took the batch
    for (int n = 300; n < 500; ++n) logger.log(served(n));
    const auto start = Clock::now();
    logger.close(milliseconds(200));
    EXPECT_LT(Clock::now() - start, milliseconds(1500));
    const PredictionSinkStats stats = logger.stats();
    EXPECT_EQ(stats.queued, 0u);  // nothing accepted is only in memory
    EXPECT_EQ(stats.journaled, 500u);
    logger.log(served(500));  // after close: straight to the journal
    EXPECT_EQ(logger.stats().journaled, 501u);
    other.exec("COMMIT");
  }
  // The stuck write may have succeeded after close() journaled its copy: replayed once.
  PredictionLogger next(sqlite_at(db), quick(journal));
  EXPECT_TRUE(eventually([&] { return next.stats().journaled == 0; }));
  next.close(milliseconds(5000));
  EXPECT_EQ(stored_rows(db), 501);
  EXPECT_EQ(distinct_keys(db), 501);
}

TEST(PredictionLogger, AStoreWhoseFolderCannotBeMadeIsJournaledThenReplayed) {
  testing::TempDir dir;
  // The store's folder is a file: neither the folder nor the store can be created.
  dir.write("blocked", "not a folder");
  Settings settings;
  settings.runs_dir = dir.file("runs");
  settings.store_path = dir.file("blocked/mlops.db");
  settings.serve_log.journal_dir = dir.file("serve-journal");
  PredictionLoggerOptions options = quick("");  // the settings' journal
  auto logger = open_prediction_logger(settings, options);
  for (int n = 0; n < 700; ++n) logger->log(served(n));
  EXPECT_TRUE(eventually([&] { return logger->stats().journaled == 700u; }));
  EXPECT_FALSE(logger->stats().store_reachable);
  EXPECT_GE(segment_files(dir.file("serve-journal")), 1u);

  fs::remove(dir.file("blocked"));  // now the folder can be made
  EXPECT_TRUE(eventually([&] { return logger->stats().stored == 700u; }));
  logger->close(milliseconds(5000));
  EXPECT_EQ(logger->stats().journaled, 0u);
  EXPECT_EQ(stored_rows(settings.store_path), 700);
  EXPECT_EQ(distinct_keys(settings.store_path), 700);
}

TEST(PredictionLogger, AStoreFileRemovedWhileOpenIsRecreatedNotWrittenIntoNothing) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  PredictionLogger logger(sqlite_at(db), quick(dir.file("journal")));
  for (int n = 0; n < 100; ++n) logger.log(served(n));
  ASSERT_TRUE(eventually([&] { return logger.stats().stored == 100u; }));
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db + suffix);
  for (int n = 100; n < 300; ++n) logger.log(served(n));
  ASSERT_TRUE(eventually([&] { return logger.stats().stored == 300u; }));
  logger.close(milliseconds(5000));
  EXPECT_EQ(stored_rows(db), 200);  // the new file has every record logged after the removal
}

TEST(PredictionLogger, AStoreFileMovedAwayIsWaitedForNotRecreated) {
  // serve's logger reopened the path of a store file moved away (a copy, a restore) and so
  // created a new, empty database; the predictions stored in it were lost when the file came
  // back. They wait in the journal instead, and go into the file put back.
  testing::TempDir dir;
  Settings settings;
  settings.runs_dir = dir.file("runs");
  settings.store_path = dir.file("runs/mlops.db");
  settings.serve_log.journal_dir = dir.file("serve-journal");
  auto logger = open_prediction_logger(settings, quick(""));
  for (int n = 0; n < 100; ++n) logger->log(served(n));
  ASSERT_TRUE(eventually([&] { return logger->stats().stored == 100u; }));
  fs::create_directories(dir.file("away"));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(settings.store_path + suffix)) {
      fs::rename(settings.store_path + suffix, dir.file(std::string("away/mlops.db") + suffix));
    }
  }
  for (int n = 100; n < 300; ++n) logger->log(served(n));
  ASSERT_TRUE(eventually([&] { return logger->stats().journaled == 200u; }));
  EXPECT_FALSE(logger->stats().store_reachable);
  std::this_thread::sleep_for(milliseconds(200));  // several retries
  EXPECT_FALSE(fs::exists(settings.store_path));   // not recreated
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (fs::exists(dir.file(std::string("away/mlops.db") + suffix))) {
      fs::rename(dir.file(std::string("away/mlops.db") + suffix), settings.store_path + suffix);
    }
  }
  EXPECT_TRUE(eventually([&] { return logger->stats().stored == 300u; }));
  logger->close(milliseconds(5000));
  EXPECT_EQ(logger->stats().journaled, 0u);
  EXPECT_EQ(stored_rows(settings.store_path), 300);
  EXPECT_EQ(distinct_keys(settings.store_path), 300);
}

TEST(PredictionLogger, AKilledProcessJournalIsReplayedByTheNextLogger) {
  testing::TempDir dir;
  dir.write("blocked", "not a folder");
  const std::string journal = dir.file("journal");
  const std::string unreachable = dir.file("blocked/mlops.db");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child logs 1000 predictions it cannot store, says so, and is killed mid-life.
    PredictionLogger logger(sqlite_at(unreachable), quick(journal));
    for (int n = 0; n < 1000; ++n) logger.log(served(n));
    while (logger.stats().journaled < 1000) std::this_thread::sleep_for(milliseconds(2));
    const char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
    for (;;) {
      logger.log(served(5000));
      std::this_thread::sleep_for(milliseconds(50));
    }
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));

  // The journal of the dead process: the next logger counts it, stores it once, removes it.
  const std::string db = dir.file("mlops.db");
  PredictionLogger next(sqlite_at(db), quick(journal));
  EXPECT_GE(next.stats().journaled, 1000u);
  EXPECT_TRUE(eventually([&] { return next.stats().journaled == 0; }));
  next.close(milliseconds(5000));
  const int64_t rows = stored_rows(db);
  EXPECT_GE(rows, 1000);  // 0..999, and the 5000s logged before the kill
  EXPECT_EQ(distinct_log_ids(db), rows);
  EXPECT_EQ(scalar(db,
                   "SELECT COUNT(DISTINCT row_key) FROM prediction_log WHERE row_key <> "
                   "'user-5000'"),
            1000);
  EXPECT_EQ(segment_files(journal), 0u);
}

TEST(PredictionLogger, ASegmentReplayedAgainAfterACrashAddsNothingTwice) {
  testing::TempDir dir;
  const std::string db = dir.file("mlops.db");
  const std::string journal = dir.file("journal");
  std::vector<ServedLogEntry> entries;
  for (int n = 0; n < 50; ++n) entries.push_back({"crashed-" + std::to_string(n), served(n)});
  {
    PredictionJournal writer(journal);
    writer.append(entries);
  }
  // The crash: the store committed the segment's records, the segment was not removed yet.
  open_sqlite_evaluation_store(db)->log_served_predictions(entries);
  PredictionLogger logger(sqlite_at(db), quick(journal));
  EXPECT_TRUE(eventually([&] { return logger.stats().journaled == 0; }));
  logger.close(milliseconds(5000));
  EXPECT_EQ(logger.stats().stored, 0u);  // nothing new
  EXPECT_EQ(stored_rows(db), 50);
  EXPECT_EQ(segment_files(journal), 0u);
}

TEST(PredictionLogger, TheSettingsGiveTheOptions) {
  Settings settings;
  settings.serve_log.queue_capacity = 10;
  settings.serve_log.batch_size = 3;
  settings.serve_log.flush_interval = 0.05;
  settings.serve_log.journal_dir = "/var/tmp/j";
  const PredictionLoggerOptions options = prediction_logger_options(settings);
  EXPECT_EQ(options.queue_capacity, 10u);
  EXPECT_EQ(options.batch_size, 3u);
  EXPECT_EQ(options.flush_interval, milliseconds(50));
  EXPECT_EQ(options.journal_dir, "/var/tmp/j");
}

}  // namespace
}  // namespace mlops
