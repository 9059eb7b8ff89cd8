// Reference evaluator, document structure: missing values, exists, arrays, nested, field-name wildcards, free text.
#include <gtest/gtest.h>

#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace structure_test {

class Missing : public ::testing::TestWithParam<Case> {};
TEST_P(Missing, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// Absent, null, [] and [null] are missing; "" is a value; `not f:v` is true when f is missing.
INSTANTIATE_TEST_SUITE_P(Interp, Missing, ::testing::Values(
    Case{"absent_is_false", "process.name:bash", R"({})", false},
    Case{"absent_negated_is_true", "not process.name:bash", R"({})", true},
    Case{"absent_pattern_false", "process.name:*sh", R"({})", false},
    Case{"absent_pattern_negated_true", "not process.name:*sh", R"({})", true},
    Case{"null_is_missing", "not process.name:bash", R"({"process":{"name":null}})", true},
    Case{"null_not_exists", "process.name:*", R"({"process":{"name":null}})", false},
    Case{"empty_array_not_exists", "process.name:*", R"({"process":{"name":[]}})", false},
    Case{"null_array_not_exists", "process.name:*", R"({"process":{"name":[null]}})", false},
    Case{"empty_string_exists", "process.name:*", R"({"process":{"name":""}})", true},
    Case{"null_and_value_exists", "process.name:*", R"({"process":{"name":[null,"bash"]}})", true},
    Case{"not_exists_when_absent", "not process.name:*", R"({})", true},
    Case{"not_exists_when_present", "not process.name:*", R"({"process":{"name":"x"}})", false},
    Case{"object_path_exists", "process:*", R"({"process":{"name":"x"}})", true},
    Case{"object_path_deep_exists", "process.parent:*", R"({"process":{"parent":{"name":"x"}}})", true},
    Case{"object_path_only_nulls", "process:*", R"({"process":{"name":null}})", false},
    Case{"object_path_empty_object", "process:*", R"({"process":{}})", false},
    Case{"object_path_not_a_sibling_prefix", "process:*", R"({"processes":{"a":1}})", false},
    Case{"object_path_dotted_doc", "process:*", R"({"process.pid":1})", true},
    Case{"ecs_object_field", "cloud.entity.raw:*", R"({"cloud":{"entity":{"raw":{"k":"v"}}}})", true},
    Case{"object_path_malformed_subfields", "process:*", R"({"process":{"pid":"abc"}})", false},
    Case{"object_path_via_multifield", "test:*", R"({"test":{"kw5":"abcdefgh"}})", true},
    Case{"flattened_root_value", "dll.pe.imports:kernel32", R"({"dll":{"pe":{"imports":{"name":"kernel32"}}}})", true},
    Case{"flattened_root_exists", "dll.pe.imports:*", R"({"dll":{"pe":{"imports":{"name":"kernel32"}}}})", true},
    Case{"match_all_empty_query", "", R"({})", true},
    Case{"match_all_star_star", "*:*", R"({})", true}),
    case_name);

class Arrays : public ::testing::TestWithParam<Case> {};
TEST_P(Arrays, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// A test is true when ANY value satisfies it; objects inside arrays are flattened.
INSTANTIATE_TEST_SUITE_P(Interp, Arrays, ::testing::Values(
    Case{"any_value", "process.args:\"-c\"", R"({"process":{"args":["sh","-c","id"]}})", true},
    Case{"and_across_values", "process.args:(sh and id)", R"({"process":{"args":["sh","-c","id"]}})", true},
    Case{"and_needs_both", "process.args:(sh and ls)", R"({"process":{"args":["sh","-c","id"]}})", false},
    Case{"or_values", "process.args:(ls or id)", R"({"process":{"args":["sh","-c","id"]}})", true},
    Case{"not_when_one_equals", "not process.args:sh", R"({"process":{"args":["sh","id"]}})", false},
    Case{"not_when_none_equals", "not process.args:ls", R"({"process":{"args":["sh","id"]}})", true},
    Case{"value_list_with_not", "process.args:(sh and not ls)", R"({"process":{"args":["sh","id"]}})", true},
    Case{"value_list_not_present", "process.args:(sh and not id)", R"({"process":{"args":["sh","id"]}})", false},
    Case{"arrays_of_arrays", "process.args:b", R"({"process":{"args":[["a"],["b"]]}})", true},
    Case{"objects_flattened_across_elements", "a.b:x and a.c:2", R"({"a":[{"b":"x","c":1},{"b":"y","c":2}]})", true},
    Case{"objects_flattened_values", "a.b:(x and y)", R"({"a":[{"b":"x"},{"b":"y"}]})", true},
    Case{"array_holding_objects_and_nulls", "a.b:x", R"({"a":[null,{"b":"x"}]})", true},
    Case{"deep_array_of_objects", "a.b.c:z", R"({"a":{"b":[{"c":"y"},{"c":"z"}]}})", true}),
    case_name);

class Nested : public ::testing::TestWithParam<Case> {};
TEST_P(Nested, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// `path:{ q }`: one element must satisfy the whole of q with its own values.
INSTANTIATE_TEST_SUITE_P(Interp, Nested, ::testing::Values(
    Case{"same_element_required", "a:{ b:x and c:2 }", R"({"a":[{"b":"x","c":1},{"b":"y","c":2}]})", false},
    Case{"same_element_hit", "a:{ b:x and c:1 }", R"({"a":[{"b":"x","c":1},{"b":"y","c":2}]})", true},
    Case{"second_element_hit", "a:{ b:y and c:2 }", R"({"a":[{"b":"x","c":1},{"b":"y","c":2}]})", true},
    Case{"single_object_is_one_element", "a:{ b:x }", R"({"a":{"b":"x"}})", true},
    Case{"missing_path", "a:{ b:x }", R"({})", false},
    Case{"negation_inside_needs_an_element", "a:{ not b:x }", R"({})", false},
    Case{"negation_inside_other_element", "a:{ not b:x }", R"({"a":[{"b":"x"},{"b":"y"}]})", true},
    Case{"negation_inside_all_equal", "a:{ not b:x }", R"({"a":[{"b":"x"},{"b":"x"}]})", false},
    Case{"negation_outside", "not a:{ b:x }", R"({"a":[{"b":"y"}]})", true},
    Case{"exists_inside_element", "a:{ b:* and not c:* }", R"({"a":[{"b":1,"c":2},{"b":1}]})", true},
    Case{"exists_inside_each_has_c", "a:{ b:* and not c:* }", R"({"a":[{"b":1,"c":2},{"c":1}]})", false},
    Case{"nested_in_nested", "a:{ b:{ c:1 and d:2 } }", R"({"a":[{"b":[{"c":1,"d":2}]}]})", true},
    Case{"nested_in_nested_split", "a:{ b:{ c:1 and d:2 } }", R"({"a":[{"b":[{"c":1},{"d":2}]}]})", false},
    Case{"outer_element_split", "a:{ x:1 and b:{ c:1 } }", R"({"a":[{"x":1},{"b":[{"c":1}]}]})", false},
    Case{"outer_element_same", "a:{ x:1 and b:{ c:1 } }", R"({"a":[{"x":1,"b":[{"c":1}]}]})", true},
    Case{"inner_single_object", "a:{ x:1 and b:{ c:1 } }", R"({"a":[{"x":1,"b":{"c":1}},{"x":2}]})", true},
    Case{"deeper_path", "a.b:{ c:1 }", R"({"a":{"b":[{"c":1}]}})", true},
    Case{"dotted_keys_in_elements", "a:{ b.c:x and d:1 }", R"({"a":[{"b.c":"x","d":1}]})", true},
    Case{"arrays_inside_element", "a:{ tags:(p and q) }", R"({"a":[{"tags":["p","q"]},{"tags":["r"]}]})", true},
    Case{"arrays_inside_element_split", "a:{ tags:(p and r) }", R"({"a":[{"tags":["p","q"]},{"tags":["r"]}]})", false},
    Case{"schema_nested_field", "test.nested:{ name:foo and count > 2 }",
         R"({"test":{"nested":[{"name":"foo","count":1},{"name":"bar","count":5}]}})", false},
    Case{"schema_nested_field_hit", "test.nested:{ name:foo and count > 2 }",
         R"({"test":{"nested":[{"name":"foo","count":3},{"name":"bar","count":5}]}})", true},
    Case{"schema_nested_in_nested", "test.nested:{ name:foo and inner:{ v:z } }",
         R"({"test":{"nested":[{"name":"foo","inner":[{"v":"y"}]},{"name":"bar","inner":[{"v":"z"}]}]}})", false},
    Case{"wildcard_path_matches_nothing", "a*:{ b:x }", R"({"a":[{"b":"x"}]})", false},
    Case{"field_wildcard_inside", "a:{ b*:x }", R"({"a":[{"bc":"x"}]})", true},
    Case{"typed_field_inside", "test.nested:{ count:3 }", R"({"test":{"nested":[{"count":"3.0"}]}})", true}),
    case_name);

class FieldWildcards : public ::testing::TestWithParam<Case> {};
TEST_P(FieldWildcards, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// `process.*:x`: expanded against the schema and the document's own paths; `*` crosses dots.
INSTANTIATE_TEST_SUITE_P(Interp, FieldWildcards, ::testing::Values(
    Case{"schema_fields", "process.*:bash", R"({"process":{"name":"bash"}})", true},
    Case{"no_field_matches", "process.*:zsh", R"({"process":{"name":"bash"}})", false},
    Case{"document_only_fields", "azure.*.display_name:foo", R"({"azure":{"r":{"0":{"display_name":"foo"}}}})", true},
    Case{"star_crosses_dots", "azure.*:foo", R"({"azure":{"a":{"b":{"c":"foo"}}}})", true},
    Case{"leading_star", "*.name:bash", R"({"process":{"name":"bash"}})", true},
    Case{"each_field_its_type", "process.p*:42", R"({"process":{"pid":42.0}})", true},
    Case{"caseless_subfield_expanded", "process.name.*:BASH", R"({"process":{"name":"bash"}})", true},
    Case{"negated", "not process.*:bash", R"({"process":{"name":"bash"}})", false},
    Case{"negated_no_match", "not process.*:zsh", R"({"process":{"name":"bash"}})", true},
    Case{"exists_pattern", "process.*:*", R"({"process":{"pid":1}})", true},
    Case{"exists_pattern_absent", "process.*:*", R"({"host":{"name":"x"}})", false},
    Case{"value_pattern_too", "azure.*.type:*Group*", R"({"azure":{"t":{"1":{"type":"SecurityGroup"}}}})", true},
    Case{"hash_fields", "process.hash.*:abc", R"({"process":{"hash":{"md5":"abc"}}})", true}),
    case_name);

class DocumentForms : public ::testing::TestWithParam<Case> {};
TEST_P(DocumentForms, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// Nested objects, dotted keys and mixed forms are the same field.
INSTANTIATE_TEST_SUITE_P(Interp, DocumentForms, ::testing::Values(
    Case{"nested_objects", "process.parent.name:bash", R"({"process":{"parent":{"name":"bash"}}})", true},
    Case{"dotted_key", "process.parent.name:bash", R"({"process.parent.name":"bash"})", true},
    Case{"mixed", "process.parent.name:bash", R"({"process":{"parent.name":"bash"}})", true},
    Case{"mixed_other_split", "process.parent.name:bash", R"({"process.parent":{"name":"bash"}})", true},
    Case{"dotted_in_array_objects", "a.b.c:x", R"({"a":[{"b.c":"x"}]})", true},
    Case{"both_forms_multi_valued", "process.args:(a and b)", R"({"process":{"args":"a"},"process.args":"b"})", true},
    Case{"typed_dotted", "process.pid > 5", R"({"process.pid":10})", true}),
    case_name);

class FreeText : public ::testing::TestWithParam<Case> {};
TEST_P(FreeText, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

// A value without a field: tested on every field of the document (lenient multi_match), including
// the schema's multi-fields of those fields.
INSTANTIATE_TEST_SUITE_P(Interp, FreeText, ::testing::Values(
    Case{"keyword_value", "bash", R"({"process":{"name":"bash"}})", true},
    Case{"no_value", "zsh", R"({"process":{"name":"bash"}})", false},
    Case{"partial_keyword_no", "bas", R"({"process":{"name":"bash"}})", false},
    Case{"case_via_text_multifield", "BASH", R"({"process":{"name":"bash"}})", true},
    Case{"text_field_token", "world", R"({"message":"hello world"})", true},
    Case{"phrase", "\"hello world\"", R"({"message":"hello big world"})", false},
    Case{"phrase_hit", "\"big world\"", R"({"message":"hello big world"})", true},
    Case{"wildcard", "bas*", R"({"process":{"name":"bash"}})", true},
    Case{"number_field_lenient", "42", R"({"process":{"pid":42}})", true},
    Case{"type_mismatch_skipped", "abc", R"({"process":{"pid":42}})", false},
    Case{"unknown_field", "hello", R"({"custom":"hello"})", true},
    Case{"combined_with_field", "bash and process.pid:1", R"({"process":{"name":"bash","pid":1}})", true},
    Case{"negated", "not bash", R"({"process":{"name":"zsh"}})", true}),
    case_name);

class Logic : public ::testing::TestWithParam<Case> {};
TEST_P(Logic, Matches) { EXPECT_EQ(eval_query(GetParam().query, GetParam().doc), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Interp, Logic, ::testing::Values(
    Case{"and_binds_tighter_left", "a:1 or b:2 and c:3", R"({"a":"1"})", true},
    Case{"and_binds_tighter_right", "a:1 or b:2 and c:3", R"({"b":"2"})", false},
    Case{"and_binds_tighter_both", "a:1 or b:2 and c:3", R"({"b":"2","c":"3"})", true},
    Case{"not_group", "not (a:1 or b:2)", R"({"c":"1"})", true},
    Case{"not_group_false", "not (a:1 or b:2)", R"({"b":"2"})", false},
    Case{"keywords_any_case", "a:1 AND NOT b:2", R"({"a":"1","b":"3"})", true}),
    case_name);

}  // namespace structure_test
}  // namespace
}  // namespace rulec::interp::testing
