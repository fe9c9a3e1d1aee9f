// `mlops serve` end to end: the built binary on a real 127.0.0.1 port, a workflow trained,
// batch-scored and materialized by the binary itself. The fallback chain forced step by step,
// hot reload under a request loop, SIGTERM drain, auth, bad input, Redis online features.

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "cli_runner.h"
#include "mlops/core/time.h"
#include "serve_process.h"
#include "support/redis_server.h"

namespace mlops {
namespace {

using json = nlohmann::json;
using testing::CliResult;
using testing::ServeProcess;
using testing::TempDir;

constexpr const char* kChurn = R"(name: churn
ingest:
  source: {type: file, path: "${data_dir}/users.csv", format: csv}
  schema: {user_id: int64, ts: timestamp, amount: float64, visits: int64, country: string, churned: bool}
entities:
  - {name: user, keys: {user_id: int}}
feature_views:
  - name: user_stats
    entity: user
    source: {table: churn}
    event_time: ts
    features: [amount, visits, country]
    ttl: 1d
  - {name: user_score, entity: user, source: predictions}
featurize:
  transforms:
    - {type: category_codes, columns: [country]}
  label: {column: churned}
  drop: [user_id, ts]
train:
  objective: binary:logistic
  rounds: 15
  split: {type: random, holdout: 0.25}
  params: {max_depth: 3, nthread: 1}
predict:
  id_columns: [user_id]
)";

/// A project: configs, data/users.csv (user 3's values three days old: stale), churn.yaml,
/// trained, batch-scored and materialized.
class ServeProject {
 public:
  explicit ServeProject(const std::string& base_yaml = "data_dir: data\nruns_dir: runs\n") {
    dir_.write("configs/base.yaml", base_yaml);
    dir_.write("configs/local.yaml", "{}\n");
    dir_.write("churn.yaml", kChurn);
    const int64_t now = now_micros();
    std::string csv = "user_id,ts,amount,visits,country,churned\n";
    const char* countries[] = {"FR", "DE", "US", "JP"};
    for (int id = 1; id <= 240; ++id) {
      const int64_t ts = now - (id == 3 ? 3LL * 86'400'000'000 : 3'600'000'000LL);
      const double amount = (id * 37 % 100) + 0.5;
      const int visits = id * 13 % 20;
      const bool churned = (amount < 40 && visits < 12) || id % 17 == 0;
      csv += fmt::format("{},{},{},{},{},{}\n", id, format_iso8601(ts), amount, visits,
                         countries[id % 4], churned ? "true" : "false");
    }
    dir_.write("data/users.csv", csv);
  }
  std::string path() const { return dir_.path().string(); }
  const TempDir& dir() const { return dir_; }
  CliResult mlops(const std::string& args) const {
    return testing::run_mlops_in(path(), args, scratch_);
  }
  /// run (ingest .. batch-predict) and materialize both views.
  void prepare(const std::string& extra = "") const {
    const CliResult run = mlops("run -w churn.yaml" + extra);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const CliResult materialize = mlops("materialize -w churn.yaml" + extra);
    ASSERT_EQ(materialize.exit_code, 0) << materialize.err;
  }
  /// The batch prediction of each user (predictions.csv of the latest run).
  std::map<int, double> batch_probabilities() const {
    std::map<int, double> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.file("runs"))) {
      const auto file = entry.path() / "predict" / "predictions.csv";
      if (!std::filesystem::exists(file)) continue;
      std::istringstream lines(testing::slurp(file));
      std::string line;
      std::getline(lines, line);  // user_id,prediction,probability,model_version,scored_at
      while (std::getline(lines, line)) {
        const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
        out[std::stoi(line.substr(0, a))] = std::stod(line.substr(b + 1, c - b - 1));
      }
    }
    return out;
  }
  ServeProcess serve(const std::string& args = "", const std::vector<std::string>& env = {}) const {
    return ServeProcess(path(), "-w churn.yaml " + args, scratch_, env);
  }
  /// Deletes one key of one view from the SQLite online store.
  void delete_online(const std::string& view, const std::string& key) const {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.file("online.db").c_str(), &db), SQLITE_OK);
    const std::string sql =
        "DELETE FROM online_values WHERE view = '" + view + "' AND key = '" + key + "'";
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

 private:
  TempDir dir_;
  TempDir scratch_;
};

json predict_ok(const ServeProcess& server, const std::string& body) {
  const auto res = server.predict("churn", body);
  EXPECT_TRUE(res) << "no answer";
  if (!res) return nullptr;
  EXPECT_EQ(res->status, 200) << res->body;
  return json::parse(res->body);
}

std::string metric_line(const ServeProcess& server, const std::string& prefix) {
  const auto res = server.client()->Get("/metrics");
  std::istringstream lines(res ? res->body : "");
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

TEST(Serve, FallbackChainStepByStep) {
  ServeProject project;
  project.prepare();
  const auto batch = project.batch_probabilities();
  ASSERT_EQ(batch.size(), 240u);

  {
    ServeProcess server = project.serve();
    ASSERT_TRUE(server.started()) << server.err();
    // 1. The model on fresh online features: the same number as batch-predict.
    json answer = predict_ok(server, R"({"key": {"user_id": 5}})");
    ASSERT_EQ(answer["predictions"].size(), 1u);
    json row = answer["predictions"][0];
    EXPECT_EQ(row["source"], "model");
    EXPECT_EQ(row["model_version"], "v1");
    EXPECT_EQ(row["probability"].get<double>(), batch.at(5));
    EXPECT_GT(row["features_age_s"].get<double>(), 3000);
    EXPECT_LT(row["features_age_s"].get<double>(), 4000);
    EXPECT_EQ(answer["request_id"].get<std::string>().size(), 32u);
    // The key as a string of digits, and a row completing it: the row's field overrides.
    answer = predict_ok(server, R"({"key": {"user_id": "5"}, "rows": [{}, {"amount": 1.5}]})");
    ASSERT_EQ(answer["predictions"].size(), 2u);
    EXPECT_EQ(answer["predictions"][0]["probability"].get<double>(), batch.at(5));
    EXPECT_EQ(answer["predictions"][1]["source"], "model");

    // 2. Stale features (user 3: three days old, ttl 1d): the latest batch prediction.
    row = predict_ok(server, R"({"key": {"user_id": 3}})")["predictions"][0];
    EXPECT_EQ(row["source"], "batch");
    EXPECT_EQ(row["probability"].get<double>(), batch.at(3));
    EXPECT_EQ(row["model_version"], "v1");
    EXPECT_LT(row["features_age_s"].get<double>(), 600);  // the batch prediction's age

    // 2. Missing online row (removed): the batch prediction.
    project.delete_online("user_stats", "7");
    row = predict_ok(server, R"({"key": {"user_id": 7}})")["predictions"][0];
    EXPECT_EQ(row["source"], "batch");
    EXPECT_EQ(row["probability"].get<double>(), batch.at(7));

    // 3. No batch prediction either (removed): the baseline on the fields available.
    project.delete_online("user_score", "7");
    row = predict_ok(server,
                     R"({"key": {"user_id": 7}, "rows": [{"amount": 20.5}]})")["predictions"][0];
    EXPECT_EQ(row["source"], "baseline");
    EXPECT_EQ(row["model_version"], "v1");
    EXPECT_TRUE(row["probability"].is_number());

    EXPECT_EQ(
        metric_line(server,
                    "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_stale\"}"),
        "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_stale\"} 1");
    EXPECT_EQ(
        metric_line(server,
                    "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_missing\"}"),
        "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_missing\"} 2");
    EXPECT_EQ(
        metric_line(server, "mlops_serve_predictions_total{workflow=\"churn\",source=\"model\"}"),
        "mlops_serve_predictions_total{workflow=\"churn\",source=\"model\"} 3");
    EXPECT_EQ(
        metric_line(server, "mlops_serve_predictions_total{workflow=\"churn\",source=\"batch\"}"),
        "mlops_serve_predictions_total{workflow=\"churn\",source=\"batch\"} 2");
    EXPECT_EQ(server.stop(), 0) << server.err();
  }
  {
    // 4. Baseline off: the configured default, else 503.
    ServeProcess with_default =
        project.serve("--set serve.fallback.baseline=false --set serve.default_prediction=false");
    ASSERT_TRUE(with_default.started()) << with_default.err();
    json row = predict_ok(with_default, R"({"key": {"user_id": 7}})")["predictions"][0];
    EXPECT_EQ(row["source"], "default");
    EXPECT_EQ(row["prediction"], "false");
    EXPECT_TRUE(row["model_version"].is_null());
    EXPECT_EQ(with_default.stop(), 0);
    ServeProcess none = project.serve("--set serve.fallback.baseline=false");
    ASSERT_TRUE(none.started()) << none.err();
    const auto res = none.predict("churn", R"({"key": {"user_id": 7}})");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(json::parse(res->body)["error"],
              "no prediction: the model, the batch prediction and the baseline could not answer "
              "(features_missing, batch_missing, serve.fallback.baseline is false) and "
              "serve.default_prediction is not set");
    EXPECT_EQ(none.stop(), 0);
  }
  {
    // A corrupt model file: the model cannot score -> the batch prediction for a key; the
    // baseline (loaded beside it) for raw rows.
    std::ofstream(project.dir().file("models/churn/v1/model.json")) << "{not json";
    ServeProcess server = project.serve();
    ASSERT_TRUE(server.started()) << server.err();
    json row = predict_ok(server, R"({"key": {"user_id": 5}})")["predictions"][0];
    EXPECT_EQ(row["source"], "batch");
    EXPECT_EQ(row["probability"].get<double>(), batch.at(5));
    row = predict_ok(
        server, R"({"rows": [{"amount": 10.5, "visits": 3, "country": "FR"}]})")["predictions"][0];
    EXPECT_EQ(row["source"], "baseline");
    EXPECT_EQ(metric_line(server,
                          "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"model_error\"}"),
              "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"model_error\"} 2");
    EXPECT_EQ(server.stop(), 0);
  }
}

TEST(Serve, AKeyWhoseEntityHasOnlyBatchPredictionsIsAnsweredByTheBatchPrediction) {
  // docs/features.md's "Batch predictions as a view": an entity whose only online view is its
  // batch predictions. A key alone gives the model nothing to read: it scored a row of nulls
  // and answered `source: model` with a number unrelated to the key.
  ServeProject project;
  project.prepare();
  const auto batch = project.batch_probabilities();
  std::string scores = kChurn;
  const std::string ttl = "    ttl: 1d\n";
  ASSERT_NE(scores.find(ttl), std::string::npos);
  scores.replace(scores.find(ttl), ttl.size(), ttl + "    online: false\n");
  project.dir().write("scores.yaml", scores);
  ServeProcess server(project.path(), "-w scores.yaml", project.dir());
  ASSERT_TRUE(server.started()) << server.err();
  for (const int user : {5, 42}) {
    const json row =
        predict_ok(server, fmt::format(R"({{"key": {{"user_id": {}}}}})", user))["predictions"][0];
    EXPECT_EQ(row["source"], "batch") << row;
    EXPECT_EQ(row["probability"].get<double>(), batch.at(user));
  }
  EXPECT_EQ(
      metric_line(server,
                  "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_missing\"}"),
      "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"features_missing\"} 2");
  // With rows the request brings the features: the model scores them.
  const json row = predict_ok(server, R"({"key": {"user_id": 5}, "rows": [{"amount": 12.5,
      "visits": 3, "country": "FR"}]})")["predictions"][0];
  EXPECT_EQ(row["source"], "model");
  EXPECT_EQ(server.stop(), 0);
}

TEST(Serve, BadInputAuthAndRoutes) {
  ServeProject project(
      "data_dir: data\nruns_dir: runs\nserve: {token: \"${MLOPS_SERVE_TOKEN}\"}\n");
  // The token is needed at load: the run reads the same configs.
  const std::string token = "s3cret-token-value";
  ASSERT_EQ(testing::run_mlops_in(project.path(), "run -w churn.yaml", project.dir(),
                                  "MLOPS_SERVE_TOKEN=" + token)
                .exit_code,
            0);
  ServeProcess server = project.serve("--set serve.max_body_bytes=2000 --set serve.max_rows=3",
                                      {"MLOPS_SERVE_TOKEN=" + token});
  ASSERT_TRUE(server.started()) << server.err();
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};

  // Auth: /healthz is open; /readyz answers a caller without the token (a readiness probe)
  // with its status and nothing else; everything else needs the token.
  EXPECT_EQ(server.client()->Get("/healthz")->status, 200);
  auto anonymous_ready = server.client()->Get("/readyz");
  EXPECT_EQ(anonymous_ready->status, 200);
  EXPECT_EQ(json::parse(anonymous_ready->body), json({{"ready", true}}));
  auto detailed_ready = server.client()->Get("/readyz", auth);
  EXPECT_EQ(detailed_ready->status, 200);
  EXPECT_TRUE(json::parse(detailed_ready->body).contains("workflows")) << detailed_ready->body;
  auto res = server.predict("churn", R"({"rows": [{}]})");
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
  res = server.predict("churn", R"({"rows": [{}]})", {{"Authorization", "Bearer wrong"}});
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->body.find(token), std::string::npos);
  EXPECT_EQ(server.client()->Get("/metrics")->status, 401);
  res = server.predict("churn", R"({"rows": [{"amount": 3.5}]})", auth);
  EXPECT_EQ(res->status, 200) << res->body;
  res = server.predict("churn", R"({"rows": [{"amount": 3.5}]})",
                       {{"Authorization", "bearer " + token}, {"X-Request-Id", "abc-1"}});
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(json::parse(res->body)["request_id"], "abc-1");

  auto error_of = [&](const std::string& workflow, const std::string& body) {
    const auto r = server.predict(workflow, body, auth);
    return std::make_pair(r ? r->status : -1, r ? json::parse(r->body) : json());
  };
  EXPECT_EQ(error_of("churn", R"({"rows": [{"amount": 3.5},]})"),
            std::make_pair(400, json{{"error", "malformed JSON at byte 27"}, {"status", 400}}));
  EXPECT_EQ(error_of("chrun", R"({"rows": [{}]})"),
            std::make_pair(404, json{{"error",
                                      "unknown workflow 'chrun' (did you mean 'churn'?); "
                                      "served: churn"},
                                     {"status", 404}}));
  EXPECT_EQ(error_of("churn", R"({"rows": [{"amount": "lots"}]})"),
            std::make_pair(422, json{{"error",
                                      "field 'rows[0].amount': expected a number "
                                      "(float64), got a string"},
                                     {"status", 422}}));
  EXPECT_EQ(error_of("churn", R"({"rows": [{"visits": 2.5}]})").first, 422);
  EXPECT_EQ(error_of("churn", R"({"rows": [{"amout": 2.5}]})").second["error"],
            "field 'rows[0].amout': the model has no input column 'amout' (did you mean "
            "'amount'?)");
  EXPECT_EQ(error_of("churn", R"({"key": {"user": 1}})").second["error"],
            "field 'key': expected the key columns of an entity: user (user_id)");
  EXPECT_EQ(error_of("churn", R"({"key": {"user_id": "x1"}})").second["error"],
            "field 'key.user_id': expected an integer (entity 'user'), got a string");
  EXPECT_EQ(error_of("churn", R"({"row": []})").second["error"],
            "unknown field 'row' (did you mean 'rows'?); expected \"key\" and/or \"rows\"");
  EXPECT_EQ(error_of("churn", R"({"rows": {}})").first, 422);
  EXPECT_EQ(error_of("churn", R"([1])").first, 422);
  EXPECT_EQ(error_of("churn", R"({})").first, 422);
  EXPECT_EQ(error_of("churn", R"({"rows": [[[[[[[[[1]]]]]]]]]})"),
            std::make_pair(413, json{{"error",
                                      "request body nests 10 levels deep; at most 8 "
                                      "allowed (serve.max_json_depth)"},
                                     {"status", 413}}));
  EXPECT_EQ(error_of("churn", R"({"rows": [{}, {}, {}, {}]})").first, 413);
  const auto big =
      error_of("churn", "{\"rows\": [{\"country\": \"" + std::string(3000, 'x') + "\"}]}");
  EXPECT_EQ(
      big,
      std::make_pair(
          413, json{{"error",
                     "request body larger than 2000 bytes "
                     "(serve.max_body_bytes; 8192 for a form-encoded body: send application/json)"},
                    {"status", 413}}));
  EXPECT_EQ(server.client()->Get("/nowhere", auth)->status, 404);
  EXPECT_EQ(server.client()->Get("/v1/workflows/churn/predict", auth)->status, 405);
  EXPECT_EQ(server.client()->Delete("/metrics", auth)->status, 405);

  // Nothing said names a file path or the token.
  EXPECT_EQ(server.err().find(token), std::string::npos);
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(server.err().find(token), std::string::npos);
  EXPECT_EQ(server.out().find(token), std::string::npos);
}

TEST(Serve, MetricsReadyzOpenApiAndFeatureRoutes) {
  ServeProject project;
  project.prepare();
  ServeProcess server = project.serve();
  ASSERT_TRUE(server.started()) << server.err();
  auto client = server.client();
  predict_ok(server, R"({"key": {"user_id": 5}})");

  const auto ready = client->Get("/readyz");
  ASSERT_EQ(ready->status, 200) << ready->body;
  const json readyz = json::parse(ready->body);
  EXPECT_EQ(readyz["ready"], true);
  EXPECT_EQ(readyz["workflows"][0]["version"], "v1");
  EXPECT_EQ(readyz["online_stores"][0]["reachable"], true);
  EXPECT_EQ(readyz["prediction_log"]["accepted"], 1);

  const auto metrics = client->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* line :
       {"mlops_serve_requests_total{workflow=\"churn\",status=\"200\"} 1\n",
        "mlops_serve_request_duration_seconds_count{workflow=\"churn\"} 1\n",
        "mlops_serve_model_info{workflow=\"churn\",version=\"v1\",alias=\"champion\"} 1\n",
        "mlops_serve_log_accepted_total 1\n", "mlops_serve_log_queue_depth ",
        "mlops_serve_log_journal_bytes ",
        "# TYPE mlops_serve_request_duration_seconds histogram\n"}) {
    EXPECT_NE(metrics->body.find(line), std::string::npos) << line << "\n" << metrics->body;
  }

  const json openapi = json::parse(client->Get("/openapi.json")->body);
  EXPECT_EQ(openapi["openapi"], "3.0.3");
  EXPECT_EQ(
      openapi["paths"]["/v1/workflows/{name}/predict"]["post"]["parameters"][0]["schema"]["enum"],
      json::array({"churn"}));

  const json catalog = json::parse(client->Get("/v1/features")->body);
  EXPECT_EQ(catalog["workflows"][0]["workflow"], "churn");
  EXPECT_EQ(catalog["workflows"][0]["views"][0]["rows"], 240);
  const json view = json::parse(client->Get("/v1/features/user_stats")->body);
  EXPECT_EQ(view["entity"], "user");
  const json lookup = json::parse(client->Get("/v1/features/user_stats/user_id=5")->body);
  EXPECT_EQ(lookup["results"][0]["found"], true);
  EXPECT_EQ(lookup["results"][0]["features"]["country"], "DE");
  const auto unknown = client->Get("/v1/features/user_stat");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json::parse(unknown->body)["error"],
            "no feature view 'user_stat' (did you mean 'user_stats'?)");
  const auto bad_key = client->Get("/v1/features/user_stats/user_id=x");
  EXPECT_EQ(bad_key->status, 422);
  EXPECT_EQ(json::parse(bad_key->body)["error"],
            "key 'user_id=x': key column 'user_id' is an integer, not 'x'");
  EXPECT_EQ(server.stop(), 0);
}

TEST(Serve, HotReloadUnderARequestLoopFailsNoRequest) {
  ServeProject project;
  project.prepare();
  // v2: trained again with other rounds (the gate decides its alias; promote makes it champion).
  ASSERT_EQ(project.mlops("train -w churn.yaml --set train.rounds=5").exit_code, 0);
  ServeProcess server = project.serve("--set serve.reload_interval=0.1 --threads 4");
  ASSERT_TRUE(server.started()) << server.err();
  EXPECT_EQ(project.mlops("models promote churn v1").exit_code, 0);

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::map<std::string, int> versions;
  std::mutex versions_mutex;
  std::vector<std::thread> loops;
  for (int t = 0; t < 3; ++t) {
    loops.emplace_back([&] {
      auto client = server.client();
      while (!stop) {
        const auto res = client->Post("/v1/workflows/churn/predict", R"({"key": {"user_id": 9}})",
                                      "application/json");
        if (res && res->status == 200) {
          ++ok;
          const json body = json::parse(res->body);
          std::lock_guard lock(versions_mutex);
          ++versions[body["predictions"][0]["model_version"].get<std::string>()];
        } else {
          ++failed;
        }
      }
    });
  }
  auto serving = [&] {
    return json::parse(server.client()->Get("/readyz")->body)["workflows"][0]["version"];
  };
  auto wait_for = [&](const std::string& version) {
    for (int i = 0; i < 100 && serving() != version; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return serving() == version;
  };
  EXPECT_TRUE(wait_for("v1"));
  ASSERT_EQ(project.mlops("models promote churn v2").exit_code, 0);
  EXPECT_TRUE(wait_for("v2"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(project.mlops("models rollback churn").exit_code, 0);
  EXPECT_TRUE(wait_for("v1"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& loop : loops) loop.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 50);
  EXPECT_GT(versions["v1"], 0);
  EXPECT_GT(versions["v2"], 0);
  EXPECT_NE(
      metric_line(server, "mlops_serve_model_reloads_total{workflow=\"churn\",result=\"ok\"}"),
      "mlops_serve_model_reloads_total{workflow=\"churn\",result=\"ok\"} 0");
  // SIGHUP reloads at once (reload_interval 0: only on SIGHUP).
  EXPECT_EQ(server.stop(), 0);
  ServeProcess hup = project.serve("--set serve.reload_interval=0");
  ASSERT_TRUE(hup.started());
  ASSERT_EQ(project.mlops("models promote churn v2").exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(json::parse(hup.client()->Get("/readyz")->body)["workflows"][0]["version"], "v1");
  kill(hup.pid(), SIGHUP);
  bool reloaded = false;
  for (int i = 0; i < 100 && !reloaded; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reloaded = json::parse(hup.client()->Get("/readyz")->body)["workflows"][0]["version"] == "v2";
  }
  EXPECT_TRUE(reloaded);
  EXPECT_EQ(hup.stop(), 0);
}

TEST(Serve, SigtermDrainsRequestsInFlightAndExitsZero) {
  ServeProject project;
  project.prepare();
  ServeProcess server = project.serve("--threads 4");
  ASSERT_TRUE(server.started()) << server.err();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, bad_status{0};
  std::vector<std::thread> loops;
  for (int t = 0; t < 3; ++t) {
    loops.emplace_back([&] {
      while (!stop) {
        // One connection per request: a request either gets its whole answer or is refused.
        httplib::Client client("127.0.0.1", server.port());
        client.set_keep_alive(false);
        const auto res = client.Post("/v1/workflows/churn/predict", R"({"key": {"user_id": 9}})",
                                     "application/json");
        if (!res) continue;  // refused: the server stopped accepting
        (res->status == 200 ? ok : bad_status)++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  stop = true;
  for (auto& loop : loops) loop.join();
  EXPECT_GT(ok.load(), 10);
  EXPECT_EQ(bad_status.load(), 0);
  EXPECT_LT(seconds, 5.0);
  const std::string log = server.err();
  EXPECT_NE(log.find("serve: stopping; draining requests in flight"), std::string::npos) << log;
  EXPECT_NE(log.find("serve: stopped logged=" + std::to_string(ok.load()) +
                     " stored=" + std::to_string(ok.load()) + " journaled=0"),
            std::string::npos)
      << log;
}

TEST(Serve, RedisOnlineStoreEndToEnd) {
  testing::RedisServer redis;
  ServeProject project;
  const std::string url = " --set online_store.url=" + redis.url();
  project.prepare(url);
  const auto batch = project.batch_probabilities();
  ServeProcess server = project.serve(url.substr(1));
  ASSERT_TRUE(server.started()) << server.err();
  json row = predict_ok(server, R"({"key": {"user_id": 11}})")["predictions"][0];
  EXPECT_EQ(row["source"], "model");
  EXPECT_EQ(row["probability"].get<double>(), batch.at(11));
  row = predict_ok(server, R"({"key": {"user_id": 3}})")["predictions"][0];
  EXPECT_EQ(row["source"], "batch");
  EXPECT_EQ(json::parse(server.client()->Get("/readyz")->body)["online_stores"][0]["url"],
            redis.url());
  // Redis goes away: features cannot be read; the chain answers from what is left (the
  // baseline, no batch prediction without the store), and /readyz says not ready.
  redis.stop();
  row = predict_ok(server,
                   R"({"key": {"user_id": 11}, "rows": [{"amount": 5.5}]})")["predictions"][0];
  EXPECT_EQ(row["source"], "baseline");
  EXPECT_EQ(server.client()->Get("/readyz")->status, 503);
  // Every request finds the store down: /metrics counts each, the log warns once per 10 s (a
  // warning per request wrote thousands of lines a second).
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(
        server.predict("churn", R"({"key": {"user_id": 11}, "rows": [{"amount": 5.5}]})")->status,
        200);
  }
  EXPECT_EQ(
      metric_line(server, "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"store_error\"}"),
      "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"store_error\"} 301");
  const std::string log = server.err();
  size_t warnings = 0;
  for (size_t at = log.find("the online store cannot be reached"); at != std::string::npos;
       at = log.find("the online store cannot be reached", at + 1)) {
    ++warnings;
  }
  EXPECT_GE(warnings, 1u) << log;
  EXPECT_LE(warnings, 2u) << log;
  EXPECT_EQ(server.stop(), 0);
}

TEST(Serve, RedisLookupsOfConcurrentKeepAliveConnectionsSurviveARedisRestart) {
  testing::RedisServer redis;
  ServeProject project;
  const std::string url = " --set online_store.url=" + redis.url();
  project.prepare(url);
  const auto batch = project.batch_probabilities();
  ServeProcess server = project.serve("--threads 8" + url);
  ASSERT_TRUE(server.started()) << server.err();

  // Eight keep-alive connections at once, their lookups sharing one Redis connection: each
  // answer is its own key's (the model's probability equals the batch prediction's).
  auto load = [&](int requests, bool with_row, std::atomic<int>& wrong,
                  std::map<std::string, int>& sources, std::mutex& mutex) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        auto client = server.client();
        client->set_keep_alive(true);
        for (int i = 0; i < requests; ++i) {
          int user = 1 + (t * 31 + i * 7) % 240;
          if (user == 3) user = 4;  // 3 is stale
          const std::string body =
              with_row ? fmt::format(R"({{"key": {{"user_id": {}}}, "rows": [{{"amount": 5.5}}]}})",
                                     user)
                       : fmt::format(R"({{"key": {{"user_id": {}}}}})", user);
          const auto res = client->Post("/v1/workflows/churn/predict", body, "application/json");
          if (!res || res->status != 200) {
            ++wrong;
            continue;
          }
          const json row = json::parse(res->body)["predictions"][0];
          const std::string source = row["source"];
          if (source == "model" && row["probability"].get<double>() != batch.at(user)) ++wrong;
          std::lock_guard lock(mutex);
          ++sources[source];
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  };
  std::mutex mutex;
  std::atomic<int> wrong{0};
  std::map<std::string, int> sources;
  load(60, false, wrong, sources, mutex);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(sources, (std::map<std::string, int>{{"model", 480}}));

  // Redis goes away under the same load: every request still answers, from the baseline
  // (store_error), quickly.
  redis.stop();
  sources.clear();
  const auto start = std::chrono::steady_clock::now();
  load(10, true, wrong, sources, mutex);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(sources, (std::map<std::string, int>{{"baseline", 80}}));
  const std::string store_errors =
      metric_line(server, "mlops_serve_fallbacks_total{workflow=\"churn\",reason=\"store_error\"}");
  ASSERT_NE(store_errors.rfind(' '), std::string::npos) << store_errors;
  EXPECT_EQ(std::stoi(store_errors.substr(store_errors.rfind(' ') + 1)), 80) << store_errors;

  // Back (empty, on the same port) and materialized again: the model answers again.
  redis.restart();
  ASSERT_EQ(project.mlops("materialize -w churn.yaml" + url).exit_code, 0);
  sources.clear();
  load(20, false, wrong, sources, mutex);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(sources, (std::map<std::string, int>{{"model", 160}}));
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace mlops

namespace mlops {
namespace {

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

TEST(Serve, ASecondServerOnAPortInUseFailsInsteadOfSharingIt) {
  // cpp-httplib's default SO_REUSEPORT let a second server bind the same port and silently
  // take half the requests.
  ServeProject project;
  project.prepare();
  ServeProcess server = project.serve();
  ASSERT_TRUE(server.started()) << server.err();
  const CliResult second =
      project.mlops(fmt::format("serve -w churn.yaml --port {}", server.port()));
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find(fmt::format("cannot listen on 127.0.0.1:{} (in use", server.port())),
            std::string::npos)
      << second.err;
  EXPECT_EQ(server.stop(), 0);
}

TEST(Serve, AnEmptyTokenIsAConfigErrorNotAServerWithoutAuthentication) {
  // `serve.token: ${MLOPS_SERVE_TOKEN}` with the variable set but empty served every route
  // without authentication (the log said auth=off; nothing failed).
  ServeProject project(
      "data_dir: data\nruns_dir: runs\nserve: {token: \"${MLOPS_SERVE_TOKEN}\"}\n");
  // Trained, so that without the check the server starts (and `timeout` ends it).
  ASSERT_EQ(testing::run_mlops_in(project.path(), "run -w churn.yaml", project.dir(),
                                  "MLOPS_SERVE_TOKEN=unused")
                .exit_code,
            0);
  const CliResult empty = testing::run_mlops_in(project.path(), "serve -w churn.yaml --port 0",
                                                project.dir(), "MLOPS_SERVE_TOKEN= timeout 20");
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("configs/base.yaml:3:9: key 'serve.token' is set but empty"),
            std::string::npos)
      << empty.err;
  EXPECT_EQ(empty.out.find("listening"), std::string::npos) << empty.out;
  const CliResult set_empty = testing::run_mlops_in(
      project.path(), "serve -w churn.yaml --port 0 --set serve.token=", project.dir(),
      "MLOPS_SERVE_TOKEN=unused timeout 20");
  EXPECT_EQ(set_empty.exit_code, 2) << set_empty.err;
  EXPECT_NE(set_empty.err.find("key 'serve.token' is set but empty"), std::string::npos)
      << set_empty.err;
}

// A serve.default_prediction the model could never answer (not one of its classes) was served
// as is; it is a config error naming the key and the classes.
TEST(Serve, ADefaultPredictionThatIsNotAClassIsAConfigError) {
  ServeProject project;
  ASSERT_EQ(project.mlops("run -w churn.yaml").exit_code, 0);
  const CliResult bad = testing::run_mlops_in(
      project.path(), "serve -w churn.yaml --port 0 --set serve.default_prediction=abc",
      project.dir(), "timeout 20");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("serve.default_prediction 'abc' is not a class of workflow churn's "
                         "model (classes: false, true)"),
            std::string::npos)
      << bad.err;
  EXPECT_EQ(bad.out.find("listening"), std::string::npos) << bad.out;
  ServeProcess good = project.serve("--set serve.default_prediction=false");
  ASSERT_TRUE(good.started()) << good.err();
  EXPECT_EQ(good.stop(), 0);
}

// One HTTP response read from `fd` (its head and Content-Length body) within `within`; "" when
// the server closed the connection or nothing complete came in time.
std::string read_response(int fd, std::string& pending,
                          std::chrono::milliseconds within = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (true) {
    const size_t head_end = pending.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const size_t length_at = pending.find("Content-Length: ");
      const size_t length = length_at < head_end ? std::stoul(pending.substr(length_at + 16)) : 0;
      if (pending.size() >= head_end + 4 + length) {
        std::string response = pending.substr(0, head_end + 4 + length);
        pending.erase(0, head_end + 4 + length);
        return response;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) return "";
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return "";
    pending.append(buffer, static_cast<size_t>(n));
  }
}

void send_all(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

// A connection closed by the server reads end of stream (or a reset) within `within`.
bool closed_by_server(int fd, std::chrono::milliseconds within) {
  pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
  if (poll(&ready, 1, static_cast<int>(within.count())) <= 0) return false;
  char byte = 0;
  return read(fd, &byte, 1) <= 0;
}

TEST(Serve, TheConnectionLoopKeepsHttpSemantics) {
  ServeProject project;
  project.prepare();
  ServeProcess server = project.serve(
      "--threads 2 --set serve.keep_alive_requests=3 --set serve.read_timeout=1 "
      "--set serve.keep_alive_timeout=1");
  ASSERT_TRUE(server.started()) << server.err();
  const std::string body = R"({"key": {"user_id": 11}})";
  const std::string predict =
      "POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n";
  auto expect_prediction = [](const std::string& response) {
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response;
    const size_t at = response.find("\r\n\r\n");
    ASSERT_NE(at, std::string::npos) << response;
    EXPECT_EQ(json::parse(response.substr(at + 4))["predictions"][0]["source"], "model");
  };

  // A request in pieces, with pauses between them, is one request.
  int fd = connect_to(server.port());
  std::string pending;
  const std::string whole = predict + "\r\n" + body;
  for (size_t at = 0; at < whole.size(); at += 40) {
    send_all(fd, whole.substr(at, 40));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  expect_prediction(read_response(fd, pending));
  // Two requests in one write (pipelined) get two answers, in order (cpp-httplib's own loop,
  // with a new read buffer per request, lost the second); the third request of the connection
  // (serve.keep_alive_requests=3) is answered "Connection: close", then it closes.
  send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + whole);
  const std::string health = read_response(fd, pending);
  EXPECT_TRUE(health.starts_with("HTTP/1.1 200 OK\r\n")) << health;
  EXPECT_NE(health.find("{\"status\":\"ok\"}"), std::string::npos) << health;
  const std::string third = read_response(fd, pending);
  expect_prediction(third);
  EXPECT_NE(third.find("Connection: close\r\n"), std::string::npos) << third;
  EXPECT_TRUE(closed_by_server(fd, std::chrono::milliseconds(2000)));
  close(fd);

  // A path that is not UTF-8 is answered 404, its byte shown as U+FFFD, and the request read
  // with it as usual: the message once failed as JSON text, and with it every answer of the
  // batch (500). Found by tests/fuzz/fuzz_http_request.cpp.
  fd = connect_to(server.port());
  pending.clear();
  send_all(fd, "POST /v1/workflows/ch%FFrn/predict HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body +
                   "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string unknown = read_response(fd, pending);
  ASSERT_TRUE(unknown.starts_with("HTTP/1.1 404 Not Found\r\n")) << unknown;
  EXPECT_EQ(
      json::parse(unknown.substr(unknown.find("\r\n\r\n") + 4)),
      json({{"error", "unknown workflow 'ch\xEF\xBF\xBDrn' (did you mean 'churn'?); served: churn"},
            {"status", 404}}));
  EXPECT_TRUE(read_response(fd, pending).starts_with("HTTP/1.1 200 OK\r\n"));
  close(fd);

  // "Expect: 100-continue": the interim answer comes before the body is sent.
  fd = connect_to(server.port());
  pending.clear();
  send_all(fd, predict + "Expect: 100-continue\r\n\r\n");
  const std::string interim = read_response(fd, pending, std::chrono::milliseconds(900));
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue\r\n")) << interim;
  send_all(fd, body);
  expect_prediction(read_response(fd, pending));

  // An idle keep-alive connection closes after serve.keep_alive_timeout (1 s); a request that
  // stops halfway is answered 400 after serve.read_timeout (1 s), as cpp-httplib answers it.
  const auto idle_from = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_server(fd, std::chrono::milliseconds(3000)));
  EXPECT_GE(std::chrono::steady_clock::now() - idle_from, std::chrono::milliseconds(900));
  close(fd);
  fd = connect_to(server.port());
  pending.clear();
  const auto half_from = std::chrono::steady_clock::now();
  send_all(fd, predict);  // no blank line, no body
  const std::string timed_out = read_response(fd, pending, std::chrono::milliseconds(3000));
  EXPECT_TRUE(timed_out.starts_with("HTTP/1.1 400 Bad Request\r\n")) << timed_out;
  EXPECT_GE(std::chrono::steady_clock::now() - half_from, std::chrono::milliseconds(900));
  EXPECT_TRUE(closed_by_server(fd, std::chrono::milliseconds(3000)));
  close(fd);

  const char* kind = std::getenv("MLOPS_SERVE__HTTP_SERVER");
  if (kind && std::string(kind) == "threads") {
    // cpp-httplib reads a POST body without a length until the client stops sending.
    fd = connect_to(server.port());
    pending.clear();
    send_all(fd,
             "POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\n"
             "Content-Type: application/json\r\n\r\n" +
                 body);
    ASSERT_EQ(shutdown(fd, SHUT_WR), 0);
    expect_prediction(read_response(fd, pending));
    close(fd);
  } else {
    // The event loop follows RFC 9112 6.3: without Content-Length or chunked encoding a request
    // has no body, so it is answered at once (`curl -X POST` without data waited for
    // serve.read_timeout, then got a bare 400).
    fd = connect_to(server.port());
    pending.clear();
    const auto asked = std::chrono::steady_clock::now();
    send_all(fd, "POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string empty = read_response(fd, pending, std::chrono::milliseconds(900));
    EXPECT_TRUE(empty.starts_with("HTTP/1.1 400 Bad Request\r\n")) << empty;
    EXPECT_NE(empty.find("malformed JSON"), std::string::npos) << empty;
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(900));
    close(fd);
  }

  // The server still answers, and stops cleanly.
  EXPECT_EQ(server.client()->Get("/healthz")->status, 200);
  EXPECT_EQ(server.stop(), 0);
}

// Requests that arrive together (here: pipelined in one write, so the event loop reads them in
// one iteration) are scored in one model call (Predictor::predict_many); each answer must be
// the one the request gets alone: the same numbers, sources and errors, in order.
TEST(Serve, RequestsAnsweredTogetherMatchEachAnsweredAlone) {
  ServeProject project;
  project.prepare();
  project.delete_online("user_stats", "7");  // user 7: the batch prediction answers
  ServeProcess server = project.serve();
  ASSERT_TRUE(server.started()) << server.err();
  std::vector<std::string> bodies;
  for (int id = 1; id <= 40; ++id)
    bodies.push_back(fmt::format(R"({{"key": {{"user_id": {}}}}})", id));
  bodies.insert(bodies.begin() + 5,
                R"({"rows": [{"amount": 10.5, "visits": 3, "country": "FR"}]})");
  bodies.insert(bodies.begin() + 9, R"({"rows": [{"amount": "lots"}]})");  // 422
  bodies.insert(bodies.begin() + 12, R"({"key": {"nope": 1}})");           // 422
  bodies.insert(bodies.begin() + 20,
                R"({"key": {"user_id": 9}, "rows": [{}, {"amount": 1.5}, {"visits": 19}]})");
  bodies.insert(bodies.begin() + 30, R"({"rows": [{"amount": 99.5, "visits": 1, "country": "JP"},
                                                  {"amount": 0.5, "visits": 0, "country": "US"}]})");
  auto answer_of = [](int status, const std::string& body) {
    json out = json::object();
    out["status"] = status;
    const json parsed = json::parse(body);
    if (status != 200) {
      out["error"] = parsed["error"];
      return out;
    }
    for (json row : parsed["predictions"]) {
      EXPECT_TRUE(row["features_age_s"].is_null() || row["features_age_s"].is_number());
      row.erase("features_age_s");  // the time between the two answers
      out["predictions"].push_back(row);
    }
    return out;
  };
  std::vector<json> alone;
  for (const std::string& body : bodies) {
    const auto res = server.predict("churn", body);
    ASSERT_TRUE(res);
    alone.push_back(answer_of(res->status, res->body));
  }
  std::string pipelined;
  for (const std::string& body : bodies) {
    pipelined +=
        "POST /v1/workflows/churn/predict HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  const int fd = connect_to(server.port());
  send_all(fd, pipelined);
  std::string pending;
  size_t models = 0, batches = 0, errors = 0;
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string response = read_response(fd, pending);
    ASSERT_FALSE(response.empty()) << "no answer to request " << i;
    const int status = std::stoi(response.substr(9, 3));
    const json together = answer_of(status, response.substr(response.find("\r\n\r\n") + 4));
    EXPECT_EQ(together, alone[i]) << "request " << i << ": " << bodies[i];
    if (status != 200) ++errors;
    for (const json& row : together.value("predictions", json::array())) {
      models += row["source"] == "model" ? 1 : 0;
      batches += row["source"] == "batch" ? 1 : 0;
    }
  }
  close(fd);
  EXPECT_EQ(errors, 2u);
  EXPECT_EQ(batches, 2u);  // user 3 (stale) and user 7 (missing)
  EXPECT_EQ(models,
            38u + 3u + 1u + 2u);  // 38 keys; user 9 with 3 rows; a 1-row and a 2-row request
  EXPECT_EQ(server.stop(), 0) << server.err();
}

// SIGHUP (reload) while the server starts (from the exec of mlops-serve until it listens,
// models loading meanwhile) must not end it: the default action of SIGHUP is to terminate.
TEST(Serve, ReloadSignalsWhileStartingDoNotEndTheServer) {
  ServeProject project;
  project.prepare();
  const std::string out = project.dir().file("starting.out");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (chdir(project.path().c_str()) != 0) _exit(127);
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    execl(MLOPS_BINARY, MLOPS_BINARY, "serve", "-w", "churn.yaml", "--port", "0", nullptr);
    _exit(127);
  }
  // Once `mlops` has become mlops-serve, a SIGHUP every millisecond until it listens.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool exec_seen = false, listening = false, exited = false;
  while (std::chrono::steady_clock::now() < deadline && !listening && !exited) {
    if (!exec_seen) {
      std::error_code error;
      const std::string exe =
          std::filesystem::read_symlink(fmt::format("/proc/{}/exe", pid), error).string();
      exec_seen = exe.ends_with("mlops-serve");
    }
    if (exec_seen) kill(pid, SIGHUP);
    listening = testing::slurp(out).find("listening on port ") != std::string::npos;
    int status = 0;
    exited = waitpid(pid, &status, WNOHANG) == pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(exec_seen);
  EXPECT_FALSE(exited) << "ended by a SIGHUP while starting";
  EXPECT_TRUE(listening);
  if (!exited) {
    kill(pid, SIGTERM);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
}

// A model whose features read other rows (window_aggregate: each row's window holds the earlier
// rows of its key, the whole table's included) scores each request alone even when requests
// arrive together: request A's features (their logged hash) must not depend on request B
// answered in the same loop iteration.
TEST(Serve, RequestsOfAWindowedModelAreScoredAloneEvenWhenTheyArriveTogether) {
  TempDir dir;
  dir.write("configs/base.yaml", "data_dir: data\nruns_dir: runs\n");
  dir.write("configs/local.yaml", "{}\n");
  dir.write("flights.yaml", std::string(R"(name: flights
ingest:
  source: {type: file, path: ")") +
                                MLOPS_SOURCE_DIR + R"(/tests/fixtures/flights-2001-01.csv"}
  schema: {date: timestamp, delay: int64, distance: int64, origin: string, destination: string}
featurize:
  transforms:
    - {type: window_aggregate, key: origin, time: date, column: delay, window: 7d, functions: [count, mean]}
    - {type: category_codes, columns: [origin, destination]}
  label: {name: delayed, expr: "delay > 15"}
train:
  objective: binary:logistic
  rounds: 5
  split: {type: random, holdout: 0.25}
  params: {max_depth: 3, nthread: 1}
)");
  TempDir scratch;
  const CliResult run = testing::run_mlops_in(dir.path().string(), "run -w flights.yaml", scratch);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ServeProcess server(dir.path().string(), "-w flights.yaml", scratch);
  ASSERT_TRUE(server.started()) << server.err();
  const std::string a =
      R"({"rows": [{"date": "2001-01-20T12:00:00Z", "delay": 0, "distance": 500, "origin": "LAS", "destination": "PHL"}]})";
  const std::string b =
      R"({"rows": [{"date": "2001-01-20T06:00:00Z", "delay": 300, "distance": 500, "origin": "LAS", "destination": "PHL"}]})";
  auto post = [](const std::string& id, const std::string& body) {
    return "POST /v1/workflows/flights/predict HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  int fd = connect_to(server.port());
  std::string pending;
  send_all(fd, post("a-alone", a));
  EXPECT_TRUE(read_response(fd, pending).starts_with("HTTP/1.1 200 OK"));
  send_all(fd, post("b-first", b) + post("a-together", a));  // one write: one loop iteration
  EXPECT_TRUE(read_response(fd, pending).starts_with("HTTP/1.1 200 OK"));
  EXPECT_TRUE(read_response(fd, pending).starts_with("HTTP/1.1 200 OK"));
  close(fd);
  ASSERT_EQ(server.stop(), 0) << server.err();  // the log flushed
  auto hash_of = [&](const std::string& id) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir.file("runs/mlops.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(db, "SELECT features_hash FROM prediction_log WHERE request_id = ?1", -1,
                       &query, nullptr);
    sqlite3_bind_text(query, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    std::string hash;
    if (sqlite3_step(query) == SQLITE_ROW) {
      hash = reinterpret_cast<const char*>(sqlite3_column_text(query, 0));
    }
    sqlite3_finalize(query);
    sqlite3_close(db);
    return hash;
  };
  const std::string alone = hash_of("a-alone"), together = hash_of("a-together");
  EXPECT_FALSE(alone.empty());
  EXPECT_EQ(together, alone) << "request A's features changed with request B beside it";
  EXPECT_NE(hash_of("b-first"), alone);
}

// CPU seconds (user + system, every thread) the process `pid` has used.
double process_cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 13; ++i) fields >> field;  // state .. cmajflt
  double user = 0, system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(Serve, OutOfFileDescriptorsTheServerWaitsInsteadOfSpinning) {
  ServeProject project;
  project.prepare();
  // The server's descriptor limit is low (inherited through posix_spawn): connections beyond
  // it stay in the listen backlog. The event loop must not spin on the readable listening
  // socket meanwhile, and must take the waiting connections once descriptors are free.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 64;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  ServeProcess server = project.serve();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_TRUE(server.started()) << server.err();
  std::vector<int> held;
  for (int i = 0; i < 100; ++i) held.push_back(connect_to(server.port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double cpu_before = process_cpu_seconds(server.pid());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double cpu_spent = process_cpu_seconds(server.pid()) - cpu_before;
  EXPECT_LT(cpu_spent, 0.3) << "the server spun while out of descriptors";
  EXPECT_NE(server.err().find("cannot accept connections for now"), std::string::npos)
      << server.err();
  // The held connections go away; a new client is answered.
  for (int fd : held) close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto answer = server.client()->Get("/healthz");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(server.stop(), 0) << server.err();
}

TEST(Serve, OverloadIsAnswered503AtOnce) {
  ServeProject project;
  project.prepare();
  // serve.http_server=threads: the one worker waits for a request on `busy`, `waiting` fills
  // the queue; loop: `busy` and `waiting` are the two connections allowed. `extra` is turned
  // away: its request is answered 503 at once.
  ServeProcess server =
      project.serve("--threads 1 --set serve.queue=1 --set serve.max_connections=2");
  ASSERT_TRUE(server.started()) << server.err();
  const int busy = connect_to(server.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int waiting = connect_to(server.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int extra = connect_to(server.port());
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(write(extra, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  // The head and the body may arrive in separate reads: read until the whole response (its
  // Content-Length) is in, or the server closes, within a bound.
  std::string answer;
  const auto deadline = start + std::chrono::seconds(5);
  auto complete = [&] {
    const size_t head_end = answer.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    const size_t length_at = answer.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > head_end) return true;
    return answer.size() - head_end - 4 >= std::stoul(answer.substr(length_at + 16));
  };
  double ms = -1;
  while (!complete() && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{.fd = extra, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, 100) <= 0) continue;
    char buffer[1024];
    const ssize_t n = read(extra, buffer, sizeof(buffer));
    if (n <= 0) break;
    if (ms < 0) {
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
               .count();
    }
    answer.append(buffer, static_cast<size_t>(n));
  }
  ASSERT_FALSE(answer.empty());
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos);
  EXPECT_NE(answer.find("the server is overloaded ("), std::string::npos) << answer;
  EXPECT_LT(ms, 500);
  close(extra);
  close(waiting);
  close(busy);
  EXPECT_NE(metric_line(server, "mlops_serve_rejected_total"), "mlops_serve_rejected_total 0");
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace mlops
