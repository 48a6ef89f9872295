#include "core/time_text.h"

#include <gtest/gtest.h>

namespace crm::core {
namespace {

TEST(TimeText, ChecksCalendarDates) {
  EXPECT_TRUE(CheckDate("2024-02-29").ok());
  EXPECT_TRUE(CheckDate("0001-01-01").ok());
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01",
                          "2024-01-01T00:00", "0000-01-01", "abcd-ef-gh"}) {
    EXPECT_FALSE(CheckDate(bad).ok()) << bad;
  }
}

TEST(TimeText, ParsesAndFormatsDateTimes) {
  EXPECT_EQ(*ParseDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseDateTime("2024-03-01T10:30:00+02:00"), 1709281800000000);
  EXPECT_EQ(*ParseDateTime("2024-03-01T08:30:00.000001Z"), 1709281800000001);
  EXPECT_EQ(FormatDateTime(1709281800000000), "2024-03-01T08:30:00Z");
  EXPECT_EQ(FormatDateTime(1709281800000001), "2024-03-01T08:30:00.000001Z");
  EXPECT_FALSE(ParseDateTime("2024-03-01").ok());
  EXPECT_FALSE(ParseDateTime("yesterday").ok());
  EXPECT_EQ(*DateToDateTime("2024-03-01"), 1709251200000000);
}

TEST(TimeText, DateTimesOutsideYearsOneToNineThousandAreRefused) {
  EXPECT_TRUE(CheckDateTime(kMinDateTimeUs).ok());
  EXPECT_TRUE(CheckDateTime(kMaxDateTimeUs).ok());
  EXPECT_FALSE(CheckDateTime(kMaxDateTimeUs + 1).ok());
  EXPECT_FALSE(CheckDateTime(INT64_MIN).ok());
}

}  // namespace
}  // namespace crm::core
