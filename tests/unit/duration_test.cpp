#include <gtest/gtest.h>

#include "common/duration.h"

using namespace kadm;
using namespace std::chrono_literals;

TEST(Duration, ParsesGoForms) {
  EXPECT_EQ(*parse_duration("24h0m0s"), 24h);
  EXPECT_EQ(*parse_duration("24h"), 24h);
  EXPECT_EQ(*parse_duration("1.5h"), 90min);
  EXPECT_EQ(*parse_duration("300ms"), 300ms);
  EXPECT_EQ(*parse_duration("0"), 0ms);
  EXPECT_EQ(*parse_duration("4m0s"), 4min);
  EXPECT_FALSE(parse_duration("").has_value());
  EXPECT_FALSE(parse_duration("10").has_value());
  EXPECT_FALSE(parse_duration("3 days").has_value());
  EXPECT_FALSE(parse_duration("h").has_value());
}

TEST(Duration, FormatsLikeGo) {
  EXPECT_EQ(format_duration(24h), "24h0m0s");
  EXPECT_EQ(format_duration(4min), "4m0s");
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(8760h), "8760h0m0s");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(300ms), "300ms");
  EXPECT_EQ(format_duration(90s), "1m30s");
}

TEST(Duration, ShortHuman) {
  EXPECT_EQ(short_human_duration(23h + 59min), "23h");
  EXPECT_EQ(short_human_duration(364 * 24h), "364d");
  EXPECT_EQ(short_human_duration(9 * 365 * 24h + 300 * 24h), "9y");
  EXPECT_EQ(short_human_duration(-5s), "<invalid>");
}
