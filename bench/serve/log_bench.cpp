// The prediction log's cost per served prediction (issue 17, Performance): N predictions like
// the serving bench's (one row per request, binary model) logged from T threads into a
// PredictionLogger over a fresh SQLite evaluation store (its queue holds them all, so the
// journal takes none), closed, then: wall seconds, the
// process's CPU microseconds per prediction (log() on the callers + the writer thread) and the
// rows stored. Not part of the default build: scripts/build bench_serve_log.
//
//   build/bench/serve/bench_serve_log [predictions=400000] [threads=2] [dir=/tmp] [batch_size]

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "mlops/serve/prediction_logger.h"
#include "mlops/store/sqlite/sqlite_stores.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 400'000;
  const size_t threads = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2;
  const std::filesystem::path base = argc > 3 ? argv[3] : "/tmp";
  const std::filesystem::path dir = base / fmt::format("bench-serve-log-{}", ::getpid());
  std::filesystem::create_directories(dir / "journal");
  const std::string path = (dir / "eval.db").string();

  mlops::PredictionLoggerOptions options;
  options.journal_dir = (dir / "journal").string();
  if (argc > 4) options.batch_size = std::strtoull(argv[4], nullptr, 10);
  options.queue_capacity = count + 1;  // the writer's cost, not the journal's: nothing spills
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  {
    mlops::PredictionLogger logger(
        [path] { return mlops::open_sqlite_evaluation_store(path, 250); }, options);
    std::vector<std::thread> callers;
    for (size_t t = 0; t < threads; ++t) {
      callers.emplace_back([&logger, t, threads, count] {
        for (size_t n = t; n < count; n += threads) {
          logger.log({.model = std::string("servebench"),
                      .request_id = fmt::format("{:016x}{:016x}", n * 0x9e3779b97f4a7c15ull, n),
                      .row_key = std::to_string((n * 0x9e3779b97f4a7c15ull >> 20) % 100'000),
                      .model_version = std::string("1"),
                      .source = std::string("model"),
                      .prediction = std::string(n % 3 ? "false" : "true"),
                      .score = static_cast<double>(n % 1000) / 1000.0,
                      .probabilities = {},
                      .features_hash = n * 0x9e3779b97f4a7c15ull,
                      .served_at_us = 1'700'000'000'000'000 + static_cast<int64_t>(n),
                      .latency_ms = 0.1});
        }
      });
    }
    for (std::thread& caller : callers) caller.join();
    logger.close(std::chrono::seconds(120));
    const mlops::PredictionSinkStats stats = logger.stats();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    fmt::print(
        "{} predictions, {} threads: {:.2f} s wall, {:.2f} CPU us/prediction; stored {}, "
        "journaled {}\n",
        count, threads, wall, cpu * 1e6 / static_cast<double>(count), stats.stored,
        stats.journaled);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
