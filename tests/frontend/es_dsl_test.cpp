// Tests of the ES query DSL (Kibana filters) -> KQL AST translation, incl. every corpus filter.
#include "compiler/frontend/es_dsl.h"

#include <gtest/gtest.h>

#include "common/ast_util.h"
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/frontend/rule.h"

namespace rulec {
namespace {
namespace es_dsl_test {

using rulec::testing::list;

using json = nlohmann::json;
using kql::NodePtr;

// A compact S-expression of a tree, for failure messages.

kql::Value str(std::string s, bool quoted = true) {
  kql::Value v;
  v.pattern = kql::literal(std::move(s), quoted);
  return v;
}
NodePtr is(std::string f, kql::Value v) { return kql::make_is(kql::literal(std::move(f)), std::move(v)); }
NodePtr is_q(std::string f, std::string v) { return is(std::move(f), str(std::move(v), true)); }

// Pattern from segments and wildcard characters: pat({"a", "b"}, "*").
kql::Pattern pat(std::vector<std::string> segs, std::string wild, bool ci = false) {
  kql::Pattern p;
  p.segments = std::move(segs);
  p.wildcards = std::move(wild);
  p.case_insensitive = ci;
  return p;
}

NodePtr tx(const std::string& dsl, std::vector<Diagnostic>* out = nullptr) {
  std::vector<Diagnostic> diags;
  NodePtr n = translate_es_query(json::parse(dsl), diags);
  if (out)
    *out = diags;
  else
    EXPECT_TRUE(diags.empty()) << dsl << " -> " << (diags.empty() ? "" : diags[0].message);
  return n;
}

void expect_unsupported(const std::string& dsl, const std::string& construct) {
  std::vector<Diagnostic> diags;
  NodePtr n = tx(dsl, &diags);
  EXPECT_EQ(n, nullptr) << dsl;
  ASSERT_FALSE(diags.empty()) << dsl;
  EXPECT_EQ(diags[0].code, "RUL302");
  EXPECT_EQ(diags[0].severity, Severity::Error);
  EXPECT_EQ(diags[0].offending, construct) << diags[0].message;
  EXPECT_NE(diags[0].message.find(construct), std::string::npos) << diags[0].message;
}

TEST(EsWildcard, StarQuestionAndEscapes) {
  EXPECT_EQ(parse_es_wildcard("a*b?c"), pat({"a", "b", "c"}, "*?"));
  EXPECT_EQ(parse_es_wildcard("*"), pat({"", ""}, "*"));
  EXPECT_EQ(parse_es_wildcard("a\\*b\\?c\\\\d"), pat({"a*b?c\\d"}, ""));
  EXPECT_EQ(parse_es_wildcard("end\\"), pat({"end\\"}, ""));  // a trailing backslash is literal
  EXPECT_EQ(parse_es_wildcard("\\P"), pat({"P"}, ""));        // escaping an ordinary char keeps the char
  EXPECT_TRUE(parse_es_wildcard("x", true).case_insensitive);
}

TEST(EsWildcard, CorpusWindowsPath) {
  // TOML "?:\\\\ProgramData\\\\*" is the ES pattern ?:\\ProgramData\\* : one char, ":\ProgramData\", any.
  EXPECT_EQ(parse_es_wildcard("?:\\\\ProgramData\\\\*", true), pat({"", ":\\ProgramData\\", ""}, "?*", true));
}

TEST(EsDsl, MatchPhraseShortAndLong) {
  EXPECT_TREE(tx(R"({"match_phrase": {"event.action": "Process Create"}})"), is_q("event.action", "Process Create"));
  EXPECT_TREE(tx(R"j({"match_phrase": {"event.action": {"query": "Process Create (rule: ProcessCreate)"}}})j"),
              is_q("event.action", "Process Create (rule: ProcessCreate)"));
  EXPECT_TREE(tx(R"({"match_phrase": {"a": {"query": "x", "slop": 0, "boost": 2}}})"), is_q("a", "x"));
}

TEST(EsDsl, MatchPhraseWithSlopIsUnsupported) {
  expect_unsupported(R"({"match_phrase": {"a": {"query": "x y", "slop": 2}}})", "match_phrase");
}

TEST(EsDsl, MatchIsUnquoted) {
  EXPECT_TREE(tx(R"({"match": {"host.name": "web-1"}})"), is("host.name", str("web-1", false)));
  EXPECT_TREE(tx(R"({"match": {"host.name": {"query": "web-1", "operator": "and"}}})"),
              is("host.name", str("web-1", false)));
  // the legacy phrase filter: {match: {f: {query, type: phrase}}}
  EXPECT_TREE(tx(R"({"match": {"f": {"query": "a b", "type": "phrase"}}})"), is_q("f", "a b"));
  // a `*` inside match is a literal character, not a wildcard
  NodePtr n = tx(R"({"match": {"f": "a*b"}})");
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->value.pattern.has_wildcard());
}

TEST(EsDsl, MatchOptionsThatChangeMatchingAreUnsupported) {
  expect_unsupported(R"({"match": {"f": {"query": "a", "fuzziness": "AUTO"}}})", "match");
  expect_unsupported(R"({"match": {"f": {"query": "a b", "operator": "and"}}})", "match");
}

TEST(EsDsl, TermAndTyped) {
  EXPECT_TREE(tx(R"({"term": {"event.code": "4624"}})"), is_q("event.code", "4624"));
  kql::Value num = str("4624", false);
  EXPECT_TREE(tx(R"({"term": {"event.code": 4624}})"), is("event.code", num));
  kql::Value t = str("true", false);
  t.type = kql::LiteralType::True;
  EXPECT_TREE(tx(R"({"term": {"dll.code_signature.trusted": {"value": true}}})"), is("dll.code_signature.trusted", t));
  kql::Value ci = str("Admin", true);
  ci.pattern.case_insensitive = true;
  EXPECT_TREE(tx(R"({"term": {"user.name": {"value": "Admin", "case_insensitive": true}}})"), is("user.name", ci));
}

TEST(EsDsl, TermsIsOrOfIs) {
  EXPECT_TREE(tx(R"({"terms": {"process.name": ["a.exe", "b.exe"], "boost": 1}})"),
              kql::make_or(list(is_q("process.name", "a.exe"), is_q("process.name", "b.exe"))));
  EXPECT_TREE(tx(R"({"terms": {"process.name": []}})"), kql::make_not(kql::make_match_all()));
  expect_unsupported(R"({"terms": {"f": {"index": "i", "id": "1", "path": "p"}}})", "terms");
}

TEST(EsDsl, WildcardLongShortAndCase) {
  kql::Value v;
  v.pattern = pat({"", ":\\Windows\\", ".exe"}, "?*", true);
  EXPECT_TREE(tx(R"({"wildcard": {"file.path": {"value": "?:\\\\Windows\\\\*.exe", "case_insensitive": true}}})"),
              is("file.path", v));
  kql::Value s;
  s.pattern = pat({"cmd", ""}, "*");
  EXPECT_TREE(tx(R"({"wildcard": {"process.name": "cmd*"}})"), is("process.name", s));
  EXPECT_TREE(tx(R"({"wildcard": {"process.name": {"wildcard": "cmd*"}}})"), is("process.name", s));
}

TEST(EsDsl, PrefixIsTrailingStar) {
  kql::Value v;
  v.pattern = pat({"C:\\*Temp", ""}, "*");  // prefix text has no wildcard syntax: `*` stays literal
  EXPECT_TREE(tx(R"({"prefix": {"file.path": "C:\\*Temp"}})"), is("file.path", v));
  v.pattern.case_insensitive = true;
  EXPECT_TREE(tx(R"({"prefix": {"file.path": {"value": "C:\\*Temp", "case_insensitive": true}}})"), is("file.path", v));
}

TEST(EsDsl, Exists) {
  EXPECT_TREE(tx(R"({"exists": {"field": "rapid7.tc.vulnerability.id"}})"),
              kql::make_exists(kql::literal("rapid7.tc.vulnerability.id")));
  expect_unsupported(R"({"exists": {"field": "a", "other": 1}})", "exists");
}

TEST(EsDsl, RangeBounds) {
  auto r = [](kql::RangeOp op, std::string v, bool quoted = false) {
    return kql::make_range(kql::literal("bytes"), op, str(std::move(v), quoted));
  };
  EXPECT_TREE(tx(R"({"range": {"bytes": {"gte": 10, "lt": 20}}})"),
              kql::make_and(list(r(kql::RangeOp::Ge, "10"), r(kql::RangeOp::Lt, "20"))));
  EXPECT_TREE(tx(R"({"range": {"bytes": {"gt": "5", "lte": null}}})"), r(kql::RangeOp::Gt, "5"));
  EXPECT_TREE(tx(R"({"range": {"bytes": {"from": 1, "to": 9, "include_upper": false}}})"),
              kql::make_and(list(r(kql::RangeOp::Ge, "1"), r(kql::RangeOp::Lt, "9"))));
  EXPECT_TREE(tx(R"({"range": {"bytes": {"gte": "now-1d", "format": "strict_date_optional_time"}}})"),
              r(kql::RangeOp::Ge, "now-1d"));
  expect_unsupported(R"({"range": {"bytes": {"gte": "now-1d", "time_zone": "+01:00"}}})", "range");
  expect_unsupported(R"({"range": {"bytes": {}}})", "range");
}

TEST(EsDsl, BoolMustFilterMustNot) {
  EXPECT_TREE(tx(R"({"bool": {"must": {"exists": {"field": "a"}}, "filter": [{"term": {"b": "x"}}],
                              "must_not": [{"term": {"c": "y"}}]}})"),
              kql::make_and(list(kql::make_exists(kql::literal("a")), is_q("b", "x"), kql::make_not(is_q("c", "y")))));
  EXPECT_TREE(tx(R"({"bool": {}})"), kql::make_match_all());
}

TEST(EsDsl, BoolShouldDefaultsToOneWithoutMust) {
  EXPECT_TREE(tx(R"({"bool": {"should": [{"match_phrase": {"a": "1"}}, {"match_phrase": {"a": "2"}}],
                              "minimum_should_match": 1}})"),
              kql::make_or(list(is_q("a", "1"), is_q("a", "2"))));
  EXPECT_TREE(tx(R"({"bool": {"should": [{"term": {"a": "1"}}, {"term": {"a": "2"}}]}})"),
              kql::make_or(list(is_q("a", "1"), is_q("a", "2"))));
  // should + must_not only: one should clause must still match
  EXPECT_TREE(tx(R"({"bool": {"should": [{"term": {"a": "1"}}], "must_not": {"term": {"b": "2"}}}})"),
              kql::make_and(list(kql::make_not(is_q("b", "2")), is_q("a", "1"))));
}

TEST(EsDsl, BoolShouldBesideMustOnlyScores) {
  EXPECT_TREE(tx(R"({"bool": {"must": {"term": {"a": "1"}}, "should": [{"term": {"b": "2"}}]}})"), is_q("a", "1"));
  EXPECT_TREE(tx(R"({"bool": {"filter": {"term": {"a": "1"}}, "should": [{"term": {"b": "2"}}, {"term": {"b": "3"}}],
                              "minimum_should_match": "1"}})"),
              kql::make_and(list(is_q("a", "1"), kql::make_or(list(is_q("b", "2"), is_q("b", "3"))))));
}

TEST(EsDsl, BoolMinimumShouldMatchAllOrUnsupported) {
  EXPECT_TREE(
      tx(R"({"bool": {"should": [{"term": {"a": "1"}}, {"term": {"b": "2"}}], "minimum_should_match": "100%"}})"),
      kql::make_and(list(is_q("a", "1"), is_q("b", "2"))));
  EXPECT_TREE(tx(R"({"bool": {"should": [{"term": {"a": "1"}}, {"term": {"b": "2"}}, {"term": {"c": "3"}}],
                              "minimum_should_match": -2}})"),
              kql::make_or(list(is_q("a", "1"), is_q("b", "2"), is_q("c", "3"))));
  expect_unsupported(R"({"bool": {"should": [{"term": {"a": "1"}}, {"term": {"b": "2"}}, {"term": {"c": "3"}}],
                                  "minimum_should_match": 2}})",
                     "minimum_should_match");
}

TEST(EsDsl, NestedFieldsBecomeRelative) {
  EXPECT_TREE(tx(R"({"nested": {"path": "threat.enrichments", "score_mode": "none",
                                "query": {"match_phrase": {"threat.enrichments.indicator.type": "ipv4-addr"}}}})"),
              kql::make_nested(kql::literal("threat.enrichments"), is_q("indicator.type", "ipv4-addr")));
  expect_unsupported(R"({"nested": {"path": "p", "query": {"term": {"other.f": "x"}}}})", "nested");
}

TEST(EsDsl, MatchAllNoneConstantScore) {
  EXPECT_TREE(tx(R"({"match_all": {}})"), kql::make_match_all());
  EXPECT_TREE(tx(R"({"match_none": {}})"), kql::make_not(kql::make_match_all()));
  EXPECT_TREE(tx(R"({"constant_score": {"filter": {"term": {"a": "1"}}, "boost": 1.2}})"), is_q("a", "1"));
}

TEST(EsDsl, UnknownConstructsAreRul302) {
  expect_unsupported(R"({"query_string": {"query": "a:b"}})", "query_string");
  expect_unsupported(R"({"simple_query_string": {"query": "a"}})", "simple_query_string");
  expect_unsupported(R"({"regexp": {"f": "a.*"}})", "regexp");
  expect_unsupported(R"({"script": {"script": "doc['a'].value > 1"}})", "script");
  expect_unsupported(R"({"bool": {"must": [{"term": {"a": "1"}}, {"fuzzy": {"b": "x"}}]}})", "fuzzy");
}

TEST(EsDsl, UnsupportedNamesItsPlace) {
  std::vector<Diagnostic> d;
  tx(R"({"bool": {"should": [{"term": {"a": "1"}}, {"query_string": {"query": "x"}}]}})", &d);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("bool.should[1].query_string"), std::string::npos) << d[0].message;
}

TEST(EsDsl, MalformedObjects) {
  std::vector<Diagnostic> d;
  EXPECT_EQ(tx(R"({"term": {"a": "1"}, "exists": {"field": "b"}})", &d), nullptr);
  EXPECT_EQ(tx(R"([1, 2])", &d), nullptr);
  EXPECT_EQ(tx(R"({"term": {"a": null}})", &d), nullptr);
  EXPECT_EQ(tx(R"({"term": {}})", &d), nullptr);
  for (const auto& x : d) EXPECT_EQ(x.code, "RUL302");
}

TEST(EsDsl, DeepNestingIsRefusedNotCrashing) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += R"({"bool": {"must": )";
  s += R"({"match_all": {}})";
  for (int i = 0; i < 5000; ++i) s += "}}";
  std::vector<Diagnostic> d;
  EXPECT_EQ(tx(s, &d), nullptr);
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].code, "RUL302");
}

// --- Kibana filters: meta handling and older shapes -----------------------------------------

TEST(KibanaFilter, NegateWrapsInNot) {
  std::vector<Diagnostic> d;
  NodePtr n = translate_filter(json::parse(R"({"meta": {"negate": true, "disabled": false},
                                              "query": {"exists": {"field": "x"}}})"),
                               1, d);
  EXPECT_TREE(std::move(n), kql::make_not(kql::make_exists(kql::literal("x"))));
  EXPECT_TRUE(d.empty());
}

TEST(KibanaFilter, DisabledIsDroppedEvenWhenUnsupported) {
  std::vector<Diagnostic> d;
  bool disabled = false;
  NodePtr n = translate_filter(
      json::parse(R"({"meta": {"disabled": true}, "query": {"query_string": {"query": "x"}}})"), 1, d, &disabled);
  EXPECT_EQ(n, nullptr);
  EXPECT_TRUE(disabled);
  EXPECT_TRUE(d.empty());
}

TEST(KibanaFilter, LegacyShapesWithDslBesideMeta) {
  std::vector<Diagnostic> d;
  EXPECT_TREE(translate_filter(json::parse(R"({"meta": {"type": "exists"}, "exists": {"field": "a"}})"), 1, d),
              kql::make_exists(kql::literal("a")));
  EXPECT_TREE(translate_filter(json::parse(R"({"$state": {"store": "appState"}, "meta": {"negate": true},
                                             "range": {"n": {"lt": 3}}})"),
                               2, d),
              kql::make_not(kql::make_range(kql::literal("n"), kql::RangeOp::Lt, str("3", false))));
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(translate_filter(json::parse(R"({"meta": {}, "script": {"script": {"source": "1"}}})"), 3, d), nullptr);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].offending, "script");
  EXPECT_NE(d[0].message.find("filter 3"), std::string::npos);
  EXPECT_EQ(translate_filter(json::parse(R"({"meta": {"negate": true}})"), 4, d), nullptr);  // no query at all
  EXPECT_EQ(d.size(), 2u);
}

TEST(KibanaFilter, AllEnabledFiltersAreAnded) {
  std::vector<Diagnostic> d;
  NodePtr n = translate_filters(json::parse(R"([
      {"meta": {"negate": false}, "query": {"match_phrase": {"a": "1"}}},
      {"meta": {"disabled": true}, "query": {"match_phrase": {"b": "2"}}},
      {"meta": {"negate": true}, "query": {"match_phrase": {"c": "3"}}}])"),
                                d);
  EXPECT_TREE(std::move(n), kql::make_and(list(is_q("a", "1"), kql::make_not(is_q("c", "3")))));
  EXPECT_EQ(translate_filters(json::parse("[]"), d), nullptr);
  EXPECT_EQ(translate_filters(json(), d), nullptr);
  EXPECT_TRUE(d.empty());
}

TEST(KibanaFilter, OneBadFilterLeavesNoAst) {
  std::vector<Diagnostic> d;
  NodePtr n = translate_filters(json::parse(R"([{"query": {"match_phrase": {"a": "1"}}},
                                               {"query": {"query_string": {"query": "x"}}}])"),
                                d);
  EXPECT_EQ(n, nullptr);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "RUL302");
  EXPECT_NE(d[0].message.find("filter 2"), std::string::npos);
}

// Every [[rule.filters]] of the corpus translates, and the shapes are the expected ones.
TEST(KibanaFilter, EveryCorpusFilterTranslates) {
  namespace fs = std::filesystem;
  size_t rules_with_filters = 0, filters = 0;
  for (const auto& e : fs::recursive_directory_iterator(RULEC_SHARED_DIR "/corpus/detection-rules")) {
    if (!e.is_regular_file() || e.path().extension() != ".toml") continue;
    toml::table t = toml::parse_file(e.path().string());
    const toml::array* fa = t["rule"]["filters"].as_array();
    if (!fa) continue;
    ++rules_with_filters;
    for (size_t i = 0; i < fa->size(); ++i) {
      std::ostringstream os;
      os << toml::json_formatter{*fa->get(i)->as_table()};
      std::vector<Diagnostic> d;
      NodePtr n = translate_filter(json::parse(os.str()), i + 1, d);
      ++filters;
      ASSERT_TRUE(n != nullptr) << e.path() << ": " << (d.empty() ? "" : d[0].message);
      EXPECT_TRUE(d.empty());
      // all corpus filters are negated: Not(wildcard, case-insensitive) or Not(Exists)
      ASSERT_EQ(n->kind, kql::NodeKind::Not) << e.path();
      const kql::Node& c = *n->children[0];
      if (c.kind == kql::NodeKind::Is) {
        EXPECT_TRUE(c.value.pattern.case_insensitive) << e.path();
      } else {
        EXPECT_EQ(c.kind, kql::NodeKind::Exists) << e.path();
      }
    }
  }
  EXPECT_EQ(rules_with_filters, 18u);
  EXPECT_EQ(filters, 42u);
}

TEST(KibanaFilter, ExportFiltersTranslate) {
  std::ifstream in(RULEC_SHARED_DIR "/corpus/kibana-export.ndjson");
  std::string line;
  size_t seen = 0;
  while (std::getline(in, line)) {
    json o = json::parse(line);
    if (!o.contains("rule_id") || !o["filters"].is_array() || o["filters"].empty()) continue;
    std::vector<Diagnostic> d;
    NodePtr n = translate_filters(o["filters"], d);
    ++seen;
    EXPECT_TRUE(d.empty());
    EXPECT_TREE(std::move(n), is_q("event.action", "Process Create (rule: ProcessCreate)"));
  }
  EXPECT_EQ(seen, 3u);
}

}  // namespace es_dsl_test
}  // namespace
}  // namespace rulec
