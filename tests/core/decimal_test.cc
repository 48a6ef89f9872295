#include "base/decimal.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace crm::core {
namespace {

TEST(Decimal, ParsesToScaledUnits) {
  EXPECT_EQ(*ParseDecimal("12.5", 2), 1250);
  EXPECT_EQ(*ParseDecimal("-0.05", 2), -5);
  EXPECT_EQ(*ParseDecimal("+7", 3), 7000);
  EXPECT_EQ(*ParseDecimal(".5", 1), 5);
  EXPECT_EQ(*ParseDecimal("12.500", 2), 1250);  // trailing zeros lose nothing
  EXPECT_EQ(*ParseDecimal("9223372036854775807", 0), INT64_MAX);
  EXPECT_EQ(*ParseDecimal("-9223372036854775808", 0), INT64_MIN);
}

TEST(Decimal, RefusesWhatWouldLoseOrOverflow) {
  EXPECT_EQ(RuleOf(ParseDecimal("1.005", 2).status()), "scale");
  EXPECT_EQ(RuleOf(ParseDecimal("9223372036854775808", 0).status()), "max");
  EXPECT_EQ(RuleOf(ParseDecimal("92233720368547758.08", 3).status()), "max");
  for (const char* bad :
       {"", "-", ".", "1.2.3", "1e5", "12,5", " 1", "0x10", "NaN"}) {
    EXPECT_EQ(RuleOf(ParseDecimal(bad, 2).status()), "format") << bad;
  }
}

TEST(Decimal, FormatsWithExactlyScaleDigits) {
  EXPECT_EQ(FormatDecimal(1250, 2), "12.50");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(7, 0), "7");
  EXPECT_EQ(FormatDecimal(INT64_MIN, 0), "-9223372036854775808");
  EXPECT_EQ(FormatDecimal(1, 9), "0.000000001");
}

TEST(Decimal, RoundTrips) {
  for (int64_t value : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{123456789},
                        INT64_MAX, INT64_MIN}) {
    for (int scale : {0, 2, 9}) {
      EXPECT_EQ(*ParseDecimal(FormatDecimal(value, scale), scale), value);
    }
  }
}

TEST(DecimalSum, WidensToTheLargestScaleSeen) {
  DecimalSum sum;
  EXPECT_TRUE(sum.empty());
  ASSERT_TRUE(sum.Add("12").ok());
  ASSERT_TRUE(sum.Add("0.5").ok());
  ASSERT_TRUE(sum.Add("-0.125").ok());
  ASSERT_TRUE(sum.Add("+1.10").ok());
  EXPECT_FALSE(sum.empty());
  EXPECT_EQ(sum.scale(), 3);
  EXPECT_EQ(FormatDecimal(sum.scaled(), sum.scale()), "13.475");
}

TEST(DecimalSum, RefusesWhatItCannotAddAndKeepsTheSum) {
  DecimalSum sum;
  ASSERT_TRUE(sum.Add("1.5").ok());
  EXPECT_EQ(RuleOf(sum.Add("\"abc\"")), "format");
  EXPECT_EQ(RuleOf(sum.Add("true")), "format");
  EXPECT_EQ(RuleOf(sum.Add("0.0000000001")), "scale");
  EXPECT_EQ(RuleOf(sum.Add("9223372036854775807")), "max");
  // Widening the sum itself past int64 also fails.
  DecimalSum wide;
  ASSERT_TRUE(wide.Add("922337203685477581").ok());
  EXPECT_EQ(RuleOf(wide.Add("0.01")), "max");
  EXPECT_EQ(wide.scale(), 0);
  EXPECT_EQ(FormatDecimal(sum.scaled(), sum.scale()), "1.5");
}

}  // namespace
}  // namespace crm::core
