// Tests of the semantic checks: type errors Elasticsearch fails on, warnings, nested paths, positions.
#include "compiler/frontend/semantic.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

#include <string>
#include <utility>

namespace rulec {
namespace {
namespace semantic_test {

using kql::LiteralType;
using kql::RangeOp;

kql::Value val(std::string s, bool quoted = false) { return kql::Value{kql::literal(std::move(s), quoted)}; }

kql::Value typed(LiteralType t) {
  kql::Value v;
  v.type = t;
  v.pattern = kql::literal(t == LiteralType::True ? "true" : t == LiteralType::False ? "false" : "null");
  return v;
}

// A wildcard value from segments: {"", "S3 Browser", ""} is `*S3 Browser*`.
kql::Value wild(std::initializer_list<const char*> segments, char w = '*') {
  kql::Pattern p = kql::literal(*segments.begin());
  for (auto it = segments.begin() + 1; it != segments.end(); ++it) {
    p.add_wildcard(w);
    p.segments.back() = *it;
  }
  return kql::Value{p};
}

kql::NodePtr is(const char* field, kql::Value v) { return kql::make_is(kql::literal(field), std::move(v)); }
kql::NodePtr range(const char* field, RangeOp op, kql::Value v) { return kql::make_range(kql::literal(field), op, std::move(v)); }

class Semantic : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schema_ = new Schema(rulec::testing::load_builtin_schema());
    // Types the builtin schema lacks or that tests need under stable names.
    schema_->set("t.flag", FieldInfo{FieldType::Boolean, 0, false, true});
    schema_->set("t.count", FieldInfo{FieldType::Integer, 0, false, true});
    schema_->set("t.ratio", FieldInfo{FieldType::Double, 0, false, true});
    schema_->set("t.blob", FieldInfo{FieldType::Binary, 0, false, true});
    schema_->set("items", FieldInfo{FieldType::Nested, 0, false, true});
    schema_->set("items.enabled", FieldInfo{FieldType::Boolean, 0, false, true});
    schema_->set("items.sub", FieldInfo{FieldType::Nested, 0, false, true});
    schema_->set("items.sub.port", FieldInfo{FieldType::Long, 0, false, true});
  }
  static void TearDownTestSuite() {
    delete schema_;
    schema_ = nullptr;
  }
  static std::vector<Diagnostic> check(const kql::NodePtr& n, std::string_view text = {}) {
    return check_semantics(*n, *schema_, text);
  }
  static Schema* schema_;
};
Schema* Semantic::schema_ = nullptr;

bool mentions(const Diagnostic& d, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (d.message.find(w) == std::string::npos) return false;
  return true;
}

// ---- numeric fields

TEST_F(Semantic, NonNumericValueOnNumericField) {
  auto d = check(is("process.pid", val("abc")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(d[0].offending, "abc");
  EXPECT_TRUE(mentions(d[0], {"process.pid", "long", "abc"})) << d[0].message;
}

TEST_F(Semantic, NumbersOnNumericFieldsAreFine) {
  EXPECT_TRUE(check(is("process.pid", val("1234"))).empty());
  EXPECT_TRUE(check(is("process.pid", val("1", true))).empty());  // number:"1" matches 1
  EXPECT_TRUE(check(is("process.pid", val("-5"))).empty());
  EXPECT_TRUE(check(is("t.ratio", val("0.25"))).empty());
  EXPECT_TRUE(check(is("t.count", val("1e3"))).empty());
}

TEST_F(Semantic, WildcardOnNumericField) {
  auto d = check(is("process.pid", wild({"12", ""})));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericWildcard);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_EQ(d[0].offending, "12*");
  EXPECT_TRUE(mentions(d[0], {"process.pid", "long", "12*"})) << d[0].message;
}

TEST_F(Semantic, QuotedStarOnNumericFieldIsAValueError) {
  auto d = check(is("process.pid", val("12*", true)));  // a literal asterisk: not a number
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
}

TEST_F(Semantic, DecimalOnIntegerFieldNeverMatches) {
  auto d = check(is("process.pid", val("1.5")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_EQ(d[0].severity, Severity::Warning);
  EXPECT_TRUE(mentions(d[0], {"process.pid", "1.5", "decimal"})) << d[0].message;
  EXPECT_TRUE(check(is("t.ratio", val("1.5"))).empty());
}

TEST_F(Semantic, TypedLiteralOnNumericField) {
  auto d = check(is("process.pid", typed(LiteralType::True)));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_EQ(d[0].offending, "true");
}

TEST_F(Semantic, NumericRanges) {
  EXPECT_TRUE(check(range("process.pid", RangeOp::Gt, val("100"))).empty());
  EXPECT_TRUE(check(range("process.pid", RangeOp::Le, val("1.5"))).empty());  // rounded, not an error
  auto d = check(range("process.pid", RangeOp::Ge, val("abc")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_EQ(d[0].severity, Severity::Error);
  auto big = check(range("t.count", RangeOp::Lt, val("5000000000")));  // out of range for an integer
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0].severity, Severity::Error);
}

TEST_F(Semantic, ExistsIsValidOnEveryType) {
  EXPECT_TRUE(check(kql::make_exists(kql::literal("process.pid"))).empty());
  EXPECT_TRUE(check(kql::make_exists(kql::literal("source.ip"))).empty());
  EXPECT_TRUE(check(kql::make_exists(kql::literal("@timestamp"))).empty());
}

// ---- ip fields

TEST_F(Semantic, IpValues) {
  EXPECT_TRUE(check(is("source.ip", val("10.0.0.1"))).empty());
  EXPECT_TRUE(check(is("source.ip", val("10.0.0.0/8"))).empty());
  EXPECT_TRUE(check(is("source.ip", val("::1", true))).empty());
  EXPECT_TRUE(check(is("source.ip", val("2001:db8::/32", true))).empty());
  auto d = check(is("source.ip", val("not-an-ip")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kIpValue);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_TRUE(mentions(d[0], {"source.ip", "ip", "not-an-ip"})) << d[0].message;
}

TEST_F(Semantic, BadCidrOnIpField) {
  auto d = check(is("destination.ip", val("10.0.0.0/33")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kIpValue);
}

TEST_F(Semantic, WildcardOnIpField) {
  auto d = check(is("source.ip", wild({"10.0.", ""})));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kIpWildcard);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_TRUE(mentions(d[0], {"source.ip", "10.0.*"})) << d[0].message;
}

TEST_F(Semantic, IpRanges) {
  EXPECT_TRUE(check(range("source.ip", RangeOp::Ge, val("10.0.0.5"))).empty());
  auto cidr = check(range("source.ip", RangeOp::Lt, val("10.0.0.0/8")));  // range bounds are addresses
  ASSERT_EQ(cidr.size(), 1u);
  EXPECT_EQ(cidr[0].code, diag::kIpValue);
  EXPECT_EQ(check(range("source.ip", RangeOp::Lt, val("x"))).size(), 1u);
}

// ---- boolean fields

TEST_F(Semantic, BooleanValues) {
  EXPECT_TRUE(check(is("process.code_signature.trusted", typed(LiteralType::True))).empty());
  EXPECT_TRUE(check(is("process.code_signature.trusted", typed(LiteralType::False))).empty());
  EXPECT_TRUE(check(is("process.code_signature.trusted", val("true", true))).empty());
  EXPECT_TRUE(check(is("process.code_signature.trusted", val("false", true))).empty());
  auto d = check(is("process.code_signature.trusted", val("yes")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kBooleanValue);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_TRUE(mentions(d[0], {"process.code_signature.trusted", "boolean", "yes"})) << d[0].message;
}

TEST_F(Semantic, BooleanRejectsCaseVariantsEmptyAndWildcards) {
  EXPECT_EQ(check(is("t.flag", val("True", true))).size(), 1u);
  EXPECT_EQ(check(is("t.flag", val("", true))).size(), 1u);
  auto w = check(is("t.flag", wild({"t", ""})));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, diag::kBooleanValue);
  EXPECT_EQ(check(range("t.flag", RangeOp::Gt, val("maybe"))).size(), 1u);
  EXPECT_TRUE(check(range("t.flag", RangeOp::Gt, typed(LiteralType::False))).empty());
}

// ---- date fields

TEST_F(Semantic, DateValues) {
  EXPECT_TRUE(check(is("@timestamp", val("2020-01-01"))).empty());
  EXPECT_TRUE(check(is("@timestamp", val("2020-01-01T10:00:00.000Z", true))).empty());
  EXPECT_TRUE(check(is("@timestamp", val("1577836800000"))).empty());
  EXPECT_TRUE(check(is("@timestamp", val("now-1d/d"))).empty());
  auto d = check(is("@timestamp", val("yesterday")));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kDateValue);
  EXPECT_EQ(d[0].severity, Severity::Error);
  EXPECT_TRUE(mentions(d[0], {"@timestamp", "date", "yesterday"})) << d[0].message;
}

TEST_F(Semantic, DateRangesAndMath) {
  EXPECT_TRUE(check(range("@timestamp", RangeOp::Ge, val("now-5m"))).empty());
  EXPECT_TRUE(check(range("@timestamp", RangeOp::Lt, val("2014-11-18||/M"))).empty());
  EXPECT_EQ(check(range("@timestamp", RangeOp::Lt, val("now-1q"))).size(), 1u);
  EXPECT_EQ(check(range("event.created", RangeOp::Gt, val("2020-13-01"))).size(), 1u);
}

TEST_F(Semantic, WildcardOnDateField) {
  auto d = check(is("@timestamp", wild({"2020-", ""})));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kDateValue);
}

// ---- whitespace in wildcard values on query_string fields

TEST_F(Semantic, WildcardWithSpaceOnWildcardField) {
  auto d = check(is("process.command_line", wild({"", "S3 Browser", ""})));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kWildcardSpaces);
  EXPECT_EQ(d[0].severity, Severity::Warning);
  EXPECT_EQ(d[0].offending, "*S3 Browser*");
  EXPECT_TRUE(mentions(d[0], {"process.command_line", "wildcard", "query_string"})) << d[0].message;
}

TEST_F(Semantic, WhitespaceWarningOnlyForWildcardsWithWhitespace) {
  EXPECT_TRUE(check(is("process.command_line", wild({"", "Browser", ""}))).empty());  // no whitespace
  EXPECT_TRUE(check(is("process.command_line", val("S3 Browser", true))).empty());    // not a wildcard
  EXPECT_TRUE(check(is("process.command_line", val("S3 Browser"))).empty());          // unquoted, no `*`
  EXPECT_EQ(check(is("process.name.text", wild({"", "a\tb", ""}))).size(), 1u);       // text
  EXPECT_EQ(check(is("data_stream.dataset", wild({"a b", ""}))).size(), 1u);          // constant_keyword
  EXPECT_EQ(check(is("process.command_line", wild({"", "a\nb"}))).size(), 1u);        // newline splits too
}

TEST_F(Semantic, KeywordFieldsAreNotSplitUnknownFieldsAre) {
  // Kibana's executor loads the query's field types (_field_caps), and @kbn/es-query sends a
  // `wildcard` query, not split, for a field mapped keyword: `user_agent.original:*S3 Browser*`
  // and `process.args:*a b*` match the whole pattern there, as in rulec.
  EXPECT_TRUE(check(is("user_agent.original", wild({"", "S3 Browser", ""}))).empty());
  EXPECT_TRUE(check(is("process.args", wild({"", "a\nb"}))).empty());
  // A field Kibana cannot find in the mapping has no type: query_string, split.
  auto unknown = check(is("my.field", wild({"", "a b", ""})));
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].code, diag::kWildcardSpaces);
  EXPECT_TRUE(mentions(unknown[0], {"not in the schema"})) << unknown[0].message;
}

TEST_F(Semantic, DslPatternsAreNotSplit) {
  // `?` wildcards and case-insensitive patterns come from ES DSL wildcard queries, never from KQL.
  EXPECT_TRUE(check(is("process.command_line", wild({"a b", "c"}, '?'))).empty());
  auto ci = wild({"", "a b", ""});
  ci.pattern.case_insensitive = true;
  EXPECT_TRUE(check(is("process.command_line", std::move(ci))).empty());
}

// ---- ranges on types without ranges, keyword ranges

TEST_F(Semantic, RangeTypes) {
  EXPECT_TRUE(check(range("process.name", RangeOp::Lt, val("b"))).empty());
  EXPECT_TRUE(check(range("process.command_line", RangeOp::Ge, val("a"))).empty());
  auto geo = check(range("source.geo.location", RangeOp::Gt, val("1")));
  ASSERT_EQ(geo.size(), 1u);
  EXPECT_EQ(geo[0].code, diag::kRangeType);
  EXPECT_TRUE(mentions(geo[0], {"source.geo.location", "geo_point"})) << geo[0].message;
  EXPECT_EQ(check(range("t.blob", RangeOp::Gt, val("1"))).size(), 1u);
}

// ---- null

TEST_F(Semantic, NullOnFields) {
  auto kw = check(is("process.name", typed(LiteralType::Null)));
  ASSERT_EQ(kw.size(), 1u);
  EXPECT_EQ(kw[0].code, diag::kNullValue);
  EXPECT_EQ(kw[0].severity, Severity::Error);
  EXPECT_EQ(kw[0].offending, "null");
  auto num = check(is("process.pid", typed(LiteralType::Null)));
  ASSERT_EQ(num.size(), 1u);
  EXPECT_EQ(num[0].severity, Severity::Error);
  auto date = check(is("@timestamp", typed(LiteralType::Null)));  // a match query too, without field types
  ASSERT_EQ(date.size(), 1u);
  EXPECT_EQ(date[0].severity, Severity::Error);
  auto r = check(range("process.pid", RangeOp::Lt, typed(LiteralType::Null)));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].severity, Severity::Warning);
  EXPECT_TRUE(check(is("process.name", val("null", true))).empty());  // the quoted string "null"
}

// ---- fields that are not checked

TEST_F(Semantic, WildcardFieldNamesAreNotChecked) {
  kql::Pattern f = kql::literal("process.");
  f.add_wildcard();
  EXPECT_TRUE(check(kql::make_is(f, val("abc"))).empty());
  EXPECT_TRUE(check(kql::make_range(f, RangeOp::Gt, val("abc"))).empty());
  EXPECT_TRUE(check(kql::make_is(f, typed(LiteralType::Null))).empty());
}

TEST_F(Semantic, KeywordAndUnknownFieldsAcceptAnything) {
  EXPECT_TRUE(check(is("process.name", val("cmd.exe"))).empty());
  EXPECT_TRUE(check(is("process.name", typed(LiteralType::True))).empty());
  EXPECT_TRUE(check(is("event.category", wild({"proc", ""}))).empty());
  EXPECT_TRUE(check(is("my.custom.field", val("abc"))).empty());
  EXPECT_TRUE(check(kql::make_free_text(val("abc"))).empty());
  EXPECT_TRUE(check(kql::make_match_all()).empty());
}

// ---- nested paths

TEST_F(Semantic, NestedFieldsAreRelativeToThePath) {
  auto d = check(kql::make_nested(kql::literal("items"), is("enabled", val("maybe"))));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kBooleanValue);
  EXPECT_TRUE(mentions(d[0], {"items.enabled"})) << d[0].message;
  EXPECT_TRUE(check(kql::make_nested(kql::literal("items"), is("enabled", typed(LiteralType::True)))).empty());
}

TEST_F(Semantic, NestedInsideNested) {
  auto inner = kql::make_nested(kql::literal("sub"), range("port", RangeOp::Gt, val("high")));
  auto d = check(kql::make_nested(kql::literal("items"), std::move(inner)));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_TRUE(mentions(d[0], {"items.sub.port", "long"})) << d[0].message;
}

TEST_F(Semantic, NestedWithWildcardPathIsNotChecked) {
  kql::Pattern path = kql::literal("ite");
  path.add_wildcard();
  EXPECT_TRUE(check(kql::make_nested(path, is("enabled", val("maybe")))).empty());
}

TEST_F(Semantic, NestedPrefixDoesNotLeakToSiblings) {
  std::vector<kql::NodePtr> kids;
  kids.push_back(kql::make_nested(kql::literal("items"), is("enabled", val("true"))));
  kids.push_back(is("process.pid", val("x")));  // top level again
  auto d = check(kql::make_and(std::move(kids)));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(mentions(d[0], {"process.pid"})) << d[0].message;
}

// ---- positions and order

TEST_F(Semantic, PositionsAreCarried) {
  auto n = is("process.pid", val("abc"));
  n->pos = SourcePos{14, 1, 15};
  auto d = check(n);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos, (SourcePos{14, 1, 15}));
}

TEST_F(Semantic, OffsetOnlyPositionsGetLineAndColumn) {
  const std::string text = "a:b and\nprocess.pid:abc";
  auto n = is("process.pid", val("abc"));
  n->pos.offset = 8;
  auto d = check(n, text);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pos.line, 2u);
  EXPECT_EQ(d[0].pos.column, 1u);
  EXPECT_EQ(d[0].pos.offset, 8u);
}

TEST_F(Semantic, DiagnosticsComeInSourceOrderThroughBooleans) {
  auto a = is("process.pid", val("one"));
  a->pos = SourcePos{0, 1, 1};
  auto b = is("source.ip", val("two"));
  b->pos = SourcePos{20, 1, 21};
  auto c = is("@timestamp", val("three"));
  c->pos = SourcePos{40, 1, 41};
  std::vector<kql::NodePtr> ors;
  ors.push_back(std::move(b));
  ors.push_back(kql::make_not(std::move(c)));
  std::vector<kql::NodePtr> ands;
  ands.push_back(std::move(a));
  ands.push_back(kql::make_or(std::move(ors)));
  auto d = check(kql::make_and(std::move(ands)));
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].code, diag::kNumericValue);
  EXPECT_EQ(d[1].code, diag::kIpValue);
  EXPECT_EQ(d[2].code, diag::kDateValue);
  EXPECT_EQ(d[0].pos.column, 1u);
  EXPECT_EQ(d[1].pos.column, 21u);
  EXPECT_EQ(d[2].pos.column, 41u);
}

TEST_F(Semantic, DeepTreesDoNotRecurse) {
  kql::NodePtr n = is("process.pid", val("x"));
  for (int k = 0; k < 100000; ++k) n = kql::make_not(std::move(n));
  EXPECT_EQ(check(n).size(), 1u);
  // Unwind iteratively too, so the test itself does not overflow the stack in the destructor.
  while (n->kind == kql::NodeKind::Not) {
    kql::NodePtr child = std::move(n->children[0]);
    n = std::move(child);
  }
}

}  // namespace semantic_test
}  // namespace
}  // namespace rulec
