#include "mlops/core/time_format.h"

#include <gtest/gtest.h>

#include "mlops/core/time.h"

namespace mlops {
namespace {

TimestampFormat compiled(std::string_view pattern) {
  std::string error;
  std::optional<TimestampFormat> format = TimestampFormat::compile(pattern, error);
  EXPECT_TRUE(format.has_value()) << pattern << ": " << error;
  return format ? *format : *TimestampFormat::compile("%Y", error);
}

std::optional<int64_t> parsed(std::string_view pattern, std::string_view text) {
  return compiled(pattern).parse(text);
}

int64_t iso(std::string_view text) {
  return *parse_timestamp(text);
}

TEST(TimestampFormat, ReadsMonthNamesInAnyCaseWholeOrAbbreviated) {
  EXPECT_EQ(parsed("%b %d %Y", "Jan 05 2015"), iso("2015-01-05"));
  EXPECT_EQ(parsed("%b %d %Y", "sep 5 2015"), iso("2015-09-05"));
  EXPECT_EQ(parsed("%B %d, %Y", "September 30, 2015"), iso("2015-09-30"));
  EXPECT_EQ(parsed("%b %d %Y", "MAY  1 2020"), iso("2020-05-01"));  // a space matches a run
  EXPECT_EQ(parsed("%a %b %e %H:%M:%S %Y", "Thu Nov 12 08:05:09 2015"), iso("2015-11-12 08:05:09"));
}

TEST(TimestampFormat, ReadsNumericLayouts) {
  EXPECT_EQ(parsed("%d/%m/%Y", "31/12/1999"), iso("1999-12-31"));
  EXPECT_EQ(parsed("%m/%d/%y", "3/7/69"), iso("1969-03-07"));
  EXPECT_EQ(parsed("%D", "03/07/68"), iso("2068-03-07"));
  EXPECT_EQ(parsed("%Y%m%d%H%M%S", "20011231235959"), iso("2001-12-31 23:59:59"));
  EXPECT_EQ(parsed("%F %T", "2001-01-01 00:01:00"), iso("2001-01-01 00:01:00"));
  EXPECT_EQ(parsed("%Y-%j", "2000-366"), iso("2000-12-31"));
  EXPECT_EQ(parsed("%Y-%m-%d %H:%M:%S.%f", "2001-01-01 00:00:00.25"),
            iso("2001-01-01 00:00:00.25"));
  EXPECT_EQ(parsed("%I:%M %p %d.%m.%Y", "12:30 am 01.02.2003"), iso("2003-02-01 00:30:00"));
  EXPECT_EQ(parsed("%I:%M %p %d.%m.%Y", "1:30 PM 01.02.2003"), iso("2003-02-01 13:30:00"));
  EXPECT_EQ(parsed("%s", "978307260"), iso("2001-01-01 00:01:00"));
  EXPECT_EQ(parsed("%Y", "1982"), iso("1982-01-01"));
  EXPECT_EQ(parsed("%d%%%m%%%Y", "01%02%2003"), iso("2003-02-01"));
}

TEST(TimestampFormat, ConvertsOffsetsToUtc) {
  EXPECT_EQ(parsed("%Y-%m-%dT%H:%M:%S%z", "2001-01-01T02:01:00+0200"), iso("2001-01-01 00:01:00"));
  EXPECT_EQ(parsed("%Y-%m-%dT%H:%M:%S%z", "2001-01-01T00:01:00-01:30"), iso("2001-01-01 01:31:00"));
  EXPECT_EQ(parsed("%Y-%m-%dT%H:%M:%S%z", "2001-01-01T00:01:00Z"), iso("2001-01-01 00:01:00"));
}

TEST(TimestampFormat, RejectsTextThatDoesNotMatchOrIsImpossible) {
  const TimestampFormat format = compiled("%b %d %Y");
  for (const char* bad : {"2015-11-12", "Nov 12", "Nov 12 2015 x", "Foo 12 2015", "Feb 30 2015",
                          "Nov 0 2015", "Nov 32 2015", ""}) {
    EXPECT_EQ(format.parse(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(parsed("%b %d %Y", "Feb 29 2000"), iso("2000-02-29"));
  EXPECT_EQ(parsed("%Y-%j", "2001-366"), std::nullopt);
  EXPECT_EQ(parsed("%H:%M", "24:00"), std::nullopt);
  EXPECT_EQ(parsed("%I %p", "13 PM"), std::nullopt);
}

TEST(TimestampFormat, RefusesLayoutsItCannotRead) {
  std::string error;
  EXPECT_FALSE(TimestampFormat::compile("%Q %Y", error));
  EXPECT_EQ(error, "unknown directive '%Q'");
  EXPECT_FALSE(TimestampFormat::compile("%Y %", error));
  EXPECT_EQ(error, "ends with a lone '%' (write %% for a percent sign)");
  EXPECT_FALSE(TimestampFormat::compile("date", error));
  EXPECT_EQ(error, "has no date or time directive");
  EXPECT_FALSE(TimestampFormat::compile("%z", error));
}

}  // namespace
}  // namespace mlops
