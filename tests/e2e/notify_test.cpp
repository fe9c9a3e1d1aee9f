// Notifications end to end: the real `mlops` binary POSTs to a webhook server on 127.0.0.1.
// Each event's JSON as received (promoted by the gate and by `models promote`, drift measured
// by batch-predict, rolled_back, a failed stage, a failed contract); retries after 500s; a
// webhook that never answers or cannot be reached holds the command no longer than
// notify.deadline and never changes its exit code; the webhook URL (a secret) is never in
// stdout, stderr or any file written.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "cli_runner.h"
#include "support/http_test_server.h"

namespace mlops::testing {
namespace notify_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSecret = "XOXB-4242-SECRET-7f3a9c";

struct Received {
  std::string path;
  std::string content_type;
  json body;
};

// A webhook receiver: answers with the scripted statuses (the last one repeated), or never
// (hang) until destroyed; records every request as it arrives.
class Webhook {
 public:
  Webhook() {
    server_.server().Post(
        R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
          int status = 200;
          bool hang = false;
          {
            std::lock_guard lock(mutex_);
            received_.push_back({request.path, request.get_header_value("Content-Type"),
                                 json::parse(request.body, nullptr, false)});
            hang = hang_;
            if (!statuses_.empty()) {
              status = statuses_.front();
              if (statuses_.size() > 1) statuses_.pop_front();
            }
          }
          if (hang) {
            std::unique_lock lock(mutex_);
            released_.wait_for(lock, std::chrono::seconds(30), [this] { return released_flag_; });
          }
          response.status = status;
          response.set_content("ok", "text/plain");
        });
    server_.start();
  }
  ~Webhook() {
    {
      std::lock_guard lock(mutex_);
      released_flag_ = true;
    }
    released_.notify_all();
    server_.stop();
  }
  void answer(std::deque<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_ = std::move(statuses);
  }
  void hang() {
    std::lock_guard lock(mutex_);
    hang_ = true;
  }
  std::string url() const { return server_.url(std::string("/services/T0/B0/") + kSecret); }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  HttpTestServer server_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool released_flag_ = false;
  bool hang_ = false;
  std::deque<int> statuses_;
  std::vector<Received> received_;
};

// The texts of the Slack section fields: "*Name*\nvalue".
std::vector<std::string> field_texts(const json& body) {
  std::vector<std::string> out;
  for (const auto& block : body["blocks"]) {
    if (!block.contains("fields")) continue;
    for (const auto& field : block["fields"]) out.push_back(field["text"]);
  }
  return out;
}

bool has_field(const json& body, const std::string& name, const std::string& value) {
  const auto texts = field_texts(body);
  return std::find(texts.begin(), texts.end(), "*" + name + "*\n" + value) != texts.end();
}

// data/penguins.json with every penguin three times heavier and its flippers twice as long:
// two features far from the training profile (PSI >= 0.25).
std::string write_drifted_penguins(const TempDir& dir) {
  json penguins = read_json(fs::path(MLOPS_SOURCE_DIR) / "data" / "penguins.json");
  for (auto& row : penguins) {
    for (const auto& [column, factor] :
         {std::pair<const char*, double>{"Body Mass (g)", 3}, {"Flipper Length (mm)", 2}}) {
      if (row[column].is_number()) row[column] = row[column].get<double>() * factor;
    }
  }
  return dir.write("drifted.json", penguins.dump());
}

class Notify : public ::testing::Test {
 protected:
  // `mlops <command>` on the penguins workflow with notifications to `url` (given through an
  // environment variable, as a secret is), every event on, quick retries.
  CliResult mlops(const std::string& command, const std::string& url,
                  const std::string& extra = "") {
    const std::string args =
        command + " --env local --workflow workflows/penguins-species.yaml --set runs_dir=" +
        dir_.file("runs") +
        " --set notify.on=[failure,contract_failed,drift,promoted,rolled_back]"
        " --set 'notify.webhooks=[\"${MLOPS_TEST_WEBHOOK}\"]' --set notify.backoff=0.05 " +
        extra;
    CliResult result = run_mlops(args, dir_, "MLOPS_TEST_WEBHOOK='" + url + "'");
    outputs_ += result.out + result.err;
    return result;
  }
  double timed(const std::function<void()>& action) {
    const auto start = std::chrono::steady_clock::now();
    action();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  // The secret is in no output and no file under the test's directory (runs, registry, store).
  void expect_secret_nowhere() {
    EXPECT_EQ(outputs_.find(kSecret), std::string::npos);
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(slurp(entry.path()).find(kSecret), std::string::npos) << entry.path();
    }
  }
  std::string runs() const { return dir_.file("runs"); }

  TempDir dir_;
  std::string outputs_;
};

TEST_F(Notify, EveryRunAndRegistryEventArrivesAsSlackJson) {
  Webhook hook;
  CliResult run = mlops("run", hook.url());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string run_id = only_run(runs()).filename().string();

  // The gate's promotion, sent from the train stage.
  auto received = hook.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].path, std::string("/services/T0/B0/") + kSecret);
  EXPECT_EQ(received[0].content_type, "application/json");
  const json& promoted = received[0].body;
  EXPECT_EQ(promoted["mlops"]["event"], "promoted");
  EXPECT_TRUE(promoted["text"].get<std::string>().starts_with(
      "mlops promoted: penguins-species (local)\npenguins-species v1 is the new champion"));
  EXPECT_EQ(promoted["blocks"][0]["type"], "header");
  EXPECT_EQ(promoted["blocks"][0]["text"]["text"], "mlops promoted: penguins-species (local)");
  EXPECT_TRUE(has_field(promoted, "Workflow", "penguins-species"));
  EXPECT_TRUE(has_field(promoted, "Environment", "local"));
  EXPECT_TRUE(has_field(promoted, "Run", run_id));
  EXPECT_TRUE(has_field(promoted, "Model", "penguins-species v1"));
  EXPECT_EQ(promoted["mlops"]["run_id"], run_id);
  EXPECT_EQ(promoted["mlops"]["stage"], "train");
  EXPECT_EQ(promoted["mlops"]["version"], "v1");
  EXPECT_EQ(promoted["mlops"]["metric"]["name"], "logloss");
  const double logloss = read_json(fs::path(runs()) / run_id / "metrics.json")["logloss"];
  EXPECT_NEAR(promoted["mlops"]["metric"]["value"].get<double>(), logloss, 1e-9);
  const std::string report = promoted["mlops"]["report"];
  EXPECT_EQ(report, runs() + "/" + run_id + "/report/report.html");
  EXPECT_TRUE(fs::exists(report));
  EXPECT_NE(run.err.find("notify: promoted sent webhook=" + hook.url().substr(0, 22)),
            std::string::npos)
      << run.err;

  // Drift: batch-predict scores penguins three times heavier with flippers twice as long.
  const std::string drifted = write_drifted_penguins(dir_);
  CliResult predict = mlops("batch-predict", hook.url(), "--input " + drifted);
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  received = hook.received();
  ASSERT_EQ(received.size(), 2u);
  const json& drift = received[1].body;
  EXPECT_EQ(drift["mlops"]["event"], "drift");
  EXPECT_EQ(drift["mlops"]["stage"], "predict");
  EXPECT_EQ(drift["mlops"]["version"], "v1");
  EXPECT_EQ(drift["mlops"]["summary"],
            "2 of the scored features drifted from training (PSI >= 0.25)");
  const std::string metric = drift["mlops"]["metric"]["name"];
  EXPECT_TRUE(metric == "psi(Body Mass (g))" || metric == "psi(Flipper Length (mm))") << metric;
  EXPECT_GE(drift["mlops"]["metric"]["value"].get<double>(), 0.25);
  EXPECT_NE(drift["mlops"]["detail"].get<std::string>().find("Body Mass (g) (PSI "),
            std::string::npos);
  EXPECT_TRUE(has_field(drift, "Rows scored", "343"));

  // A second version the gate keeps out, then promoted and rolled back by hand.
  CliResult second = mlops("run --force", hook.url(), "--set registry.gate.min_delta=1000");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(hook.received().size(), 2u);  // a challenger is no event
  CliResult promote =
      mlops("models promote penguins-species 2", hook.url(), "--reason 'canary looked fine'");
  ASSERT_EQ(promote.exit_code, 0) << promote.err;
  CliResult rollback = mlops("models rollback penguins-species", hook.url());
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  received = hook.received();
  ASSERT_EQ(received.size(), 4u);
  const json& manual = received[2].body;
  EXPECT_EQ(manual["mlops"]["event"], "promoted");
  EXPECT_EQ(manual["mlops"]["version"], "v2");
  EXPECT_EQ(manual["mlops"]["previous_version"], "v1");
  EXPECT_EQ(manual["mlops"]["run_id"], "");
  EXPECT_EQ(manual["mlops"]["detail"], "canary looked fine");
  EXPECT_EQ(manual["mlops"]["summary"], "penguins-species champion set to v2 (was v1)");
  EXPECT_TRUE(has_field(manual, "Alias", "champion"));
  const json& back = received[3].body;
  EXPECT_EQ(back["mlops"]["event"], "rolled_back");
  EXPECT_EQ(back["mlops"]["version"], "v1");
  EXPECT_EQ(back["mlops"]["previous_version"], "v2");
  EXPECT_EQ(back["mlops"]["summary"], "penguins-species champion rolled back from v2 to v1");
  EXPECT_TRUE(
      back["text"].get<std::string>().starts_with("mlops rolled_back: penguins-species (local)\n"));
  expect_secret_nowhere();
}

TEST_F(Notify, FailedStageAndFailedContract) {
  Webhook hook;
  CliResult missing = mlops("run", hook.url(), "--set ingest.source.path=/nonexistent/p.json");
  EXPECT_EQ(missing.exit_code, 5) << missing.err;
  CliResult contract = mlops("run", hook.url(), "--set 'contracts.ingest={rows: {min: 100000}}'");
  EXPECT_EQ(contract.exit_code, 3) << contract.err;
  // A stage command fails the same way.
  CliResult ingest = mlops("ingest", hook.url(), "--set ingest.source.path=/nonexistent/p.json");
  EXPECT_EQ(ingest.exit_code, 5) << ingest.err;
  const auto received = hook.received();
  ASSERT_EQ(received.size(), 3u);
  const json& failure = received[0].body;
  EXPECT_EQ(failure["mlops"]["event"], "failure");
  EXPECT_EQ(failure["mlops"]["stage"], "ingest");
  EXPECT_EQ(failure["mlops"]["summary"], "stage ingest failed");
  EXPECT_EQ(failure["mlops"]["detail"], "/nonexistent/p.json: no such file");
  EXPECT_TRUE(has_field(failure, "Exit code", "5"));
  EXPECT_TRUE(failure["text"].get<std::string>().starts_with(
      "mlops failure: penguins-species (local)\nstage ingest failed\n"));
  const json& violated = received[1].body;
  EXPECT_EQ(violated["mlops"]["event"], "contract_failed");
  EXPECT_EQ(violated["mlops"]["summary"], "stage ingest failed its data contract");
  EXPECT_NE(violated["mlops"]["detail"].get<std::string>().find(
                "check row_count failed: expected >= 100000, observed 343"),
            std::string::npos);
  EXPECT_TRUE(has_field(violated, "Exit code", "3"));
  EXPECT_EQ(received[2].body["mlops"]["event"], "failure");
  expect_secret_nowhere();
}

TEST_F(Notify, RetriesAfterServerErrorsThenDelivers) {
  Webhook hook;
  hook.answer({500, 500, 200});
  CliResult failed = mlops("run", hook.url(), "--set ingest.source.path=/nonexistent/p.json");
  EXPECT_EQ(failed.exit_code, 5) << failed.err;  // the run's own failure, not the webhook's
  const auto received = hook.received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[1].body, received[0].body);
  EXPECT_EQ(received[2].body, received[0].body);
  EXPECT_NE(failed.err.find("notify: failure sent"), std::string::npos) << failed.err;
  EXPECT_NE(failed.err.find("attempts=3"), std::string::npos) << failed.err;
  expect_secret_nowhere();
}

TEST_F(Notify, ASilentWebhookHoldsTheCommandNoLongerThanTheDeadline) {
  Webhook hook;
  hook.hang();
  const std::string bound =
      "--set notify.timeout=0.5 --set notify.retries=10 --set notify.deadline=2";
  CliResult first = mlops("run", "");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(hook.received().empty());  // no webhook configured: nothing sent

  // Batch-predict measures drift, and its notification hangs: the command still succeeds.
  const std::string drifted = write_drifted_penguins(dir_);
  CliResult predict;
  CliResult baseline;
  const double baseline_seconds =
      timed([&] { baseline = mlops("batch-predict", "", "--input " + drifted); });
  ASSERT_EQ(baseline.exit_code, 0) << baseline.err;
  const double predict_seconds = timed(
      [&] { predict = mlops("batch-predict --force", hook.url(), bound + " --input " + drifted); });
  EXPECT_EQ(predict.exit_code, 0) << predict.err;
  EXPECT_NE(predict.err.find("notify: drift not delivered (the command goes on)"),
            std::string::npos)
      << predict.err;
  EXPECT_NE(predict.err.find("notify.deadline (2 s) reached"), std::string::npos) << predict.err;
  EXPECT_GE(predict_seconds, 1.8);
  EXPECT_LT(predict_seconds, baseline_seconds + 2 + 1.5)
      << "without the webhook: " << baseline_seconds;
  const size_t attempts = hook.received().size();
  EXPECT_GE(attempts, 3u);  // 0.5 s attempts with short waits between them, within 2 s
  EXPECT_LE(attempts, 5u);

  CliResult promote;
  const double promote_seconds =
      timed([&] { promote = mlops("models promote penguins-species 1", hook.url(), bound); });
  EXPECT_EQ(promote.exit_code, 0) << promote.err;
  EXPECT_NE(promote.out.find("penguins-species: champion v1 -> v1"), std::string::npos)
      << promote.out;
  EXPECT_GE(promote_seconds, 1.8);
  EXPECT_LT(promote_seconds, 3.5);
  expect_secret_nowhere();
}

TEST_F(Notify, AnUnreachableWebhookIsAWarning) {
  std::string url;
  {
    Webhook closed;  // a port that was just free: nothing listens there now
    url = closed.url();
  }
  CliResult failed =
      mlops("run", url, "--set ingest.source.path=/nonexistent/p.json --set notify.retries=2");
  EXPECT_EQ(failed.exit_code, 5) << failed.err;
  EXPECT_NE(failed.err.find("mlops: io error: /nonexistent/p.json: no such file"),
            std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("notify: failure not delivered (the command goes on) webhook=" +
                            url.substr(0, url.find("/services")) + "/**** attempts=3"),
            std::string::npos)
      << failed.err;
  expect_secret_nowhere();
}

TEST_F(Notify, AWebhookGivenInTheEnvironmentIsMaskedToo) {
  Webhook hook;
  const std::string args =
      "run --env local --workflow workflows/penguins-species.yaml --set "
      "runs_dir=" +
      runs() + " --set ingest.source.path=/nonexistent/p.json";
  CliResult failed = run_mlops(args, dir_,
                               "MLOPS_NOTIFY__ON='[failure]' MLOPS_NOTIFY__WEBHOOKS='[\"" +
                                   hook.url() + "\"]' MLOPS_LOG_FORMAT=json");
  outputs_ += failed.out + failed.err;
  EXPECT_EQ(failed.exit_code, 5) << failed.err;
  ASSERT_EQ(hook.received().size(), 1u);
  EXPECT_NE(failed.err.find("\"webhook\":\"http://127.0.0.1:"), std::string::npos) << failed.err;
  // `config show` prints the effective config with the webhook masked.
  CliResult shown = run_mlops("config show --env local --workflow workflows/penguins-species.yaml",
                              dir_, "MLOPS_NOTIFY__WEBHOOKS='[\"" + hook.url() + "\"]'");
  outputs_ += shown.out + shown.err;
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("webhooks"), std::string::npos) << shown.out;
  expect_secret_nowhere();
}

// A scheduled run whose tracking store cannot be reached (the database down, a wrong password)
// fails before any stage starts: that is a `failure` too, sent without a run id, its error
// naming the store without the password.
TEST_F(Notify, ARunThatCannotOpenItsStoreIsAFailure) {
  std::string closed_port;
  {
    Webhook closed;  // a port that was just free: no database listens there now
    const std::string url = closed.url();
    closed_port =
        url.substr(url.rfind(':') + 1, url.find('/', url.rfind(':')) - url.rfind(':') - 1);
  }
  const std::string store = "--set store.url=postgresql://mlops:" + std::string(kSecret) +
                            "@127.0.0.1:" + closed_port + "/mlops";
  Webhook hook;
  CliResult run = mlops("run", hook.url(), store);
  EXPECT_EQ(run.exit_code, 5) << run.err;
  CliResult train = mlops("train", hook.url(), store);
  EXPECT_EQ(train.exit_code, 5) << train.err;
  const auto received = hook.received();
  ASSERT_EQ(received.size(), 2u) << run.err << train.err;
  const json& whole = received[0].body["mlops"];
  EXPECT_EQ(whole["event"], "failure");
  EXPECT_EQ(whole["workflow"], "penguins-species");
  EXPECT_EQ(whole["run_id"], "");
  EXPECT_EQ(whole["summary"], "the run of penguins-species could not start");
  EXPECT_EQ(
      whole["detail"].get<std::string>().rfind("postgresql://mlops@127.0.0.1:" + closed_port +
                                                   "/mlops: cannot connect to the tracking store: ",
                                               0),
      0u)
      << whole.dump();
  EXPECT_TRUE(has_field(received[0].body, "Exit code", "5")) << received[0].body.dump();
  EXPECT_EQ(received[1].body["mlops"]["stage"], "train");
  EXPECT_EQ(received[1].body["mlops"]["summary"], "stage train could not start");
  // A distributed training's workers on many machines: rank 0 speaks for the job, the others
  // fail as well but send nothing (one message per job, not one per worker).
  const std::string worker = " --world-size 2 --tracker 127.0.0.1:" + closed_port;
  CliResult rank1 = mlops("train --rank 1" + worker, hook.url(), store);
  EXPECT_EQ(rank1.exit_code, 5) << rank1.err;
  EXPECT_EQ(hook.received().size(), 2u) << rank1.err;
  CliResult rank0 = mlops("train --rank 0" + worker, hook.url(), store);
  EXPECT_EQ(rank0.exit_code, 5) << rank0.err;
  EXPECT_EQ(hook.received().size(), 3u) << rank0.err;
  for (const auto& message : received) outputs_ += message.body.dump();
  expect_secret_nowhere();
}

// notify.link from the environment, as docs/notifications.md shows it (`"${CI_JOB_URL:-}"`): the
// message carries the link itself, not "****" (a ${VAR} value elsewhere is a secret).
TEST_F(Notify, ALinkFromTheEnvironmentIsShownNotMasked) {
  Webhook hook;
  const std::string link = "https://ci.example.com/o/r/actions/runs/424242";
  CliResult failed = run_mlops(
      "run --env local --workflow workflows/penguins-species.yaml --set runs_dir=" + runs() +
          " --set ingest.source.path=/nonexistent/p.json --set notify.on=[failure]"
          " --set 'notify.webhooks=[\"${MLOPS_TEST_WEBHOOK}\"]'"
          " --set 'notify.link=${MLOPS_TEST_LINK:-}'",
      dir_, "MLOPS_TEST_WEBHOOK='" + hook.url() + "' MLOPS_TEST_LINK='" + link + "'");
  outputs_ += failed.out + failed.err;
  EXPECT_EQ(failed.exit_code, 5) << failed.err;
  ASSERT_EQ(hook.received().size(), 1u) << failed.err;
  const json body = hook.received()[0].body;
  EXPECT_EQ(body["mlops"]["link"], link) << body.dump();
  EXPECT_NE(body["text"].get<std::string>().find(link), std::string::npos) << body.dump();
  expect_secret_nowhere();
}

// Two webhooks, the first silent (a dead Teams connector): the second still gets the message
// at its first attempt, and the command is held no longer than the deadline.
TEST_F(Notify, ASilentWebhookDoesNotStarveTheNextOne) {
  Webhook silent;
  silent.hang();
  Webhook healthy;
  const std::string args =
      "run --env local --workflow workflows/penguins-species.yaml --set runs_dir=" + runs() +
      " --set ingest.source.path=/nonexistent/p.json --set notify.on=[failure]"
      " --set 'notify.webhooks=[\"${MLOPS_SILENT}\", \"${MLOPS_HEALTHY}\"]'"
      " --set notify.deadline=2";
  CliResult failed;
  const double seconds = timed([&] {
    failed = run_mlops(args, dir_,
                       "MLOPS_SILENT='" + silent.url() + "' MLOPS_HEALTHY='" + healthy.url() + "'");
  });
  outputs_ += failed.out + failed.err;
  EXPECT_EQ(failed.exit_code, 5) << failed.err;
  ASSERT_EQ(healthy.received().size(), 1u) << failed.err;
  EXPECT_EQ(healthy.received()[0].body["mlops"]["event"], "failure");
  EXPECT_NE(failed.err.find("notify: failure sent webhook=http://127.0.0.1:"), std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("notify.deadline (2 s) reached"), std::string::npos) << failed.err;
  EXPECT_LT(seconds, 3.5);
  expect_secret_nowhere();
}

// A webhook that is not an http(s) URL (a typo in the scheme, a pasted command, a bare host) is a
// config error naming where it was given and which item, before any stage runs, and the error
// never quotes it: otherwise it would only show as an undelivered message on the day a run fails.
TEST_F(Notify, AWebhookThatIsNotAnHttpUrlIsAConfigErrorThatDoesNotQuoteIt) {
  for (const std::string& url :
       {"htps://hooks.example.com/services/" + std::string(kSecret),
        "ftp://127.0.0.1/services/" + std::string(kSecret), std::string(kSecret),
        "curl -X POST https://hooks.example.com/services/" + std::string(kSecret)}) {
    CliResult refused = mlops("run", url);
    EXPECT_EQ(refused.exit_code, 2) << url << "\n" << refused.err;
    EXPECT_NE(refused.err.find(
                  "mlops: config error: --set notify.webhooks=[\"${MLOPS_TEST_WEBHOOK}\"]: key "
                  "'notify.webhooks[0]': expected an http:// or https:// URL"),
              std::string::npos)
        << refused.err;
    EXPECT_FALSE(fs::exists(runs())) << "no stage ran";
  }
  // In a workflow file: file, line and column of the item, and its index.
  const std::string workflow =
      slurp(fs::path(MLOPS_SOURCE_DIR) / "workflows" / "penguins-species.yaml") +
      "\nnotify:\n  on: [failure]\n  webhooks: [\"https://hooks.example.com/ok\", "
      "\"hooks.example.com/services/" +
      kSecret + "\"]\n";
  const std::string file = dir_.write("penguins-notify.yaml", workflow);
  const size_t line = static_cast<size_t>(std::count(workflow.begin(), workflow.end(), '\n'));
  CliResult refused =
      run_mlops("run --env local --workflow '" + file + "' --set runs_dir=" + runs(), dir_);
  outputs_ += refused.out + refused.err;
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("mlops: config error: " + file + ":" + std::to_string(line) +
                             ":46: key 'notify.webhooks[1]': expected an http:// or https:// URL"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(outputs_.find(kSecret), std::string::npos) << outputs_;
}

}  // namespace
}  // namespace notify_test
}  // namespace mlops::testing
