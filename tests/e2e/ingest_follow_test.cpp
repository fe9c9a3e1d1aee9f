// `mlops ingest --follow` through the built binary against librdkafka's mock cluster (brokers
// on 127.0.0.1 inside this test process): messages reach the lake and the online store (the
// embedded SQLite default) while the process runs, SIGTERM commits the batch in hand and
// exits 0, and kill -9 trials lose and repeat nothing after a restart.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <thread>

#include "cli_runner.h"
#include "mlops/core/time.h"
#include "mlops/ingest/lake.h"
#include "mlops/store/open_stores.h"

extern char** environ;

namespace mlops {
namespace {

using testing::TempDir;

// A producer whose own mock cluster (one broker) the followed source connects to.
class MockKafka {
 public:
  MockKafka() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char error[512];
    rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", error, sizeof error);
    rd_kafka_conf_set(conf, "log_level", "2", error, sizeof error);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    cluster_ = rd_kafka_handle_mock_cluster(producer_);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    rd_kafka_mock_topic_create(cluster_, "events", 1, 1);
  }
  ~MockKafka() { rd_kafka_destroy(producer_); }

  void produce(const std::string& value) {
    ASSERT_EQ(rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC("events"), RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void flush() { rd_kafka_flush(producer_, 5000); }
  const std::string& bootstraps() const { return bootstraps_; }

 private:
  rd_kafka_t* producer_;
  rd_kafka_mock_cluster_t* cluster_;
  std::string bootstraps_;
};

/// What the messages produced so far should leave: every id once, each user's latest value.
struct FollowExpected {
  int64_t messages = 0;
  std::map<int64_t, std::pair<int64_t, int64_t>> latest;  // user -> (event time, amount)
};

const int64_t kBase = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z

/// ISO 8601 with microseconds (format_iso8601 stops at seconds).
std::string iso_micros(int64_t micros) {
  return format_iso8601(micros).substr(0, 19) + fmt::format(".{:06}Z", micros % 1'000'000);
}

/// Produces `count` messages for users 0..users-1 with distinct, shuffled event times (late
/// ones among them) and records what they should leave.
void produce(MockKafka& kafka, std::mt19937& random, int count, int users, FollowExpected& expected) {
  for (int i = 0; i < count; ++i) {
    const int64_t id = ++expected.messages;
    const int64_t user = static_cast<int64_t>(random() % static_cast<unsigned>(users));
    // Distinct per message (the id in the low digits), not in id order.
    const int64_t event = kBase + static_cast<int64_t>(random() % 100'000) * 1'000'000 + id;
    kafka.produce(fmt::format(R"({{"id": {}, "user_id": {}, "ts": "{}", "amount": {}}})", id, user,
                              iso_micros(event), id));
    const auto found = expected.latest.find(user);
    if (found == expected.latest.end() || event > found->second.first) {
      expected.latest[user] = {event, id};
    }
  }
  kafka.flush();
}

class FollowProject {
 public:
  explicit FollowProject(const std::string& brokers) {
    dir_.write("configs/base.yaml", "data_dir: data\nruns_dir: runs\nlake_dir: lake\n");
    dir_.write("configs/local.yaml", "{}\n");
    dir_.write("follow.yaml", R"(name: follow
ingest:
  source:
    type: kafka
    brokers: ")" + brokers + R"("
    topics: [events]
    batch_size: 50
    # The mock group coordinator waits session.timeout.ms - 1 s for members to rejoin.
    options: {session.timeout.ms: 3500, heartbeat.interval.ms: 500}
  schema: {id: int64, user_id: int64, ts: timestamp, amount: int64}
  follow: {max_delay: 0.3}
entities: [{name: user, keys: {user_id: int}}]
feature_views:
  - name: spend
    entity: user
    source: {table: events}
    event_time: ts
    features: [amount, {name: double_amount, expr: "amount * 2"}]
)");
    settings_.online_store_url = "sqlite:" + dir_.file("online.db");
  }
  // A process a failed assertion left running is killed.
  ~FollowProject() {
    for (pid_t pid : started_) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
    }
  }
  std::string path() const { return dir_.path().string(); }
  /// The processes' stderr and where things stand, for failure messages.
  std::string log() const {
    return fmt::format("lake offset {}, messages received {}\n{}", lake_offset(), raw_messages(),
                       testing::slurp(dir_.file("follow.log")));
  }

  /// How many starts have reached the following loop (their stop handlers are installed then).
  size_t following() const {
    const std::string log = testing::slurp(dir_.file("follow.log"));
    size_t count = 0;
    for (size_t at = log.find("ingest: following"); at != std::string::npos;
         at = log.find("ingest: following", at + 1)) {
      ++count;
    }
    return count;
  }

  /// Starts `mlops ingest --follow [extra...]` (stderr appended to follow.log); returns its pid.
  pid_t start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{MLOPS_BINARY, "ingest", "-w", "follow.yaml", "--follow"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::vector<char*> raw;
    for (std::string& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, path().c_str());
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, dir_.file("follow.log").c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = -1;
    posix_spawn(&pid, raw[0], &actions, nullptr, raw.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    started_.push_back(pid);
    return pid;
  }

  /// The offset the lake's checkpoint records for events[0] (0 before any commit).
  int64_t lake_offset() const {
    const std::string path = dir_.file("lake/follow/checkpoint.json");
    if (!std::filesystem::exists(path)) return 0;
    const auto doc = testing::read_json(path);
    const auto& offsets = doc["sources"]["follow"]["position"]["offsets"];
    return offsets.contains("events") ? offsets["events"]["0"].get<int64_t>() : 0;
  }

  /// Messages received so far (raw layer index lines: written on receipt, before a commit).
  size_t raw_messages() const {
    size_t lines = 0;
    const std::filesystem::path raw = dir_.file("lake/follow/raw/follow");
    if (!std::filesystem::exists(raw)) return 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(raw)) {
      if (entry.path().filename() == "index.jsonl") {
        lines += testing::count_lines(testing::slurp(entry.path()));
      }
    }
    return lines;
  }

  /// Users whose stored value is the expected latest one (amount and the expression).
  size_t matching_users(const FollowExpected& expected) const {
    if (!std::filesystem::exists(dir_.file("online.db"))) return 0;
    auto store = open_online_store(settings_);
    if (!store->view("spend")) return 0;
    std::vector<std::string> keys;
    for (const auto& entry : expected.latest) keys.push_back(std::to_string(entry.first));
    const auto found = store->read("spend", keys, {});
    size_t matching = 0, i = 0;
    for (const auto& entry : expected.latest) {
      const OnlineLookup& value = found[i++];
      if (value.found && value.event_time_us == entry.second.first &&
          std::get<int64_t>(value.values[0]) == entry.second.second &&
          feature_value_text(value.values[1]) == std::to_string(2 * entry.second.second)) {
        ++matching;
      }
    }
    return matching;
  }
  int64_t stored_users() const {
    auto store = open_online_store(settings_);
    const auto view = store->view("spend");
    return view ? view->keys : 0;
  }

  /// The lake's `events` table ids, sorted (the process must have exited: this takes the lock).
  std::vector<int64_t> lake_ids() const {
    Lake lake(dir_.file("lake/follow"));
    const Table table = lake.load("events");
    std::vector<int64_t> ids;
    const Column& id = table.column("id");
    for (size_t row = 0; row < table.num_rows(); ++row) ids.push_back(id.int_at(row));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

 private:
  TempDir dir_;
  Settings settings_;
  std::vector<pid_t> started_;
};

/// Polls `done` every 50 ms for up to `seconds`.
bool eventually(const std::function<bool()>& done, double seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<int64_t> one_to(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = i + 1;
  return ids;
}

TEST(IngestFollow, PushesToTheOnlineStoreWhileRunningAndSigtermCommitsTheLastBatch) {
  MockKafka kafka;
  FollowProject project(kafka.bootstraps());
  std::mt19937 random(7);
  FollowExpected expected;
  produce(kafka, random, 120, 20, expected);

  const pid_t pid = project.start();
  ASSERT_GT(pid, 0);
  // The first messages reach the online store while the process runs (group join included).
  ASSERT_TRUE(eventually([&] {
    return project.matching_users(expected) == expected.latest.size();
  })) << project.log();
  // Later messages too: a partial batch (below batch_size) goes out after max_delay.
  produce(kafka, random, 7, 20, expected);
  ASSERT_TRUE(
      eventually([&] { return project.matching_users(expected) == expected.latest.size(); }, 30))
      << project.log();
  EXPECT_EQ(project.lake_offset(), 127);

  kill(pid, SIGTERM);
  ASSERT_EQ(wait_exit(pid), 0) << project.log();
  EXPECT_NE(project.log().find("ingest: following"), std::string::npos) << project.log();

  // A restart resumes where the last commit ended. With a delay far above the test's length,
  // messages stay in hand (received: in the raw layer) until SIGINT commits them and exits 0.
  produce(kafka, random, 5, 20, expected);
  const pid_t again = project.start({"--set", "ingest.follow.max_delay=3000"});
  ASSERT_TRUE(eventually([&] { return project.raw_messages() == 132; })) << project.log();
  EXPECT_EQ(project.lake_offset(), 127);
  kill(again, SIGINT);
  ASSERT_EQ(wait_exit(again), 0) << project.log();
  EXPECT_NE(project.log().find("stop requested"), std::string::npos) << project.log();
  EXPECT_EQ(project.lake_offset(), 132);
  EXPECT_EQ(project.matching_users(expected), expected.latest.size());
  EXPECT_EQ(project.lake_ids(), one_to(expected.messages));
  EXPECT_EQ(project.stored_users(), static_cast<int64_t>(expected.latest.size()));
}

TEST(IngestFollow, KillNineTrialsLoseAndRepeatNothing) {
  MockKafka kafka;
  FollowProject project(kafka.bootstraps());
  std::mt19937 random(16);
  FollowExpected expected;
  int killed_running = 0;
  constexpr int kTrials = 4;
  for (int trial = 0; trial < kTrials; ++trial) {
    produce(kafka, random, 200 + static_cast<int>(random() % 300), 40, expected);
    const int64_t before = project.lake_offset();
    const pid_t pid = project.start();
    ASSERT_GT(pid, 0);
    // Killed once it has committed something of this trial's messages, after a random wait.
    ASSERT_TRUE(eventually([&] { return project.lake_offset() > before; })) << project.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 400));
    kill(pid, SIGKILL);
    killed_running += wait_exit(pid) == 128 + SIGKILL ? 1 : 0;

    // Restart: every message lands in the lake once and every user's latest value in the
    // store; the lake's offset is the count of messages.
    // The restart is stopped once it follows: the killed process may already have committed
    // and pushed everything, and a SIGTERM before the follow loop is not what is tested here.
    const size_t following_before = project.following();
    const pid_t restart = project.start();
    ASSERT_TRUE(eventually([&] {
      return project.following() > following_before && project.lake_offset() == expected.messages &&
             project.matching_users(expected) == expected.latest.size();
    })) << "trial "
        << trial << "\n"
        << project.log();
    kill(restart, SIGTERM);
    ASSERT_EQ(wait_exit(restart), 0) << project.log();
    EXPECT_EQ(project.lake_ids(), one_to(expected.messages)) << "trial " << trial;
    EXPECT_EQ(project.lake_offset(), expected.messages) << "trial " << trial;
    EXPECT_EQ(project.stored_users(), static_cast<int64_t>(expected.latest.size()));
  }
  EXPECT_EQ(killed_running, kTrials);
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

// Follow mode never ends by itself, so `mlops run` (whose later stages would wait forever)
// refuses it before starting a run.
TEST(IngestFollow, RunRefusesAWorkflowInFollowMode) {
  testing::TempDir dir;
  const testing::CliResult result = testing::run_mlops(
      "run --env local --workflow workflows/cars-mpg.yaml --set runs_dir=" + dir.file("runs") +
          " --set ingest.follow.enabled=true",
      dir);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("ingest.follow.enabled is for `mlops ingest --follow`"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("runs")));
}

}  // namespace
}  // namespace mlops
