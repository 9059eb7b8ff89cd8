// Tests of date parsing for query values and event times (Elasticsearch's strict_date_optional_time||epoch_millis).
#include "runtime/common/dates.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

#include <ctime>

namespace rulec {
namespace {
namespace dates_test {

using rt::ValueKind;

using rulec::testing::utc;

TEST(Dates, DayAndItsRoundUp) {
  auto d = parse_date("2010-03-06");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->ms, utc(2010, 3, 6));
  EXPECT_EQ(d->round_up_ms, utc(2010, 3, 6, 23, 59, 59, 999));
  EXPECT_EQ(d->precision, DateUnit::Day);
}

TEST(Dates, YearAndMonthRoundUpKeepDayOne) {
  // Elasticsearch's round-up parser fills missing month/day with 1 and only the time with its maximum.
  auto y = parse_date("2010");
  ASSERT_TRUE(y);
  EXPECT_EQ(y->precision, DateUnit::Year);
  EXPECT_EQ(y->ms, utc(2010, 1, 1));
  EXPECT_EQ(y->round_up_ms, utc(2010, 1, 1, 23, 59, 59, 999));
  auto m = parse_date("2099-12");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->precision, DateUnit::Month);
  EXPECT_EQ(m->round_up_ms, utc(2099, 12, 1, 23, 59, 59, 999));
}

TEST(Dates, TimeComponentsAndPrecision) {
  auto h = parse_date("2014-05-30T20");
  EXPECT_EQ(h->ms, utc(2014, 5, 30, 20));
  EXPECT_EQ(h->round_up_ms, utc(2014, 5, 30, 20, 59, 59, 999));
  EXPECT_EQ(h->precision, DateUnit::Hour);
  auto mi = parse_date("2014-05-30T20:21");
  EXPECT_EQ(mi->round_up_ms, utc(2014, 5, 30, 20, 21, 59, 999));
  EXPECT_EQ(mi->precision, DateUnit::Minute);
  auto s = parse_date("2014-05-30T20:21:35");
  EXPECT_EQ(s->ms, utc(2014, 5, 30, 20, 21, 35));
  EXPECT_EQ(s->round_up_ms, utc(2014, 5, 30, 20, 21, 35, 999));
  auto ms = parse_date("2014-05-30T20:21:35.123");
  EXPECT_EQ(ms->ms, utc(2014, 5, 30, 20, 21, 35, 123));
  EXPECT_EQ(ms->round_up_ms, ms->ms);
  EXPECT_EQ(ms->precision, DateUnit::Milli);
  EXPECT_EQ(parse_date("2014-05-30T20:21:35.5")->ms, utc(2014, 5, 30, 20, 21, 35, 500));
  EXPECT_EQ(parse_date("2014-05-30T20:21:35,123456789")->ms, utc(2014, 5, 30, 20, 21, 35, 123));
  EXPECT_EQ(parse_date("2014-05-30T")->precision, DateUnit::Day);
}

TEST(Dates, Offsets) {
  const int64_t expect = utc(2014, 5, 30, 18, 21);
  EXPECT_EQ(parse_date("2014-05-30T20:21+02:00")->ms, expect);
  EXPECT_EQ(parse_date("2014-05-30T20:21+0200")->ms, expect);
  EXPECT_EQ(parse_date("2014-05-30T20:21+02")->ms, expect);
  EXPECT_EQ(parse_date("2014-05-30T18:21Z")->ms, expect);
  EXPECT_EQ(parse_date("2014-05-30T18:21-00:00")->ms, expect);
  EXPECT_EQ(parse_date("2014-05-30T13:51-04:30")->ms, expect);
  EXPECT_EQ(parse_date("2016-05-23T08:05:34.853Z")->ms, utc(2016, 5, 23, 8, 5, 34, 853));
  EXPECT_EQ(parse_date("2014-05-30T20:51+0230")->ms, expect);
  EXPECT_FALSE(parse_date("2014-05-30T20:21+02:"));
  EXPECT_FALSE(parse_date("2014-05-30T20:21+2"));
  EXPECT_FALSE(parse_date("2014-05-30T20:21+02:60"));
}

TEST(Dates, EpochMillis) {
  auto e = parse_date("1418248078000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->ms, utc(2014, 12, 10, 21, 47, 58));
  EXPECT_EQ(e->round_up_ms, e->ms);
  EXPECT_EQ(e->precision, DateUnit::Milli);
  EXPECT_EQ(parse_date("0")->ms, 0);
  EXPECT_EQ(parse_date("-1000")->ms, -1000);
  EXPECT_EQ(parse_date("1000.5")->ms, 1000);
  EXPECT_EQ(parse_date("123")->ms, 123);      // fewer than four digits: not a year
  EXPECT_EQ(parse_date("20200101")->ms, 20200101);
}

TEST(Dates, LeapDays) {
  EXPECT_EQ(parse_date("2012-02-29")->ms, utc(2012, 2, 29));
  EXPECT_TRUE(parse_date("2000-02-29"));
  EXPECT_FALSE(parse_date("2013-02-29"));
  EXPECT_FALSE(parse_date("1900-02-29"));
}

TEST(Dates, Rejected) {
  for (const char* bad : {"", "2014-13-01", "2014-00-10", "2014-02-30", "2014-5-30", "2014-05-30 20:21", "123bogus",
                          "2014-05-30T25", "2014-05-30T20:60", "2014-05-30T20:21:61", "2014-05-30T20:21:35.",
                          "2014-05-30T20:21:35.1234567890", "2014-05-30T20:21+25:00", "2014-05-30t20",
                          "92233720368547758070", "yesterday", "2014-05-30Z", "now"}) {
    EXPECT_FALSE(parse_date(bad)) << bad;
  }
}

TEST(Dates, CalendarHelpers) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1) * kDayMs, utc(2000, 3, 1));
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(1600, 2, 29) * kDayMs, utc(1600, 2, 29));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2023, 2), 28u);
  EXPECT_EQ(days_in_month(2023, 12), 31u);
  EXPECT_STREQ(to_string(DateUnit::Milli), "millisecond");
}

TEST(EventTime, IsoStrings) {
  // The forms Elastic Defend and Beats write.
  EXPECT_EQ(event_time_ms("2022-02-16T23:49:50.5022851Z", ValueKind::String), utc(2022, 2, 16, 23, 49, 50, 502));
  EXPECT_EQ(event_time_ms("2022-02-16T23:49:55Z", ValueKind::String), utc(2022, 2, 16, 23, 49, 55));
  EXPECT_EQ(event_time_ms("2022-02-16T23:49:55.123+01:00", ValueKind::String), utc(2022, 2, 16, 22, 49, 55, 123));
  EXPECT_EQ(event_time_ms("2022-02-16T23:49:55-0530", ValueKind::String), utc(2022, 2, 17, 5, 19, 55));
  EXPECT_EQ(event_time_ms("2022-02-16T23:49:55", ValueKind::String), utc(2022, 2, 16, 23, 49, 55));  // no zone: UTC
  EXPECT_EQ(event_time_ms("2022-02-16", ValueKind::String), utc(2022, 2, 16));
  EXPECT_EQ(event_time_ms("2022", ValueKind::String), utc(2022, 1, 1));  // four digits in a string: a year
}

TEST(EventTime, EpochMillisAsString) {
  EXPECT_EQ(event_time_ms("1645055390502", ValueKind::String), utc(2022, 2, 16, 23, 49, 50, 502));
  EXPECT_EQ(event_time_ms("0", ValueKind::String), 0);
  EXPECT_EQ(event_time_ms("1645055390502.9", ValueKind::String), 1645055390502);
  EXPECT_EQ(event_time_ms("-1", ValueKind::String), -1);
}

TEST(EventTime, EpochMillisAsNumber) {
  EXPECT_EQ(event_time_ms("1645055390502", ValueKind::Number), utc(2022, 2, 16, 23, 49, 50, 502));
  EXPECT_EQ(event_time_ms("2022", ValueKind::Number), 2022);  // a JSON number is always epoch millis
  EXPECT_EQ(event_time_ms("0", ValueKind::Number), 0);
  EXPECT_EQ(event_time_ms("1645055390502.75", ValueKind::Number), 1645055390502);
  EXPECT_EQ(event_time_ms("1645055390502.1234567", ValueKind::Number), 1645055390502);  // any fraction length
  EXPECT_EQ(event_time_ms("-1000", ValueKind::Number), -1000);
  EXPECT_EQ(event_time_ms("-1000.5", ValueKind::Number), -1001);  // floor: the earlier millisecond
  EXPECT_EQ(event_time_ms("1.6450553905e12", ValueKind::Number), 1645055390500);
  EXPECT_EQ(event_time_ms("16450553905E2", ValueKind::Number), 1645055390500);
}

TEST(EventTime, Rejected) {
  for (const char* bad : {"", " 2022-02-16", "2022-02-16T23:49:55Z ", "yesterday", "2022-02-30", "0x10", "1e3",
                          "2022-02-16T24:00", "99999999999999999999"}) {
    EXPECT_FALSE(event_time_ms(bad, ValueKind::String)) << bad;
  }
  for (const char* bad : {"", "-", "1.", ".5", "1e", "99999999999999999999", "1e300", "2022-02-16"}) {
    EXPECT_FALSE(event_time_ms(bad, ValueKind::Number)) << bad;
  }
  EXPECT_FALSE(event_time_ms("true", ValueKind::True));
  EXPECT_FALSE(event_time_ms("false", ValueKind::False));
  EXPECT_FALSE(event_time_ms("null", ValueKind::Null));
}

}  // namespace dates_test
}  // namespace
}  // namespace rulec
