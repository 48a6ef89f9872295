#include "core/decimal.h"

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

}  // namespace
}  // namespace crm::core
