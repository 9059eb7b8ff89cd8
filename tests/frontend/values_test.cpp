// Tests of typed value parsing against Elasticsearch's documented and source-level behaviour.
#include "compiler/frontend/values.h"

#include <gtest/gtest.h>

#include "common/time_util.h"

#include <cmath>
#include <ctime>
#include <limits>

namespace rulec {
namespace {
namespace values_test {

using kql::RangeOp;

using rulec::testing::utc;

int64_t math(std::string_view text, int64_t now = 0, bool up = false) {
  auto v = parse_date_math(text, now, up);
  EXPECT_TRUE(v.has_value()) << text;
  return v.value_or(-1);
}

// ---- numbers

TEST(Numbers, Integers) {
  auto n = parse_number("1234");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->is_int);
  EXPECT_EQ(n->i, 1234);
  EXPECT_EQ(n->d, 1234.0);
  EXPECT_FALSE(n->has_fraction);
  EXPECT_EQ(parse_number("-42")->i, -42);
  EXPECT_EQ(parse_number("+7")->i, 7);
  EXPECT_EQ(parse_number("070")->i, 70);  // KQL keeps "070" a string; as a number it is decimal 70
}

TEST(Numbers, DecimalsAndExponents) {
  EXPECT_TRUE(parse_number("1.5")->has_fraction);
  EXPECT_DOUBLE_EQ(parse_number("1.5")->d, 1.5);
  EXPECT_EQ(parse_number("1.5")->i, 1);  // truncated toward zero
  EXPECT_EQ(parse_number("-1.5")->i, -1);
  EXPECT_EQ(parse_number("1e3")->i, 1000);
  EXPECT_FALSE(parse_number("1e3")->has_fraction);
  EXPECT_EQ(parse_number("2.5E+1")->i, 25);
  EXPECT_DOUBLE_EQ(parse_number("25e-1")->d, 2.5);
  EXPECT_DOUBLE_EQ(parse_number(".5")->d, 0.5);
  EXPECT_DOUBLE_EQ(parse_number("5.")->d, 5.0);
  EXPECT_TRUE(parse_number("5.")->is_int);
}

TEST(Numbers, JavaDoubleLeniency) {
  // Double.parseDouble trims whitespace and accepts a type suffix: valid, but not BigDecimal syntax.
  auto t = parse_number(" 12\t");
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->d, 12);
  EXPECT_FALSE(t->plain);
  EXPECT_FALSE(t->is_int);
  auto f = parse_number("1.5f");
  ASSERT_TRUE(f);
  EXPECT_DOUBLE_EQ(f->d, 1.5);
  EXPECT_FALSE(f->plain);
  EXPECT_TRUE(std::isnan(parse_number("NaN")->d));
  EXPECT_TRUE(parse_number("NaN")->has_fraction);
  EXPECT_EQ(parse_number("-Infinity")->d, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_number("1e400")->d, std::numeric_limits<double>::infinity());
  EXPECT_EQ(parse_number("1e-400")->d, 0.0);
}

TEST(Numbers, Rejected) {
  for (const char* bad : {"", " ", "abc", "1a", "1e", "1e+", "--1", "+-1", ".", "e5", "1,5", "0x10", "nan", "inf",
                          "1.2.3", "1 2", "١٢"}) {
    EXPECT_FALSE(parse_number(bad)) << bad;
  }
  EXPECT_FALSE(parse_double("twelve"));
  EXPECT_DOUBLE_EQ(*parse_double("12.25"), 12.25);
}

TEST(Numbers, ExactLongs) {
  auto max = parse_number("9223372036854775807");
  ASSERT_TRUE(max);
  EXPECT_TRUE(max->is_int);
  EXPECT_EQ(max->i, std::numeric_limits<int64_t>::max());
  auto min = parse_number("-9223372036854775808");
  EXPECT_TRUE(min->is_int);
  EXPECT_EQ(min->i, std::numeric_limits<int64_t>::min());
  auto over = parse_number("9223372036854775808");
  EXPECT_FALSE(over->is_int);
  EXPECT_TRUE(over->int_overflow);
  EXPECT_EQ(parse_number("9007199254740993")->i, 9007199254740993);  // 2^53 + 1: not a double
  // The double has no fraction (1.0), so Elasticsearch treats it as integral; BigDecimal truncates.
  auto tiny = parse_number("1.0000000000000000001");
  EXPECT_FALSE(tiny->has_fraction);
  EXPECT_EQ(tiny->i, 1);
}

TEST(NumericTerm, LongField) {
  auto v = numeric_term(FieldType::Long, "42");
  EXPECT_EQ(v.outcome, NumericOutcome::Value);
  EXPECT_TRUE(v.is_int);
  EXPECT_EQ(v.i, 42);
  EXPECT_EQ(numeric_term(FieldType::Long, "1.5").outcome, NumericOutcome::MatchNone);  // "has a decimal part"
  EXPECT_EQ(numeric_term(FieldType::Long, "abc").outcome, NumericOutcome::Error);
  EXPECT_EQ(numeric_term(FieldType::Long, " 1").outcome, NumericOutcome::Error);  // BigDecimal rejects it
  EXPECT_EQ(numeric_term(FieldType::Long, "1e2").i, 100);
  EXPECT_EQ(numeric_term(FieldType::Long, "99999999999999999999").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_term(FieldType::Long, "NaN").outcome, NumericOutcome::MatchNone);
}

TEST(NumericTerm, IntegerFields) {
  EXPECT_EQ(numeric_term(FieldType::Integer, " 1").i, 1);  // goes through Double.parseDouble only
  EXPECT_EQ(numeric_term(FieldType::Integer, "3000000000").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_term(FieldType::Byte, "128").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_term(FieldType::Short, "-32768").i, -32768);
  EXPECT_EQ(numeric_term(FieldType::Integer, "7.25").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_term(FieldType::Integer, "x").outcome, NumericOutcome::Error);
}

TEST(NumericTerm, FloatingFields) {
  auto d = numeric_term(FieldType::Double, "1.5");
  EXPECT_EQ(d.outcome, NumericOutcome::Value);
  EXPECT_FALSE(d.is_int);
  EXPECT_DOUBLE_EQ(d.d, 1.5);
  EXPECT_EQ(numeric_term(FieldType::Double, "Infinity").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_term(FieldType::Float, "0.1").d, static_cast<double>(0.1f));
  EXPECT_EQ(numeric_term(FieldType::Float, "1e39").outcome, NumericOutcome::MatchNone);  // float overflow
  EXPECT_EQ(numeric_term(FieldType::Keyword, "1").outcome, NumericOutcome::Error);
}

TEST(NumericRange, LongBoundsRoundInward) {
  // longRangeQuery: a decimal lower bound rounds up when positive, an upper bound down when negative.
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Gt, "1.5").i, 2);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Ge, "1.5").i, 2);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Ge, "-1.5").i, -1);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Lt, "1.5").i, 1);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Le, "-1.5").i, -2);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Gt, "5").i, 6);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Ge, "5").i, 5);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Lt, "5").i, 4);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Le, "5").i, 5);
}

TEST(NumericRange, ErrorsAndEmptyBounds) {
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Gt, "abc").outcome, NumericOutcome::Error);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Gt, "1e30").outcome, NumericOutcome::Error);
  EXPECT_EQ(numeric_range_bound(FieldType::Integer, RangeOp::Lt, "3000000000").outcome, NumericOutcome::Error);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Gt, "9223372036854775807").outcome, NumericOutcome::MatchNone);
  EXPECT_EQ(numeric_range_bound(FieldType::Long, RangeOp::Lt, "-9223372036854775808").outcome, NumericOutcome::MatchNone);
}

TEST(NumericRange, FloatingBounds) {
  auto gt = numeric_range_bound(FieldType::Double, RangeOp::Gt, "1");
  EXPECT_GT(gt.d, 1.0);
  EXPECT_EQ(gt.d, std::nextafter(1.0, 2.0));
  EXPECT_EQ(numeric_range_bound(FieldType::Double, RangeOp::Le, "1").d, 1.0);
  auto lt = numeric_range_bound(FieldType::Float, RangeOp::Lt, "1");
  EXPECT_EQ(lt.d, static_cast<double>(std::nextafter(1.0f, 0.0f)));
}

// ---- IP addresses and CIDR blocks

TEST(Ip, V4) {
  auto ip = parse_ip("10.0.0.1");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->to_string(), "10.0.0.1");
  EXPECT_TRUE(parse_ip("0.0.0.0"));
  EXPECT_TRUE(parse_ip("255.255.255.255"));
}

TEST(Ip, V6AndMappedForms) {
  auto lo = parse_ip("::1");
  ASSERT_TRUE(lo);
  EXPECT_FALSE(lo->is_v4());
  EXPECT_EQ(lo->to_string(), "::1");
  EXPECT_EQ(*parse_ip("2001:DB8::1"), *parse_ip("2001:db8:0:0:0:0:0:1"));
  EXPECT_EQ(*parse_ip("::ffff:10.0.0.1"), *parse_ip("10.0.0.1"));  // Lucene indexes IPv4 as mapped IPv6
  EXPECT_TRUE(parse_ip("::ffff:10.0.0.1")->is_v4());
  EXPECT_LT(*parse_ip("10.0.0.1"), *parse_ip("10.0.0.2"));
}

TEST(Ip, Rejected) {
  for (const char* bad : {"", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "abc",
                          "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "::1::", "10.0.0.0/8", "10.0.*"}) {
    EXPECT_FALSE(parse_ip(bad)) << bad;
  }
}

TEST(Cidr, V4) {
  auto c = parse_cidr("10.0.0.0/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 104);
  EXPECT_TRUE(c->contains(*parse_ip("10.1.2.3")));
  EXPECT_TRUE(c->contains(*parse_ip("10.255.255.255")));
  EXPECT_FALSE(c->contains(*parse_ip("11.0.0.0")));
  EXPECT_FALSE(c->contains(*parse_ip("::a00:1")));  // IPv6, not the mapped IPv4 10.0.0.1
  auto host_bits = parse_cidr("192.168.1.77/24");  // host bits are ignored
  ASSERT_TRUE(host_bits);
  EXPECT_TRUE(host_bits->contains(*parse_ip("192.168.1.1")));
  EXPECT_FALSE(host_bits->contains(*parse_ip("192.168.2.1")));
  auto all = parse_cidr("0.0.0.0/0");
  EXPECT_TRUE(all->contains(*parse_ip("8.8.8.8")));
  EXPECT_FALSE(all->contains(*parse_ip("::1")));
  EXPECT_TRUE(parse_cidr("10.0.0.1/32")->contains(*parse_ip("10.0.0.1")));
  EXPECT_FALSE(parse_cidr("10.0.0.1/32")->contains(*parse_ip("10.0.0.2")));
}

TEST(Cidr, V6) {
  auto one = parse_cidr("::1/128");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains(*parse_ip("::1")));
  EXPECT_FALSE(one->contains(*parse_ip("::2")));
  auto net = parse_cidr("2001:db8::/32");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(net->contains(*parse_ip("2001:db9::1")));
  EXPECT_TRUE(parse_cidr("fe80::/10")->contains(*parse_ip("febf::1")));
  EXPECT_FALSE(parse_cidr("fe80::/10")->contains(*parse_ip("fec0::1")));
}

TEST(Cidr, Rejected) {
  for (const char* bad : {"10.0.0.0", "10.0.0.0/", "/8", "10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/8/9",
                          "10.0.0.0/a", "::ffff:10.0.0.0/104", "10.0.0/8", "10.0.0.0/ 8"}) {
    EXPECT_FALSE(parse_cidr(bad)) << bad;
  }
}

// ---- dates

// parse_date itself is tested in tests/runtime/dates_test.cpp.

TEST(DateMath, ArithmeticFromElasticsearchTests) {
  EXPECT_EQ(math("2014-11-18||+y"), utc(2015, 11, 18));
  EXPECT_EQ(math("2014-11-18||-2y"), utc(2012, 11, 18));
  EXPECT_EQ(math("2014-11-18||+3M"), utc(2015, 2, 18));
  EXPECT_EQ(math("2014-11-18||-M"), utc(2014, 10, 18));
  EXPECT_EQ(math("2014-11-18||+1w"), utc(2014, 11, 25));
  EXPECT_EQ(math("2014-11-18||-3w"), utc(2014, 10, 28));
  EXPECT_EQ(math("2014-11-18||+22d"), utc(2014, 12, 10));
  EXPECT_EQ(math("2014-11-18||-423d"), utc(2013, 9, 21));
  EXPECT_EQ(math("2014-11-18T14||+13h"), utc(2014, 11, 19, 3));
  EXPECT_EQ(math("2014-11-18T14||-1H"), utc(2014, 11, 18, 13));
  EXPECT_EQ(math("2014-11-18T14:27||+10240m"), utc(2014, 11, 25, 17, 7));
  EXPECT_EQ(math("2014-11-18T14:27:32||-3600s"), utc(2014, 11, 18, 13, 27, 32));
  EXPECT_EQ(math("2014-11-18||+1M-1m"), utc(2014, 12, 17, 23, 59));
  EXPECT_EQ(math("2014-11-18||+1M/M+1h"), utc(2014, 12, 1, 1));
  EXPECT_EQ(math("2014-05-30T20:21||"), utc(2014, 5, 30, 20, 21));  // empty math is allowed
  EXPECT_EQ(math("1418248078000||/m"), utc(2014, 12, 10, 21, 47));
}

TEST(DateMath, MonthEndsClamp) {
  EXPECT_EQ(math("2014-01-31||+1M"), utc(2014, 2, 28));
  EXPECT_EQ(math("2012-02-29||+1y"), utc(2013, 2, 28));
  EXPECT_EQ(math("2014-03-31||-1M"), utc(2014, 2, 28));
}

TEST(DateMath, Now) {
  const int64_t now = utc(2014, 11, 18, 14, 27, 32);
  EXPECT_EQ(math("now", now), now);
  EXPECT_EQ(math("now+M", now), utc(2014, 12, 18, 14, 27, 32));
  EXPECT_EQ(math("now-2d", now), utc(2014, 11, 16, 14, 27, 32));
  EXPECT_EQ(math("now/m", now), utc(2014, 11, 18, 14, 27));
  EXPECT_EQ(math("now-1d/d", now), utc(2014, 11, 17));
  // Without a rounding step, rounding up changes nothing.
  EXPECT_EQ(math("now-1d", now, true), utc(2014, 11, 17, 14, 27, 32));
}

TEST(DateMath, ExplicitRounding) {
  EXPECT_EQ(math("2014-11-18||/y"), utc(2014, 1, 1));
  EXPECT_EQ(math("2014-11-18||/y", 0, true), utc(2014, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18||/M"), utc(2014, 11, 1));
  EXPECT_EQ(math("2014-11-18||/M", 0, true), utc(2014, 11, 30, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11||/M", 0, true), utc(2014, 11, 30, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18T14||/w"), utc(2014, 11, 17));  // weeks start on Monday
  EXPECT_EQ(math("2014-11-23T14||/w"), utc(2014, 11, 17));  // a Sunday
  EXPECT_EQ(math("2014-11-17T14||/w"), utc(2014, 11, 17));  // a Monday
  EXPECT_EQ(math("2014-11-18T14||/w", 0, true), utc(2014, 11, 23, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18T14||/d", 0, true), utc(2014, 11, 18, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18T14:27||/h"), utc(2014, 11, 18, 14));
  EXPECT_EQ(math("2014-11-18T14:27||/H", 0, true), utc(2014, 11, 18, 14, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18T14:27:32||/m", 0, true), utc(2014, 11, 18, 14, 27, 59, 999));
  EXPECT_EQ(math("2014-11-18T14:27:32.123||/s"), utc(2014, 11, 18, 14, 27, 32));
  EXPECT_EQ(math("2014-11-18T14:27:32.123||/s", 0, true), utc(2014, 11, 18, 14, 27, 32, 999));
  EXPECT_EQ(math("1969-12-31T23:59:59.500||/s"), utc(1969, 12, 31, 23, 59, 59));  // before the epoch
}

TEST(DateMath, PlainDatesUseImplicitRounding) {
  EXPECT_EQ(math("2014-11-18"), utc(2014, 11, 18));
  EXPECT_EQ(math("2014-11-18", 0, true), utc(2014, 11, 18, 23, 59, 59, 999));
  EXPECT_EQ(math("2014-11-18T09:20", 0, true), utc(2014, 11, 18, 9, 20, 59, 999));
  // The date before `||` is parsed without rounding up.
  EXPECT_EQ(math("2014-11-18||+1d", 0, true), utc(2014, 11, 19));
}

TEST(DateMath, Rejected) {
  for (const char* bad : {"2014-11-18||*5", "2014-11-18||/2m", "2014-11-18||+2a", "2014-11-18||+12", "2014-11-18||-",
                          "now-", "nowx", "now-1q", "now - 1d", "now-99999999999d", "bogus||+1d", "||+1d", "NOW"}) {
    EXPECT_FALSE(parse_date_math(bad, 0, false)) << bad;
  }
}

TEST(DateMath, EqualityCoversTheRoundingPeriod) {
  auto day = date_equality("2010-03-06", 0);
  ASSERT_TRUE(day);
  EXPECT_EQ(day->lo, utc(2010, 3, 6));
  EXPECT_EQ(day->hi, utc(2010, 3, 6, 23, 59, 59, 999));
  auto exact = date_equality("2010-03-06T10:00:00.000Z", 0);
  EXPECT_EQ(exact->lo, exact->hi);
  const int64_t now = utc(2020, 6, 15, 12);
  auto today = date_equality("now/d", now);
  EXPECT_EQ(today->lo, utc(2020, 6, 15));
  EXPECT_EQ(today->hi, utc(2020, 6, 15, 23, 59, 59, 999));
  EXPECT_FALSE(date_equality("not a date", 0));
}

TEST(DateMath, RangeBoundsFollowTheDocumentedRounding) {
  // The range query documentation's 2014-11-18||/M examples.
  auto gt = date_range_bound(RangeOp::Gt, "2014-11-18||/M", 0);
  EXPECT_EQ(gt->lo, utc(2014, 12, 1));
  EXPECT_EQ(gt->hi, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(date_range_bound(RangeOp::Ge, "2014-11-18||/M", 0)->lo, utc(2014, 11, 1));
  EXPECT_EQ(date_range_bound(RangeOp::Lt, "2014-11-18||/M", 0)->hi, utc(2014, 10, 31, 23, 59, 59, 999));
  EXPECT_EQ(date_range_bound(RangeOp::Le, "2014-11-18||/M", 0)->hi, utc(2014, 11, 30, 23, 59, 59, 999));
  EXPECT_EQ(date_range_bound(RangeOp::Gt, "2014-11-18", 0)->lo, utc(2014, 11, 19));
  EXPECT_EQ(date_range_bound(RangeOp::Lt, "2014-11-18", 0)->hi, utc(2014, 11, 17, 23, 59, 59, 999));
  EXPECT_FALSE(date_range_bound(RangeOp::Ge, "2014-11-18||+", 0));
}

// ---- booleans

TEST(Booleans, OnlyTrueAndFalse) {
  EXPECT_EQ(parse_bool("true"), std::optional<bool>(true));
  EXPECT_EQ(parse_bool("false"), std::optional<bool>(false));
  for (const char* bad : {"", "True", "FALSE", "1", "0", " true", "yes", "t"}) EXPECT_FALSE(parse_bool(bad)) << bad;
}

}  // namespace values_test
}  // namespace
}  // namespace rulec
