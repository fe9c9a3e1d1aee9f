// Commands that need no model, Kafka broker or HTTP source start without loading XGBoost,
// librdkafka or libcurl, which mlops opens with dlopen on first use (docs/architecture.md,
// "Heavy libraries load on first use"). The dynamic loader's own trace (LD_DEBUG=files) lists
// every library a process loads, linked or opened later.

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "cli_runner.h"

namespace mlops::testing {
namespace {

// What loads those libraries (and OpenMP, which XGBoost brings).
const std::set<std::string> kHeavy = {"libxgboost.so.0", "librdkafka.so.1", "libcurl.so.4",
                                      "libgomp.so.1", "libpq.so.5"};

// The libraries the traced mlops process loaded: the "file=NAME [0]; ..." lines of its own pid
// (the trace's first line), not of a child it runs (git).
std::set<std::string> loaded_libraries(const std::string& trace) {
  std::set<std::string> loaded;
  std::istringstream lines(trace);
  std::string line, pid;
  while (std::getline(lines, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string line_pid = line.substr(0, colon);
    if (line_pid.find_first_not_of(" 0123456789") != std::string::npos) continue;
    if (pid.empty()) pid = line_pid;
    if (line_pid != pid) continue;
    const size_t file = line.find("file=", colon);
    if (file == std::string::npos) continue;
    const size_t end = line.find(' ', file);
    loaded.insert(line.substr(file + 5, end - file - 5));
  }
  return loaded;
}

std::set<std::string> heavy_in(const std::set<std::string>& loaded) {
  std::set<std::string> found;
  for (const auto& name : loaded) {
    if (kHeavy.count(name)) found.insert(name);
  }
  return found;
}

TEST(Startup, VersionHelpAndValidateLoadNoHeavyLibrary) {
  TempDir dir;
  for (const std::string args :
       {"--version", "--help", "validate --help",
        "validate --contract contracts/flights_raw.yaml tests/fixtures/flights-2001-01.csv"}) {
    CliResult result = run_mlops(args, dir, "LD_DEBUG=files");
    ASSERT_EQ(result.exit_code, 0) << args << "\n" << result.err;
    const std::set<std::string> loaded = loaded_libraries(result.err);
    EXPECT_TRUE(loaded.count("libc.so.6")) << args << ": no loader trace in\n" << result.err;
    EXPECT_EQ(heavy_in(loaded), std::set<std::string>{}) << args;
  }
}

TEST(Startup, TrainingOpensXgboostButNotTheKafkaOrHttpClients) {
  TempDir dir;
  CliResult result = run_mlops(
      "run --env local --workflow workflows/cars-mpg.yaml --set runs_dir=" + dir.file("runs") +
          " --set lake_dir=" + dir.file("lake"),
      dir, "LD_DEBUG=files");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::set<std::string> loaded = loaded_libraries(result.err);
  EXPECT_TRUE(loaded.count("libxgboost.so.0"));
  EXPECT_FALSE(loaded.count("librdkafka.so.1"));
  EXPECT_FALSE(loaded.count("libcurl.so.4"));
  EXPECT_NE(result.err.find("file=libxgboost.so.0 [0];  dynamically loaded by"), std::string::npos);
}

}  // namespace
}  // namespace mlops::testing
