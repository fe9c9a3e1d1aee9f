#include "mlops/config/feature_store.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;

constexpr const char* kHead = R"(name: flights
ingest: {source: {path: data/flights.csv}}
)";

Workflow load(const std::string& body) {
  testing::TempDir dir;
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write("wf.yaml", kHead + body);
  options.getenv = testing::fake_env({});
  return build_workflow(load_config(options), "local");
}

TEST(FeatureStoreSpec, ReadsEntitiesAndViews) {
  Workflow workflow = load(R"(entities:
  - {name: airport, keys: [origin]}
  - name: route
    keys: {origin: string, dest: string, year: int}
feature_views:
  - name: origin_delay
    entity: airport
    source: {table: hourly}
    event_time: hour
    features: [avg_delay, {name: late_share, expr: "late / flights"}]
    ttl: 2h
  - {name: route_scores, entity: route, source: predictions, online: false}
  - {name: route_features, entity: route, source: featurize, event_time: t}
  - {name: other, entity: airport, source: {workflow: weather, table: daily}, event_time: day}
)");
  const FeatureStoreSpec& spec = workflow.feature_store;
  ASSERT_EQ(spec.entities.size(), 2u);
  EXPECT_EQ(spec.entities[0].keys.size(), 1u);
  EXPECT_EQ(spec.entities[0].keys[0].type, DType::kString);
  ASSERT_EQ(spec.entities[1].keys.size(), 3u);
  EXPECT_EQ(spec.entities[1].keys[2].column, "year");
  EXPECT_EQ(spec.entities[1].keys[2].type, DType::kInt64);
  ASSERT_EQ(spec.views.size(), 4u);
  const FeatureViewSpec* delay = spec.view("origin_delay");
  ASSERT_NE(delay, nullptr);
  EXPECT_EQ(delay->source.kind, ViewSource::Kind::kLakeTable);
  EXPECT_EQ(delay->source.table, "hourly");
  EXPECT_EQ(delay->ttl_us, int64_t{2} * 3600 * 1000000);
  ASSERT_EQ(delay->features.size(), 2u);
  EXPECT_EQ(delay->features[1].expr, "late / flights");
  EXPECT_TRUE(delay->online);
  EXPECT_EQ(spec.view("route_scores")->source.kind, ViewSource::Kind::kPredictions);
  EXPECT_EQ(spec.view("route_scores")->event_time, "scored_at");
  EXPECT_FALSE(spec.view("route_scores")->online);
  EXPECT_EQ(spec.view("route_features")->source.kind, ViewSource::Kind::kFeaturize);
  EXPECT_EQ(spec.view("other")->source.workflow, "weather");
  EXPECT_EQ(spec.view("missing"), nullptr);
  EXPECT_EQ(workflow.settings.online_store_url.rfind("sqlite:", 0), 0u);
}

TEST(FeatureStoreSpec, NamesTheKeyOfEachMistake) {
  const std::string entity = "entities: [{name: airport, keys: [origin]}]\n";
  EXPECT_NE(config_error([&] {
              load("entities: [{keys: [a]}]\n");
            }).find("key 'entities[0].name' is required"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load("entities: [{name: a, keys: {k: float}}]\n");
            }).find("an entity key is int or string, got 'float'"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views: [{name: v, entity: airprt, source: {table: t}, "
                   "event_time: t}]\n");
            }).find("unknown entity 'airprt' (did you mean 'airport'?)"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views: [{name: v, entity: airport, source: featurise, "
                   "event_time: t}]\n");
            }).find("did you mean 'featurize'?"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity + "feature_views: [{name: v, entity: airport, source: {table: t}}]\n");
            }).find("key 'feature_views[0].event_time' is required"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views: [{name: v, entity: airport, source: {table: t}, "
                   "event_time: t, ttl: 2 hours}]\n");
            }).find("'2 hours' is not a duration"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views: [{name: v, entity: airport, source: {table: t}, "
                   "event_time: t, tll: 2h}]\n");
            }).find("unknown key 'feature_views.tll' (did you mean 'feature_views.ttl'?)"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views:\n  - {name: v, entity: airport, source: predictions}\n"
                   "  - {name: v, entity: airport, source: predictions}\n");
            }).find("two feature views are named 'v'"),
            std::string::npos);
  EXPECT_NE(config_error([&] {
              load(entity +
                   "feature_views: [{name: v, entity: airport, source: predictions, "
                   "features: [a, a]}]\n");
            }).find("feature 'a' is listed twice"),
            std::string::npos);
}

}  // namespace
}  // namespace mlops
