// The store figures of issue 18, measured in one process (bench/postgres/run.py runs it):
//   bench_store createdb ADMIN_URL NAME            a database on the bench's server
//   bench_store log STORE ROWS BATCH WRITER        prediction logging: ROWS rows in batches
//   bench_store registry STORE MODELS_DIR READS    resolve the champion and fetch its files
// STORE is `postgresql://...` or `sqlite:PATH`. Prints one JSON line.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "mlops/io/file.h"
#include "mlops/store/evaluation_store.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/postgres/pg_connection.h"
#include "mlops/store/registry.h"

namespace {

using Clock = std::chrono::steady_clock;

mlops::Settings settings_for(const std::string& store, const std::string& models_dir) {
  mlops::Settings settings;
  if (store.starts_with("sqlite:")) {
    settings.store_path = store.substr(7);
  } else {
    settings.store_url = store;
  }
  settings.models_dir = models_dir;
  return settings;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Logs `rows` predictions in batches of `batch` as batch-predict does; rows per second.
int log_predictions(const std::string& store, int64_t rows, int64_t batch,
                    const std::string& writer) {
  auto evaluation = mlops::open_evaluation_store(settings_for(store, "models"));
  std::vector<mlops::LoggedPrediction> rows_of_batch;
  const auto start = Clock::now();
  for (int64_t done = 0, number = 0; done < rows; ++number) {
    rows_of_batch.clear();
    for (int64_t i = 0; i < batch && done < rows; ++i, ++done) {
      rows_of_batch.push_back({fmt::format("{}-{}", writer, done),
                               static_cast<uint64_t>(done) * 2654435761u,
                               done % 3 == 0 ? "yes" : "no",
                               0.25 + (done % 50) / 100.0,
                               {}});
    }
    evaluation->log_predictions("bench", "v1", "run-" + writer, 1'700'000'000'000'000 + number,
                                rows_of_batch);
  }
  const double took = seconds_since(start);
  std::printf("{\"rows\": %lld, \"seconds\": %.4f, \"rows_per_second\": %.0f}\n",
              static_cast<long long>(rows), took, rows / took);
  return 0;
}

/// Registers one version (a 200 kB model.json and the other files of a trained version) when
/// the store has none, then times `reads` resolutions of the champion, each fetching the
/// files into a fresh models_dir's cache the first time and checking them after; medians.
int registry_reads(const std::string& store, const std::string& models_dir, int reads) {
  namespace fs = std::filesystem;
  const fs::path source = fs::path(models_dir) / "source";
  {
    auto trainer =
        mlops::open_registry(settings_for(store, (fs::path(models_dir) / "trainer").string()));
    if (trainer->versions("bench").empty()) {
      fs::create_directories(source);
      std::string model = "{\"trees\": [";
      while (model.size() < 200'000) model += "{\"split\": 3, \"value\": 0.125},";
      model += "{}]}";
      mlops::write_file_atomic((source / "model.json").string(), model);
      mlops::write_file_atomic((source / "feature_state.json").string(), std::string(20'000, 'f'));
      mlops::write_file_atomic((source / "baseline.json").string(), std::string(30'000, 'b'));
      mlops::write_file_atomic((source / "model_meta.json").string(), "{\"run\": \"r1\"}");
      trainer->register_version("bench", "r1", source.string(), {{"auc", 0.8}}, {});
      trainer->set_alias("bench", "champion", 1, "gate", "bench");
    }
  }
  const auto open_start = Clock::now();
  auto server =
      mlops::open_registry(settings_for(store, (fs::path(models_dir) / "server").string()));
  const double open_ms = seconds_since(open_start) * 1000;
  const auto first_start = Clock::now();
  mlops::resolve_model_version(*server, "bench", "champion");  // fetches into the cache
  const double first_ms = seconds_since(first_start) * 1000;
  std::vector<double> times;
  for (int i = 0; i < reads; ++i) {
    const auto start = Clock::now();
    const mlops::ModelVersion version = mlops::resolve_model_version(*server, "bench", "champion");
    if (version.version != 1) throw mlops::InternalError("resolved v{}", version.version);
    times.push_back(seconds_since(start) * 1000);
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "{\"open_ms\": %.3f, \"first_fetch_ms\": %.3f, \"median_ms\": %.3f, \"p99_ms\": %.3f}\n",
      open_ms, first_ms, times[times.size() / 2], times[times.size() * 99 / 100]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 3 && args[0] == "createdb") {
      mlops::PgConnection(mlops::parse_postgres_url(args[1], "bench"), "bench")
          .exec("CREATE DATABASE " + args[2]);
      return 0;
    }
    if (args.size() == 5 && args[0] == "log") {
      return log_predictions(args[1], std::stoll(args[2]), std::stoll(args[3]), args[4]);
    }
    if (args.size() == 4 && args[0] == "registry") {
      return registry_reads(args[1], args[2], std::stoi(args[3]));
    }
  } catch (const mlops::Error& e) {
    std::fprintf(stderr, "bench_store: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: bench_store createdb ADMIN_URL NAME | log STORE ROWS BATCH WRITER | "
               "registry STORE MODELS_DIR READS\n");
  return 2;
}
