// Reference evaluator: ES DSL patterns (`?`, case_insensitive), filters and exception items, and the Interpreter.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/frontend/es_dsl.h"
#include "compiler/frontend/exception_items.h"
#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace dsl_interpreter_test {

// A pattern built by hand: every '*' and '?' of `text` is a wildcard marker.
kql::Pattern dsl_pattern(std::string_view text, bool case_insensitive) {
  kql::Pattern p;
  p.case_insensitive = case_insensitive;
  for (char c : text) {
    if (c == '*' || c == '?')
      p.add_wildcard(c);
    else
      p.segments.back() += c;
  }
  return p;
}

bool eval_node(const kql::Node& n, std::string_view doc, int64_t now = kNow) {
  Doc d(doc);
  EXPECT_TRUE(d.ok) << d.error;
  return matches(n, d.ev, test_schema(), now);
}

struct PatternCase {
  const char* name;
  const char* field;
  const char* pattern;
  bool case_insensitive;
  const char* doc;
  bool expected;
};

class DslPatterns : public ::testing::TestWithParam<PatternCase> {};
TEST_P(DslPatterns, Matches) {
  const PatternCase& c = GetParam();
  kql::Value v;
  v.pattern = dsl_pattern(c.pattern, c.case_insensitive);
  auto n = kql::make_is(kql::literal(c.field), std::move(v));
  EXPECT_EQ(eval_node(*n, c.doc), c.expected);
}

// '?' = exactly one character (code point); case_insensitive folds ASCII only, as Elasticsearch's
// AutomatonQueries.toCaseInsensitiveChar does.
INSTANTIATE_TEST_SUITE_P(Interp, DslPatterns, ::testing::Values(
    PatternCase{"question_one_char", "process.name", "ba?h", false, R"({"process":{"name":"bash"}})", true},
    PatternCase{"question_not_empty", "process.name", "bash?", false, R"({"process":{"name":"bash"}})", false},
    PatternCase{"question_one_code_point", "process.name", "caf?", false, R"({"process":{"name":"café"}})", true},
    PatternCase{"question_not_two", "process.name", "ca?", false, R"({"process":{"name":"café"}})", false},
    PatternCase{"star_and_question", "process.name", "*.?xe", false, R"({"process":{"name":"cmd.exe"}})", true},
    PatternCase{"case_sensitive_default", "process.name", "BA*", false, R"({"process":{"name":"bash"}})", false},
    PatternCase{"ci_term", "process.name", "BASH", true, R"({"process":{"name":"bash"}})", true},
    PatternCase{"ci_term_whole_value", "process.name", "BAS", true, R"({"process":{"name":"bash"}})", false},
    PatternCase{"ci_wildcard", "process.name", "*BA?H*", true, R"({"process":{"name":"xbashx"}})", true},
    PatternCase{"ci_ascii_only", "process.name", "É*", true, R"({"process":{"name":"école"}})", false},
    PatternCase{"ci_non_ascii_exact", "process.name", "é*", true, R"({"process":{"name":"école"}})", true},
    PatternCase{"caseless_field_lowercases_pattern", "process.name.caseless", "BA?H", false,
                R"({"process":{"name":"Bash"}})", true},
    PatternCase{"text_field_per_token", "message", "wor?d", false, R"({"message":"Hello World"})", true},
    PatternCase{"wildcard_type_field", "process.command_line", "*-? *", false,
                R"({"process":{"command_line":"/bin/sh -c id"}})", true}),
    [](const ::testing::TestParamInfo<PatternCase>& i) { return std::string(i.param.name); });

TEST(InterpDsl, EscapedWildcardIsLiteral) {
  kql::Value v;
  v.pattern = parse_es_wildcard("a\\*b");
  auto n = kql::make_is(kql::literal("process.name"), std::move(v));
  EXPECT_TRUE(eval_node(*n, R"({"process":{"name":"a*b"}})"));
  EXPECT_FALSE(eval_node(*n, R"({"process":{"name":"axb"}})"));
}

// Filters as Kibana stores them, translated by the front end, evaluated with a query.
struct FilterCase {
  const char* name;
  const char* query;
  const char* filters;  // JSON array
  const char* doc;
  bool expected;
};

class Filters : public ::testing::TestWithParam<FilterCase> {};
TEST_P(Filters, Matches) {
  const FilterCase& c = GetParam();
  auto q = kql::parse(c.query);
  ASSERT_TRUE(q);
  std::vector<Diagnostic> diags;
  auto f = translate_filters(nlohmann::json::parse(c.filters), diags);
  ASSERT_TRUE(diags.empty()) << diags.front().message;
  RuleTrees rule{q.ast.get(), f.get(), {}};
  Doc d(c.doc);
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(matches(rule, d.ev, test_schema(), kNow), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Interp, Filters, ::testing::Values(
    FilterCase{"negated_exists_absent", "process.name:bash",
               R"([{"meta":{"negate":true},"query":{"exists":{"field":"process.parent.name"}}}])",
               R"({"process":{"name":"bash"}})", true},
    FilterCase{"negated_exists_present", "process.name:bash",
               R"([{"meta":{"negate":true},"query":{"exists":{"field":"process.parent.name"}}}])",
               R"({"process":{"name":"bash","parent":{"name":"sshd"}}})", false},
    FilterCase{"match_phrase_on_text", "", R"([{"query":{"match_phrase":{"message":"hello world"}}}])",
               R"({"message":"Hello, world"})", true},
    FilterCase{"wildcard_case_insensitive", "",
               R"([{"query":{"wildcard":{"process.name":{"value":"BA*","case_insensitive":true}}}}])",
               R"({"process":{"name":"bash"}})", true},
    FilterCase{"terms_any", "", R"([{"query":{"terms":{"process.name":["a","bash"]}}}])",
               R"({"process":{"name":"bash"}})", true},
    FilterCase{"range_inside", "", R"([{"query":{"range":{"process.pid":{"gte":10,"lt":20}}}}])",
               R"({"process":{"pid":15}})", true},
    FilterCase{"range_upper_excluded", "", R"([{"query":{"range":{"process.pid":{"gte":10,"lt":20}}}}])",
               R"({"process":{"pid":20}})", false},
    FilterCase{"bool_should", "",
               R"([{"query":{"bool":{"should":[{"match":{"a":"1"}},{"match":{"b":"2"}}]}}}])", R"({"b":"2"})", true},
    FilterCase{"disabled_ignored", "",
               R"([{"meta":{"disabled":true},"query":{"match":{"a":"1"}}}])", R"({"a":"2"})", true},
    FilterCase{"query_and_filter_both_needed", "a:1", R"([{"query":{"match":{"b":"2"}}}])", R"({"a":"1"})", false}),
    [](const ::testing::TestParamInfo<FilterCase>& i) { return std::string(i.param.name); });

// Exception items: the rule matches when the query does and NO item does.
struct ExceptionCase {
  const char* name;
  const char* entries;  // JSON array of entries
  const char* doc;
  bool rule_matches;
};

class Exceptions : public ::testing::TestWithParam<ExceptionCase> {};
TEST_P(Exceptions, Matches) {
  const ExceptionCase& c = GetParam();
  auto q = kql::parse("event.category:process");
  ASSERT_TRUE(q);
  std::vector<Diagnostic> diags;
  auto item = translate_exception_entries(nlohmann::json::parse(c.entries), diags);
  ASSERT_TRUE(item) << (diags.empty() ? "" : diags.front().message);
  RuleTrees rule{q.ast.get(), nullptr, {item.get()}};
  Doc d(c.doc);
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(matches(rule, d.ev, test_schema(), kNow), c.rule_matches);
}

INSTANTIATE_TEST_SUITE_P(Interp, Exceptions, ::testing::Values(
    ExceptionCase{"match_excludes", R"([{"field":"process.name","type":"match","operator":"included","value":"bash"}])",
                  R"({"event":{"category":"process"},"process":{"name":"bash"}})", false},
    ExceptionCase{"match_other_value_kept", R"([{"field":"process.name","type":"match","operator":"included","value":"bash"}])",
                  R"({"event":{"category":"process"},"process":{"name":"zsh"}})", true},
    ExceptionCase{"entries_are_anded", R"([{"field":"process.name","type":"match","operator":"included","value":"bash"},
                   {"field":"user.name","type":"match","operator":"included","value":"root"}])",
                  R"({"event":{"category":"process"},"process":{"name":"bash"},"user":{"name":"alice"}})", true},
    ExceptionCase{"excluded_operator", R"([{"field":"user.name","type":"match","operator":"excluded","value":"root"}])",
                  R"({"event":{"category":"process"},"user":{"name":"alice"}})", false},
    ExceptionCase{"match_any", R"([{"field":"process.name","type":"match_any","operator":"included","value":["a","bash"]}])",
                  R"({"event":{"category":"process"},"process":{"name":"bash"}})", false},
    ExceptionCase{"wildcard_case_sensitive", R"([{"field":"process.executable","type":"wildcard","operator":"included","value":"/usr/*"}])",
                  R"({"event":{"category":"process"},"process":{"executable":"/USR/bin/x"}})", true},
    ExceptionCase{"exists", R"([{"field":"process.parent.name","type":"exists","operator":"included"}])",
                  R"({"event":{"category":"process"},"process":{"parent":{"name":"x"}}})", false},
    ExceptionCase{"nested_same_element", R"([{"field":"a","type":"nested","entries":[
                     {"field":"b","type":"match","operator":"included","value":"x"},
                     {"field":"c","type":"match","operator":"included","value":"y"}]}])",
                  R"({"event":{"category":"process"},"a":[{"b":"x","c":"z"},{"b":"w","c":"y"}]})", true}),
    [](const ::testing::TestParamInfo<ExceptionCase>& i) { return std::string(i.param.name); });

TEST(InterpInterpreter, SetsOneBitPerMatchingRule) {
  std::vector<kql::NodePtr> asts;
  for (const char* q : {"process.name:bash", "process.pid > 100", "not process.name:*", "user.name:root"})
    asts.push_back(kql::parse(q).ast);
  auto exc = kql::parse("user.name:admin").ast;
  std::vector<RuleTrees> rules;
  for (auto& a : asts) rules.push_back(RuleTrees{a.get(), nullptr, {}});
  rules[3].exceptions.push_back(exc.get());
  Interpreter interp(rules, test_schema());
  EXPECT_EQ(interp.rule_count(), 4u);

  rt::RuleBits bits;  // resized by evaluate()
  Doc d1(R"({"process":{"name":"bash","pid":500},"user":{"name":"root"}})");
  interp.evaluate(d1.ev, bits);
  ASSERT_EQ(bits.size(), 4u);
  EXPECT_TRUE(bits.test(0));
  EXPECT_TRUE(bits.test(1));
  EXPECT_FALSE(bits.test(2));
  EXPECT_TRUE(bits.test(3));

  Doc d2(R"({"process":{"pid":5},"user":{"name":["root","admin"]}})");
  interp.evaluate(d2.ev, bits);
  EXPECT_FALSE(bits.test(0));
  EXPECT_FALSE(bits.test(1));
  EXPECT_TRUE(bits.test(2));
  EXPECT_FALSE(bits.test(3));  // excepted
  EXPECT_TRUE(bits.any());
}

TEST(InterpInterpreter, DateMathFollowsNow) {
  auto q = kql::parse("@timestamp >= now-1h").ast;
  Interpreter interp({RuleTrees{q.get(), nullptr, {}}}, test_schema());
  Doc d(R"({"@timestamp":"2024-05-15T11:30:00Z"})");
  rt::RuleBits bits(1);
  interp.set_now_ms(kNow);
  interp.evaluate(d.ev, bits);
  EXPECT_TRUE(bits.test(0));
  interp.set_now_ms(kNow + 3600 * 1000);  // an hour later the event is too old
  interp.evaluate(d.ev, bits);
  EXPECT_FALSE(bits.test(0));
}

TEST(InterpInterpreter, FiltersAndExceptionsTogether) {
  auto q = kql::parse("event.action:exec").ast;
  auto f = kql::parse("host.os.type:linux").ast;
  auto e1 = kql::parse("process.name:ls").ast;
  auto e2 = kql::parse("user.name:root and process.name:cat").ast;
  Interpreter interp({RuleTrees{q.get(), f.get(), {e1.get(), e2.get()}}}, test_schema());
  rt::RuleBits bits(1);
  auto run = [&](const char* json) {
    Doc d(json);
    interp.evaluate(d.ev, bits);
    return bits.test(0);
  };
  EXPECT_TRUE(run(R"({"event":{"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"cat"}})"));
  EXPECT_FALSE(run(R"({"event":{"action":"exec"},"host":{"os":{"type":"windows"}},"process":{"name":"cat"}})"));
  EXPECT_FALSE(run(R"({"event":{"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"ls"}})"));
  EXPECT_FALSE(run(R"({"event":{"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"cat"},"user":{"name":"root"}})"));
  EXPECT_TRUE(run(R"({"event":{"action":"exec"},"host":{"os":{"type":"linux"}},"process":{"name":"cat"},"user":{"name":"bob"}})"));
}

}  // namespace dsl_interpreter_test
}  // namespace
}  // namespace rulec::interp::testing
