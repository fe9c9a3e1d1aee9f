// The kafka source against librdkafka's built-in mock cluster (brokers on 127.0.0.1 inside
// the test process): a regex subscription that picks up a topic created mid-run, one clean
// table per topic, a key added later, and a restart that repeats nothing.

#include "mlops/ingest/kafka_source.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <thread>

#include "ingest_fixture.h"
#include "mlops/core/error.h"

namespace mlops {
namespace {

using testing::TempDir;

// A producer whose own mock cluster (one broker) the source under test connects to.
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
  }
  ~MockKafka() { rd_kafka_destroy(producer_); }

  void create_topic(const std::string& topic, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void produce(const std::string& topic, int partition, const std::string& value) {
    ASSERT_EQ(rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_flush(producer_, 5000);
  }
  const std::string& bootstraps() const { return bootstraps_; }

 private:
  rd_kafka_t* producer_;
  rd_kafka_mock_cluster_t* cluster_;
  std::string bootstraps_;
};

std::string order(int id, bool with_coupon = false) {
  return "{\"id\": " + std::to_string(id) + ", \"amount\": " + std::to_string(id * 10) +
         (with_coupon ? ", \"coupon\": \"SPRING\"" : "") + "}";
}

// True once the lake's checkpoint (read without the lock) has offsets for every topic given.
bool checkpoint_has(const Workflow& w, const std::vector<std::string>& topics) {
  const auto path = std::filesystem::path(lake_root(w)) / "checkpoint.json";
  if (!std::filesystem::exists(path)) return false;
  const auto doc = nlohmann::json::parse(testing::read_text(path));
  const auto& offsets = doc["sources"]["shop"]["position"]["offsets"];
  for (const auto& topic : topics) {
    if (!offsets.contains(topic)) return false;
  }
  return true;
}

TEST(KafkaSource, RegexPicksUpNewTopicsOneTablePerTopicAndResumesWithoutDuplicates) {
  MockKafka kafka;
  kafka.create_topic("shop.orders", 2);
  kafka.create_topic("shop.payments", 1);
  for (int id = 1; id <= 6; ++id) kafka.produce("shop.orders", id % 2, order(id));
  kafka.produce("shop.payments", 0, "{\"id\": 1, \"method\": \"card\"}");
  kafka.produce("shop.payments", 0, "not json");
  kafka.produce("shop.payments", 0, "{\"id\": 2, \"method\": \"cash\"}");

  TempDir dir;
  const Workflow w = testing::make_workflow(
      dir,
      "name: shop\ningest:\n  table: shop.orders\n  source:\n    type: kafka\n"
      "    brokers: \"" +
          kafka.bootstraps() +
          "\"\n"
          "    topic_pattern: \"^shop\\\\.\"\n    idle_timeout: 6\n    batch_size: 4\n"
          // The mock group coordinator waits session.timeout.ms - 1 s for members to rejoin.
          "    options: {topic.metadata.refresh.interval.ms: 200, session.timeout.ms: 3500,\n"
          "              heartbeat.interval.ms: 500}\n");
  IngestOutcome first;
  std::thread run([&] { first = testing::ingest_once(w); });
  // Once both topics are in the lake, a third topic appears while the source is running.
  for (int i = 0; i < 200 && !checkpoint_has(w, {"shop.orders", "shop.payments"}); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kafka.create_topic("shop.refunds", 1);
  kafka.produce("shop.refunds", 0, "{\"id\": 1, \"order\": 3}");
  run.join();
  ASSERT_FALSE(first.error);

  {
    Lake lake(lake_root(w));
    EXPECT_EQ(lake.tables(),
              (std::vector<std::string>{"shop.orders", "shop.payments", "shop.refunds"}));
    Table orders = lake.load("shop.orders");
    std::vector<int64_t> ids = testing::ints(orders, "id");
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, testing::one_to(6));
    EXPECT_EQ(lake.load("shop.payments").num_rows(), 2u);
    EXPECT_EQ(lake.load("shop.refunds").num_rows(), 1u);
  }
  auto bad = testing::lake_quarantine(w, "shop");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0]["source"], "shop.payments[0]@1");
  EXPECT_EQ(bad[0]["raw"], "not json");
  EXPECT_EQ(testing::raw_index(w, "shop").size(), 10u);  // every message, as received

  // A key appears; the restart reads only the new messages.
  kafka.produce("shop.orders", 0, order(7, true));
  kafka.produce("shop.orders", 1, order(8, true));
  IngestOutcome second = testing::ingest_once(w);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.sources[0].records, 2u);
  Lake lake(lake_root(w));
  Table orders = lake.load("shop.orders");
  std::vector<int64_t> ids = testing::ints(orders, "id");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, testing::one_to(8));
  ASSERT_NE(orders.find("coupon"), nullptr);
  EXPECT_EQ(orders.column("coupon").null_count(), 6u);
  EXPECT_EQ(lake.load("shop.payments").num_rows(), 2u);
  EXPECT_EQ(main_table(w, lake), "shop.orders");
}

TEST(KafkaSource, NeedsTopicsOrAPattern) {
  TempDir dir;
  try {
    testing::make_workflow(dir, "name: shop\ningest:\n  source: {type: kafka, brokers: x}\n");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("needs 'ingest.source.topics' or"), std::string::npos)
        << error.what();
  }
}

TEST(KafkaSource, RebuildReplaysTheStoredMessagesWithTheBrokerGone) {
  TempDir dir;
  const auto workflow = [&](const std::string& ingest, const std::string& brokers) {
    return testing::make_workflow(
        dir, "name: shop\ningest:\n" + ingest + "  source:\n    type: kafka\n    brokers: \"" +
                 brokers +
                 "\"\n    topics: [events]\n    key: id\n    idle_timeout: 2\n    batch_size: 2\n"
                 "    options: {session.timeout.ms: 3500, heartbeat.interval.ms: 500}\n");
  };
  std::string brokers;
  {
    MockKafka kafka;
    brokers = kafka.bootstraps();
    kafka.create_topic("events", 1);
    for (const char* message :
         {"{\"id\": 1, \"kind\": \"x\"}", "{\"id\": 2, \"kind\": \"y\"}", "not json",
          "{\"id\": 3, \"kind\": \"z\"}", "{\"id\": 1, \"kind\": \"x\"}"}) {
      kafka.produce("events", 0, message);
    }
    IngestOutcome live = testing::ingest_once(workflow("", brokers));
    ASSERT_FALSE(live.error);
    EXPECT_EQ(live.sources[0].duplicates, 1u);
  }  // the broker is gone
  IngestOutcome rebuilt = testing::ingest_once(
      workflow("  rebuild: true\n  schema: {kind: {values: [x, y]}}\n", brokers));
  ASSERT_FALSE(rebuilt.error);
  const Workflow w = workflow("  schema: {kind: {values: [x, y]}}\n", brokers);
  EXPECT_EQ(testing::ints(testing::load_table(w, "events"), "id"), (std::vector<int64_t>{1, 2}));
  auto bad = testing::lake_quarantine(w, "shop");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0]["source"], "events[0]@2");
  EXPECT_EQ(bad[0]["raw"], "not json");
  EXPECT_EQ(bad[1]["source"], "events[0]@3");
  EXPECT_EQ(bad[1]["reason"], "value 'z' is not one of [x, y]");
  Lake lake(lake_root(w));
  EXPECT_EQ(lake.position("shop")["offsets"]["events"]["0"], 5);  // resumes after message 4
}

}  // namespace
}  // namespace mlops
