// Reference evaluator, string fields: keyword equality, quoting, wildcards, escapes, caseless, ignore_above, text analysis.
#include <string>

#include <gtest/gtest.h>

#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace matching_test {

class Keyword : public ::testing::TestWithParam<Case> {};
TEST_P(Keyword, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// keyword / constant_keyword / wildcard: exact, case-sensitive whole-value equality (kql.md §2).
INSTANTIATE_TEST_SUITE_P(Interp, Keyword, ::testing::Values(
    Case{"exact", "process.name:bash", R"({"process":{"name":"bash"}})", true},
    Case{"case_sensitive", "process.name:Bash", R"({"process":{"name":"bash"}})", false},
    Case{"whole_value_not_prefix", "process.name:bas", R"({"process":{"name":"bash"}})", false},
    Case{"whole_value_not_token", "process.name:bash", R"({"process":{"name":"bash -i"}})", false},
    Case{"quoted_same_as_unquoted", "process.name:\"bash\"", R"({"process":{"name":"bash"}})", true},
    Case{"unquoted_value_with_spaces", "process.name:foo bar", R"({"process":{"name":"foo bar"}})", true},
    Case{"unquoted_value_with_spaces_is_one_value", "process.name:foo bar", R"({"process":{"name":"foo"}})", false},
    Case{"unquoted_value_trimmed", "process.name:bash   ", R"({"process":{"name":"bash"}})", true},
    Case{"quoted_keeps_spaces", "process.name:\" bash\"", R"({"process":{"name":"bash"}})", false},
    Case{"utf8_exact", "process.name:café", R"({"process":{"name":"café"}})", true},
    Case{"utf8_case_sensitive", "process.name:CAFÉ", R"({"process":{"name":"café"}})", false},
    Case{"unknown_field_is_keyword", "custom.field:abc", R"({"custom":{"field":"abc"}})", true},
    Case{"unknown_field_case_sensitive", "custom.field:ABC", R"({"custom":{"field":"abc"}})", false},
    Case{"constant_keyword_from_document", "data_stream.dataset:endpoint.events.process",
         R"({"data_stream":{"dataset":"endpoint.events.process"}})", true},
    Case{"wildcard_type_exact", "process.command_line:\"/bin/sh -c id\"", R"({"process":{"command_line":"/bin/sh -c id"}})", true},
    Case{"wildcard_type_whole_value", "process.command_line:\"sh -c\"", R"({"process":{"command_line":"/bin/sh -c id"}})", false},
    Case{"number_doc_by_json_text", "agent.type:1", R"({"agent":{"type":1}})", true},
    Case{"number_doc_text_not_normalised", "agent.type:1", R"({"agent":{"type":1.0}})", false},
    Case{"number_doc_text_as_written", "agent.type:1.0", R"({"agent":{"type":1.0}})", true},
    Case{"bool_doc_by_text", "agent.type:true", R"({"agent":{"type":true}})", true},
    Case{"typed_true_is_text_on_keyword", "process.name:true", R"({"process":{"name":"true"}})", true},
    Case{"typed_false_not_true", "process.name:false", R"({"process":{"name":"true"}})", false},
    Case{"typed_null_matches_nothing", "process.name:null", R"({"process":{"name":"null"}})", false},
    Case{"typed_null_negated", "not process.name:null", R"({"process":{"name":"null"}})", true},
    Case{"quoted_null_is_text", "process.name:\"null\"", R"({"process":{"name":"null"}})", true},
    Case{"numeric_text_stays_text", "process.name:070", R"({"process":{"name":"70"}})", false}),
    case_name);

class Wildcards : public ::testing::TestWithParam<Case> {};
TEST_P(Wildcards, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// KQL `*`: case-sensitive glob over the whole value; `?` is always literal; escapes.
INSTANTIATE_TEST_SUITE_P(Interp, Wildcards, ::testing::Values(
    Case{"prefix", "process.name:ba*", R"({"process":{"name":"bash"}})", true},
    Case{"prefix_case_sensitive", "process.name:BA*", R"({"process":{"name":"bash"}})", false},
    Case{"leading_star", "process.name:*sh", R"({"process":{"name":"bash"}})", true},
    Case{"leading_star_no_match", "process.name:*zsh", R"({"process":{"name":"bash"}})", false},
    Case{"middle_star", "process.name:b*h", R"({"process":{"name":"bash"}})", true},
    Case{"both_ends", "process.name:*as*", R"({"process":{"name":"bash"}})", true},
    Case{"star_matches_empty", "process.name:bash*", R"({"process":{"name":"bash"}})", true},
    Case{"star_anchored_at_end", "process.name:*as", R"({"process":{"name":"bash"}})", false},
    Case{"star_crosses_newlines", "process.command_line:*foo*", R"({"process":{"command_line":"a\nfoo\nb"}})", true},
    Case{"star_spans_newline", "process.command_line:a*b", R"({"process":{"command_line":"a\nfoo\nb"}})", true},
    Case{"double_star_is_pattern", "process.name:**", R"({"process":{"name":"bash"}})", true},
    Case{"double_star_matches_empty_value", "process.name:**", R"({"process":{"name":""}})", true},
    Case{"double_star_missing", "process.name:**", R"({"process":{"pid":1}})", false},
    Case{"question_is_literal", "process.name:ba?h", R"({"process":{"name":"bash"}})", false},
    Case{"question_literal_matches_itself", "process.name:ba?h", R"({"process":{"name":"ba?h"}})", true},
    Case{"question_literal_in_pattern", "process.name:*?*", R"({"process":{"name":"bash"}})", false},
    Case{"question_literal_in_pattern_hit", "process.name:*?*", R"({"process":{"name":"what?"}})", true},
    Case{"quoted_star_is_literal", "process.name:\"ba*\"", R"({"process":{"name":"bash"}})", false},
    Case{"quoted_star_matches_itself", "process.name:\"ba*\"", R"({"process":{"name":"ba*"}})", true},
    Case{"escaped_star_is_literal", "process.name:ba\\*", R"({"process":{"name":"bash"}})", false},
    Case{"escaped_star_matches_itself", "process.name:ba\\*", R"({"process":{"name":"ba*"}})", true},
    Case{"escaped_star_inside_pattern", "process.name:*\\*", R"({"process":{"name":"a*"}})", true},
    Case{"escaped_star_inside_pattern_miss", "process.name:*\\*", R"({"process":{"name":"ab"}})", false},
    Case{"escaped_colon", "process.name:c\\:x", R"({"process":{"name":"c:x"}})", true},
    Case{"escaped_backslash", "file.path:c\\:\\\\windows", R"({"file":{"path":"c:\\windows"}})", true},
    Case{"escaped_parens", "process.name:\\(x\\)", R"j({"process":{"name":"(x)"}})j", true},
    Case{"unicode_escape", "process.name:\\u0062ash", R"({"process":{"name":"bash"}})", true},
    Case{"escaped_keyword_text", "process.name:\\and", R"({"process":{"name":"and"}})", true},
    Case{"quoted_newline_escape", "process.name:\"a\\nb\"", R"({"process":{"name":"a\nb"}})", true},
    Case{"quoted_backslash_kept", "file.path:\"c:\\windows\"", R"({"file":{"path":"c:\\windows"}})", true},
    Case{"utf8_prefix", "process.name:caf*", R"({"process":{"name":"café"}})", true},
    Case{"utf8_suffix", "process.name:*é", R"({"process":{"name":"café"}})", true},
    Case{"wildcard_type_case_sensitive", "process.command_line:*ID*", R"({"process":{"command_line":"/bin/sh -c id"}})", false},
    Case{"wildcard_type_pattern_with_spaces_whole", "process.command_line:*sh -c*",
         R"({"process":{"command_line":"/bin/sh -c id"}})", true},
    Case{"wildcard_type_pattern_with_spaces_not_split", "process.command_line:*sh -x*",
         R"({"process":{"command_line":"/bin/sh -c id"}})", false},
    Case{"value_list_of_patterns", "process.name:(zsh or *as*)", R"({"process":{"name":"bash"}})", true},
    Case{"pattern_on_number_doc_text", "agent.type:4*", R"({"agent":{"type":42}})", true}),
    case_name);

class Caseless : public ::testing::TestWithParam<Case> {};
TEST_P(Caseless, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// `X.caseless`: X's value through the lowercase normalizer; the query value is lowercased too.
INSTANTIATE_TEST_SUITE_P(Interp, Caseless, ::testing::Values(
    Case{"upper_doc", "process.name.caseless:bash", R"({"process":{"name":"BASH"}})", true},
    Case{"mixed_query", "process.name.caseless:BaSh", R"({"process":{"name":"bash"}})", true},
    Case{"wildcard", "process.name.caseless:*ASH", R"({"process":{"name":"BaSh"}})", true},
    Case{"whole_value", "process.name.caseless:ba", R"({"process":{"name":"BASH"}})", false},
    Case{"unicode_lowercase", "process.name.caseless:ÉCOLE", R"({"process":{"name":"école"}})", true},
    Case{"cyrillic_lowercase", "process.name.caseless:привет", R"({"process":{"name":"ПРИВЕТ"}})", true},
    Case{"parent_missing", "process.name.caseless:*", R"({"process":{"pid":1}})", false},
    Case{"exists_from_parent", "process.name.caseless:*", R"({"process":{"name":"X"}})", true},
    Case{"host_os_name", "host.os.name.caseless:windows", R"({"host":{"os":{"name":"Windows"}}})", true},
    Case{"executable_pattern", "process.executable.caseless:*\\\\system32\\\\*.exe",
         R"({"process":{"executable":"C:\\Windows\\System32\\CMD.EXE"}})", true},
    Case{"parent_stays_case_sensitive", "process.name:bash", R"({"process":{"name":"BASH"}})", false}),
    case_name);

class IgnoreAbove : public ::testing::TestWithParam<Case> {};
TEST_P(IgnoreAbove, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// test.kw5: keyword with ignore_above 5 (Java String.length(): UTF-16 code units), with a
// `.caseless` (ignore_above 5 too) and a `.text` multi-field (no limit).
INSTANTIATE_TEST_SUITE_P(Interp, IgnoreAbove, ::testing::Values(
    Case{"at_limit_indexed", "test.kw5:abcde", R"({"test":{"kw5":"abcde"}})", true},
    Case{"over_limit_missing", "test.kw5:abcdef", R"({"test":{"kw5":"abcdef"}})", false},
    Case{"over_limit_pattern_missing", "test.kw5:abc*", R"({"test":{"kw5":"abcdef"}})", false},
    Case{"over_limit_negated", "not test.kw5:abcdef", R"({"test":{"kw5":"abcdef"}})", true},
    Case{"over_limit_not_exists", "test.kw5:*", R"({"test":{"kw5":"abcdef"}})", false},
    Case{"per_array_element", "test.kw5:abc", R"({"test":{"kw5":["abcdefgh","abc"]}})", true},
    Case{"counts_characters_not_bytes", "test.kw5:ééééé", R"({"test":{"kw5":"ééééé"}})", true},
    Case{"supplementary_counts_two", "test.kw5:😀😀😀", R"({"test":{"kw5":"😀😀😀"}})", false},
    Case{"supplementary_within", "test.kw5:😀😀", R"({"test":{"kw5":"😀😀"}})", true},
    Case{"text_subfield_still_indexed", "test.kw5.text:abcdef", R"({"test":{"kw5":"abcdef"}})", true},
    Case{"caseless_subfield_own_limit", "test.kw5.caseless:abcdef", R"({"test":{"kw5":"ABCDEF"}})", false},
    Case{"caseless_subfield_within", "test.kw5.caseless:abcde", R"({"test":{"kw5":"ABCDE"}})", true},
    Case{"number_text_length", "test.kw5:123456", R"({"test":{"kw5":123456}})", false}),
    case_name);

TEST(InterpIgnoreAbove, EcsKeywordLimitIs1024) {
  const std::string at(1024, 'a'), over(1025, 'a');
  const std::string doc_at = R"({"process":{"name":")" + at + "\"}}";
  const std::string doc_over = R"({"process":{"name":")" + over + "\"}}";
  EXPECT_TRUE(eval_query("process.name:*", doc_at));
  EXPECT_TRUE(eval_query("process.name:a*", doc_at));
  EXPECT_FALSE(eval_query("process.name:*", doc_over));
  EXPECT_FALSE(eval_query("process.name:a*", doc_over));
  EXPECT_TRUE(eval_query("not process.name:a*", doc_over));
  // process.command_line is a `wildcard` field without ignore_above: long values stay searchable.
  const std::string cmd = R"({"process":{"command_line":")" + std::string(5000, 'x') + "y\"}}";
  EXPECT_TRUE(eval_query("process.command_line:*y", cmd));
  // The object still exists through its `.text` multi-field, which has no limit.
  EXPECT_TRUE(eval_query("process:*", doc_over));
}

class Text : public ::testing::TestWithParam<Case> {};
TEST_P(Text, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// text / match_only_text: standard tokenizer + lowercase; unquoted = any token, quoted = phrase.
INSTANTIATE_TEST_SUITE_P(Interp, Text, ::testing::Values(
    Case{"token", "message:world", R"({"message":"Hello World"})", true},
    Case{"any_query_token", "message:hello there", R"({"message":"Hello World"})", true},
    Case{"no_token", "message:planet", R"({"message":"Hello World"})", false},
    Case{"partial_token_no_match", "message:wor", R"({"message":"Hello World"})", false},
    Case{"query_lowercased", "message:HELLO", R"({"message":"hello"})", true},
    Case{"phrase", "message:\"hello world\"", R"({"message":"Hello, World!"})", true},
    Case{"phrase_order", "message:\"world hello\"", R"({"message":"hello world"})", false},
    Case{"phrase_consecutive", "message:\"hello world\"", R"({"message":"hello big world"})", false},
    Case{"phrase_not_across_array_values", "message:\"abraham lincoln\"",
         R"({"message":["John Abraham","Lincoln Smith"]})", false},
    Case{"phrase_in_one_array_value", "message:\"abraham lincoln\"", R"({"message":["x","Abraham Lincoln"]})", true},
    Case{"match_any_array_value", "message:lincoln", R"({"message":["John Abraham","Lincoln Smith"]})", true},
    Case{"hyphen_splits_doc", "message:fi", R"({"message":"wi-fi"})", true},
    Case{"hyphen_splits_query", "message:op-proposer", R"({"message":"op-node started"})", true},
    Case{"hyphen_phrase", "message:\"op-proposer\"", R"({"message":"op-node started"})", false},
    Case{"dotted_name_one_token", "message:example", R"({"message":"visit example.com"})", false},
    Case{"dotted_name_token", "message:example.com", R"({"message":"visit Example.COM today"})", true},
    Case{"decimal_one_token", "message:3.14", R"({"message":"pi is 3.14"})", true},
    Case{"decimal_not_split", "message:3", R"({"message":"pi is 3.14"})", false},
    Case{"apostrophe_kept", "message:don't", R"({"message":"I don't know"})", true},
    Case{"apostrophe_not_split", "message:don", R"({"message":"I don't know"})", false},
    Case{"underscore_joins", "message:foo_bar", R"j({"message":"call foo_bar()"})j", true},
    Case{"underscore_not_split", "message:foo", R"j({"message":"call foo_bar()"})j", false},
    Case{"ip_one_token", "message:10.0.0.1", R"({"message":"from 10.0.0.1:22"})", true},
    Case{"path_split", "message:passwd", R"({"message":"cat /etc/passwd"})", true},
    Case{"colon_between_letters_joins", "message:a\\:b", R"({"message":"x a:b y"})", true},
    Case{"letters_digits_join", "message:abc123", R"({"message":"id abc123"})", true},
    Case{"cjk_one_token_per_char", "message:世", R"({"message":"世界"})", true},
    Case{"number_doc_as_text", "message:42", R"({"message":42})", true},
    Case{"query_without_tokens", "message:\"---\"", R"({"message":"---"})", false},
    Case{"wildcard_on_token", "message:hel*", R"({"message":"Hello World"})", true},
    Case{"wildcard_lowercased", "message:HEL*", R"({"message":"Hello World"})", true},
    Case{"wildcard_not_across_tokens", "message:hello*world", R"({"message":"hello world"})", false},
    Case{"wildcard_split_on_whitespace", "message:*xyz hello*", R"({"message":"Hello World"})", true},
    Case{"wildcard_whole_token_anchor", "message:*ell", R"({"message":"Hello World"})", false},
    Case{"keyword_text_multifield", "process.name.text:bash", R"({"process":{"name":"GNU Bash"}})", true},
    Case{"keyword_text_multifield_phrase", "process.command_line.text:\"sh -c\"",
         R"({"process":{"command_line":"/bin/sh -c id"}})", true},
    Case{"missing_text_field", "message:hello", R"({"process":{"name":"hello"}})", false},
    Case{"range_on_tokens", "message > m", R"({"message":"hello zebra"})", true},
    Case{"range_on_tokens_none", "message < b", R"({"message":"hello zebra"})", false},
    Case{"empty_string_exists", "message:*", R"({"message":""})", true}),
    case_name);

}  // namespace matching_test
}  // namespace
}  // namespace rulec::interp::testing
