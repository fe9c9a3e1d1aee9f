// `postgres_test_cluster start DIR` / `stop DIR`: the ctest fixture that runs one PostgreSQL
// server for a whole test run (tests/support/postgres_server.h), so initdb runs once.

#include <cstdio>
#include <cstring>
#include <exception>

#include "support/postgres_server.h"

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "start") != 0 && std::strcmp(argv[1], "stop") != 0)) {
    std::fprintf(stderr, "usage: postgres_test_cluster start|stop DIR\n");
    return 2;
  }
  // Without PostgreSQL the tests that need it skip, or in CI fail (optional_tool.h).
  if (!mlops::testing::PostgresCluster::bin_dir()) return 0;
  try {
    // A cluster left by an interrupted run is stopped first.
    mlops::testing::PostgresCluster::stop(argv[2]);
    if (std::strcmp(argv[1], "start") == 0) mlops::testing::PostgresCluster::start(argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "postgres_test_cluster: %s\n", e.what());
    return 1;
  }
  return 0;
}
