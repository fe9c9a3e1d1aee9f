// `mlops ingest` from an HTTP API on 127.0.0.1: the bundled polling workflow, a real SIGKILL
// in the middle of a paginated ingest followed by a restart, the exit code once the retry
// budget is spent, and secrets that never reach a log or a file.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>

#include "fault_trials.h"
#include "support/http_test_server.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The clean table of a run as CSV lines, header first.
std::vector<std::string> csv_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(slurp(file));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The values of one column of a CSV file without quoted fields.
std::vector<std::string> column_values(const fs::path& file, const std::string& column) {
  auto split = [](const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    return fields;
  };
  auto lines = csv_lines(file);
  const auto header = split(lines.at(0));
  const size_t index = std::find(header.begin(), header.end(), column) - header.begin();
  std::vector<std::string> values;
  for (size_t i = 1; i < lines.size(); ++i) values.push_back(split(lines[i]).at(index));
  return values;
}

TEST(IngestHttp, BundledWorkflowPollsAnApiAndSkipsRepeats) {
  HttpTestServer api;
  std::atomic<int> calls{0};
  api.server().Get("/api/v2/beers", [&](const httplib::Request&, httplib::Response& response) {
    const int call = ++calls;
    const int id = (call - 1) % 6 + 1;  // six beers, over and over
    json beer{{"id", id},
              {"uid", "uid-" + std::to_string(id)},
              {"brand", "Brand " + std::to_string(id % 3)},
              {"style", "Lager"},
              {"ibu", std::to_string(10 + id) + " IBU"}};
    response.set_content(beer.dump(), "application/json");
  });
  api.start();
  TempDir dir;
  const std::string args =
      "ingest --env local --workflow workflows/beers-api.yaml --set runs_dir=" + dir.file("runs") +
      " --set ingest.source.url=" + api.url("/api/v2/beers") +
      " --set ingest.source.poll.interval=0";
  CliResult first = run_mlops(args, dir);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  fs::path run = only_run(dir.file("runs"));
  EXPECT_EQ(column_values(run / "ingest" / "clean.csv", "id"),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  json manifest = read_json(run / "manifest.json");
  EXPECT_EQ(manifest["stages"]["ingest"]["details"]["duplicates"], 4);
  EXPECT_EQ(manifest["stages"]["ingest"]["details"]["read"], 10);
  // Every response body is in the raw layer, with its status and checksum.
  const fs::path raw = fs::path(dir.file("lake")) / "beers-api" / "raw" / "beers-api";
  size_t bodies = 0;
  for (const auto& partition : fs::directory_iterator(raw)) {
    bodies += count_lines(slurp(partition.path() / "index.jsonl"));
  }
  EXPECT_EQ(bodies, 10u);
  // A second scheduled run finds no new beer but still writes the whole table.
  CliResult second = run_mlops(args, dir);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("duplicates=10"), std::string::npos) << second.err;
}

TEST(IngestHttp, KilledMidwayThenRestartedLosesAndRepeatsNothing) {
  HttpTestServer api;
  std::mutex mutex;
  std::map<int, int> requests;  // page -> times requested
  std::atomic<pid_t> victim{0};
  api.server().Get("/items", [&](const httplib::Request& request, httplib::Response& response) {
    const int page = std::stoi(request.get_param_value("page"));
    {
      std::lock_guard lock(mutex);
      ++requests[page];
      // The first process dies for real while asking for page 6: pages 1-5 were committed.
      if (page == 6 && requests[page] == 1 && victim.load() > 0) ::kill(victim.load(), SIGKILL);
    }
    json items = json::array();
    for (int id = (page - 1) * 5 + 1; id <= std::min(page * 5, 40); ++id) {
      items.push_back({{"id", id}, {"value", id * 1.5}});
    }
    response.set_content(json{{"data", items}}.dump(), "application/json");
  });
  api.start();
  TempDir dir;
  const std::string workflow =
      dir.write("paged.yaml",
                "name: paged\ningest:\n  source:\n    type: http\n    url: " + api.url("/items") +
                    "\n    records: data\n    pagination: {type: page, size_param: per_page, "
                    "size: 5}\n");
  const std::vector<std::string> args{
      "ingest", "--env", "local", "--workflow", workflow, "--set", "runs_dir=" + dir.file("runs")};
  victim = spawn_mlops(args, dir.file("first.log"));
  int status = 0;
  ASSERT_EQ(::waitpid(victim.load(), &status, 0), victim.load());
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << slurp(dir.file("first.log"));
  victim = 0;

  CliResult again = run_mlops(
      "ingest --env local --workflow " + workflow + " --set runs_dir=" + dir.file("runs"), dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(dir.file("runs"))) {
    if (entry.is_directory() && fs::exists(entry.path() / "ingest" / "clean.csv")) {
      ids = column_values(entry.path() / "ingest" / "clean.csv", "id");
    }
  }
  std::vector<std::string> expected;
  for (int id = 1; id <= 40; ++id) expected.push_back(std::to_string(id));
  EXPECT_EQ(ids, expected);  // every record, once, in order
  std::lock_guard lock(mutex);
  for (int page = 1; page <= 5; ++page) EXPECT_EQ(requests[page], 1) << "page " << page;
  EXPECT_EQ(requests[6], 2);  // asked by the killed process, then by the restarted one
}

TEST(IngestHttp, SpentRetryBudgetExitsFiveKeepingWhatWasFetched) {
  HttpTestServer api;
  api.server().Get("/items", [&](const httplib::Request& request, httplib::Response& response) {
    const int page = std::stoi(request.get_param_value("page"));
    if (page >= 2) {
      response.status = 503;
      response.set_content("down", "text/plain");
      return;
    }
    response.set_content(json::array({{{"id", 1}}, {{"id", 2}}}).dump(), "application/json");
  });
  api.start();
  TempDir dir;
  const std::string workflow = dir.write(
      "down.yaml", "name: down\ningest:\n  source:\n    type: http\n    url: " + api.url("/items") +
                       "\n    pagination: {type: page}\n"
                       "    retry: {max_retries: 2, backoff: 0.01, budget: 2}\n");
  CliResult result = run_mlops(
      "ingest --env local --workflow " + workflow + " --set runs_dir=" + dir.file("runs"), dir);
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_NE(result.err.find("GET " + api.url("/items?page=2") +
                            ": HTTP 503 (gave up after 2 retries; retry budget left: 0)"),
            std::string::npos)
      << result.err;
  const json checkpoint = read_json(fs::path(dir.file("lake")) / "down" / "checkpoint.json");
  EXPECT_EQ(checkpoint["sources"]["down"]["position"]["page"], 2);
  EXPECT_EQ(checkpoint["tables"]["down"]["rows"], 2);
}

TEST(IngestHttp, TokensFromTheEnvironmentNeverReachLogsOrFiles) {
  const std::string secret = "s3cr3t-T0KEN-value";
  HttpTestServer api;
  api.server().Get("/me", [&](const httplib::Request& request, httplib::Response& response) {
    if (request.get_header_value("Authorization") != "Bearer " + secret) {
      response.status = 401;
      return;
    }
    response.set_content(json{{"id", 1}, {"name", "me"}}.dump(), "application/json");
  });
  api.start();
  TempDir dir;
  const std::string workflow = dir.write(
      "auth.yaml", "name: auth\ningest:\n  source:\n    type: http\n    url: " + api.url("/me") +
                       "\n    bearer_token_env: AUTH_TEST_TOKEN\n");
  CliResult result = run_mlops("ingest --env local --log-format json --workflow " + workflow +
                                   " --set log_level=debug --set runs_dir=" + dir.file("runs"),
                               dir, "AUTH_TEST_TOKEN=" + secret);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find(secret), std::string::npos);
  EXPECT_EQ(result.out.find(secret), std::string::npos);
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file() && entry.path().filename() != "stderr.txt") {
      EXPECT_EQ(slurp(entry.path()).find(secret), std::string::npos) << entry.path();
    }
  }
  CliResult shown = run_mlops("config show --env local --workflow " + workflow, dir);
  EXPECT_NE(shown.out.find("bearer_token_env: \"****\""), std::string::npos) << shown.out;
}

// Every file under `root` holding `needle`, and where.
std::vector<std::string> files_containing(const fs::path& root, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() != "stdout.txt" &&
        entry.path().filename() != "stderr.txt" &&
        slurp(entry.path()).find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

TEST(IngestHttp, InterpolatedSecretsInUrlAndHeadersAreMaskedEverywhere) {
  const std::string key = "k3y-FROM-env-9182", token = "t0ken-FROM-env-7741";
  HttpTestServer api;
  std::atomic<int> authorized{0};
  api.server().Get("/items", [&](const httplib::Request& request, httplib::Response& response) {
    if (request.get_param_value("api_key") != key ||
        request.get_header_value("Authorization") != "Bearer " + token) {
      response.status = 401;
      return;
    }
    ++authorized;
    response.set_content(json{{"data", {{{"id", 1}, {"x", 2.5}}, {{"id", 2}, {"x", 3.5}}}}}.dump(),
                         "application/json");
  });
  api.start();
  TempDir dir;
  const std::string workflow = dir.write(
      "secretive.yaml", "name: secretive\ningest:\n  source:\n    type: http\n    url: \"" +
                            api.url("/items") + "?api_key=${I15_API_KEY}\"\n    records: data\n" +
                            "    headers: {Authorization: \"Bearer ${I15_TOKEN}\"}\n");
  const std::string env = "I15_API_KEY=" + key + " I15_TOKEN=" + token;
  for (const std::string format : {"json", "text"}) {
    CliResult result =
        run_mlops("ingest --env local --log-format " + format + " --workflow " + workflow +
                      " --set log_level=debug --set runs_dir=" + dir.file("runs-" + format),
                  dir, env);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const std::string& secret : {key, token}) {
      EXPECT_EQ(result.err.find(secret), std::string::npos) << format << ": " << result.err;
      EXPECT_EQ(result.out.find(secret), std::string::npos) << format << ": " << result.out;
    }
  }
  EXPECT_GE(authorized.load(), 2);  // the server got the real values
  // A connection error prints the URL masked too.
  api.stop();
  CliResult refused = run_mlops(
      "ingest --env local --workflow " + workflow +
          " --set ingest.source.retry.max_retries=0 --set runs_dir=" + dir.file("runs-refused"),
      dir, env);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("api_key=****"), std::string::npos) << refused.err;
  CliResult shown = run_mlops("config show --env local --workflow " + workflow, dir, env);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const std::string& secret : {key, token}) {
    EXPECT_EQ(refused.err.find(secret), std::string::npos) << refused.err;
    EXPECT_EQ(shown.out.find(secret), std::string::npos) << shown.out;
    EXPECT_EQ(files_containing(dir.path(), secret), std::vector<std::string>{}) << secret;
  }
  EXPECT_NE(shown.out.find("Bearer ****"), std::string::npos) << shown.out;
}

}  // namespace
}  // namespace mlops::testing
