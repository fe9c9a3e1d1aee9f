#include "mlops/core/time.h"

#include <gtest/gtest.h>

#include "mlops/core/suggest.h"
#include "mlops/core/value_parse.h"

namespace mlops {
namespace {

TEST(Time, ParsesDatesAndDateTimesAsUtcMicroseconds) {
  EXPECT_EQ(parse_timestamp("1970-01-01"), 0);
  EXPECT_EQ(parse_timestamp("2001-01-01 00:01:00"), int64_t{978307260} * 1'000'000);
  EXPECT_EQ(parse_timestamp("2001-01-01T00:01:00Z"), int64_t{978307260} * 1'000'000);
  EXPECT_EQ(parse_timestamp("2001-01-01T02:01:00+02:00"), int64_t{978307260} * 1'000'000);
  EXPECT_EQ(parse_timestamp("2001-01-01 00:01:00.25"), int64_t{978307260} * 1'000'000 + 250'000);
}

TEST(Time, RejectsMalformedAndImpossibleDates) {
  for (const char* bad : {"2001-02-29", "2001-13-01", "2001-1-01", "2001-01-01 25:00",
                          "2001-01-01x", "yesterday", ""}) {
    EXPECT_EQ(parse_timestamp(bad), std::nullopt) << bad;
  }
  EXPECT_NE(parse_timestamp("2000-02-29"), std::nullopt);
}

TEST(Time, FormatsRoundTrip) {
  for (const char* text :
       {"2001-01-01 00:01:00", "1969-12-31 23:59:59", "2024-02-29 12:00:00.000001"}) {
    EXPECT_EQ(format_timestamp(*parse_timestamp(text)), text);
  }
}

TEST(Time, CivilPartsMatchPandasConventions) {
  CivilTime t = civil_from_micros(*parse_timestamp("2001-06-03 17:45:00"));
  EXPECT_EQ(t.year, 2001);
  EXPECT_EQ(t.month, 6u);
  EXPECT_EQ(t.day, 3u);
  EXPECT_EQ(t.hour, 17u);
  EXPECT_EQ(t.day_of_week, 6u);  // Sunday; Monday = 0
  EXPECT_EQ(t.day_of_year, 154u);
  EXPECT_EQ(civil_from_micros(*parse_timestamp("1969-12-31")).day_of_week, 2u);  // Wednesday
}

TEST(ValueParse, WholeFieldMustParse) {
  EXPECT_EQ(parse_int64("-42"), -42);
  EXPECT_EQ(parse_int64("+7"), 7);
  EXPECT_EQ(parse_int64("4.0"), std::nullopt);
  EXPECT_EQ(parse_int64("12a"), std::nullopt);
  EXPECT_EQ(parse_double("1e-3"), 0.001);
  EXPECT_EQ(parse_double("3."), 3.0);
  EXPECT_EQ(parse_double("three"), std::nullopt);
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("yes"), std::nullopt);
}

TEST(Suggest, ClosestWithinATypoOrNothing) {
  EXPECT_EQ(did_you_mean("trian", {"train", "run", "ingest"}), " (did you mean 'train'?)");
  EXPECT_EQ(did_you_mean("xyzzy", {"train", "run"}), "");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

}  // namespace
}  // namespace mlops
