// The KQL conformance cases of spec §1 (Kibana's grammar): queries, the trees they parse to, or the error they give.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"

namespace kql_cases {
namespace {

using namespace rulec::kql;
namespace diag = rulec::diag;

// ---- expected trees, built without the parser (And/Or are not flattened here) ----
inline Pattern F(std::string s) { return literal(std::move(s)); }                  // unquoted field
inline Pattern FQ(std::string s) { return literal(std::move(s), true); }           // quoted field
inline Pattern FW(std::vector<std::string> segs) {                                 // field with `*`s
  Pattern p;
  p.segments = std::move(segs);
  p.wildcards = std::string(p.segments.size() - 1, '*');
  return p;
}
inline Value V(std::string s) { return Value{literal(std::move(s)), LiteralType::String}; }
inline Value VQ(std::string s) { return Value{literal(std::move(s), true), LiteralType::String}; }
inline Value VW(std::vector<std::string> segs) { return Value{FW(std::move(segs)), LiteralType::String}; }
inline Value VT(LiteralType t, std::string text) { return Value{literal(std::move(text)), t}; }

inline NodePtr Is(Pattern f, Value v) { return make_is(std::move(f), std::move(v)); }
inline NodePtr Is(std::string f, std::string v) { return Is(F(std::move(f)), V(std::move(v))); }
inline NodePtr Ex(Pattern f) { return make_exists(std::move(f)); }
inline NodePtr Rg(Pattern f, RangeOp op, Value v) { return make_range(std::move(f), op, std::move(v)); }
inline NodePtr Ns(Pattern f, NodePtr child) { return make_nested(std::move(f), std::move(child)); }
inline NodePtr Ft(Value v) { return make_free_text(std::move(v)); }
inline NodePtr All() { return make_match_all(); }
inline NodePtr Not(NodePtr c) { return make_not(std::move(c)); }
template <class... N>
NodePtr chain(NodeKind k, N... children) {
  auto n = std::make_unique<Node>();
  n->kind = k;
  (n->children.push_back(std::move(children)), ...);
  return n;
}
template <class... N>
NodePtr Or(N... c) { return chain(NodeKind::Or, std::move(c)...); }
template <class... N>
NodePtr And(N... c) { return chain(NodeKind::And, std::move(c)...); }

struct Case {
  const char* name;
  std::string query;
  std::function<NodePtr()> tree;  // null: the query must be refused with `error`
  std::string_view error = {};
};

constexpr auto Lt = RangeOp::Lt, Le = RangeOp::Le, Gt = RangeOp::Gt, Ge = RangeOp::Ge;
constexpr std::string_view kSyn = diag::kSyntax, kEsc = diag::kBadEscape, kQuote = diag::kUnterminatedQuote;
const std::string NBSP = "\xC2\xA0";

// clang-format off
inline const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
    // ---- precedence: or < and < not < ( ) { }; n-ary chains ----
    {"or_binary", "a:b or c:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"and_binary", "a:b and c:d", [] { return And(Is("a", "b"), Is("c", "d")); }},
    {"spec_precedence_example", "a:1 or b:2 and c:3 or d:4", [] { return Or(Is("a", "1"), And(Is("b", "2"), Is("c", "3")), Is("d", "4")); }},
    {"and_before_or", "a:b and c:d or e:f", [] { return Or(And(Is("a", "b"), Is("c", "d")), Is("e", "f")); }},
    {"or_chain_nary", "a:1 or b:2 or c:3 or d:4", [] { return Or(Is("a", "1"), Is("b", "2"), Is("c", "3"), Is("d", "4")); }},
    {"and_chain_nary", "a:1 and b:2 and c:3", [] { return And(Is("a", "1"), Is("b", "2"), Is("c", "3")); }},
    {"not_binds_tighter_than_and", "not a:b and c:d", [] { return And(Not(Is("a", "b")), Is("c", "d")); }},
    {"not_binds_tighter_than_or", "not a:b or c:d", [] { return Or(Not(Is("a", "b")), Is("c", "d")); }},
    {"and_not", "a:b and not c:d", [] { return And(Is("a", "b"), Not(Is("c", "d"))); }},
    {"parens_group_or", "(a:b or c:d) and e:f", [] { return And(Or(Is("a", "b"), Is("c", "d")), Is("e", "f")); }},
    {"parens_group_or_right", "a:b and (c:d or e:f)", [] { return And(Is("a", "b"), Or(Is("c", "d"), Is("e", "f"))); }},
    {"not_parens", "not (a:b or c:d)", [] { return Not(Or(Is("a", "b"), Is("c", "d"))); }},
    {"parens_single", "(a:b)", [] { return Is("a", "b"); }},
    {"parens_double", "((a:b))", [] { return Is("a", "b"); }},
    {"parens_same_kind_flattened", "(a:1 or b:2) or c:3", [] { return Or(Is("a", "1"), Is("b", "2"), Is("c", "3")); }},
    {"parens_same_kind_flattened_right", "a:1 and (b:2 and c:3)", [] { return And(Is("a", "1"), Is("b", "2"), Is("c", "3")); }},
    {"not_of_parenthesized_not", "not (not a:b)", [] { return Not(Not(Is("a", "b"))); }},
    {"deep_mixed", "a:1 or (b:2 and (c:3 or not d:4))", [] { return Or(Is("a", "1"), And(Is("b", "2"), Or(Is("c", "3"), Not(Is("d", "4"))))); }},
    // ---- keywords are case-insensitive ----
    {"kw_OR_upper", "a:b OR c:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"kw_Or_mixed", "a:b oR c:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"kw_AND_upper", "a:b AND c:d", [] { return And(Is("a", "b"), Is("c", "d")); }},
    {"kw_And_mixed", "a:b aNd c:d", [] { return And(Is("a", "b"), Is("c", "d")); }},
    {"kw_NOT_upper", "NOT a:b", [] { return Not(Is("a", "b")); }},
    {"kw_Not_mixed", "nOt a:b", [] { return Not(Is("a", "b")); }},
    {"kw_list_upper", "a:(b OR c AND NOT d)", [] { return Or(Is("a", "b"), And(Is("a", "c"), Not(Is("a", "d")))); }},
    // ---- whitespace rules for or / and / not ----
    {"err_and_without_space_after", "a:b and(c:d)", nullptr, kSyn},
    {"err_and_without_space_before", "(a:b)and c:d", nullptr, kSyn},
    {"err_or_without_spaces", "(a:b)or(c:d)", nullptr, kSyn},
    {"err_not_without_space", "not(a:b)", nullptr, kSyn},
    {"nota_is_a_field", "nota:b", [] { return Is("nota", "b"); }},
    {"ora_is_a_field", "a:b or oregon:c", [] { return Or(Is("a", "b"), Is("oregon", "c")); }},
    {"andy_is_a_field", "andy:x and a:b", [] { return And(Is("andy", "x"), Is("a", "b")); }},
    {"keyword_needs_space_after_is_text", "a:b andor", [] { return Is("a", "b andor"); }},
    {"tab_and_newline_are_spaces", "a:b\tand\nc:d", [] { return And(Is("a", "b"), Is("c", "d")); }},
    {"crlf_is_space", "a:b\r\nor\r\nc:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"nbsp_is_space_around_or", "a:b" + NBSP + "or" + NBSP + "c:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"nbsp_at_both_ends", NBSP + "a:b" + NBSP, [] { return Is("a", "b"); }},
    {"spaces_around_colon", "a : b", [] { return Is("a", "b"); }},
    {"spaces_inside_parens", "( a:b )", [] { return Is("a", "b"); }},
    {"spaces_inside_list", "a:( b or c )", [] { return Or(Is("a", "b"), Is("a", "c")); }},
    {"spaces_inside_braces", "a:{ b:c }", [] { return Ns(F("a"), Is("b", "c")); }},
    {"spaces_at_both_ends", "  \t a:b \n ", [] { return Is("a", "b"); }},
    {"many_spaces_around_or", "a:b   or    c:d", [] { return Or(Is("a", "b"), Is("c", "d")); }},
    {"not_many_spaces", "not \t  a:b", [] { return Not(Is("a", "b")); }},
    {"err_or_glued_not", "a:b ornot c:d", nullptr, kSyn},
    {"err_value_then_field", "a:b orc:d", nullptr, kSyn},
    // ---- only one `not` per level; negating values only inside lists ----
    {"err_not_not", "not not a:b", nullptr, kSyn},
    {"err_list_not_not", "a:(not not b)", nullptr, kSyn},
    {"err_value_not", "a:not b", nullptr, kSyn},
    {"list_not", "a:(not b)", [] { return Not(Is("a", "b")); }},
    {"list_and_not", "a:(b and not c)", [] { return And(Is("a", "b"), Not(Is("a", "c"))); }},
    {"not_of_list_not", "not a:(not b)", [] { return Not(Not(Is("a", "b"))); }},
    {"list_not_of_group", "a:(not (b or c))", [] { return Not(Or(Is("a", "b"), Is("a", "c"))); }},
    {"not_alone_is_text", "not", [] { return Ft(V("not")); }},
    {"value_not_alone_is_text", "a:not", [] { return Is("a", "not"); }},
    // ---- value lists ----
    {"list_or", "a:(b or c)", [] { return Or(Is("a", "b"), Is("a", "c")); }},
    {"list_and", "a:(b and c)", [] { return And(Is("a", "b"), Is("a", "c")); }},
    {"list_precedence", "a:(b or c and d)", [] { return Or(Is("a", "b"), And(Is("a", "c"), Is("a", "d"))); }},
    {"list_nary", "a:(b or c or d or e)", [] { return Or(Is("a", "b"), Is("a", "c"), Is("a", "d"), Is("a", "e")); }},
    {"list_single_value_with_space", "a:(b c)", [] { return Is("a", "b c"); }},
    {"list_single", "a:(b)", [] { return Is("a", "b"); }},
    {"list_nested_group", "a:((b or c) and d)", [] { return And(Or(Is("a", "b"), Is("a", "c")), Is("a", "d")); }},
    {"list_nested_not", "a:(b or (c and not d))", [] { return Or(Is("a", "b"), And(Is("a", "c"), Not(Is("a", "d")))); }},
    {"list_mixed_literals", "a:(\"b\" or c*)", [] { return Or(Is(F("a"), VQ("b")), Is(F("a"), VW({"c", ""}))); }},
    {"list_star_is_exists", "a:(*)", [] { return Ex(F("a")); }},
    {"list_star_star_is_match_all", "*:(*)", [] { return All(); }},
    {"list_trailing_or_is_text", "a:(b or)", [] { return Is("a", "b or"); }},
    {"list_in_and_chain", "x:1 and a:(b or c)", [] { return And(Is("x", "1"), Or(Is("a", "b"), Is("a", "c"))); }},
    {"err_list_empty", "a:()", nullptr, kSyn},
    {"err_list_blank", "a:( )", nullptr, kSyn},
    {"err_list_dangling_or", "a:(b or )", nullptr, kSyn},
    {"err_list_unclosed", "a:(b or c", nullptr, kSyn},
    {"err_list_with_field", "a:(b:c)", nullptr, kSyn},
    // ---- exists vs wildcard ----
    {"exists", "a:*", [] { return Ex(F("a")); }},
    {"exists_spaced", "a : * ", [] { return Ex(F("a")); }},
    {"double_star_is_wildcard", "a:**", [] { return Is(F("a"), VW({"", "", ""})); }},
    {"quoted_star_is_literal", "a:\"*\"", [] { return Is(F("a"), VQ("*")); }},
    {"escaped_star_is_literal", "a:\\*", [] { return Is(F("a"), V("*")); }},
    {"quoted_field_star_exists", "\"*\":*", [] { return Ex(FQ("*")); }},
    {"star_field_value", "*:foo", [] { return Is(FW({"", ""}), V("foo")); }},
    // ---- ranges ----
    {"range_lt", "a<5", [] { return Rg(F("a"), Lt, V("5")); }},
    {"range_le", "a<=5", [] { return Rg(F("a"), Le, V("5")); }},
    {"range_gt", "a > 5", [] { return Rg(F("a"), Gt, V("5")); }},
    {"range_ge", "a >= 5", [] { return Rg(F("a"), Ge, V("5")); }},
    {"range_quoted", "@timestamp >= \"2020-01-01T00:00:00\"", [] { return Rg(F("@timestamp"), Ge, VQ("2020-01-01T00:00:00")); }},
    {"range_value_with_space", "a > 5 6", [] { return Rg(F("a"), Gt, V("5 6")); }},
    {"range_wildcard_value", "a < b*", [] { return Rg(F("a"), Lt, VW({"b", ""})); }},
    {"range_typed_value", "a >= true", [] { return Rg(F("a"), Ge, VT(LiteralType::True, "true")); }},
    {"range_field_with_equals", "a => 5", [] { return Rg(F("a ="), Gt, V("5")); }},
    {"range_in_chain", "a < 5 or b >= 6", [] { return Or(Rg(F("a"), Lt, V("5")), Rg(F("b"), Ge, V("6"))); }},
    {"err_range_after_colon", "a:>5", nullptr, kSyn},
    {"err_range_list", "a > (5 or 6)", nullptr, kSyn},
    {"err_range_missing_value", "a >", nullptr, kSyn},
    {"err_range_double_op", "a <> 5", nullptr, kSyn},
    {"err_range_missing_field", "< 5", nullptr, kSyn},
    {"err_range_colon_value", "a < b:c", nullptr, kSyn},
    // ---- nested ----
    {"nested", "a:{b:c}", [] { return Ns(F("a"), Is("b", "c")); }},
    {"nested_chain", "a:{b:c and d:e}", [] { return Ns(F("a"), And(Is("b", "c"), Is("d", "e"))); }},
    {"nested_in_nested", "a:{b:{c:d}}", [] { return Ns(F("a"), Ns(F("b"), Is("c", "d"))); }},
    {"nested_not", "a:{ b:c or not d:e }", [] { return Ns(F("a"), Or(Is("b", "c"), Not(Is("d", "e")))); }},
    {"not_nested", "not a:{b:c}", [] { return Not(Ns(F("a"), Is("b", "c"))); }},
    {"nested_then_and", "a:{b:c} and d:e", [] { return And(Ns(F("a"), Is("b", "c")), Is("d", "e")); }},
    {"nested_quoted_field", "\"a b\":{c:d}", [] { return Ns(FQ("a b"), Is("c", "d")); }},
    {"nested_wildcard_field", "a.*:{b:c}", [] { return Ns(FW({"a.", ""}), Is("b", "c")); }},
    {"nested_value_list", "a:{b:(c or d)}", [] { return Ns(F("a"), Or(Is("b", "c"), Is("b", "d"))); }},
    {"nested_free_text", "a:{b}", [] { return Ns(F("a"), Ft(V("b"))); }},
    {"nested_range", "a:{b >= 2}", [] { return Ns(F("a"), Rg(F("b"), Ge, V("2"))); }},
    {"err_nested_empty", "a:{}", nullptr, kSyn},
    {"err_nested_unclosed", "a:{b:c", nullptr, kSyn},
    {"err_nested_without_field", "{b:c}", nullptr, kSyn},
    {"err_nested_after_range", "a < {b:c}", nullptr, kSyn},
    // ---- free text ----
    {"free_text_word", "foo", [] { return Ft(V("foo")); }},
    {"free_text_phrase", "\"a phrase\"", [] { return Ft(VQ("a phrase")); }},
    {"free_text_wildcard", "foo*", [] { return Ft(VW({"foo", ""})); }},
    {"free_text_words", "foo bar", [] { return Ft(V("foo bar")); }},
    {"free_text_star_is_not_exists", "*", [] { return Ft(VW({"", ""})); }},
    {"free_text_or_field", "foo or a:b", [] { return Or(Ft(V("foo")), Is("a", "b")); }},
    {"free_text_not", "not foo", [] { return Not(Ft(V("foo"))); }},
    {"free_text_parens", "(foo)", [] { return Ft(V("foo")); }},
    {"free_text_typed", "true", [] { return Ft(VT(LiteralType::True, "true")); }},
    {"err_free_text_quoted_then_word", "\"a\" b", nullptr, kSyn},
    // ---- field names ----
    {"field_quoted", "\"a b\":c", [] { return Is(FQ("a b"), V("c")); }},
    {"field_wildcard", "process.*:foo", [] { return Is(FW({"process.", ""}), V("foo")); }},
    {"field_timestamp", "@timestamp:x", [] { return Is("@timestamp", "x"); }},
    {"field_dotted", "process.parent.name:x", [] { return Is("process.parent.name", "x"); }},
    {"field_case_kept", "Process.Name:x", [] { return Is("Process.Name", "x"); }},
    {"field_quoted_colon", "\"a:b\":c", [] { return Is(FQ("a:b"), V("c")); }},
    {"field_escaped_colon", "a\\:b:c", [] { return Is("a:b", "c"); }},
    {"field_with_spaces", "foo bar:baz", [] { return Is("foo bar", "baz"); }},
    {"field_starting_with_keyword", " or a:b", [] { return Is("or a", "b"); }},
    {"field_true_is_a_name", "true:x", [] { return Is("true", "x"); }},
    // ---- unquoted values: inner spaces, trimming ----
    {"value_with_space", "foo:bar baz", [] { return Is("foo", "bar baz"); }},
    {"spec_value_then_free_text", "a:foo bar or c", [] { return Or(Is("a", "foo bar"), Ft(V("c"))); }},
    {"value_trimmed", "a:  b  ", [] { return Is("a", "b"); }},
    {"value_inner_spaces_kept", "a:b   c", [] { return Is("a", "b   c"); }},
    {"value_inner_raw_tab_kept", "a:b\tc", [] { return Is("a", "b\tc"); }},
    {"value_inner_nbsp_kept", "a:b" + NBSP + "c", [] { return Is("a", "b" + NBSP + "c"); }},
    {"value_unicode", "a:caf\xC3\xA9 \xE2\x82\xAC", [] { return Is("a", "caf\xC3\xA9 \xE2\x82\xAC"); }},
    {"err_two_expressions_without_keyword", "a:b c:d", nullptr, kSyn},
    // ---- the keyword look-ahead quirk ----
    {"quirk_cannot_b", "a:cannot b", nullptr, kSyn},
    {"quirk_cannot_and", "a:cannot and c:d", nullptr, kSyn},
    {"quirk_cannot_or", "a:cannot or c:d", nullptr, kSyn},
    {"quirk_cannot_alone", "a:cannot", [] { return Is("a", "cannot"); }},
    {"quirk_not_before_trailing_space", "a:knot ", nullptr, kSyn},
    {"quirk_value_not_then_word", "a:b not c", nullptr, kSyn},
    {"quirk_trailing_or_is_text", "a:b or", [] { return Is("a", "b or"); }},
    {"quirk_trailing_and_is_text", "a:b and", [] { return Is("a", "b and"); }},
    {"quirk_trailing_not_is_text", "a:b not", [] { return Is("a", "b not"); }},
    {"err_trailing_or_space", "a:b or ", nullptr, kSyn},
    {"quirk_or_or", "a:b or or c", [] { return Or(Is("a", "b"), Ft(V("or c"))); }},
    {"quirk_and_or", "a:b and or c", [] { return And(Is("a", "b"), Ft(V("or c"))); }},
    {"quirk_or_after_colon", "a: or b", [] { return Is("a", "or b"); }},
    {"quirk_or_after_paren", "a:( or b)", [] { return Is("a", "or b"); }},
    {"quirk_or_after_not", "not or", [] { return Not(Ft(V("or"))); }},
    {"quirk_or_after_range", "a < or b", [] { return Rg(F("a"), Lt, V("or b")); }},
    {"quirk_or_not_value", "a:b or not c", [] { return Or(Is("a", "b"), Not(Ft(V("c")))); }},
    {"quirk_or_after_quoted", "a:\"b\" or c", [] { return Or(Is(F("a"), VQ("b")), Ft(V("c"))); }},
    {"quirk_or_after_escape", "a:b\\* or c", [] { return Or(Is("a", "b*"), Ft(V("c"))); }},
    {"quirk_or_after_wildcard", "a:b* or c", [] { return Or(Is(F("a"), VW({"b", ""})), Ft(V("c"))); }},
    {"err_quirk_quoted_trailing_or", "a:\"b\" or", nullptr, kSyn},
    // ---- escapes in unquoted values, one per case ----
    {"esc_backslash", "a:\\\\", [] { return Is("a", "\\"); }},
    {"esc_lparen", "a:\\(", [] { return Is("a", "("); }},
    {"esc_rparen", "a:\\)", [] { return Is("a", ")"); }},
    {"esc_colon", "a:\\:", [] { return Is("a", ":"); }},
    {"esc_lt", "a:\\<", [] { return Is("a", "<"); }},
    {"esc_gt", "a:\\>", [] { return Is("a", ">"); }},
    {"esc_quote", "a:\\\"", [] { return Is("a", "\""); }},
    {"esc_star", "a:b\\*", [] { return Is("a", "b*"); }},
    {"esc_lbrace", "a:\\{", [] { return Is("a", "{"); }},
    {"esc_rbrace", "a:\\}", [] { return Is("a", "}"); }},
    {"esc_tab", "a:b\\tc", [] { return Is("a", "b\tc"); }},
    {"esc_cr", "a:b\\rc", [] { return Is("a", "b\rc"); }},
    {"esc_lf", "a:b\\nc", [] { return Is("a", "b\nc"); }},
    {"esc_unicode", "a:\\u0041", [] { return Is("a", "A"); }},
    {"esc_unicode_lower_hex", "a:\\u00e9", [] { return Is("a", "\xC3\xA9"); }},
    {"esc_unicode_surrogate_pair", "a:\\uD83D\\uDE00", [] { return Is("a", "\xF0\x9F\x98\x80"); }},
    {"esc_unicode_lone_surrogate", "a:x\\uD800", [] { return Is("a", "x\xEF\xBF\xBD"); }},
    {"esc_unicode_star_is_literal", "a:\\u002A", [] { return Is("a", "*"); }},
    {"esc_or", "a:x\\or", [] { return Is("a", "xor"); }},
    {"esc_OR", "a:x\\OR", [] { return Is("a", "xOR"); }},
    {"esc_and", "a:x\\and", [] { return Is("a", "xand"); }},
    {"esc_AnD", "a:x\\AnD", [] { return Is("a", "xAnD"); }},
    {"esc_NOT", "a:x\\NOT", [] { return Is("a", "xNOT"); }},
    {"esc_Not", "a:x\\Not", [] { return Is("a", "xNot"); }},
    {"esc_not_lowercase_is_newline", "a:x\\not", [] { return Is("a", "x\not"); }},
    {"esc_keyword_in_value", "a:b \\or c", [] { return Is("a", "b or c"); }},
    {"esc_keyword_prefix", "a:\\orange", [] { return Is("a", "orange"); }},
    {"esc_not_before_space", "a:\\NOT b", [] { return Is("a", "NOT b"); }},
    // ---- forbidden escapes and unescaped specials ----
    {"err_esc_letter", "a:b\\c", nullptr, kEsc},
    {"err_esc_question_mark", "a:b\\?c", nullptr, kEsc},
    {"err_esc_space", "a:b\\ c", nullptr, kEsc},
    {"err_esc_dot", "a:\\.", nullptr, kEsc},
    {"err_esc_upper_T", "a:\\T", nullptr, kEsc},
    {"err_esc_upper_U", "a:\\U0041", nullptr, kEsc},
    {"err_esc_short_unicode", "a:\\u12", nullptr, kEsc},
    {"err_esc_hex", "a:\\x41", nullptr, kEsc},
    {"err_esc_trailing_backslash", "a:b\\", nullptr, kEsc},
    {"err_esc_in_field", "a\\b:c", nullptr, kEsc},
    {"err_special_colon", "a:b:c", nullptr, kSyn},
    {"err_special_lparen", "a:b(c", nullptr, kSyn},
    {"err_special_rparen", "a:b)", nullptr, kSyn},
    {"err_special_lt", "a:b<c", nullptr, kSyn},
    {"err_special_gt", "a:b>c", nullptr, kSyn},
    {"err_special_quote", "a:b\"c\"", nullptr, kSyn},
    {"err_special_lbrace", "a:b{c", nullptr, kSyn},
    {"err_special_rbrace", "a:b}", nullptr, kSyn},
    // ---- trim after unescape ----
    {"trim_escaped_tab", "a:\\tfoo", [] { return Is("a", "foo"); }},
    {"trim_escaped_newline", "a:foo\\n", [] { return Is("a", "foo"); }},
    {"trim_escaped_spaces", "a:\\u0020foo\\u0020", [] { return Is("a", "foo"); }},
    {"trim_escaped_nbsp", "a:\\u00A0foo", [] { return Is("a", "foo"); }},
    {"trim_js_whitespace_em_space", "a:\\u2003foo", [] { return Is("a", "foo"); }},
    {"trim_raw_vertical_tab", "a:\vfoo", [] { return Is("a", "foo"); }},
    {"trim_to_empty", "a:\\t", [] { return Is("a", ""); }},
    {"trim_then_star_is_exists", "a:\\u0020*", [] { return Ex(F("a")); }},
    // ---- typed literals ----
    {"typed_true", "a:true", [] { return Is(F("a"), VT(LiteralType::True, "true")); }},
    {"typed_false", "a:false", [] { return Is(F("a"), VT(LiteralType::False, "false")); }},
    {"typed_null", "a:null", [] { return Is(F("a"), VT(LiteralType::Null, "null")); }},
    {"typed_trimmed", "a: true ", [] { return Is(F("a"), VT(LiteralType::True, "true")); }},
    {"typed_after_unescape", "a:\\u0074rue", [] { return Is(F("a"), VT(LiteralType::True, "true")); }},
    {"typed_in_list", "a:(true or false)", [] { return Or(Is(F("a"), VT(LiteralType::True, "true")), Is(F("a"), VT(LiteralType::False, "false"))); }},
    {"untyped_upper", "a:TRUE", [] { return Is("a", "TRUE"); }},
    {"untyped_quoted", "a:\"true\"", [] { return Is(F("a"), VQ("true")); }},
    {"untyped_wildcard", "a:true*", [] { return Is(F("a"), VW({"true", ""})); }},
    {"untyped_with_space", "a:true x", [] { return Is("a", "true x"); }},
    {"number_stays_string", "a:070", [] { return Is("a", "070"); }},
    {"decimal_stays_string", "a:1.50", [] { return Is("a", "1.50"); }},
    // ---- wildcards ----
    {"wildcard_suffix", "a:foo*", [] { return Is(F("a"), VW({"foo", ""})); }},
    {"wildcard_both", "a:*foo*", [] { return Is(F("a"), VW({"", "foo", ""})); }},
    {"wildcard_inner", "a:f*o*o", [] { return Is(F("a"), VW({"f", "o", "o"})); }},
    {"wildcard_then_literal_star", "a:*\\*", [] { return Is(F("a"), VW({"", "*"})); }},
    {"literal_star_then_wildcard", "a:\\**", [] { return Is(F("a"), VW({"*", ""})); }},
    {"wildcard_with_spaces", "a:*S3 Browser*", [] { return Is(F("a"), VW({"", "S3 Browser", ""})); }},
    {"quoted_wildcard_is_literal", "process.name:\"python*\"", [] { return Is(F("process.name"), VQ("python*")); }},
    {"escaped_star_inside", "a:foo\\*bar", [] { return Is("a", "foo*bar"); }},
    // ---- `?` is always literal ----
    {"question_mark_unquoted", "a:b?c", [] { return Is("a", "b?c"); }},
    {"question_mark_quoted", "a:\"b?c\"", [] { return Is(F("a"), VQ("b?c")); }},
    {"question_mark_with_wildcard", "a:?*", [] { return Is(F("a"), VW({"?", ""})); }},
    // ---- quoted values ----
    {"quoted_escaped_quote", "a:\"b\\\"c\"", [] { return Is(F("a"), VQ("b\"c")); }},
    {"quoted_escaped_backslash", "a:\"b\\\\c\"", [] { return Is(F("a"), VQ("b\\c")); }},
    {"quoted_other_backslash_kept", "a:\"b\\c\"", [] { return Is(F("a"), VQ("b\\c")); }},
    {"quoted_backslash_star_kept", "a:\"b\\*\"", [] { return Is(F("a"), VQ("b\\*")); }},
    {"quoted_tab_escape", "a:\"b\\tc\"", [] { return Is(F("a"), VQ("b\tc")); }},
    {"quoted_cr_lf_escapes", "a:\"\\r\\n\"", [] { return Is(F("a"), VQ("\r\n")); }},
    {"quoted_unicode_escape", "a:\"\\u0041\"", [] { return Is(F("a"), VQ("A")); }},
    {"quoted_short_unicode_kept", "a:\"\\u00\"", [] { return Is(F("a"), VQ("\\u00")); }},
    {"quoted_multi_line", "a:\"line1\nline2\"", [] { return Is(F("a"), VQ("line1\nline2")); }},
    {"quoted_empty", "a:\"\"", [] { return Is(F("a"), VQ("")); }},
    {"quoted_spaces_kept", "a:\"  b  \"", [] { return Is(F("a"), VQ("  b  ")); }},
    {"quoted_keywords_literal", "a:\"b or not c\"", [] { return Is(F("a"), VQ("b or not c")); }},
    {"quoted_specials_literal", "a:\"(x):<y>{z}\"", [] { return Is(F("a"), VQ("(x):<y>{z}")); }},
    {"err_quoted_unterminated", "a:\"b", nullptr, kQuote},
    {"err_quoted_escaped_end", "a:\"b\\\"", nullptr, kQuote},
    {"err_quoted_glued", "a:\"b\"c", nullptr, kSyn},
    // ---- blank queries, match all ----
    {"blank_empty", "", [] { return All(); }},
    {"blank_spaces", "   ", [] { return All(); }},
    {"blank_mixed_whitespace", " \t\r\n ", [] { return All(); }},
    {"blank_nbsp", NBSP + NBSP, [] { return All(); }},
    {"match_all", "*:*", [] { return All(); }},
    {"match_all_spaced", " * : * ", [] { return All(); }},
    {"match_all_in_chain", "a:b or *:*", [] { return Or(Is("a", "b"), All()); }},
    {"err_only_parens", "()", nullptr, kSyn},
    {"or_then_text_or", "a:b or or", [] { return Or(Is("a", "b"), Ft(V("or"))); }},
  };
  return all;
}
// clang-format on

}  // namespace
}  // namespace kql_cases
