// How workflows declare sources: one map or a list, names, tables, the lake's place, and the
// per-source defaults read from the key table.

#include <gtest/gtest.h>

#include "ingest_fixture.h"
#include "mlops/core/error.h"
#include "mlops/ingest/http_source.h"
#include "mlops/ingest/source_options.h"

namespace mlops {
namespace {

using testing::TempDir;

std::string config_error(const TempDir& dir, const std::string& yaml) {
  try {
    testing::make_workflow(dir, yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(SourceConfig, OneMapIsOneSourceNamedAfterTheWorkflow) {
  TempDir dir;
  Workflow w = testing::make_workflow(dir, "name: w\ningest: {source: {path: a.csv}}\n");
  ASSERT_EQ(w.ingest.sources.size(), 1u);
  EXPECT_EQ(w.ingest.source.name, "w");
  EXPECT_EQ(w.ingest.source.table, "w");
  EXPECT_EQ(w.ingest.source.type, "file");
  EXPECT_EQ(w.settings.lake_dir, dir.file("lake"));  // next to runs_dir
}

TEST(SourceConfig, ListOfSourcesWithNamesTablesAndTheMainTable) {
  TempDir dir;
  Workflow w = testing::make_workflow(
      dir,
      "name: w\ningest:\n  table: orders\n  source:\n"
      "    - {name: api, type: http, url: \"http://127.0.0.1:9/x\", table: orders,\n"
      "       pagination: {type: offset}}\n"
      "    - {name: files, path: \"in/*.csv\", table: orders}\n");
  ASSERT_EQ(w.ingest.sources.size(), 2u);
  EXPECT_EQ(w.ingest.sources[0].name, "api");
  EXPECT_EQ(w.ingest.sources[1].table, "orders");
  EXPECT_EQ(w.ingest.table, "orders");
  // Defaults of a listed source come from the key table, like the map form's.
  const HttpSourceConfig http = parse_http_config(SourceOptions(w.ingest.sources[0]));
  EXPECT_EQ(http.param, "offset");
  EXPECT_EQ(http.size_param, "limit");
  EXPECT_EQ(http.size, 100);
  EXPECT_DOUBLE_EQ(http.timeout, 30);
  EXPECT_EQ(http.retry.budget, 20);
}

TEST(SourceConfig, MistakesNameTheKey) {
  TempDir dir;
  EXPECT_EQ(
      config_error(dir, "name: w\ningest:\n  source:\n    - {path: a.csv}\n    - {path: b.csv}\n"),
      dir.file("workflow.yaml") +
          ":4:7: key 'ingest.source[0].name' is required when there are several sources");
  EXPECT_EQ(config_error(dir, "name: w\ningest:\n  source: {type: http}\n"),
            dir.file("workflow.yaml") + ":3:3: key 'ingest.source.url' is required");
  EXPECT_EQ(
      config_error(dir, "name: w\ningest:\n  source:\n    - {name: a, path: a.csv, tiemout: 3}\n"),
      dir.file("workflow.yaml") +
          ":4:30: unknown key 'ingest.source.tiemout' (did you mean 'ingest.source.timeout'?)");
  EXPECT_EQ(config_error(dir, "name: w\ningest:\n  source: {type: http, url: u, timeout: 0}\n"),
            dir.file("workflow.yaml") +
                ":3:32: key 'ingest.source.timeout': must be above 0 and below 86400, got '0'");
  EXPECT_EQ(config_error(dir,
                         "name: w\ningest:\n  source:\n    - {name: a, path: a.csv}\n    - {name: "
                         "a, path: b.csv}\n"),
            dir.file("workflow.yaml") + ":5:7: two sources are named 'a'; names must be unique");
}

TEST(SourceConfig, PollingNeedsNoPagination) {
  TempDir dir;
  Workflow w = testing::make_workflow(dir,
                                      "name: w\ningest:\n  source: {type: http, url: u, poll: "
                                      "{count: 3}, pagination: {type: page}}\n");
  EXPECT_THROW(parse_http_config(SourceOptions(w.ingest.source)), ConfigError);
}

TEST(SourceConfig, SeveralSourcesFeedOneTable) {
  TempDir dir;
  dir.write("in/a.csv", "id,v\n1,x\n");
  dir.write("more/b.jsonl", "{\"id\": 2, \"v\": \"y\", \"w\": 1.5}\n");
  Workflow w = testing::make_workflow(
      dir, "name: w\ningest:\n  source:\n    - {name: csv, path: \"" + dir.file("in/a.csv") +
               "\", table: all}\n    - {name: json, path: \"" + dir.file("more/*.jsonl") +
               "\", table: all}\n");
  IngestOutcome outcome = testing::ingest_once(w);
  ASSERT_FALSE(outcome.error);
  EXPECT_EQ(outcome.main_table, "all");
  Table table = testing::load_table(w, "all");
  EXPECT_EQ(testing::ints(table, "id"), testing::one_to(2));
  EXPECT_EQ(table.column_names(), (std::vector<std::string>{"id", "v", "w"}));
}

}  // namespace
}  // namespace mlops
