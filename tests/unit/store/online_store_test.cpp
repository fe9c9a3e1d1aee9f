// One suite for every online-store backend: SQLite on a temporary file, Redis on a real
// redis-server started for the test (tests/support/redis_server.h), PostgreSQL on a fresh
// database of the test run's server (tests/support/postgres_server.h).

#include "mlops/store/online_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>

#include "mlops/core/error.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/redis/redis_client.h"
#include "support/optional_tool.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

const std::vector<OnlineColumn> kColumns = {{"n", DType::kInt64},
                                            {"x", DType::kFloat64},
                                            {"ok", DType::kBool},
                                            {"name", DType::kString},
                                            {"at", DType::kTimestamp}};

/// prefix + n (a helper: GCC 12 warns falsely on "literal" + std::to_string(n)).
std::string numbered(std::string prefix, int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

OnlineRecord record(std::string key, int64_t event, int64_t n) {
  return {std::move(key),
          event,
          {FeatureValue(n), FeatureValue(0.5 * static_cast<double>(n)), FeatureValue(n % 2 == 0),
           FeatureValue(numbered("v", n)), FeatureValue(TimestampValue{event + 1})}};
}

class OnlineStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Settings settings;
    if (GetParam() == "redis") {
      MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
      redis_ = std::make_unique<testing::RedisServer>();
      settings.online_store_url = redis_->url(2);
    } else if (GetParam() == "postgresql") {
      MLOPS_REQUIRE_TOOL(testing::PostgresServer::available(), "PostgreSQL (package postgresql)");
      settings.online_store_url = testing::PostgresServer::shared().create_database();
    } else {
      settings.online_store_url = "sqlite:" + dir_.file("sub/online.db");
    }
    store_ = open_online_store(settings);
  }

  int64_t write(std::string_view view, const std::vector<OnlineRecord>& records,
                int64_t write_time = 1000) {
    return store_->write(view, kColumns, records, write_time);
  }
  OnlineLookup get(std::string_view view, const std::string& key, LookupOptions options = {}) {
    return store_->read_one(view, key, options);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<OnlineStore> store_;
};

TEST_P(OnlineStoreTest, ValuesComeBackTypedWithTheirTimes) {
  OnlineRecord nulls{
      "k2", 7, {FeatureValue(), FeatureValue(), FeatureValue(), FeatureValue(), FeatureValue()}};
  EXPECT_EQ(write("v", {record("k1", 5, 3), nulls}, 99), 2);
  const OnlineLookup found = get("v", "k1");
  ASSERT_TRUE(found.found);
  EXPECT_FALSE(found.stale);
  EXPECT_EQ(found.event_time_us, 5);
  EXPECT_EQ(found.write_time_us, 99);
  EXPECT_EQ(found.columns, (std::vector<std::string>{"n", "x", "ok", "name", "at"}));
  ASSERT_EQ(found.values.size(), 5u);
  EXPECT_EQ(std::get<int64_t>(found.values[0]), 3);
  EXPECT_EQ(std::get<double>(found.values[1]), 1.5);
  EXPECT_EQ(std::get<bool>(found.values[2]), false);
  EXPECT_EQ(std::get<std::string>(found.values[3]), "v3");
  EXPECT_EQ(std::get<TimestampValue>(found.values[4]).micros, 6);
  const OnlineLookup empty = get("v", "k2");
  ASSERT_TRUE(empty.found);
  for (const FeatureValue& value : empty.values) EXPECT_EQ(value.index(), 0u);
}

TEST_P(OnlineStoreTest, AMissingKeyOrViewIsNotFound) {
  write("v", {record("k1", 5, 3)});
  EXPECT_FALSE(get("v", "nope").found);
  EXPECT_FALSE(get("other", "k1").found);
  EXPECT_FALSE(store_->view("other").has_value());
}

TEST_P(OnlineStoreTest, AnOlderValueNeverOverwritesANewerOne) {
  EXPECT_EQ(write("v", {record("k", 10, 1)}), 1);
  EXPECT_EQ(write("v", {record("k", 9, 2)}), 0);
  EXPECT_EQ(std::get<int64_t>(get("v", "k").values[0]), 1);
  // The same event time again replaces (a replay writes the same value back).
  EXPECT_EQ(write("v", {record("k", 10, 3)}), 1);
  EXPECT_EQ(std::get<int64_t>(get("v", "k").values[0]), 3);
  // Within one call, records of one key apply in order.
  EXPECT_EQ(write("v", {record("k", 12, 4), record("k", 11, 5)}), 1);
  EXPECT_EQ(std::get<int64_t>(get("v", "k").values[0]), 4);
}

TEST_P(OnlineStoreTest, AnyOrderAndBatchingGiveTheSameLatestValues) {
  std::mt19937 random(7);
  std::vector<OnlineRecord> records;
  std::map<std::string, std::pair<int64_t, int64_t>> latest;  // key -> (event, n)
  for (int64_t n = 0; n < 3000; ++n) {
    const std::string key = numbered("e", static_cast<int64_t>(random() % 200));
    const auto event = static_cast<int64_t>(random() % 100000) * 1000 + n;  // distinct times
    records.push_back(record(key, event, n));
    auto& best = latest[key];
    if (best.second == 0 && best.first == 0) best = {event, n};
    if (event > best.first) best = {event, n};
  }
  std::shuffle(records.begin(), records.end(), random);
  for (size_t start = 0; start < records.size();) {
    const size_t size = 1 + random() % 700;
    const size_t end = std::min(records.size(), start + size);
    write("v", std::vector<OnlineRecord>(records.begin() + static_cast<long>(start),
                                         records.begin() + static_cast<long>(end)));
    start = end;
  }
  std::vector<std::string> keys;
  for (const auto& entry : latest) keys.push_back(entry.first);
  const std::vector<OnlineLookup> found = store_->read("v", keys, {});
  ASSERT_EQ(found.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(found[i].found) << keys[i];
    EXPECT_EQ(found[i].event_time_us, latest[keys[i]].first) << keys[i];
    EXPECT_EQ(std::get<int64_t>(found[i].values[0]), latest[keys[i]].second) << keys[i];
  }
  const auto info = store_->view("v");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->keys, static_cast<int64_t>(latest.size()));
  int64_t newest = 0;
  for (const auto& entry : latest) newest = std::max(newest, entry.second.first);
  EXPECT_EQ(info->latest_event_us, newest);
}

TEST_P(OnlineStoreTest, ManyKeysInOneCallKeepTheirOrder) {
  std::vector<OnlineRecord> records;
  for (int64_t n = 0; n < 100; n += 2) records.push_back(record(numbered("k", n), n, n));
  write("v", records);
  std::vector<std::string> keys;
  for (int n = 99; n >= 0; --n) keys.push_back(numbered("k", n));
  const auto found = store_->read("v", keys, {});
  ASSERT_EQ(found.size(), 100u);
  for (size_t i = 0; i < keys.size(); ++i) {
    const int n = 99 - static_cast<int>(i);
    EXPECT_EQ(found[i].found, n % 2 == 0) << keys[i];
    if (found[i].found) {
      EXPECT_EQ(std::get<int64_t>(found[i].values[0]), n);
    }
  }
}

TEST_P(OnlineStoreTest, AValueOlderThanTheTtlIsStale) {
  write("v", {record("k", 1'000'000, 1)});
  EXPECT_FALSE(get("v", "k", {.ttl_us = 500'000, .now_us = 1'400'000}).stale);
  EXPECT_FALSE(get("v", "k", {.ttl_us = 500'000, .now_us = 1'500'000}).stale);
  const OnlineLookup old = get("v", "k", {.ttl_us = 500'000, .now_us = 1'500'001});
  EXPECT_TRUE(old.found);
  EXPECT_TRUE(old.stale);
  EXPECT_FALSE(get("v", "k", {.ttl_us = 0, .now_us = 9'000'000'000}).stale);
}

TEST_P(OnlineStoreTest, ViewsRememberTheirDeclarationWatermarkAndLastMaterialization) {
  EXPECT_TRUE(store_->views().empty());
  OnlineViewSchema schema{"airport_delays", "airport", {"origin"}, kColumns, 3'600'000'000};
  store_->put_schema(schema);
  EXPECT_FALSE(store_->watermark("airport_delays").has_value());
  write("airport_delays", {record("ORD", 50, 1), record("SFO", 70, 2)});
  store_->set_watermark("airport_delays", 70);
  store_->record_materialization("airport_delays", {123, 10, 2, 0.25});
  const auto views = store_->views();
  ASSERT_EQ(views.size(), 1u);
  const OnlineViewInfo& info = views.front();
  EXPECT_EQ(info.schema.view, "airport_delays");
  EXPECT_EQ(info.schema.entity, "airport");
  EXPECT_EQ(info.schema.key_columns, std::vector<std::string>{"origin"});
  EXPECT_EQ(info.schema.columns, kColumns);
  EXPECT_EQ(info.schema.ttl_us, 3'600'000'000);
  EXPECT_EQ(info.keys, 2);
  EXPECT_EQ(info.latest_event_us, 70);
  EXPECT_EQ(info.watermark_us, 70);
  ASSERT_TRUE(info.last_materialization);
  EXPECT_EQ(info.last_materialization->finished_at_us, 123);
  EXPECT_EQ(info.last_materialization->rows_read, 10);
  EXPECT_EQ(info.last_materialization->keys_written, 2);
  EXPECT_EQ(info.last_materialization->seconds, 0.25);
  EXPECT_EQ(store_->watermark("airport_delays"), 70);
}

TEST_P(OnlineStoreTest, DeletingAViewKeepsTheOthers) {
  write("a", {record("k", 1, 1)});
  write("a:b", {record("k", 1, 2)});
  write("a*", {record("k", 1, 3)});
  store_->set_watermark("a", 1);
  store_->delete_view("a");
  EXPECT_FALSE(get("a", "k").found);
  EXPECT_FALSE(store_->view("a").has_value());
  EXPECT_FALSE(store_->watermark("a").has_value());
  EXPECT_EQ(std::get<int64_t>(get("a:b", "k").values[0]), 2);
  EXPECT_EQ(std::get<int64_t>(get("a*", "k").values[0]), 3);
  EXPECT_EQ(store_->views().size(), 2u);
}

TEST_P(OnlineStoreTest, CompoundKeysAndLargeBatches) {
  const std::vector<std::string> parts{"ORD", "2024"};
  const std::string key = entity_key_text(parts);
  EXPECT_EQ(key, std::string("ORD\x1f"
                             "2024"));
  std::vector<OnlineRecord> records;
  for (int64_t n = 0; n < 40'000; ++n) records.push_back(record(numbered("k", n), n, n));
  records.push_back(record(key, 5, 5));
  EXPECT_EQ(write("v", records), 40'001);
  EXPECT_EQ(store_->view("v")->keys, 40'001);
  EXPECT_EQ(std::get<int64_t>(get("v", "k39999").values[0]), 39'999);
  EXPECT_TRUE(get("v", key).found);
}

INSTANTIATE_TEST_SUITE_P(Backends, OnlineStoreTest,
                         ::testing::Values("sqlite", "redis", "postgresql"),
                         [](const auto& info) { return info.param; });

std::string network_error(const std::string& url) {
  Settings settings;
  settings.online_store_url = url;
  try {
    open_online_store(settings);
  } catch (const NetworkError& e) {
    return e.what();
  }
  return "<no NetworkError>";
}

TEST(RedisOnlineStore, AnUnreachableServerIsANetworkErrorWithoutThePassword) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  int port = 0;
  {
    testing::RedisServer server;
    port = server.port();
  }  // stopped: the port now refuses
  const std::string message =
      network_error("redis://:hunter22@127.0.0.1:" + std::to_string(port) + "/1");
  EXPECT_EQ(message, "online store redis://127.0.0.1:" + std::to_string(port) +
                         "/1: cannot connect: Connection refused");
  EXPECT_EQ(NetworkError("x").exit_code(), ExitCode::kIo);
}

TEST(RedisOnlineStore, AuthAndSelectComeFromTheUrl) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server("s3cret-pass");
  Settings settings;
  settings.online_store_url = server.url(3, "s3cret-pass");
  auto store = open_online_store(settings);
  store->write("v", kColumns, std::vector<OnlineRecord>{record("k", 1, 1)}, 1);
  EXPECT_TRUE(store->read_one("v", "k", {}).found);
  settings.online_store_url = server.url(4, "s3cret-pass");
  EXPECT_FALSE(open_online_store(settings)->read_one("v", "k", {}).found);  // another db
  const std::string wrong = network_error(server.url(3, "wrong-pass"));
  EXPECT_EQ(wrong, "online store redis://127.0.0.1:" + std::to_string(server.port()) +
                       "/3: authentication failed (check the password)");
  EXPECT_EQ(network_error(server.url(3)).find("NOAUTH") != std::string::npos, true);
}

TEST(RedisOnlineStore, AWriteScriptTheServerForgotIsLoadedAgain) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server;
  Settings settings;
  settings.online_store_url = server.url(1);
  auto store = open_online_store(settings);
  std::vector<OnlineRecord> records;
  for (int64_t n = 0; n < 2'500; ++n) records.push_back(record(numbered("k", n), 10, n));
  EXPECT_EQ(store->write("v", kColumns, records, 1), 2'500);
  // The server forgets its scripts (as after a restart): the next write loads it again.
  RedisClient admin(parse_redis_url(server.url(1), "test"));
  admin.command({"SCRIPT", "FLUSH"});
  records[7] = record("k7", 11, 700);  // newer
  records[8] = record("k8", 9, 800);   // older: never overwrites
  EXPECT_EQ(store->write("v", kColumns, records, 2), 2'499);
  EXPECT_EQ(std::get<int64_t>(store->read_one("v", "k7", {}).values[0]), 700);
  EXPECT_EQ(std::get<int64_t>(store->read_one("v", "k8", {}).values[0]), 8);
  EXPECT_EQ(store->view("v")->keys, 2'500);
}

TEST(RedisOnlineStore, ACorruptValueAmongManyKeysIsADataErrorNamingItsKey) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server;
  Settings settings;
  settings.online_store_url = server.url(1);
  auto store = open_online_store(settings);
  store->write("v", kColumns, std::vector<OnlineRecord>{record("a", 1, 1), record("c", 1, 3)}, 1);
  RedisClient admin(parse_redis_url(server.url(1), "test"));
  admin.command({"SET", "mlops:v:v:b", "not a value"});
  const std::vector<std::string> keys{"a", "b", "c"};
  try {
    store->read("v", keys, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()),
              "redis://127.0.0.1:" + std::to_string(server.port()) +
                  "/1: view v key b: not an online-store value written by this mlops (corrupt "
                  "or newer)");
  }
  const std::vector<std::string> good{"a", "c", "missing"};
  const std::vector<OnlineLookup> found = store->read("v", good, {});
  EXPECT_EQ(std::get<int64_t>(found[1].values[0]), 3);
  EXPECT_FALSE(found[2].found);
}

std::string url_error(std::string_view url) {
  try {
    parse_online_store_url(url);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

TEST(OnlineStoreUrl, SqliteAndRedisForms) {
  EXPECT_EQ(parse_online_store_url("sqlite:runs/online.db").path, "runs/online.db");
  EXPECT_EQ(parse_online_store_url("sqlite:///rel.db").path, "rel.db");
  EXPECT_EQ(parse_online_store_url("sqlite:////abs/o.db").path, "/abs/o.db");
  const auto redis = parse_online_store_url("redis://:pw@cache.internal:6380/2?timeout=0.5");
  EXPECT_EQ(redis.backend, OnlineStoreLocation::Backend::kRedis);
  EXPECT_EQ(redis.redis.host, "cache.internal");
  EXPECT_EQ(redis.redis.port, 6380);
  EXPECT_EQ(redis.redis.db, 2);
  EXPECT_EQ(redis.redis.password, "pw");
  EXPECT_EQ(redis.redis.command_timeout_s, 0.5);
  EXPECT_EQ(redis.redis.display(), "redis://cache.internal:6380/2");
  const auto user = parse_online_store_url("redis://app:pw@h").redis;
  EXPECT_EQ(user.user, "app");
  EXPECT_EQ(user.port, 6379);
  EXPECT_EQ(user.db, 0);
}

TEST(OnlineStoreUrl, MistakesNameTheKeyNeverThePassword) {
  EXPECT_EQ(url_error("redis://:pw@h:port/0"),
            "online_store.url: the Redis port must be a number from 1 to 65535, not 'port'");
  EXPECT_EQ(url_error("redis://:pw@h:1/x"),
            "online_store.url: the Redis database after '/' must be a number, not 'x'");
  EXPECT_EQ(url_error("redis://:pw@/0"),
            "online_store.url: a Redis URL names a host: redis://HOST:PORT/DB");
  EXPECT_EQ(url_error("redis://h?tls=1"),
            "online_store.url: unknown Redis URL parameter 'tls' (known: connect_timeout, "
            "timeout)");
  EXPECT_EQ(url_error("memcached://u:pw@h"),
            "online_store.url: expected sqlite:PATH, redis://[:PASSWORD@]HOST:PORT/DB or "
            "postgresql://USER@HOST:PORT/DB (no online store backend for scheme 'memcached')");
  EXPECT_EQ(url_error("online.db"),
            "online_store.url: expected sqlite:PATH, redis://[:PASSWORD@]HOST:PORT/DB or "
            "postgresql://USER@HOST:PORT/DB");
  EXPECT_EQ(url_error("postgresql://u:pw@h"),
            "online_store.url: a PostgreSQL URL names a host and a database: "
            "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB");
}

}  // namespace
}  // namespace mlops
