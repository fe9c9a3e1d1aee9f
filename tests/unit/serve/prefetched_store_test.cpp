#include "mlops/serve/prefetched_store.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

// A store that records the reads it is asked for and finds every key, event time 7.
class CountingStore final : public OnlineStore {
 public:
  std::vector<std::pair<std::string, size_t>> reads;  // view, keys

  std::string describe() const override { return "counting"; }
  void put_schema(const OnlineViewSchema&) override {}
  int64_t write(std::string_view, std::span<const OnlineColumn>, std::span<const OnlineRecord>,
                int64_t) override {
    return 0;
  }
  std::vector<OnlineLookup> read(std::string_view view, std::span<const std::string> keys,
                                 const LookupOptions&) override {
    reads.emplace_back(std::string(view), keys.size());
    std::vector<OnlineLookup> out(keys.size());
    for (OnlineLookup& lookup : out) {
      lookup.found = true;
      lookup.event_time_us = 7;
    }
    return out;
  }
  std::vector<OnlineViewInfo> views() override { return {}; }
  std::optional<OnlineViewInfo> view(std::string_view) override { return std::nullopt; }
  std::optional<int64_t> watermark(std::string_view) override { return 42; }
  void set_watermark(std::string_view, int64_t) override {}
  void record_materialization(std::string_view, const MaterializationRecord&) override {}
  void delete_view(std::string_view) override {}
};

TEST(PrefetchedStore, AnswersPrefetchedKeysWithoutTheInnerStore) {
  CountingStore inner;
  PrefetchedStore store(inner);
  OnlineLookup stale;
  stale.found = true;
  stale.stale = true;
  stale.event_time_us = 3;
  store.add("user_stats", "5", stale);
  store.add("user_stats", "6", OnlineLookup());  // prefetched as missing

  const OnlineLookup five = store.read_one("user_stats", "5", {});
  EXPECT_TRUE(five.found);
  EXPECT_TRUE(five.stale);
  EXPECT_EQ(five.event_time_us, 3);
  EXPECT_FALSE(store.read_one("user_stats", "6", {}).found);
  EXPECT_TRUE(inner.reads.empty());
  EXPECT_EQ(store.hits(), 2u);
}

TEST(PrefetchedStore, OtherViewsKeysAndCallsGoToTheInnerStore) {
  CountingStore inner;
  PrefetchedStore store(inner);
  store.add("user_stats", "5", OnlineLookup());
  // The same key of another view, another key, several keys at once: read from `inner`.
  EXPECT_EQ(store.read_one("user_score", "5", {}).event_time_us, 7);
  EXPECT_EQ(store.read_one("user_stats", "55", {}).event_time_us, 7);
  const std::vector<std::string> keys{"5", "6"};
  EXPECT_EQ(store.read("user_stats", keys, {}).size(), 2u);
  ASSERT_EQ(inner.reads.size(), 3u);
  EXPECT_EQ(inner.reads[0], std::make_pair(std::string("user_score"), size_t{1}));
  EXPECT_EQ(inner.reads[2], std::make_pair(std::string("user_stats"), size_t{2}));
  EXPECT_EQ(store.hits(), 0u);
  EXPECT_EQ(store.watermark("user_stats"), 42);
  EXPECT_EQ(store.describe(), "counting");
}

}  // namespace
}  // namespace mlops
