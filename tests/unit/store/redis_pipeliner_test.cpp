// store/redis/redis_pipeliner.h on a real redis-server (tests/support/redis_server.h): many
// threads' lookups over one shared connection, each answered with its own reply; errors; a
// server that goes away and comes back.

#include "mlops/store/redis/redis_pipeliner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "mlops/core/error.h"
#include "mlops/store/open_stores.h"
#include "mlops/store/redis/redis_online_store.h"
#include "support/optional_tool.h"
#include "support/redis_server.h"

namespace mlops {
namespace {

RedisLocation location_of(const testing::RedisServer& server, const std::string& password = "") {
  return parse_redis_url(server.url(0, password) + "?timeout=2&connect_timeout=1", "url");
}

std::string get(RedisPipeliner& redis, const std::string& key) {
  const std::vector<std::string_view> args{"GET", key};
  const RedisReply reply = redis.command(args);
  return reply->type == REDIS_REPLY_STRING ? std::string(reply->str, reply->len) : "(nil)";
}

TEST(RedisPipeliner, ConcurrentCallsEachGetTheirOwnReplyInSharedPipelines) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server;
  RedisClient writer(location_of(server));
  constexpr int kKeys = 500;
  for (int k = 0; k < kKeys; ++k) {
    writer.command({"SET", fmt::format("k{}", k), fmt::format("value of {}", k)});
  }
  RedisPipeliner redis(location_of(server));
  constexpr int kThreads = 16, kCalls = 1500;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&redis, &wrong, t] {
      for (int i = 0; i < kCalls; ++i) {
        const int k = (t * 7919 + i * 31) % (kKeys + 10);  // some keys absent
        const std::string expected = k < kKeys ? fmt::format("value of {}", k) : "(nil)";
        if (get(redis, fmt::format("k{}", k)) != expected) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  const RedisPipeliner::Stats stats = redis.stats();
  EXPECT_EQ(stats.calls, static_cast<uint64_t>(kThreads * kCalls));
  EXPECT_LT(stats.batches, stats.calls);  // concurrent calls shared round trips
}

TEST(RedisPipeliner, AnErrorReplyFailsOnlyItsOwnCall) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server;
  RedisClient writer(location_of(server));
  writer.command({"HSET", "h", "f", "v"});
  writer.command({"SET", "s", "text"});
  RedisPipeliner redis(location_of(server));
  try {
    get(redis, "h");
    FAIL() << "GET of a hash did not throw";
  } catch (const NetworkError& error) {
    EXPECT_EQ(std::string(error.what())
                  .rfind(fmt::format("online store redis://127.0.0.1:{}/0: GET failed: WRONGTYPE",
                                     server.port()),
                         0),
              0u)
        << error.what();
  }
  EXPECT_EQ(get(redis, "s"), "text");  // the connection is still good
}

TEST(RedisPipeliner, AServerThatGoesAwayFailsCallsQuicklyAndIsReconnectedWhenBack) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server("pw-secret");
  RedisPipeliner redis(location_of(server, "pw-secret"));
  RedisClient(location_of(server, "pw-secret")).command({"SET", "a", "1"});
  EXPECT_EQ(get(redis, "a"), "1");

  server.stop();
  std::atomic<int> failed{0}, answered{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        try {
          get(redis, "a");
          ++answered;
        } catch (const NetworkError& error) {
          const std::string message = error.what();
          if (message.find("pw-secret") == std::string::npos &&
              message.starts_with("online store redis://127.0.0.1:")) {
            ++failed;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 160);
  EXPECT_EQ(answered.load(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  server.restart();  // same port, empty
  RedisClient(location_of(server, "pw-secret")).command({"SET", "a", "2"});
  EXPECT_EQ(get(redis, "a"), "2");
}

TEST(RedisPipeliner, StoresSharingItReadTheirOwnKeys) {
  MLOPS_REQUIRE_TOOL(testing::RedisServer::available(), "redis-server");
  testing::RedisServer server;
  auto shared = std::make_shared<RedisPipeliner>(location_of(server));
  const std::vector<OnlineColumn> columns{{"n", DType::kInt64}};
  {
    std::unique_ptr<OnlineStore> store = open_redis_online_store(location_of(server));
    store->put_schema(
        {.view = "v", .entity = "e", .key_columns = {"id"}, .columns = columns, .ttl_us = 0});
    std::vector<OnlineRecord> records;
    for (int k = 0; k < 200; ++k) {
      records.push_back({.key = std::to_string(k),
                         .event_time_us = 1000 + k,
                         .values = {FeatureValue(int64_t{k * 3})}});
    }
    store->write("v", columns, records, 5000);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<OnlineStore> store = open_redis_online_store(location_of(server), shared);
      for (int i = 0; i < 300; ++i) {
        const int k = (t * 37 + i) % 210;
        const OnlineLookup found = store->read_one("v", std::to_string(k), {});
        const bool right = k < 200 ? found.found && found.event_time_us == 1000 + k &&
                                         std::get<int64_t>(found.values.at(0)) == k * 3
                                   : !found.found;
        if (!right) ++wrong;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(shared->stats().calls, 8u * 300u);
}

}  // namespace
}  // namespace mlops
