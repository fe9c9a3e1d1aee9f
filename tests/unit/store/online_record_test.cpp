#include "mlops/store/online_record.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "mlops/core/error.h"

namespace mlops {
namespace {

std::string u32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (8 * i));
  return out;
}

std::string u64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(value >> (8 * i));
  return out;
}

TEST(OnlineRecord, EncodingIsTheDocumentedLayoutAndDecodesBack) {
  const std::vector<OnlineColumn> columns{{"n", DType::kInt64},      {"x", DType::kFloat64},
                                          {"b", DType::kBool},       {"s", DType::kString},
                                          {"t", DType::kTimestamp},  {"z", DType::kInt64},
                                          {"missing", DType::kInt64}};
  for (const int64_t event : {int64_t{1'704'067'200'000'000}, int64_t{-5}, int64_t{0}}) {
    const OnlineRecord record{
        "k",
        event,
        {int64_t{-7}, 2.5, true, std::string("FR"), TimestampValue{42}, FeatureValue{}}};
    std::string bytes = "head";  // appends to what is there
    encode_online_value(columns, record, 99, bytes);
    const std::string expected = "head" + event_time_prefix(event) + u64(99) + u32(7) + u32(1) +
                                 "n" + '\x01' + u64(static_cast<uint64_t>(int64_t{-7})) + u32(1) +
                                 "x" + '\x02' + u64(std::bit_cast<uint64_t>(2.5)) + u32(1) + "b" +
                                 '\x03' + '\x01' + u32(1) + "s" + '\x04' + u32(2) + "FR" + u32(1) +
                                 "t" + '\x05' + u64(42) + u32(1) + "z" + '\0' + u32(7) + "missing" +
                                 '\0';
    EXPECT_EQ(bytes, expected);
    EXPECT_EQ(parse_event_time_prefix(std::string_view(bytes).substr(4, kEventPrefixBytes)), event);

    OnlineLookup lookup;
    decode_online_value(std::string_view(bytes).substr(4), "test", lookup);
    EXPECT_TRUE(lookup.found);
    EXPECT_EQ(lookup.event_time_us, event);
    EXPECT_EQ(lookup.write_time_us, 99);
    EXPECT_EQ(lookup.columns, (std::vector<std::string>{"n", "x", "b", "s", "t", "z", "missing"}));
    EXPECT_EQ(lookup.values,
              (std::vector<FeatureValue>{int64_t{-7}, 2.5, true, std::string("FR"),
                                         TimestampValue{42}, FeatureValue{}, FeatureValue{}}));
  }
  // Byte order is time order: the prefix compares as the times do.
  EXPECT_LT(event_time_prefix(-5), event_time_prefix(0));
  EXPECT_LT(event_time_prefix(0), event_time_prefix(1'704'067'200'000'000));
}

TEST(OnlineRecord, BytesOfAnotherVersionAreRefusedNamingTheValue) {
  const std::vector<OnlineColumn> columns{{"n", DType::kInt64}};
  std::string good;
  encode_online_value(columns, OnlineRecord{"k", 5, {int64_t{1}}}, 1, good);
  std::string bad_digit = good;
  bad_digit[3] = 'x';
  for (const std::string& bytes :
       {good.substr(0, good.size() - 1), good + "!", bad_digit, std::string("short")}) {
    OnlineLookup lookup;
    EXPECT_FALSE(try_decode_online_value(bytes, lookup));
    try {
      decode_online_value(bytes, "store: view v key k", lookup);
      FAIL();
    } catch (const DataError& e) {
      EXPECT_STREQ(e.what(),
                   "store: view v key k: not an online-store value written by this mlops "
                   "(corrupt or newer)");
    }
  }
  OnlineLookup lookup;
  EXPECT_TRUE(try_decode_online_value(good, lookup));
  EXPECT_EQ(lookup.values, std::vector<FeatureValue>{FeatureValue(int64_t{1})});
}

}  // namespace
}  // namespace mlops
