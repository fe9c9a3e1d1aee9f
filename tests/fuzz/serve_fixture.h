#pragma once
// What `mlops serve` holds while it serves, built once per fuzz process in a directory under
// /tmp named for it: the workflow `churn` (entity user, online view user_stats, batch view
// user_score), a model trained here on 240 rows (binary, category codes, 5 rounds) with its
// baseline, registered as churn's champion in a SQLite registry, and a SQLite online store
// holding users 1 and 2 (fresh), 3 (stale) and user 4's batch prediction. The routes answer
// from it as in the server: the model, the fallback chain, the feature routes, /metrics.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"
#include "mlops/core/log.h"
#include "mlops/core/table.h"
#include "mlops/core/time.h"
#include "mlops/features/feature_pipeline.h"
#include "mlops/io/file.h"
#include "mlops/model/train/trainer.h"
#include "mlops/model/xgb/row_source.h"
#include "mlops/serve/http_api.h"
#include "mlops/serve/settings.h"
#include "mlops/store/open_stores.h"

namespace mlops::fuzz {

/// The bearer token of the fixture's server: requests without it get 401 (but /healthz and
/// the short /readyz).
inline constexpr const char* kServeToken = "fuzz-token-0123456789";
/// serve.max_body_bytes of the fixture: small, so inputs of -max_len reach the limit.
inline constexpr size_t kServeMaxBody = 2048;

/// Counts what the routes log; the fuzz harness checks nothing was lost.
class CountingSink : public PredictionSink {
 public:
  void log(ServedPrediction) override { ++stats_.accepted; }
  PredictionSinkStats stats() const override { return stats_; }
  void close(std::chrono::milliseconds) override {}

 private:
  PredictionSinkStats stats_;
};

class ServeFixture {
 public:
  /// Where the fixture of this process lives.
  static std::string directory() { return "/tmp/mlops-fuzz-serve-" + std::to_string(getpid()); }

  ServeFixture() : dir_(directory()) {
    set_log_level(LogLevel::kError);  // the fallbacks' warnings, once per input, are noise here
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    load_workflow();
    train_and_register();
    fill_online_store();

    state_.settings = read_server_settings(workflow_);
    state_.settings.max_body_bytes = kServeMaxBody;
    state_.settings.max_rows = 20;
    state_.settings.token = kServeToken;
    state_.sink = &sink_;
    state_.models = std::make_unique<ModelSet>(
        *registry_, std::vector<std::pair<std::string, std::string>>{{"churn", "champion"}});
    state_.metrics = std::make_unique<ServeMetrics>(std::vector<std::string>{"churn"});
    state_.stores.push_back(std::make_unique<OnlineStorePool>(workflow_.settings));
    state_.workflows.push_back({.name = "churn",
                                .model = "churn",
                                .slot = 0,
                                .predictor = std::make_unique<Predictor>(
                                    workflow_, read_workflow_serve_settings(workflow_)),
                                .store = state_.stores.back().get()});
    prepare_routes(state_);
  }
  ServeFixture(const ServeFixture&) = delete;
  ServeFixture& operator=(const ServeFixture&) = delete;

  ServeState& state() { return state_; }
  const CountingSink& sink() const { return sink_; }

 private:
  void load_workflow() {
    const std::string path = dir_ + "/churn.yaml";
    write_file_atomic(path, "name: churn\nruns_dir: " + dir_ + "/runs\n" + R"(
ingest:
  source: {type: file, path: users.csv, format: csv}
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
  rounds: 5
  params: {max_depth: 3, nthread: 1}
predict:
  id_columns: [user_id]
)");
    LoadOptions options;
    options.config_dir = dir_ + "/no-configs";
    options.workflow_path = path;
    options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    workflow_ = build_workflow(load_config(options), "local");
  }

  // 240 users, as tests/e2e/serve_test.cpp's project: churned when amount and visits are low.
  void train_and_register() {
    Column user_id("user_id", DType::kInt64), ts("ts", DType::kTimestamp),
        amount("amount", DType::kFloat64), visits("visits", DType::kInt64),
        country("country", DType::kString), churned("churned", DType::kBool);
    const char* countries[] = {"FR", "DE", "US", "JP"};
    const int64_t now = now_micros();
    for (int id = 1; id <= 240; ++id) {
      const double value = (id * 37 % 100) + 0.5;
      const int count = id * 13 % 20;
      user_id.push_int(id);
      ts.push_int(now - 3'600'000'000LL);
      amount.push_float(value);
      id % 11 == 5 ? visits.push_null() : visits.push_int(count);
      country.push_string(countries[id % 4]);
      churned.push_bool((value < 40 && count < 12) || id % 17 == 0);
    }
    Table table;
    for (Column* column : {&user_id, &ts, &amount, &visits, &country, &churned}) {
      table.add_column(std::move(*column));
    }
    FeaturePipeline pipeline(workflow_.featurize, true);
    pipeline.fit(table);
    const Table features = pipeline.transform(table);
    const std::vector<float> labels = pipeline.encode_label(features.column("churned"));
    const FeatureMatrix matrix = gather_all(TableRows(features, pipeline.feature_names()));
    const std::string model_dir = dir_ + "/trained";
    std::filesystem::create_directories(model_dir);
    const TrainResult trained =
        train_xgboost(matrix, labels, workflow_.train, 2, model_dir + "/model.json");
    trained.baseline.save(model_dir + "/baseline.json");
    pipeline.save(model_dir + "/feature_state.json");
    nlohmann::json schema = nlohmann::json::array();
    for (const Column& column : table.columns()) {
      schema.push_back(
          {{"name", column.name()}, {"dtype", std::string(dtype_name(column.type()))}});
    }
    const nlohmann::json meta{
        {"objective", "binary:logistic"}, {"run_id", "run-fuzz"}, {"input_schema", schema}};
    write_file_atomic(model_dir + "/model_meta.json", meta.dump());
    registry_ = open_registry(workflow_.settings);
    const ModelVersion version =
        registry_->register_version("churn", "run-fuzz", model_dir, {}, meta);
    registry_->set_alias("churn", "champion", version.version, "promote", "fuzz fixture");
  }

  void fill_online_store() {
    std::unique_ptr<OnlineStore> store = open_online_store(workflow_.settings);
    const int64_t now = now_micros();
    const std::vector<OnlineColumn> stats{
        {"amount", DType::kFloat64}, {"visits", DType::kInt64}, {"country", DType::kString}};
    store->put_schema({.view = "user_stats",
                       .entity = "user",
                       .key_columns = {"user_id"},
                       .columns = stats,
                       .ttl_us = 86'400'000'000LL});
    const std::vector<OnlineRecord> users{
        {"1", now - 60'000'000, {12.5, int64_t{3}, std::string("FR")}},
        {"2", now - 60'000'000, {88.5, int64_t{17}, std::string("JP")}},
        {"3", now - 3 * 86'400'000'000LL, {30.5, int64_t{2}, std::string("US")}},
    };
    store->write("user_stats", stats, users, now);
    const std::vector<OnlineColumn> scores{{"prediction", DType::kString},
                                           {"probability", DType::kFloat64}};
    store->put_schema({.view = "user_score",
                       .entity = "user",
                       .key_columns = {"user_id"},
                       .columns = scores,
                       .ttl_us = 0});
    const std::vector<OnlineRecord> predicted{{"4", now - 60'000'000, {std::string("true"), 0.75}}};
    store->write("user_score", scores, predicted, now);
  }

  std::string dir_;
  Workflow workflow_;
  std::unique_ptr<ModelRegistry> registry_;
  CountingSink sink_;
  ServeState state_;
};

}  // namespace mlops::fuzz
