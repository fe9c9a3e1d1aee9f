// featurize.source: the clean table by default, or a point-in-time join (docs/features.md).

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/config/loader.h"
#include "mlops/config/workflow.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;

constexpr const char* kFeaturizeSourceHead = R"(name: flights
ingest: {source: {path: data/hourly.csv}}
entities: [{name: airport, keys: [origin]}]
feature_views: [{name: delays, entity: airport, source: {table: hourly}, event_time: hour}]
)";

Workflow load_featurize_source(const std::string& body) {
  testing::TempDir dir;
  LoadOptions options;
  options.config_dir = dir.file("no-configs");
  options.workflow_path = dir.write("wf.yaml", kFeaturizeSourceHead + body);
  options.getenv = testing::fake_env({});
  return build_workflow(load_config(options), "local");
}

TEST(FeaturizeSource, DefaultsToTheCleanTable) {
  const Workflow workflow = load_featurize_source("");
  EXPECT_EQ(workflow.featurize.source.type, "clean");
  EXPECT_EQ(workflow.featurize.source.event_time, "event_time");
}

TEST(FeaturizeSource, ReadsAHistoricalJoin) {
  const Workflow workflow = load_featurize_source(R"(featurize:
  source: {type: historical, entities: data/flights.csv, features: ["delays:avg,n"], event_time: dep}
)");
  const FeaturizeSourceSpec& source = workflow.featurize.source;
  EXPECT_EQ(source.type, "historical");
  EXPECT_EQ(source.entities, "data/flights.csv");
  EXPECT_EQ(source.features, (std::vector<std::string>{"delays:avg,n"}));
  EXPECT_EQ(source.event_time, "dep");
}

TEST(FeaturizeSource, NamesWhatAHistoricalJoinLacks) {
  EXPECT_NE(config_error([] {
              load_featurize_source("featurize: {source: {type: historical, features: [delays]}}\n");
            }).find("type historical needs 'entities' (a file) and 'features'"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              load_featurize_source("featurize: {source: {type: historical, entities: e.csv, features: [delay]}}\n");
            })
                .find("key 'featurize.source.features': unknown feature view 'delay' (did you mean "
                      "'delays'?)"),
            std::string::npos);
  EXPECT_NE(config_error([] {
              load_featurize_source("featurize: {source: {type: joined}}\n");
            }).find("featurize.source.type"),
            std::string::npos);
}

}  // namespace
}  // namespace mlops
