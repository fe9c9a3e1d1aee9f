// The online half of the feature store through the built binary: `mlops materialize`,
// `mlops features get | list | describe` on SQLite and on a real Redis, batch predictions as a
// view, and kill -9 trials of materialize.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "cli_runner.h"
#include "mlops/core/time.h"
#include "mlops/store/open_stores.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"

extern char** environ;

namespace mlops {
namespace {

using testing::CliResult;
using testing::TempDir;

constexpr const char* kShopWorkflow = R"(name: shop
ingest:
  source: {type: file, path: "${data_dir}/events.csv", format: csv}
  schema: {user_id: int64, ts: timestamp, amount: float64, country: string, vip: bool}
entities:
  - {name: user, keys: {user_id: int}}
feature_views:
  - name: user_stats
    entity: user
    source: {table: shop}
    event_time: ts
    features: [amount, country, vip, {name: double_amount, expr: "amount * 2"}]
    ttl: 1d
  - name: offline_only
    entity: user
    source: {table: shop}
    event_time: ts
    online: false
)";

/// A project in a temporary directory: configs, data/, workflow files.
class Project {
 public:
  Project() {
    dir_.write("configs/base.yaml", "data_dir: data\nruns_dir: runs\n");
    dir_.write("configs/local.yaml", "{}\n");
  }
  const TempDir& dir() const { return dir_; }
  std::string path() const { return dir_.path().string(); }
  void write(const std::string& name, const std::string& text) const { dir_.write(name, text); }
  CliResult mlops(const std::string& args) const {
    return testing::run_mlops_in(path(), args, scratch_);
  }

 private:
  TempDir dir_;
  TempDir scratch_;
};

void write_shop(const Project& project) {
  project.write("shop.yaml", kShopWorkflow);
  project.write("data/events.csv",
                "user_id,ts,amount,country,vip\n"
                "1,2024-01-01T00:00:00Z,10.5,FR,true\n"
                "2,2024-01-01T01:00:00Z,3,DE,false\n"
                "1,2024-01-02T00:00:00Z,7.25,FR,false\n"
                "3,2024-01-01T05:00:00Z,,US,true\n");
}

TEST(FeatureStoreOnline, MaterializeThenGetListDescribeOnTheEmbeddedStore) {
  Project project;
  write_shop(project);
  ASSERT_EQ(project.mlops("ingest -w shop.yaml").exit_code, 0);
  const CliResult run = project.mlops("materialize -w shop.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("user_stats: 4 rows read, 3 keys, 3 written in "), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("watermark 2024-01-02T00:00:00Z"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("offline_only: skipped (online: false)"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(project.dir().file("online.db")));  // next to runs/

  const CliResult get = project.mlops(
      "features get user_stats --key user_id=1 --key user_id=9 "
      "-w shop.yaml");
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out,
            "user_stats user_id=1: event time 2024-01-02T00:00:00Z (stale: older than the view's "
            "ttl)\n  amount = 7.25\n  country = FR\n  vip = false\n  double_amount = 14.5\n"
            "user_stats user_id=9: not found\n");
  const CliResult json = project.mlops(
      "features get user_stats --key user_id=3 --key user_id=9 -w shop.yaml "
      "--format json");
  ASSERT_EQ(json.exit_code, 0);
  const auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["results"][0]["key"]["user_id"], 3);
  EXPECT_EQ(parsed["results"][0]["found"], true);
  EXPECT_TRUE(parsed["results"][0]["features"]["amount"].is_null());
  EXPECT_EQ(parsed["results"][0]["features"]["country"], "US");
  EXPECT_EQ(parsed["results"][0]["features"]["vip"], true);
  EXPECT_EQ(parsed["results"][1], (nlohmann::json{{"found", false}, {"key", {{"user_id", 9}}}}));

  const CliResult list = project.mlops("features list -w shop.yaml");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("user_stats               user             yes              3  "
                          "2024-01-02T00:00:00Z"),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("offline_only             user             no               -  -"),
            std::string::npos)
      << list.out;
  const auto described =
      nlohmann::json::parse(project
                                .mlops("features describe user_stats -w shop.yaml --format "
                                       "json")
                                .out);
  EXPECT_EQ(described["entity"], "user");
  EXPECT_EQ(described["rows"], 3);
  EXPECT_EQ(described["latest_event_time"], "2024-01-02T00:00:00Z");
  EXPECT_EQ(described["columns"][3],
            (nlohmann::json{{"name", "double_amount"}, {"type", "float64"}}));
  EXPECT_EQ(described["last_materialization"]["rows_read"], 4);
  EXPECT_EQ(described["ttl_s"], 86400.0);
  const CliResult text = project.mlops("features describe user_stats -w shop.yaml");
  EXPECT_NE(text.out.find("entity:        user keyed by user_id (int64)\n"), std::string::npos);
  EXPECT_NE(text.out.find("  vip                  bool\n"), std::string::npos) << text.out;

  const CliResult unknown = project.mlops("features get user_stat --key user_id=1 -w shop.yaml");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "mlops: config error: workflow 'shop' has no feature view 'user_stat' (did you mean "
            "'user_stats'?)\n");
  const CliResult bad_key = project.mlops("features get user_stats --key user_id=x -w shop.yaml");
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("key column 'user_id' is an integer, not 'x'"), std::string::npos);
}

TEST(FeatureStoreOnline, RedisBackendAndAnUnreachableRedis) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  Project project;
  write_shop(project);
  ASSERT_EQ(project.mlops("ingest -w shop.yaml").exit_code, 0);
  int port = 0;
  {
    testing::RedisServer redis("pw-for-test");
    port = redis.port();
    const std::string url = " --set online_store.url=" + redis.url(1, "pw-for-test");
    const CliResult run = project.mlops("materialize -w shop.yaml --format json" + url);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto summary = nlohmann::json::parse(run.out);
    EXPECT_EQ(summary["online_store"], "redis://127.0.0.1:" + std::to_string(port) + "/1");
    EXPECT_EQ(summary["keys_written"], 3);
    EXPECT_EQ(run.out.find("pw-for-test"), std::string::npos);
    const CliResult get =
        project.mlops("features get user_stats --key user_id=2 -w shop.yaml" + url);
    EXPECT_EQ(get.out,
              "user_stats user_id=2: event time 2024-01-01T01:00:00Z (stale: older than the "
              "view's ttl)\n  amount = 3\n  country = DE\n  vip = false\n  double_amount = 6\n");
    const CliResult again = project.mlops("materialize -w shop.yaml --incremental" + url);
    EXPECT_NE(again.out.find("user_stats: 1 rows read, 1 keys, 1 written"), std::string::npos)
        << again.out;
    EXPECT_NE(project.mlops("features list -w shop.yaml" + url).out.find("yes              3"),
              std::string::npos);
  }
  const CliResult down = project.mlops(
      "features get user_stats --key user_id=2 -w shop.yaml --set "
      "online_store.url=redis://:pw-for-test@127.0.0.1:" +
      std::to_string(port) + "/1");
  EXPECT_EQ(down.exit_code, 5);
  EXPECT_EQ(down.err, "mlops: io error: online store redis://127.0.0.1:" + std::to_string(port) +
                          "/1: cannot connect: Connection refused\n");
}

TEST(FeatureStoreOnline, WithAPostgresStoreEveryMachineSharesViewsWatermarksAndValues) {
  MLOPS_REQUIRE_TOOL(testing::PostgresServer::available(), "PostgreSQL (package postgresql)");
  testing::PostgresServer& server = testing::PostgresServer::shared();
  const std::string url = server.create_database();
  const std::string db = url.substr(url.rfind('/') + 1);
  const std::string store = " --set store.url=" + url;  // online_store.url left unset
  Project a, b;  // two machines: their own folders, one database
  write_shop(a);
  write_shop(b);
  ASSERT_EQ(a.mlops("ingest -w shop.yaml" + store).exit_code, 0);
  const CliResult run = a.mlops("materialize -w shop.yaml --format json" + store);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = nlohmann::json::parse(run.out);
  EXPECT_EQ(summary["online_store"], server.url_without_password(db));
  EXPECT_EQ(summary["keys_written"], 3);
  EXPECT_EQ(run.out.find(server.password()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(a.dir().file("online.db")));

  // Machine b never materialized: it reads a's values and the view's record...
  const CliResult get = b.mlops("features get user_stats --key user_id=2 -w shop.yaml" + store);
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(get.out,
            "user_stats user_id=2: event time 2024-01-01T01:00:00Z (stale: older than the "
            "view's ttl)\n  amount = 3\n  country = DE\n  vip = false\n  double_amount = 6\n");
  const CliResult listed = b.mlops("features list -w shop.yaml" + store);
  EXPECT_NE(listed.out.find("yes              3"), std::string::npos) << listed.out;
  // ...and its incremental materialization starts at a's watermark: one row, not four.
  ASSERT_EQ(b.mlops("ingest -w shop.yaml" + store).exit_code, 0);
  const CliResult again = b.mlops("materialize -w shop.yaml --incremental" + store);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("user_stats: 1 rows read, 1 keys, 1 written"), std::string::npos)
      << again.out;
  EXPECT_FALSE(std::filesystem::exists(b.dir().file("online.db")));
}

TEST(FeatureStoreOnline, TheLatestBatchPredictionIsAView) {
  Project project;
  std::string users = "user_id,x,y\n";
  std::mt19937 random(5);
  for (int i = 0; i < 200; ++i) {
    const double x = static_cast<double>(random() % 1000) / 1000.0;
    users += std::to_string(i) + "," + std::to_string(x) + "," + (x > 0.5 ? "1" : "0") + "\n";
  }
  project.write("data/users.csv", users);
  project.write("scores.yaml", R"(name: scores
ingest:
  source: {type: file, path: "${data_dir}/users.csv", format: csv}
  schema: {user_id: int64, x: float64, y: int64}
featurize:
  label: {column: y}
  drop: [user_id]
train:
  objective: binary:logistic
  rounds: 5
  split: {type: random, holdout: 0.25}
  params: {max_depth: 2, nthread: 1}
predict:
  id_columns: [user_id]
entities: [{name: user, keys: {user_id: int}}]
feature_views:
  - {name: user_score, entity: user, source: predictions}
)");
  ASSERT_EQ(project.mlops("run -w scores.yaml").exit_code, 0);
  const CliResult run = project.mlops("materialize -w scores.yaml --view user_score");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("user_score: 200 rows read, 200 keys, 200 written"), std::string::npos)
      << run.out;
  const auto found = nlohmann::json::parse(
      project.mlops("features get user_score --key user_id=7 -w scores.yaml --format json").out);
  const auto& result = found["results"][0];
  ASSERT_EQ(result["found"], true);
  EXPECT_TRUE(result["features"].contains("prediction"));
  EXPECT_TRUE(result["features"]["probability"].is_number());
  EXPECT_EQ(result["features"]["model_version"], "v1");
}

// ---- kill -9 trials ----------------------------------------------------------------------

/// Starts `mlops args...` in `cwd` with output discarded; returns its pid.
pid_t spawn_mlops(const std::string& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv{MLOPS_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

/// Rows of the trial data: key -> (latest event time, its amount) after `rows` rows.
struct Expected {
  std::map<int64_t, std::pair<int64_t, int64_t>> latest;
  int64_t max_event = 0;
};

/// Appends `rows` rows (keys 0..keys-1, distinct event times) to a CSV text.
std::string trial_rows(std::mt19937& random, int rows, int keys, int64_t base, Expected& expected,
                       int64_t& serial) {
  std::string csv;
  for (int i = 0; i < rows; ++i) {
    const int64_t key = static_cast<int64_t>(random() % static_cast<unsigned>(keys));
    const int64_t event =
        base + static_cast<int64_t>(random() % 1'000'000) * 1000 + (serial % 1000);
    const int64_t amount = serial++;
    csv += std::to_string(key) + "," + format_iso8601(event).substr(0, 19) + "." +
           std::to_string(1'000'000 + event % 1'000'000).substr(1) + "Z," + std::to_string(amount) +
           "\n";
    const auto found = expected.latest.find(key);
    if (found == expected.latest.end() || event >= found->second.first) {
      expected.latest[key] = {event, amount};  // a tie: the later row wins, as written
    }
    expected.max_event = std::max(expected.max_event, event);
  }
  return csv;
}

/// Every key's stored value against `expected`; counts keys that match.
size_t matching_keys(OnlineStore& store, const Expected& expected) {
  std::vector<std::string> keys;
  for (const auto& entry : expected.latest) keys.push_back(std::to_string(entry.first));
  const auto found = store.read("events", keys, {});
  size_t matching = 0;
  size_t i = 0;
  for (const auto& entry : expected.latest) {
    const OnlineLookup& value = found[i++];
    if (value.found && value.event_time_us == entry.second.first &&
        std::get<int64_t>(value.values[0]) == entry.second.second) {
      ++matching;
    }
  }
  return matching;
}

void kill_trials(const std::string& url_suffix, const std::string& store_url, int trials) {
  Project project;
  project.write("trial.yaml", R"(name: trial
ingest:
  source: {type: file, path: "${data_dir}/events/*.csv", format: csv}
  schema: {id: int64, ts: timestamp, amount: int64}
entities: [{name: user, keys: {id: int}}]
feature_views:
  - {name: events, entity: user, source: {table: trial}, event_time: ts, features: [amount]}
)");
  std::mt19937 random(16);
  Expected expected;
  int64_t serial = 1;
  const int64_t day = 86'400'000'000;
  const int64_t base = *parse_timestamp("2024-01-01");
  project.write("data/events/part-0.csv",
                "id,ts,amount\n" + trial_rows(random, 120'000, 60'000, base, expected, serial));
  ASSERT_EQ(project.mlops("ingest -w trial.yaml").exit_code, 0);
  Settings settings;
  settings.online_store_url = store_url;

  // The first run's duration sets the range the kills land in.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(project.mlops("materialize -w trial.yaml" + url_suffix).exit_code, 0);
  const auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  {
    auto store = open_online_store(settings);
    ASSERT_EQ(matching_keys(*store, expected), expected.latest.size());
  }
  Expected all = expected;  // also the late rows, which only a full run reads
  int killed_midway = 0;
  for (int trial = 0; trial < trials; ++trial) {
    // New, later rows (and some late, older ones), then an incremental run killed at a random
    // moment, then a rerun.
    const std::string part = "data/events/part-" + std::to_string(trial + 1) + ".csv";
    Expected before = expected;
    const std::string fresh =
        trial_rows(random, 20'000, 60'000, base + (trial + 1) * day, expected, serial);
    // The fresh rows count for `all` too; late rows (older than the watermark) only for it.
    for (const auto& entry : expected.latest) {
      const auto found = all.latest.find(entry.first);
      if (found == all.latest.end() || entry.second.first >= found->second.first) {
        all.latest[entry.first] = entry.second;
      }
    }
    all.max_event = std::max(all.max_event, expected.max_event);
    const std::string late = trial_rows(random, 200, 60'000, base - day, all, serial);
    project.write(part, "id,ts,amount\n" + fresh + late);
    ASSERT_EQ(project.mlops("ingest -w trial.yaml").exit_code, 0);
    const int64_t watermark_before = before.max_event;
    const pid_t pid =
        spawn_mlops(project.path(), {"materialize", "-w", "trial.yaml", "--incremental", "--set",
                                     "online_store.url=" + store_url});
    ASSERT_GT(pid, 0);
    // An incremental run is shorter than the full one that set full_ms: kills land in its
    // first half, and the first trial's early, so at least one lands inside a run however
    // fast or loaded the machine is.
    const unsigned delay_ms = trial == 0 ? 20 : random() % static_cast<unsigned>(full_ms / 2 + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    killed_midway += WIFSIGNALED(status) ? 1 : 0;
    {
      // Whatever was interrupted: the watermark is either the old one or covers every value.
      auto store = open_online_store(settings);
      const std::optional<int64_t> watermark = store->watermark("events");
      ASSERT_TRUE(watermark.has_value());
      if (*watermark != watermark_before) {
        EXPECT_EQ(*watermark, expected.max_event) << "trial " << trial;
        EXPECT_EQ(matching_keys(*store, expected), expected.latest.size()) << "trial " << trial;
      }
    }
    const CliResult rerun = project.mlops("materialize -w trial.yaml --incremental" + url_suffix);
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    auto store = open_online_store(settings);
    EXPECT_EQ(store->watermark("events"), expected.max_event) << "trial " << trial;
    EXPECT_EQ(matching_keys(*store, expected), expected.latest.size()) << "trial " << trial;
    EXPECT_EQ(store->view("events")->keys, static_cast<int64_t>(expected.latest.size()));
  }
  EXPECT_GT(killed_midway, 0);  // at least one kill landed inside a run
  // Late rows (event times below the watermark) are for a full run, which reads every row:
  // they fill keys never seen before and lose to every newer value.
  ASSERT_EQ(project.mlops("materialize -w trial.yaml" + url_suffix).exit_code, 0);
  auto store = open_online_store(settings);
  EXPECT_EQ(matching_keys(*store, all), all.latest.size());
  EXPECT_EQ(store->view("events")->keys, static_cast<int64_t>(all.latest.size()));
}

TEST(FeatureStoreOnline, KillNineTrialsOfMaterializeOnSqlite) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.file("online.db");
  kill_trials(" --set online_store.url=" + url, url, 6);
}

TEST(FeatureStoreOnline, KillNineTrialsOfMaterializeOnRedis) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer redis;
  kill_trials(" --set online_store.url=" + redis.url(0), redis.url(0), 4);
}

}  // namespace
}  // namespace mlops
