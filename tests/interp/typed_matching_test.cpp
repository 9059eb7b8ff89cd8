// Reference evaluator, typed fields: numbers, booleans, IP addresses and CIDR blocks, dates and date math, ranges.
#include <gtest/gtest.h>

#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace typed_matching_test {

class Numbers : public ::testing::TestWithParam<Case> {};
TEST_P(Numbers, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// Numeric fields: the query value is read as a number (values.h numeric_term / numeric_range_bound);
// document numbers and numeric strings are coerced (integer types truncate toward zero).
INSTANTIATE_TEST_SUITE_P(Interp, Numbers, ::testing::Values(
    Case{"equal", "process.pid:42", R"({"process":{"pid":42}})", true},
    Case{"not_equal", "process.pid:43", R"({"process":{"pid":42}})", false},
    Case{"quoted_query_is_number", "process.pid:\"42\"", R"({"process":{"pid":42}})", true},
    Case{"string_doc_is_number", "process.pid:42", R"({"process":{"pid":"42"}})", true},
    Case{"query_1_0_equals_1", "process.pid:42.0", R"({"process":{"pid":42}})", true},
    Case{"query_with_fraction_on_long", "process.pid:42.5", R"({"process":{"pid":42}})", false},
    Case{"doc_fraction_truncated_on_long", "process.pid:42", R"({"process":{"pid":42.9}})", true},
    Case{"doc_fraction_string_truncated", "process.pid:42", R"({"process":{"pid":"42.9"}})", true},
    Case{"doc_negative_fraction_truncated", "process.exit_code:-1", R"({"process":{"exit_code":-1.7}})", true},
    Case{"leading_zero_query", "process.pid:042", R"({"process":{"pid":42}})", true},
    Case{"exponent_query", "process.pid:4.2e1", R"({"process":{"pid":42}})", true},
    Case{"exponent_doc", "process.pid:4200", R"({"process":{"pid":4.2e3}})", true},
    Case{"negative", "process.exit_code:-1", R"({"process":{"exit_code":-1}})", true},
    Case{"query_not_a_number", "process.pid:abc", R"({"process":{"pid":42}})", false},
    Case{"doc_not_a_number_missing", "process.pid:*", R"({"process":{"pid":"abc"}})", false},
    Case{"doc_not_a_number_negated", "not process.pid:42", R"({"process":{"pid":"abc"}})", true},
    Case{"wildcard_query_never", "process.pid:4*", R"({"process":{"pid":42}})", false},
    Case{"zero_exists", "process.pid:*", R"({"process":{"pid":0}})", true},
    Case{"double_equal", "test.double:1.5", R"({"test":{"double":1.5}})", true},
    Case{"double_int_query", "test.double:1", R"({"test":{"double":1.0}})", true},
    Case{"double_string_forms", "test.double:\"1.50\"", R"({"test":{"double":"1.5"}})", true},
    Case{"double_fraction_differs", "test.double:1.5", R"({"test":{"double":1.25}})", false},
    Case{"float_rounded_both_sides", "event.risk_score:0.1", R"({"event":{"risk_score":0.1}})", true},
    Case{"float_integer", "event.risk_score:47", R"({"event":{"risk_score":47}})", true},
    Case{"integer_field", "test.int:7", R"({"test":{"int":7}})", true},
    Case{"byte_query_out_of_range", "test.byte:200", R"({"test":{"byte":100}})", false},
    Case{"byte_doc_out_of_range_missing", "test.byte:*", R"({"test":{"byte":200}})", false},
    Case{"byte_doc_in_range", "test.byte:*", R"({"test":{"byte":100}})", true},
    Case{"short_doc_out_of_range", "test.short:*", R"({"test":{"short":40000}})", false},
    Case{"unsigned_long", "test.ulong:5", R"({"test":{"ulong":5}})", true},
    Case{"array_any", "process.pid:2", R"({"process":{"pid":[1,2,3]}})", true},
    Case{"range_gt", "process.pid > 10", R"({"process":{"pid":11}})", true},
    Case{"range_gt_excludes", "process.pid > 10", R"({"process":{"pid":10}})", false},
    Case{"range_ge", "process.pid >= 10", R"({"process":{"pid":10}})", true},
    Case{"range_lt", "process.pid < 10", R"({"process":{"pid":9}})", true},
    Case{"range_lt_excludes", "process.pid < 10", R"({"process":{"pid":10}})", false},
    Case{"range_le", "process.pid <= 10", R"({"process":{"pid":10}})", true},
    Case{"range_numeric_not_lexicographic", "process.pid > 9", R"({"process":{"pid":10}})", true},
    Case{"range_string_doc", "process.pid >= 100", R"({"process":{"pid":"100"}})", true},
    Case{"range_decimal_bound_rounds_up", "process.pid > 1.5", R"({"process":{"pid":2}})", true},
    Case{"range_decimal_bound_excludes", "process.pid > 1.5", R"({"process":{"pid":1}})", false},
    Case{"range_decimal_upper", "process.pid < 1.5", R"({"process":{"pid":1}})", true},
    Case{"range_double_exclusive", "test.double > 1.5", R"({"test":{"double":1.5}})", false},
    Case{"range_double_above", "test.double > 1.5", R"({"test":{"double":1.5000001}})", true},
    Case{"range_quoted_bound", "process.pid < \"10\"", R"({"process":{"pid":9}})", true},
    Case{"range_any_array_value", "process.pid > 5", R"({"process":{"pid":[1,10]}})", true},
    Case{"ranges_on_different_values", "process.pid > 5 and process.pid < 3", R"({"process":{"pid":[1,10]}})", true},
    Case{"range_missing", "process.pid > 5", R"({"process":{"name":"x"}})", false},
    Case{"range_not_a_number_bound", "process.pid > abc", R"({"process":{"pid":42}})", false},
    Case{"range_null_bound_unbounded", "process.pid > null", R"({"process":{"pid":42}})", true},
    Case{"range_null_bound_needs_value", "process.pid > null", R"({"process":{"name":"x"}})", false}),
    case_name);

class Booleans : public ::testing::TestWithParam<Case> {};
TEST_P(Booleans, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Interp, Booleans, ::testing::Values(
    Case{"true", "process.interactive:true", R"({"process":{"interactive":true}})", true},
    Case{"false_vs_true", "process.interactive:false", R"({"process":{"interactive":true}})", false},
    Case{"false", "process.interactive:false", R"({"process":{"interactive":false}})", true},
    Case{"string_doc", "process.interactive:true", R"({"process":{"interactive":"true"}})", true},
    Case{"quoted_query", "process.interactive:\"true\"", R"({"process":{"interactive":true}})", true},
    Case{"empty_string_doc_is_false", "process.interactive:false", R"({"process":{"interactive":""}})", true},
    Case{"query_not_boolean", "process.interactive:yes", R"({"process":{"interactive":true}})", false},
    Case{"query_capitalised", "process.interactive:True", R"({"process":{"interactive":true}})", false},
    Case{"doc_not_boolean_missing", "process.interactive:*", R"({"process":{"interactive":"yes"}})", false},
    Case{"doc_number_missing", "process.interactive:*", R"({"process":{"interactive":1}})", false},
    Case{"false_exists", "process.interactive:*", R"({"process":{"interactive":false}})", true},
    Case{"not_false_when_missing", "not process.interactive:false", R"({})", true},
    Case{"array_both", "process.interactive:(true and false)", R"({"process":{"interactive":[true,false]}})", true}),
    case_name);

class Ips : public ::testing::TestWithParam<Case> {};
TEST_P(Ips, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Interp, Ips, ::testing::Values(
    Case{"v4_equal", "source.ip:10.0.0.1", R"({"source":{"ip":"10.0.0.1"}})", true},
    Case{"v4_not_equal", "source.ip:10.0.0.1", R"({"source":{"ip":"10.0.0.2"}})", false},
    Case{"v4_cidr", "source.ip:10.0.0.0/8", R"({"source":{"ip":"10.1.2.3"}})", true},
    Case{"v4_cidr_outside", "source.ip:10.0.0.0/8", R"({"source":{"ip":"11.0.0.1"}})", false},
    Case{"v4_cidr_host_bits_ignored", "source.ip:10.1.2.3/8", R"({"source":{"ip":"10.200.0.1"}})", true},
    Case{"v4_cidr_32", "source.ip:192.168.1.1/32", R"({"source":{"ip":"192.168.1.1"}})", true},
    Case{"v4_cidr_24_edge", "source.ip:192.168.1.0/24", R"({"source":{"ip":"192.168.2.0"}})", false},
    Case{"v4_cidr_zero_all_v4", "source.ip:0.0.0.0/0", R"({"source":{"ip":"1.2.3.4"}})", true},
    Case{"v4_cidr_zero_not_v6", "source.ip:0.0.0.0/0", R"({"source":{"ip":"2001:db8::1"}})", false},
    Case{"v4_cidr_not_v6_doc", "source.ip:10.0.0.0/8", R"({"source":{"ip":"2001:db8::1"}})", false},
    Case{"v6_normalised", "source.ip:\"2001:db8::1\"", R"({"source":{"ip":"2001:0DB8:0000:0000:0000:0000:0000:0001"}})", true},
    Case{"v6_escaped_colons", "source.ip:2001\\:db8\\:\\:1", R"({"source":{"ip":"2001:db8::1"}})", true},
    Case{"v6_not_equal", "source.ip:\"2001:db8::1\"", R"({"source":{"ip":"2001:db8::2"}})", false},
    Case{"v6_cidr", "source.ip:\"2001:db8::/32\"", R"({"source":{"ip":"2001:db8:ffff::1"}})", true},
    Case{"v6_cidr_outside", "source.ip:\"2001:db8::/32\"", R"({"source":{"ip":"2001:db9::1"}})", false},
    Case{"v4_mapped_query", "source.ip:\"::ffff:10.0.0.1\"", R"({"source":{"ip":"10.0.0.1"}})", true},
    Case{"v4_mapped_doc", "source.ip:10.0.0.1", R"({"source":{"ip":"::ffff:10.0.0.1"}})", true},
    Case{"range_gt", "source.ip > 10.0.0.1", R"({"source":{"ip":"10.0.0.2"}})", true},
    Case{"range_gt_excludes", "source.ip > 10.0.0.1", R"({"source":{"ip":"10.0.0.1"}})", false},
    Case{"range_address_order", "source.ip < 10.0.0.10", R"({"source":{"ip":"10.0.0.9"}})", true},
    Case{"doc_not_an_address_missing", "source.ip:*", R"({"source":{"ip":"not-an-ip"}})", false},
    Case{"query_leading_zero_invalid", "source.ip:010.0.0.1", R"({"source":{"ip":"10.0.0.1"}})", false},
    Case{"query_wildcard_never", "source.ip:10.*", R"({"source":{"ip":"10.0.0.1"}})", false},
    Case{"array_any", "source.ip:10.0.0.0/8", R"({"source":{"ip":["1.1.1.1","10.2.2.2"]}})", true},
    Case{"not_cidr_when_missing", "not source.ip:10.0.0.0/8", R"({})", true},
    Case{"value_list_of_cidrs", "destination.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16)",
         R"({"destination":{"ip":"172.20.1.1"}})", true}),
    case_name);

class Dates : public ::testing::TestWithParam<Case> {};
TEST_P(Dates, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// now = 2024-05-15T12:00:00Z (kNow). `f:v` on a date is the range gte v, lte v: v's whole rounding period.
INSTANTIATE_TEST_SUITE_P(Interp, Dates, ::testing::Values(
    Case{"equal_instant", "@timestamp:\"2024-05-15T10:00:00.000Z\"", R"({"@timestamp":"2024-05-15T10:00:00Z"})", true},
    Case{"equal_instant_other", "@timestamp:\"2024-05-15T10:00:00.000Z\"", R"({"@timestamp":"2024-05-15T10:00:00.001Z"})", false},
    Case{"equal_day_end", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-15T23:59:59.999Z"})", true},
    Case{"equal_day_start", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-15T00:00:00Z"})", true},
    Case{"equal_day_next", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-16T00:00:00Z"})", false},
    Case{"equal_day_prev", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-14T23:59:59.999Z"})", false},
    Case{"equal_month_rounds_up_to_first_day", "@timestamp:2024-05", R"({"@timestamp":"2024-05-01T12:00:00Z"})", true},
    Case{"equal_month_not_whole_month", "@timestamp:2024-05", R"({"@timestamp":"2024-05-31T12:00:00Z"})", false},
    Case{"epoch_number_doc", "@timestamp:2024-05-15", R"({"@timestamp":1715774400000})", true},
    Case{"epoch_string_doc", "@timestamp:2024-05-15", R"({"@timestamp":"1715774400000"})", true},
    Case{"epoch_query", "@timestamp:1715774400000", R"({"@timestamp":"2024-05-15T12:00:00Z"})", true},
    Case{"offset_doc", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-16T01:00:00+02:00"})", true},
    Case{"offset_doc_next_day", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-16T03:00:00+02:00"})", false},
    Case{"now_minus_1d_inside", "@timestamp >= now-1d", R"({"@timestamp":"2024-05-14T12:00:00Z"})", true},
    Case{"now_minus_1d_outside", "@timestamp >= now-1d", R"({"@timestamp":"2024-05-14T11:59:59.999Z"})", false},
    Case{"before_today", "@timestamp < now/d", R"({"@timestamp":"2024-05-14T23:59:59.999Z"})", true},
    Case{"before_today_excludes_today", "@timestamp < now/d", R"({"@timestamp":"2024-05-15T00:00:00Z"})", false},
    Case{"today", "@timestamp:now/d", R"({"@timestamp":"2024-05-15T00:00:01Z"})", true},
    Case{"today_not_tomorrow", "@timestamp:now/d", R"({"@timestamp":"2024-05-16T00:00:01Z"})", false},
    Case{"gt_day_rounds_up", "@timestamp > 2024-05-15", R"({"@timestamp":"2024-05-15T23:59:59.999Z"})", false},
    Case{"gt_day_next", "@timestamp > 2024-05-15", R"({"@timestamp":"2024-05-16T00:00:00Z"})", true},
    Case{"lte_day_whole_day", "@timestamp <= 2024-05-15", R"({"@timestamp":"2024-05-15T18:00:00Z"})", true},
    Case{"lt_day_excludes_day", "@timestamp < 2024-05-15", R"({"@timestamp":"2024-05-15T00:00:00Z"})", false},
    Case{"lt_day_before", "@timestamp < 2024-05-15", R"({"@timestamp":"2024-05-14T23:59:59Z"})", true},
    Case{"anchored_math", "@timestamp >= 2024-05-01||+1M", R"({"@timestamp":"2024-06-01T00:00:00Z"})", true},
    Case{"anchored_math_before", "@timestamp >= 2024-05-01||+1M", R"({"@timestamp":"2024-05-31T23:00:00Z"})", false},
    Case{"doc_not_a_date_missing", "@timestamp:*", R"({"@timestamp":"yesterday"})", false},
    Case{"query_not_a_date", "@timestamp:yesterday", R"({"@timestamp":"2024-05-15T00:00:00Z"})", false},
    Case{"date_nanos_millisecond_view", "test.nanos:2024-05-15", R"({"test":{"nanos":"2024-05-15T10:00:00.123456789Z"}})", true},
    Case{"range_pair", "event.created >= 2024-05-15 and event.created < 2024-05-16",
         R"({"event":{"created":"2024-05-15T08:00:00Z"}})", true}),
    case_name);

class KeywordRanges : public ::testing::TestWithParam<Case> {};
TEST_P(KeywordRanges, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// Ranges on keyword compare UTF-8 bytes (TermRangeQuery).
INSTANTIATE_TEST_SUITE_P(Interp, KeywordRanges, ::testing::Values(
    Case{"bytewise_10_lt_9", "process.name < 9", R"({"process":{"name":"10"}})", true},
    Case{"bytewise_10_not_gt_9", "process.name > 9", R"({"process":{"name":"10"}})", false},
    Case{"prefix_is_smaller", "process.name > b", R"({"process":{"name":"bash"}})", true},
    Case{"ge_equal", "process.name >= bash", R"({"process":{"name":"bash"}})", true},
    Case{"gt_equal_excluded", "process.name > bash", R"({"process":{"name":"bash"}})", false},
    Case{"le_equal", "process.name <= bash", R"({"process":{"name":"bash"}})", true},
    Case{"uppercase_sorts_first", "process.name > a", R"({"process":{"name":"Z"}})", false},
    Case{"utf8_after_ascii", "process.name > z", R"({"process":{"name":"é"}})", true},
    Case{"caseless_lowercases_both", "process.name.caseless > a", R"({"process":{"name":"Z"}})", true},
    Case{"quoted_bound", "process.name < \"m\"", R"({"process":{"name":"a"}})", true},
    Case{"number_doc_by_text", "agent.type < 9", R"({"agent":{"type":10}})", true},
    Case{"missing", "process.name < z", R"({})", false},
    Case{"missing_negated", "not process.name < z", R"({})", true},
    Case{"any_array_value", "process.args > x", R"({"process":{"args":["a","y"]}})", true},
    Case{"over_ignore_above_missing", "test.kw5 > a", R"({"test":{"kw5":"bbbbbbbb"}})", false},
    Case{"null_bound_any_value", "process.name < null", R"({"process":{"name":"zzz"}})", true}),
    case_name);

}  // namespace typed_matching_test
}  // namespace
}  // namespace rulec::interp::testing
