// The GitHub Actions workflows and pre-commit files, of this repository and of a scaffolded
// project, parsed with yaml-cpp: the keys GitHub and pre-commit require, cron syntax and
// cadence, hook ids that exist, and paths that exist. Nothing here runs the files.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "mlops/config/loader.h"
#include "mlops/config/schema.h"
#include "mlops/config/tree_path.h"
#include "mlops/config/workflow.h"
#include "mlops/notify/event.h"
#include "mlops/scaffold/scaffold.h"
#include "support/github_workflow_env.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

namespace fs = std::filesystem;

const fs::path kRepo = MLOPS_SOURCE_DIR;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

// One cron field: a comma list of `*`, `N`, `N-M`, each optionally `/STEP`, within [low, high].
bool valid_cron_field(const std::string& field, int low, int high) {
  static const std::regex kItem(R"((\*|(\d+)(-(\d+))?)(/(\d+))?)");
  for (const std::string& item : split(field, ',')) {
    std::smatch match;
    if (!std::regex_match(item, match, kItem)) return false;
    if (match[2].matched) {
      int from = std::stoi(match[2]), to = match[4].matched ? std::stoi(match[4]) : from;
      if (from < low || to > high || from > to) return false;
    }
    if (match[6].matched && std::stoi(match[6]) < 1) return false;
  }
  return !field.empty();
}

// Five fields (minute, hour, day of month, month, day of week) as GitHub's cron accepts them.
bool valid_cron(const std::string& cron) {
  std::istringstream stream(cron);
  std::vector<std::string> fields;
  for (std::string field; stream >> field;) fields.push_back(field);
  return fields.size() == 5 && valid_cron_field(fields[0], 0, 59) &&
         valid_cron_field(fields[1], 0, 23) && valid_cron_field(fields[2], 1, 31) &&
         valid_cron_field(fields[3], 1, 12) && valid_cron_field(fields[4], 0, 6);
}

bool is_number(const std::string& text) {
  return std::regex_match(text, std::regex(R"(\d+)"));
}

// Once a day at a fixed time: "M H * * *".
bool is_daily(const std::string& cron) {
  auto f = split(cron, ' ');
  return f.size() == 5 && is_number(f[0]) && is_number(f[1]) && f[2] == "*" && f[3] == "*" &&
         f[4] == "*";
}

// Every two hours at a fixed minute: "M */2 * * *".
bool is_every_two_hours(const std::string& cron) {
  auto f = split(cron, ' ');
  return f.size() == 5 && is_number(f[0]) && f[1] == "*/2" && f[2] == "*" && f[3] == "*" &&
         f[4] == "*";
}

TEST(Cron, SyntaxCheckRejectsWhatGitHubRejects) {
  EXPECT_TRUE(valid_cron("0 4 * * *"));
  EXPECT_TRUE(valid_cron("30 */2 * * 1-5"));
  EXPECT_TRUE(valid_cron("0,30 8-18/2 1 1,6 0"));
  EXPECT_FALSE(valid_cron("0 4 * *"));
  EXPECT_FALSE(valid_cron("60 4 * * *"));
  EXPECT_FALSE(valid_cron("0 24 * * *"));
  EXPECT_FALSE(valid_cron("0 */0 * * *"));
  EXPECT_FALSE(valid_cron("0 5-4 * * *"));
  EXPECT_FALSE(valid_cron("@daily"));
  EXPECT_TRUE(is_daily("15 3 * * *"));
  EXPECT_FALSE(is_daily("15 */2 * * *"));
  EXPECT_TRUE(is_every_two_hours("45 */2 * * *"));
  EXPECT_FALSE(is_every_two_hours("45 */3 * * *"));
}

// Every command a job runs, one string per `run:` step.
std::vector<std::string> run_commands(const YAML::Node& job) {
  std::vector<std::string> commands;
  for (const auto& step : job["steps"]) {
    if (step["run"]) commands.push_back(step["run"].as<std::string>());
  }
  return commands;
}

bool any_contains(const std::vector<std::string>& texts, const std::string& part) {
  for (const auto& text : texts) {
    if (text.find(part) != std::string::npos) return true;
  }
  return false;
}

// The keys GitHub requires of a workflow, and what we require of ours.
void expect_valid_workflow(const fs::path& path) {
  SCOPED_TRACE(path.string());
  YAML::Node workflow = YAML::LoadFile(path.string());
  ASSERT_TRUE(workflow.IsMap());
  EXPECT_FALSE(workflow["name"].as<std::string>().empty());
  ASSERT_TRUE(workflow["on"]) << "no trigger";
  ASSERT_TRUE(workflow["jobs"].IsMap());
  ASSERT_GT(workflow["jobs"].size(), 0u);
  for (const auto& job : workflow["jobs"]) {
    SCOPED_TRACE(job.first.as<std::string>());
    EXPECT_TRUE(job.second["runs-on"].IsScalar());
    EXPECT_GT(job.second["timeout-minutes"].as<int>(), 0);
    ASSERT_TRUE(job.second["steps"].IsSequence());
    ASSERT_GT(job.second["steps"].size(), 0u);
    for (const auto& step : job.second["steps"]) {
      EXPECT_NE(static_cast<bool>(step["run"]), static_cast<bool>(step["uses"]))
          << "a step has exactly one of run and uses";
    }
  }
}

void expect_ci_on_push_and_pull_request(const fs::path& path) {
  SCOPED_TRACE(path.string());
  YAML::Node on = YAML::LoadFile(path.string())["on"];
  EXPECT_TRUE(on["push"]);
  EXPECT_TRUE(on.IsMap() && on["pull_request"]);
}

// Daily training and batch prediction every two hours, each cron routed to its job, one run
// at a time, secrets from the repository, the Markdown summary and the report as an artifact.
void expect_scheduled_production(const fs::path& path) {
  SCOPED_TRACE(path.string());
  YAML::Node workflow = YAML::LoadFile(path.string());
  YAML::Node schedule = workflow["on"]["schedule"];
  ASSERT_TRUE(schedule.IsSequence());
  ASSERT_EQ(schedule.size(), 2u);
  std::string daily, two_hourly;
  for (const auto& entry : schedule) {
    const std::string cron = entry["cron"].as<std::string>();
    EXPECT_TRUE(valid_cron(cron)) << cron;
    if (is_daily(cron)) daily = cron;
    if (is_every_two_hours(cron)) two_hourly = cron;
  }
  ASSERT_FALSE(daily.empty()) << "no daily cron";
  ASSERT_FALSE(two_hourly.empty()) << "no every-two-hours cron";
  EXPECT_TRUE(workflow["on"]["workflow_dispatch"]);
  EXPECT_FALSE(workflow["concurrency"]["group"].as<std::string>().empty());
  EXPECT_FALSE(workflow["concurrency"]["cancel-in-progress"].as<bool>());

  const YAML::Node jobs = workflow["jobs"];
  ASSERT_TRUE(jobs["train"] && jobs["predict"]);
  EXPECT_NE(jobs["train"]["if"].as<std::string>().find("'" + daily + "'"), std::string::npos);
  EXPECT_NE(jobs["predict"]["if"].as<std::string>().find("'" + two_hourly + "'"),
            std::string::npos);
  EXPECT_TRUE(any_contains(run_commands(jobs["train"]), "mlops run --env prod"));
  EXPECT_TRUE(any_contains(run_commands(jobs["predict"]), "mlops batch-predict --env prod"));
  for (const char* job : {"train", "predict"}) {
    auto commands = run_commands(jobs[job]);
    EXPECT_TRUE(any_contains(commands, "export-report --env prod")) << job;
    EXPECT_TRUE(any_contains(commands, "--format md >> \"$GITHUB_STEP_SUMMARY\"")) << job;
  }
  size_t uploads = 0;
  for (const char* name : {"train", "predict"}) {
    for (const auto& step : jobs[name]["steps"]) {
      if (step["uses"] && step["uses"].as<std::string>().starts_with("actions/upload-artifact@")) {
        ++uploads;
        EXPECT_EQ(step["if"].as<std::string>(), "always()");
      }
    }
  }
  EXPECT_EQ(uploads, 2u);
  // Sharded batch prediction: a matrix of shards, each scoring --shard K/N, joined by a job
  // that needs them all and reads every shard's artifact.
  const YAML::Node shards = jobs["predict-sharded"];
  ASSERT_TRUE(shards) << "no predict-sharded job";
  const YAML::Node matrix = shards["strategy"]["matrix"]["shard"];
  ASSERT_TRUE(matrix.IsSequence());
  const std::string count = std::to_string(matrix.size());
  for (size_t k = 0; k < matrix.size(); ++k) EXPECT_EQ(matrix[k].as<size_t>(), k);
  EXPECT_TRUE(any_contains(run_commands(shards), "--shard ${{ matrix.shard }}/" + count));
  const YAML::Node join = jobs["predict-sharded-join"];
  ASSERT_TRUE(join);
  EXPECT_EQ(join["needs"].as<std::string>(), "predict-sharded");
  EXPECT_TRUE(any_contains(run_commands(join), "for k in 0 1 2 3"));
  size_t secrets = 0;
  for (const auto& variable : workflow["env"]) {
    secrets += variable.second.as<std::string>().find("${{ secrets.") != std::string::npos;
  }
  EXPECT_GT(secrets, 0u);
}

// The prod settings the scheduled jobs run with, given the repository's secrets: loaded by
// mlops's own loader from the project's configs/ and the jobs' environment.
Settings scheduled_settings(const fs::path& root, const YAML::Node& workflow,
                            const std::map<std::string, std::string>& secrets) {
  const auto environment = testing::job_environment(workflow, secrets);
  LoadOptions load;
  load.env = "prod";
  load.config_dir = (root / "configs").string();
  load.getenv = [environment](const std::string& name) -> std::optional<std::string> {
    auto found = environment.find(name);
    if (found == environment.end()) return std::nullopt;
    return found->second;
  };
  return build_settings(load_config(load), "prod");
}

// State in PostgreSQL when the secret MLOPS_STORE_URL is set (its password in PGPASSWORD),
// else today's SQLite file in the cached prod-state/; notifications to MLOPS_NOTIFY_WEBHOOK
// when set. Every MLOPS_* variable is a config key's or is read by one through ${VAR}.
void expect_state_and_notifications(const fs::path& path, const fs::path& root,
                                    const std::string& sqlite_store) {
  SCOPED_TRACE(path.string());
  YAML::Node workflow = YAML::LoadFile(path.string());
  const YAML::Node env = workflow["env"];
  EXPECT_EQ(env["MLOPS_STORE__URL"].as<std::string>(), "${{ secrets.MLOPS_STORE_URL }}");
  EXPECT_EQ(env["PGPASSWORD"].as<std::string>(), "${{ secrets.PGPASSWORD }}");
  EXPECT_EQ(env["MLOPS_NOTIFY_WEBHOOK"].as<std::string>(), "${{ secrets.MLOPS_NOTIFY_WEBHOOK }}");
  std::string all_values;
  for (const auto& variable : env) all_values += variable.second.as<std::string>() + "\n";
  for (const auto& variable : env) {
    const std::string name = variable.first.as<std::string>();
    if (!name.starts_with("MLOPS_")) continue;
    bool is_key = false;
    for (const auto& key : config_keys()) {
      is_key = is_key || (config_detail::settable_from_env(key.type) &&
                          config_detail::env_var_name(key.path) == name);
    }
    EXPECT_TRUE(is_key || all_values.find("${" + name) != std::string::npos)
        << name << " is no config key's variable and no value reads it";
  }
  // The cache holds the state only when there is no PostgreSQL store.
  size_t caches = 0;
  for (const auto& job : workflow["jobs"]) {
    for (const auto& step : job.second["steps"]) {
      if (!step["uses"] || !step["uses"].as<std::string>().starts_with("actions/cache")) continue;
      ++caches;
      EXPECT_EQ(step["if"].as<std::string>(), "env.MLOPS_STORE__URL == ''")
          << job.first.as<std::string>();
    }
  }
  EXPECT_EQ(caches, 3u);  // train, predict, predict-sharded

  const Settings without = scheduled_settings(root, workflow, {});
  EXPECT_EQ(without.store_url, "");
  EXPECT_EQ(without.store_path, sqlite_store);
  EXPECT_TRUE(without.notify.webhooks.empty());

  const std::string store = "postgresql://mlops@db.example.com:5432/mlops";
  const std::string hook = "https://hooks.slack.com/services/T0/B0/secret-part";
  const Settings with = scheduled_settings(
      root, workflow,
      {{"MLOPS_STORE_URL", store}, {"PGPASSWORD", "pw"}, {"MLOPS_NOTIFY_WEBHOOK", hook}});
  EXPECT_EQ(with.store_url, store);
  EXPECT_EQ(with.notify.webhooks, std::vector<std::string>{hook});
  EXPECT_EQ(with.notify.on, std::vector<std::string>(kNotifyEvents.begin(), kNotifyEvents.end()));
  EXPECT_EQ(with.notify.link, "github-server_url/github-repository/actions/runs/github-run_id");
}

// Every workflows/*.yaml a file mentions exists under root.
void expect_mentioned_workflows_exist(const fs::path& file, const fs::path& root) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string contents = text.str();
  static const std::regex kWorkflow(R"(workflows/[A-Za-z0-9._-]+\.yaml)");
  size_t found = 0;
  for (std::sregex_iterator it(contents.begin(), contents.end(), kWorkflow), end; it != end;
       ++it, ++found) {
    EXPECT_TRUE(fs::exists(root / it->str())) << file << " mentions " << it->str();
  }
  EXPECT_GT(found, 0u) << file;
}

// The hooks other repositories use: id -> definition.
std::map<std::string, YAML::Node> published_hooks() {
  std::map<std::string, YAML::Node> hooks;
  for (const auto& hook : YAML::LoadFile((kRepo / ".pre-commit-hooks.yaml").string())) {
    hooks[hook["id"].as<std::string>()] = YAML::Node(hook);
  }
  return hooks;
}

TEST(PreCommitHooks, PublishesTheThreeMlopsHooks) {
  YAML::Node file = YAML::LoadFile((kRepo / ".pre-commit-hooks.yaml").string());
  ASSERT_TRUE(file.IsSequence());
  std::set<std::string> ids;
  for (const auto& hook : file) {
    const std::string id = hook["id"].as<std::string>();
    ids.insert(id);
    EXPECT_FALSE(hook["name"].as<std::string>().empty()) << id;
    EXPECT_TRUE(hook["entry"].as<std::string>().starts_with("mlops ")) << id;
    EXPECT_EQ(hook["language"].as<std::string>(), "system") << id;  // a native binary on PATH
    EXPECT_TRUE(hook["pass_filenames"].as<bool>()) << id;
  }
  EXPECT_EQ(ids, (std::set<std::string>{"mlops-validate", "mlops-notebooks-strip",
                                        "mlops-notebooks-export"}));
  auto hooks = published_hooks();
  EXPECT_EQ(hooks["mlops-validate"]["entry"].as<std::string>(), "mlops validate");
  EXPECT_EQ(hooks["mlops-notebooks-strip"]["entry"].as<std::string>(), "mlops notebooks strip");
  EXPECT_EQ(hooks["mlops-notebooks-export"]["entry"].as<std::string>(), "mlops notebooks export");
  EXPECT_EQ(hooks["mlops-notebooks-export"]["args"][0].as<std::string>(), "--out");

  auto matches = [&](const std::string& id, const std::string& path) {
    return std::regex_search(path, std::regex(hooks[id]["files"].as<std::string>()));
  };
  for (const char* data : {"data/weather.csv", "a.tsv", "b.json", "c.jsonl.gz", "d.csv.zst"}) {
    EXPECT_TRUE(matches("mlops-validate", data)) << data;
  }
  for (const char* other : {"src/main.cpp", "x.csv.bak", "notes.ipynb", "csv"}) {
    EXPECT_FALSE(matches("mlops-validate", other)) << other;
  }
  EXPECT_TRUE(matches("mlops-notebooks-strip", "notebooks/explore.ipynb"));
  EXPECT_FALSE(matches("mlops-notebooks-strip", "notebooks/explore.py"));
  EXPECT_TRUE(matches("mlops-notebooks-export", "notebooks/explore.ipynb"));
}

// A pre-commit config whose hooks are published ids run as `repo: local` with the same mlops
// subcommand (through any path to the binary), and whose contracts exist.
void expect_config_uses_published_hooks(const fs::path& config, const fs::path& root) {
  SCOPED_TRACE(config.string());
  auto published = published_hooks();
  YAML::Node file = YAML::LoadFile(config.string());
  ASSERT_TRUE(file["repos"].IsSequence());
  std::set<std::string> used;
  for (const auto& repo : file["repos"]) {
    EXPECT_EQ(repo["repo"].as<std::string>(), "local");
    for (const auto& hook : repo["hooks"]) {
      const std::string id = hook["id"].as<std::string>();
      ASSERT_TRUE(published.contains(id)) << "unknown hook id " << id;
      used.insert(id);
      EXPECT_FALSE(hook["name"].as<std::string>().empty()) << id;
      EXPECT_EQ(hook["language"].as<std::string>(), "system") << id;
      std::regex(hook["files"].as<std::string>());  // throws when it is not a regex
      // "./build/mlops validate --contract X" runs what "mlops validate" does.
      const std::string entry = hook["entry"].as<std::string>();
      const std::string command = published[id]["entry"].as<std::string>().substr(6);
      const size_t binary_end = entry.find("mlops ");
      ASSERT_NE(binary_end, std::string::npos) << entry;
      EXPECT_TRUE(entry.substr(binary_end + 6).starts_with(command)) << entry;
      std::smatch contract;
      if (std::regex_search(entry, contract, std::regex(R"(--contract (\S+))"))) {
        EXPECT_TRUE(fs::exists(root / contract[1].str())) << entry;
      }
    }
  }
  EXPECT_EQ(used.size(), published.size()) << "every published hook is used";
}

TEST(RepositoryCi, WorkflowsHaveTheRequiredKeys) {
  expect_valid_workflow(kRepo / ".github/workflows/ci.yml");
  expect_ci_on_push_and_pull_request(kRepo / ".github/workflows/ci.yml");
  YAML::Node ci = YAML::LoadFile((kRepo / ".github/workflows/ci.yml").string());
  EXPECT_TRUE(any_contains(run_commands(ci["jobs"]["test"]), ".ci/run"));
  expect_valid_workflow(kRepo / ".github/workflows/scheduled.yml");
  expect_scheduled_production(kRepo / ".github/workflows/scheduled.yml");
  expect_state_and_notifications(kRepo / ".github/workflows/scheduled.yml", kRepo,
                                 "prod-state/runs/mlops.db");
  expect_mentioned_workflows_exist(kRepo / ".github/workflows/scheduled.yml", kRepo);
}

TEST(RepositoryCi, PreCommitConfigUsesThePublishedHooks) {
  expect_config_uses_published_hooks(kRepo / ".pre-commit-config.yaml", kRepo);
}

class ScaffoldCi : public ::testing::Test {
 protected:
  void SetUp() override {
    scaffold_project({.dir = root_.string(), .name = "demo-proj", .force = false});
  }
  testing::TempDir dir_;
  fs::path root_ = dir_.path() / "proj";
};

TEST_F(ScaffoldCi, WorkflowsHaveTheRequiredKeys) {
  expect_valid_workflow(root_ / ".github/workflows/ci.yml");
  expect_ci_on_push_and_pull_request(root_ / ".github/workflows/ci.yml");
  expect_mentioned_workflows_exist(root_ / ".github/workflows/ci.yml", root_);
  expect_valid_workflow(root_ / ".github/workflows/scheduled.yml");
  expect_scheduled_production(root_ / ".github/workflows/scheduled.yml");
  expect_state_and_notifications(root_ / ".github/workflows/scheduled.yml", root_,
                                 "prod-state/runs/mlops.db");
  expect_mentioned_workflows_exist(root_ / ".github/workflows/scheduled.yml", root_);
}

TEST_F(ScaffoldCi, SetupActionIsACompositeThatInstallsMlops) {
  YAML::Node action = YAML::LoadFile((root_ / ".github/actions/setup-mlops/action.yml").string());
  EXPECT_FALSE(action["name"].as<std::string>().empty());
  EXPECT_TRUE(action["inputs"]["repository"]["required"].as<bool>());
  EXPECT_EQ(action["runs"]["using"].as<std::string>(), "composite");
  bool installs = false;
  for (const auto& step : action["runs"]["steps"]) {
    if (!step["run"]) continue;
    EXPECT_TRUE(step["shell"]) << "a composite run step needs a shell";
    const std::string script = step["run"].as<std::string>();
    installs = installs || script == "./scripts/install-mlops";
  }
  EXPECT_TRUE(installs);
  EXPECT_TRUE(fs::exists(root_ / "scripts" / "install-mlops"));
}

TEST_F(ScaffoldCi, PreCommitConfigUsesThePublishedHooks) {
  expect_config_uses_published_hooks(root_ / ".pre-commit-config.yaml", root_);
}

}  // namespace
}  // namespace mlops
