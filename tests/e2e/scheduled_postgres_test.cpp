// .github/workflows/scheduled.yml run for real, as far as a machine without GitHub can: the
// train job's and then the predict job's `run:` steps, in bash -e with the job environment the
// workflow gives when the repository secrets MLOPS_STORE_URL, PGPASSWORD and
// MLOPS_NOTIFY_WEBHOOK are set (the URL pointing at the test PostgreSQL cluster, the webhook at
// a server on 127.0.0.1), each job in its own empty directory, as on a fresh runner with no
// cache. The predict job finds the champion the train job registered: the state is in
// PostgreSQL, not in prod-state/.

#include <gtest/gtest.h>

#include <mutex>

#include "cli_runner.h"
#include "support/github_workflow_env.h"
#include "support/http_test_server.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"

namespace mlops::testing {
namespace scheduled_postgres_test {
namespace {

namespace fs = std::filesystem;

const fs::path kRepo = MLOPS_SOURCE_DIR;

std::string single_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A fresh runner: an empty directory with the checkout's files the jobs read.
void check_out(const fs::path& dir) {
  fs::create_directories(dir);
  for (const char* name : {"configs", "workflows", "contracts", "data"}) {
    fs::create_directory_symlink(kRepo / name, dir / name);
  }
  fs::create_directories(dir / "build");
  fs::create_symlink(MLOPS_BINARY, dir / "build" / "mlops");
}

struct StepResult {
  std::string name;
  int exit_code = -1;
  std::string output;
};

// Every `run:` step of `job` but the setup ones (apt-get, install-deps and build), in order,
// each in `bash -e` in `dir` with `environment` exported, as GitHub runs them.
std::vector<StepResult> run_job(const YAML::Node& job, const fs::path& dir,
                                const std::map<std::string, std::string>& environment) {
  std::vector<StepResult> results;
  int index = 0;
  for (const auto& step : job["steps"]) {
    if (!step["run"]) continue;
    const std::string script = step["run"].as<std::string>();
    if (script.find("apt-get") != std::string::npos ||
        script.find("scripts/") != std::string::npos) {
      continue;
    }
    std::string file;
    for (const auto& [name, value] : environment) {
      file += "export " + name + "=" + single_quoted(value) + "\n";
    }
    file += script;
    const fs::path path = dir / ("step-" + std::to_string(++index) + ".sh");
    std::ofstream(path) << file;
    const fs::path output = dir / ("step-" + std::to_string(index) + ".out");
    const std::string command = "cd " + single_quoted(dir.string()) + " && bash -e " +
                                single_quoted(path.string()) + " > " +
                                single_quoted(output.string()) + " 2>&1";
    const int status = std::system(command.c_str());
    StepResult result;
    result.name = step["name"] ? step["name"].as<std::string>() : script.substr(0, 60);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.output = slurp(output);
    fs::remove(path);  // it holds the secrets, as GitHub's own step files do
    results.push_back(std::move(result));
  }
  return results;
}

TEST(ScheduledWorkflow, JobsShareThePostgresStoreFromTheSecretAndNotify) {
  MLOPS_REQUIRE_TOOL(PostgresServer::available(), "PostgreSQL (package postgresql)");
  PostgresServer& server = PostgresServer::shared();
  const std::string url = server.create_database();
  const std::string db = url.substr(url.rfind('/') + 1);

  HttpTestServer hook;
  std::mutex mutex;
  std::vector<nlohmann::json> received;
  hook.server().Post("/hook/secret-path",
                     [&](const httplib::Request& request, httplib::Response& response) {
                       std::lock_guard lock(mutex);
                       received.push_back(nlohmann::json::parse(request.body));
                       response.set_content("ok", "text/plain");
                     });
  hook.start();

  const YAML::Node workflow = YAML::LoadFile((kRepo / ".github/workflows/scheduled.yml").string());
  TempDir dir;
  auto environment =
      job_environment(workflow, {{"MLOPS_STORE_URL", server.url_without_password(db)},
                                 {"PGPASSWORD", server.password()},
                                 {"MLOPS_NOTIFY_WEBHOOK", hook.url("/hook/secret-path")}});
  environment["PATH"] = std::getenv("PATH");
  environment["HOME"] = dir.path().string();
  environment["RUNNER_TEMP"] = dir.file("runner-temp");
  fs::create_directories(dir.file("runner-temp"));
  environment["GITHUB_STEP_SUMMARY"] = dir.file("summary.md");

  std::string outputs;
  const fs::path train_runner = dir.path() / "train-runner";
  check_out(train_runner);
  const auto train_steps = run_job(workflow["jobs"]["train"], train_runner, environment);
  EXPECT_EQ(train_steps.size(), 4u);  // started, train, summary, collect the reports
  for (const auto& step : train_steps) {
    EXPECT_EQ(step.exit_code, 0) << step.name << "\n" << step.output;
    outputs += step.output;
  }
  // Every workflow trained, its champion registered in PostgreSQL; no SQLite store made.
  EXPECT_FALSE(fs::exists(train_runner / "prod-state" / "runs" / "mlops.db"));
  EXPECT_TRUE(fs::exists(train_runner / "reports"));
  {
    std::lock_guard lock(mutex);
    std::set<std::string> promoted;
    for (const auto& body : received) {
      EXPECT_EQ(body["mlops"]["event"], "promoted");
      EXPECT_EQ(body["mlops"]["env"], "prod");
      EXPECT_EQ(body["mlops"]["link"],
                "github-server_url/github-repository/actions/runs/github-run_id");
      promoted.insert(body["mlops"]["workflow"]);
    }
    EXPECT_EQ(promoted, (std::set<std::string>{"penguins-species", "cars-mpg"}));
  }

  // Another runner, no cache: the predict job scores with the champion from PostgreSQL.
  const fs::path predict_runner = dir.path() / "predict-runner";
  check_out(predict_runner);
  const auto predict_steps = run_job(workflow["jobs"]["predict"], predict_runner, environment);
  EXPECT_EQ(predict_steps.size(), 4u);  // started, ingest and score, reports, collect
  for (const auto& step : predict_steps) {
    EXPECT_EQ(step.exit_code, 0) << step.name << "\n" << step.output;
    outputs += step.output;
  }
  EXPECT_FALSE(fs::exists(predict_runner / "prod-state" / "runs" / "mlops.db"));
  size_t predictions = 0;
  for (const auto& entry : fs::recursive_directory_iterator(predict_runner / "prod-state")) {
    predictions += entry.path().filename() == "predictions.csv";
  }
  EXPECT_EQ(predictions, 2u);  // one per workflow
  const std::string summary = slurp(dir.file("summary.md"));
  EXPECT_NE(summary.find("penguins-species"), std::string::npos);
  EXPECT_NE(summary.find("cars-mpg"), std::string::npos);

  // The registry seen from a third machine: both champions, trained by the train runner.
  TempDir scratch;
  CliResult models =
      run_mlops_in(dir.path().string(),
                   "models list --env prod --config-dir " + (kRepo / "configs").string(), scratch,
                   "MLOPS_STORE__URL=" + single_quoted(server.url_without_password(db)) +
                       " PGPASSWORD=" + single_quoted(server.password()));
  ASSERT_EQ(models.exit_code, 0) << models.err;
  EXPECT_NE(models.out.find("penguins-species"), std::string::npos) << models.out;
  EXPECT_NE(models.out.find("cars-mpg"), std::string::npos) << models.out;
  EXPECT_NE(models.out.find("champion"), std::string::npos) << models.out;

  // The secrets never reached a step's output or a file.
  for (const std::string& secret : {server.password(), std::string("/hook/secret-path")}) {
    EXPECT_EQ(outputs.find(secret), std::string::npos) << secret;
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file() || entry.is_symlink()) continue;
      EXPECT_EQ(slurp(entry.path()).find(secret), std::string::npos) << entry.path();
    }
  }
}

}  // namespace
}  // namespace scheduled_postgres_test
}  // namespace mlops::testing
