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

// Go's time.ParseDuration: a number has at most one '.', and at least one digit.
TEST(Duration, RefusesMalformedNumbers) {
  for (const char* bad : {"1.2.3s", "1..5s", ".s", "1h2.3.4m", "..1s"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d.has_value()) << bad << " parsed as " << d->count() << "ms";
    EXPECT_NE(d.error().message().find(bad), std::string::npos) << d.error().message();
    EXPECT_EQ(d.error().kind(), ErrorKind::Validation);
  }
  EXPECT_EQ(*parse_duration(".5s"), 500ms);
  EXPECT_EQ(*parse_duration("5.s"), 5s);
  EXPECT_EQ(*parse_duration("1h0.5m"), 1h + 30s);
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
