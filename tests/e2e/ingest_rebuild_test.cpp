// `mlops ingest --rebuild` for sources that are not files: an HTTP API, a SQLite database and a
// Kafka topic are ingested, then the schema is tightened and the lake rebuilt from its raw
// layer with the server stopped, the database gone and the broker gone. A lake without raw is
// refused (exit 2) and left as it was.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <sqlite3.h>

#include <atomic>

#include "cli_runner.h"
#include "support/http_test_server.h"

namespace mlops::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class IngestRebuild : public ::testing::Test {
 protected:
  void write_workflow(const std::string& source, const std::string& schema = "") {
    dir_.write("wf.yaml", "name: rb\ningest:\n  source:\n" + source + schema);
  }
  CliResult ingest(const std::string& extra = "") {
    return run_mlops("ingest --env local --workflow " + dir_.file("wf.yaml") +
                         " --set runs_dir=" + dir_.file("runs") + " " + extra,
                     dir_);
  }
  // The `id` column of the clean table the run printed (first column, no quoting).
  std::vector<std::string> clean_ids(const CliResult& run) {
    const size_t end = run.out.find("clean.csv\n");
    EXPECT_NE(end, std::string::npos) << run.out;
    if (end == std::string::npos) return {};
    const size_t start = run.out.rfind("  ", end) + 2;
    std::istringstream in(slurp(run.out.substr(start, end + 9 - start)));
    std::vector<std::string> ids;
    std::string line;
    std::getline(in, line);
    EXPECT_TRUE(line.starts_with("id,")) << line;
    while (std::getline(in, line)) ids.push_back(line.substr(0, line.find(',')));
    return ids;
  }
  std::vector<json> quarantine() {
    std::vector<json> lines;
    std::istringstream in(slurp(fs::path(dir_.file("lake")) / "rb" / "quarantine" / "rb.jsonl"));
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }
  size_t raw_lines() {
    size_t lines = 0;
    for (const auto& partition :
         fs::directory_iterator(fs::path(dir_.file("lake")) / "rb" / "raw" / "rb")) {
      lines += count_lines(slurp(partition.path() / "index.jsonl"));
    }
    return lines;
  }
  // Plain ingest after the schema change is refused; --rebuild gives ids `expected` and one
  // quarantine line per id in `rejected`, with the raw layer untouched.
  void expect_rebuilt(const std::vector<std::string>& expected, size_t rejected,
                      const std::string& reason) {
    const size_t raw_before = raw_lines();
    CliResult refused = ingest();
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("run `mlops ingest --rebuild`"), std::string::npos) << refused.err;
    CliResult rebuilt = ingest("--rebuild");
    ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
    EXPECT_EQ(clean_ids(rebuilt), expected);
    size_t matching = 0;
    for (const auto& line : quarantine()) matching += line.value("reason", "") == reason;
    EXPECT_EQ(matching, rejected) << reason;
    EXPECT_EQ(raw_lines(), raw_before);
  }
  TempDir dir_;
};

const char* kinds[] = {"x", "y", "z"};

TEST_F(IngestRebuild, HttpPagesAreReplayedWithTheServerStopped) {
  HttpTestServer api;
  std::atomic<int> page2{0};
  api.server().Get("/items", [&](const httplib::Request& request, httplib::Response& response) {
    const int page = std::stoi(request.get_param_value("page"));
    if (page == 2 && ++page2 == 1) {  // one failure on the way, retried
      response.status = 500;
      response.set_content("{\"error\": \"boom\"}", "application/json");
      return;
    }
    json items = json::array();
    for (int id = (page - 1) * 5 + 1; id <= std::min(page * 5, 12); ++id) {
      items.push_back({{"id", id}, {"kind", kinds[(id - 1) % 3]}});
    }
    response.set_content(json{{"data", items}}.dump(), "application/json");
  });
  api.start();
  const std::string source = "    type: http\n    url: " + api.url("/items") +
                             "\n    records: data\n"
                             "    pagination: {type: page, size_param: per_page, size: 5}\n"
                             "    retry: {max_retries: 2, backoff: 0.01, budget: 5}\n";
  write_workflow(source);
  CliResult live = ingest();
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(clean_ids(live).size(), 12u);
  api.stop();
  write_workflow(source, "  schema: {kind: {values: [x, y]}}\n");
  expect_rebuilt({"1", "2", "4", "5", "7", "8", "10", "11"}, 4, "value 'z' is not one of [x, y]");
}

void sql(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_close(db);
}

TEST_F(IngestRebuild, SqliteResultsAreReplayedWithTheDatabaseGone) {
  const std::string db = dir_.file("shop.db");
  sql(db,
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, kind TEXT);"
      "INSERT INTO orders VALUES (1, 'x'), (2, 'y'), (3, 'z'), (4, 'x');");
  const std::string source = "    type: sqlite\n    path: \"" + db +
                             "\"\n    query: \"SELECT id, kind FROM orders\"\n"
                             "    incremental_column: id\n";
  write_workflow(source);
  ASSERT_EQ(ingest().exit_code, 0);
  fs::remove(db);
  write_workflow(source, "  schema: {kind: {values: [x, y]}}\n");
  expect_rebuilt({"1", "2", "4"}, 1, "value 'z' is not one of [x, y]");
}

TEST_F(IngestRebuild, ALakeWithoutRawIsRefusedNamingTheSourceAndLeftAsItWas) {
  const std::string db = dir_.file("shop.db");
  sql(db, "CREATE TABLE orders (id INTEGER, kind TEXT); INSERT INTO orders VALUES (1, 'z');");
  const std::string source =
      "    type: sqlite\n    path: \"" + db + "\"\n    query: \"SELECT id, kind FROM orders\"\n";
  write_workflow(source);
  ASSERT_EQ(ingest().exit_code, 0);
  const fs::path lake = fs::path(dir_.file("lake")) / "rb";
  fs::remove_all(lake / "raw");
  const std::string checkpoint = slurp(lake / "checkpoint.json");
  write_workflow(source, "  schema: {kind: {values: [x]}}\n");
  CliResult refused = ingest("--rebuild");
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("source 'rb' (sqlite): " + (lake / "raw" / "rb").string() +
                             " holds no raw records: the lake was written before its raw "
                             "layer kept what a replay needs"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(slurp(lake / "checkpoint.json"), checkpoint);
}

TEST_F(IngestRebuild, KafkaMessagesAreReplayedWithTheBrokerGone) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", error, sizeof error);
  rd_kafka_conf_set(conf, "log_level", "2", error, sizeof error);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(producer);
  const std::string brokers = rd_kafka_mock_cluster_bootstraps(cluster);
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster, "rb", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  for (int id = 1; id <= 6; ++id) {
    std::string value = json{{"id", id}, {"kind", kinds[(id - 1) % 3]}}.dump();
    ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("rb"), RD_KAFKA_V_PARTITION(0),
                                RD_KAFKA_V_VALUE(value.data(), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  rd_kafka_flush(producer, 5000);
  const std::string source =
      "    type: kafka\n    brokers: \"" + brokers +
      "\"\n    topics: [rb]\n    idle_timeout: 2\n"
      "    options: {session.timeout.ms: 3500, heartbeat.interval.ms: 500}\n";
  write_workflow(source);
  CliResult live = ingest();
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(clean_ids(live).size(), 6u);
  rd_kafka_destroy(producer);  // the broker is gone
  write_workflow(source, "  schema: {kind: {values: [x, y]}}\n");
  expect_rebuilt({"1", "2", "4", "5"}, 2, "value 'z' is not one of [x, y]");
}

}  // namespace
}  // namespace mlops::testing
