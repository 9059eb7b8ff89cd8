// Conformance of every on-demand kind the runtime answers natively (text, dates and date math, nested, object exists, field-name wildcards, free text).
#include <gtest/gtest.h>

#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace generic_kinds_test {

// The compiled engine of `query` answers it with Generic atoms, every one by the runtime's native
// on-demand tests, and reads `now` exactly when `uses_now`.
void expect_native(const char* query, bool uses_now) {
  auto parsed = kql::parse(query);
  ASSERT_TRUE(parsed) << query;
  plan::RuleAsts rule;
  rule.name = "q";
  rule.query = parsed.ast.get();
  std::string error;
  auto built = pipeline::build({rule}, test_schema(), error);
  ASSERT_TRUE(built) << error;
  size_t generic = 0;
  for (uint32_t a = 0; a < built->plan->atoms.size(); ++a) {
    if (built->plan->atoms[a].kind != plan::AtomKind::Generic) continue;
    ++generic;
    EXPECT_TRUE(built->generic.has(a)) << query << ": " << built->plan->atoms[a].display;
  }
  EXPECT_GT(generic, 0u) << query << " has no on-demand atom";
  EXPECT_EQ(built->engine->needs_now(), uses_now) << query;
}

TEST(GenericKinds, AreNativeAndReadNowOnlyForDateMath) {
  expect_native("message:segfault", false);
  expect_native("message:\"segfault at\"", false);
  expect_native("@timestamp:2024-05-15", false);
  expect_native("@timestamp >= 2024-05-14||-1d", false);
  expect_native("@timestamp >= now-1d", true);
  expect_native("@timestamp < now/d and message:x", true);
  expect_native("test.nested:{ name:a and count:1 }", false);
  expect_native("process:*", false);
  expect_native("process.*:bash", false);
  expect_native("bash", false);
}

class Generic : public ::testing::TestWithParam<Case> {};
TEST_P(Generic, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// Text fields (kql.md §2: standard tokenizer + lowercase; unquoted = any token, quoted = phrase).
// `message` is match_only_text in ECS; `process.command_line.text` the text multi-field of a
// wildcard field.
INSTANTIATE_TEST_SUITE_P(Text, Generic, ::testing::Values(
    Case{"token", "message:segfault", R"({"message":"app[12]: segfault at 0 ip 7f"})", true},
    Case{"token_case_folded", "message:SEGFAULT", R"({"message":"Segfault at 0"})", true},
    Case{"no_partial_token", "message:segf", R"({"message":"segfault at 0"})", false},
    Case{"any_query_token", "message:foo bar", R"({"message":"bar baz"})", true},
    Case{"phrase_in_order", "message:\"segfault at\"", R"({"message":"app segfault at 0"})", true},
    Case{"phrase_wrong_order", "message:\"at segfault\"", R"({"message":"app segfault at 0"})", false},
    Case{"phrase_not_across_values", "message:\"segfault at\"", R"({"message":["segfault","at"]})", false},
    Case{"token_in_any_value", "message:at", R"({"message":["segfault","at"]})", true},
    Case{"wildcard_on_tokens", "message:seg*", R"({"message":"app segfault"})", true},
    Case{"multi_field_reads_parent", "process.command_line.text:whoami", R"({"process":{"command_line":"cmd /c WHOAMI"}})", true},
    Case{"multi_field_words_split", "process.command_line.text:c", R"({"process":{"command_line":"cmd /c whoami"}})", true},
    Case{"missing_text_negated", "not message:segfault", R"({})", true},
    Case{"punctuation_only_query", "message:\"--\"", R"({"message":"-- x"})", false}),
    case_name);

// Dates (kql.md §2: ISO-8601 or epoch millis; equality matches the whole rounding period; date
// math in UTC). now = 2024-05-15T12:00:00Z.
INSTANTIATE_TEST_SUITE_P(Dates, Generic, ::testing::Values(
    Case{"now_minus_day_inside", "@timestamp >= now-1d", R"({"@timestamp":"2024-05-15T00:00:00Z"})", true},
    Case{"now_minus_day_outside", "@timestamp >= now-1d", R"({"@timestamp":"2024-05-13T23:59:59Z"})", false},
    Case{"before_today_yes", "@timestamp < now/d", R"({"@timestamp":"2024-05-14T23:59:59.999Z"})", true},
    Case{"before_today_no", "@timestamp < now/d", R"({"@timestamp":"2024-05-15T00:00:00Z"})", false},
    Case{"today_rounded_equality", "@timestamp:now/d", R"({"@timestamp":"2024-05-15T23:00:00Z"})", true},
    Case{"whole_day_equality", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-15T18:00:00Z"})", true},
    Case{"whole_day_equality_next_day", "@timestamp:2024-05-15", R"({"@timestamp":"2024-05-16T00:00:00Z"})", false},
    Case{"gt_month_rounds_up_end", "@timestamp > 2024-05-14||/M", R"({"@timestamp":"2024-05-31T23:59:59.999Z"})", false},
    Case{"gt_month_rounds_up_next", "@timestamp > 2024-05-14||/M", R"({"@timestamp":"2024-06-01T00:00:00Z"})", true},
    Case{"epoch_millis_document", "@timestamp >= now-1h", R"({"@timestamp":1715773000000})", true},
    Case{"epoch_millis_document_old", "@timestamp >= now-1h", R"({"@timestamp":1715770000000})", false},
    Case{"not_a_date_document", "@timestamp >= now-1d", R"({"@timestamp":"yesterday"})", false},
    Case{"missing_date_negated", "not @timestamp >= now-1d", R"({})", true}),
    case_name);

// Nested queries (kql.md §2: inside `path:{ }` each array element is tested on its own).
INSTANTIATE_TEST_SUITE_P(Nested, Generic, ::testing::Values(
    Case{"same_element", "test.nested:{ name:a and count:1 }", R"({"test":{"nested":[{"name":"a","count":1}]}})", true},
    Case{"across_elements", "test.nested:{ name:a and count:1 }",
         R"({"test":{"nested":[{"name":"a","count":2},{"name":"b","count":1}]}})", false},
    Case{"second_element", "test.nested:{ name:b and count:1 }",
         R"({"test":{"nested":[{"name":"a","count":2},{"name":"b","count":1}]}})", true},
    Case{"single_object", "test.nested:{ name:a and count:1 }", R"({"test":{"nested":{"name":"a","count":1}}})", true},
    Case{"inner_nested", "test.nested:{ inner:{ v:x } }", R"({"test":{"nested":[{"inner":[{"v":"y"},{"v":"x"}]}]}})", true},
    Case{"inner_nested_other_outer", "test.nested:{ name:a and inner:{ v:x } }",
         R"({"test":{"nested":[{"name":"a","inner":[{"v":"y"}]},{"name":"b","inner":[{"v":"x"}]}]}})", false},
    Case{"negated_inside", "test.nested:{ name:a and not count:1 }",
         R"({"test":{"nested":[{"name":"a","count":1},{"name":"a","count":3}]}})", true},
    Case{"absent_negated", "not test.nested:{ name:a }", R"({})", true}),
    case_name);

// Exists on object paths (Elasticsearch rewrites `obj:*` to every sub-field) and on unknown fields.
INSTANTIATE_TEST_SUITE_P(ObjectExists, Generic, ::testing::Values(
    Case{"object_with_value", "process:*", R"({"process":{"name":"x"}})", true},
    Case{"object_absent", "process:*", R"({"host":{"name":"x"}})", false},
    Case{"object_only_null", "process:*", R"({"process":{"name":null}})", false},
    Case{"deep_object", "process.parent:*", R"({"process":{"parent":{"pid":5}}})", true},
    Case{"unknown_field_value", "github.hashed_token:*", R"({"github":{"hashed_token":"abc"}})", true},
    Case{"unknown_field_as_object", "github.hashed_token:*", R"({"github":{"hashed_token":{"x":"y"}}})", true},
    Case{"unknown_field_absent", "github.hashed_token:*", R"({"github":{"repo":"r"}})", false},
    Case{"over_ignore_above_but_multi_field", "test:*", R"({"test":{"kw5":"abcdefgh"}})", true},
    Case{"invalid_number_not_indexed", "process:*", R"({"process":{"pid":"abc"}})", false}),
    case_name);

// Field-name wildcards (kql.md §1: `*` in a field name also crosses dots; schema fields and the
// event's own fields).
INSTANTIATE_TEST_SUITE_P(FieldWildcards, Generic, ::testing::Values(
    Case{"direct_field", "process.*:bash", R"({"process":{"name":"bash"}})", true},
    Case{"crosses_dots", "process.*:bash", R"({"process":{"parent":{"name":"bash"}}})", true},
    Case{"other_object", "process.*:bash", R"({"host":{"name":"bash"}})", false},
    Case{"unknown_event_field", "custom.*:x", R"({"custom":{"a":{"b":"x"}}})", true},
    Case{"numeric_field_by_type", "process.*:1234", R"({"process":{"pid":"1234"}})", true},
    Case{"text_multi_field_by_type", "process.*:WHOAMI", R"({"process":{"command_line":"cmd /c whoami"}})", true},
    Case{"unknown_keyword_is_case_sensitive", "custom.*:BASH", R"({"custom":{"a":"bash"}})", false},
    // ECS maps process.name.text (match_only_text) under process.name: the expansion includes it.
    Case{"expansion_includes_text_multi_field", "process.*:BASH", R"({"process":{"name":"bash"}})", true},
    Case{"exists_through_pattern", "process.*:*", R"({"process":{"pid":1}})", true},
    Case{"exists_through_pattern_absent", "process.*:*", R"({"host":{"pid":1}})", false}),
    case_name);

// Free text (kql.md §1: a value with no field matches any leaf of the document, text fields analysed).
INSTANTIATE_TEST_SUITE_P(FreeText, Generic, ::testing::Values(
    Case{"keyword_value", "bash", R"({"process":{"name":"bash"}})", true},
    Case{"no_value", "zsh", R"({"process":{"name":"bash"}})", false},
    Case{"text_token", "segfault", R"({"message":"app segfault at 0"})", true},
    Case{"via_multi_field", "whoami", R"({"process":{"command_line":"cmd /c whoami"}})", true},
    Case{"pattern", "ba*", R"({"user":{"name":"bart"}})", true}),
    case_name);

}  // namespace generic_kinds_test
}  // namespace
}  // namespace rulec::interp::testing
