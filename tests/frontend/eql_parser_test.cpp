// EQL parser conformance (spec eql.md §1: grammar, lexis, structural rules, error codes and positions) and the printer round trip over hand cases and the EQL corpus.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/eql_ast.h"
#include "compiler/frontend/eql_parser.h"
#include "compiler/frontend/eql_printer.h"

namespace {
namespace eql_parser_test {

using namespace rulec::eql;
using rulec::Diagnostic;
namespace diag = rulec::diag;

// The test's own rendering of a tree as an S-expression, so expectations are written from the
// spec's grammar, not from the printer under test. Strings are shown raw between quotes.
std::string sx(const Expr& e) {
  auto list = [&](std::string head, size_t from) {
    for (size_t i = from; i < e.kids.size(); ++i) head += " " + sx(*e.kids[i]);
    return "(" + head + ")";
  };
  switch (e.kind) {
    case ExprKind::Literal:
      switch (e.lit.type) {
        case LitType::Null: return "null";
        case LitType::Bool: return e.lit.b ? "true" : "false";
        case LitType::Long: return std::to_string(e.lit.i);
        case LitType::Double: return "d:" + std::to_string(e.lit.d);
        case LitType::String: return "\"" + e.lit.s + "\"";
      }
      return "?";
    case ExprKind::Field: return (e.optional ? "?" : "") + e.field;
    case ExprKind::Not: return list("not", 0);
    case ExprKind::And: return list("and", 0);
    case ExprKind::Or: return list("or", 0);
    case ExprKind::Compare: return list(to_string(e.cmp), 0);
    case ExprKind::In: return list(std::string(e.negated ? "not-in" : "in") + (e.insensitive ? "~" : ""), 0);
    case ExprKind::Match: {
      std::string op = e.match == MatchOp::Seq ? ":" : e.match == MatchOp::Like ? "like" : "regex";
      return list(op + (e.insensitive ? "~" : ""), 0);
    }
    case ExprKind::Function: return list(e.fn + (e.insensitive ? "~" : ""), 0);
    case ExprKind::Arith: return list(to_string(e.arith), 0);
    case ExprKind::Neg: return list("neg", 0);
  }
  return "?";
}

// The condition of `any where COND` as an S-expression, or "ERROR code".
std::string cond(const std::string& c) {
  ParseResult r = parse("any where " + c);
  if (!r) return "ERROR " + r.error->code;
  EXPECT_EQ(r.query->kind, QueryKind::Event);
  return sx(*r.query->event.condition);
}

// The one literal `x` is compared with in `any where x == LIT`.
Literal literal_of(const std::string& lit) {
  ParseResult r = parse("any where x == " + lit);
  EXPECT_TRUE(r) << lit << ": " << (r ? "" : r.error->message);
  if (!r) return {};
  const Expr& c = *r.query->event.condition;
  EXPECT_EQ(c.kind, ExprKind::Compare) << lit;
  if (c.kind != ExprKind::Compare) return {};
  EXPECT_EQ(c.kids[1]->kind, ExprKind::Literal) << lit;
  return c.kids[1]->lit;
}

// The value of the string constant written `s`.
std::string string_of(const std::string& s) {
  const Literal l = literal_of(s);
  EXPECT_EQ(l.type, LitType::String) << s;
  return l.s;
}

Diagnostic error_of(const std::string& q, const ParseLimits& limits = {}) {
  ParseResult r = parse(q, limits);
  EXPECT_FALSE(r) << q << "\nparsed as: " << (r ? print(*r.query) : "");
  return r ? Diagnostic{} : *r.error;
}

std::string code_of(const std::string& q) { return error_of(q).code; }

Query parsed(const std::string& q) {
  ParseResult r = parse(q);
  EXPECT_TRUE(r) << q << "\n" << (r ? "" : rulec::render(*r.error, q));
  return r ? std::move(*r.query) : Query{};
}

// parse -> print -> parse: the second print equals the first (the printer is a fixed point).
void round_trip(const std::string& q, const std::string& context) {
  ParseResult r = parse(q);
  ASSERT_TRUE(r) << context << "\n" << rulec::render(*r.error, q);
  const std::string once = print(*r.query);
  ParseResult again = parse(once);
  ASSERT_TRUE(again) << context << "\nprinted: " << once << "\n" << rulec::render(*again.error, once);
  EXPECT_EQ(print(*again.query), once) << context;
}

// --- precedence ---------------------------------------------------------------------------------

TEST(EqlParser, NotBindsLooserThanComparisonTighterThanAnd) {
  EXPECT_EQ(cond("not a == 1 and b == 2"), "(and (not (== a 1)) (== b 2))");
  EXPECT_EQ(cond("not a and b"), "(and (not a) b)");
  EXPECT_EQ(cond("not not a == 1"), "(not (not (== a 1)))");
  EXPECT_EQ(cond("not (a == 1 and b == 2)"), "(not (and (== a 1) (== b 2)))");
}

TEST(EqlParser, OrBindsLooserThanAnd) {
  EXPECT_EQ(cond("a == 1 or b == 2 and c == 3"), "(or (== a 1) (and (== b 2) (== c 3)))");
  EXPECT_EQ(cond("a == 1 and b == 2 or c == 3"), "(or (and (== a 1) (== b 2)) (== c 3))");
  EXPECT_EQ(cond("(a == 1 or b == 2) and c == 3"), "(and (or (== a 1) (== b 2)) (== c 3))");
}

TEST(EqlParser, ComparisonsDoNotChain) {
  EXPECT_EQ(cond("a == 1 == 2"), "ERROR EQL100");
  EXPECT_EQ(cond("a < b < c"), "ERROR EQL100");
  EXPECT_EQ(cond("(a == 1) == true"), "(== (== a 1) true)");
  for (const char* op : {"==", "!=", "<", "<=", ">", ">="})
    EXPECT_EQ(cond(std::string("a ") + op + " 1"), std::string("(") + op + " a 1)");
}

TEST(EqlParser, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(cond("a < 1 + 2 * 3"), "(< a (+ 1 (* 2 3)))");
  EXPECT_EQ(cond("a - 1 - 2 == 0"), "(== (- (- a 1) 2) 0)");
  EXPECT_EQ(cond("a / 2 % 3 == 0"), "(== (% (/ a 2) 3) 0)");
  EXPECT_EQ(cond("(a + 1) * 2 == 0"), "(== (* (+ a 1) 2) 0)");
  EXPECT_EQ(cond("-a * 2 == 0"), "(== (* (neg a) 2) 0)");  // unary binds tightest
  EXPECT_EQ(cond("a + 1 == b - 2"), "(== (+ a 1) (- b 2))");
}

TEST(EqlParser, PredicatesBindToThePrecedingPrimary) {
  EXPECT_EQ(cond("a + b in (1, 2)"), "(+ a (in b 1 2))");
  EXPECT_EQ(cond("a : \"x\" and b like \"y*\""), "(and (: a \"x\") (like b \"y*\"))");
  EXPECT_EQ(cond("not a in (1)"), "(not (in a 1))");
  EXPECT_EQ(cond("a not in (1, 2)"), "(not-in a 1 2)");
  EXPECT_EQ(cond("a not in~ (\"x\")"), "(not-in~ a \"x\")");
  EXPECT_EQ(cond("a in~ (\"x\", null)"), "(in~ a \"x\" null)");
  EXPECT_EQ(cond("a : (\"x\", \"y\")"), "(: a \"x\" \"y\")");
  EXPECT_EQ(cond("a like~ \"x\""), "(like~ a \"x\")");
  EXPECT_EQ(cond("a regex \"x.*\""), "(regex a \"x.*\")");
  EXPECT_EQ(cond("a regex~ (\"x\", \"y\")"), "(regex~ a \"x\" \"y\")");
  EXPECT_EQ(cond("length(a) : \"3\""), "(: (length a) \"3\")");
  EXPECT_EQ(cond("-a in (1)"), "(neg (in a 1))");
  // The operands of : like regex are constants only; in takes expressions.
  EXPECT_EQ(cond("a : b"), "ERROR EQL100");
  EXPECT_EQ(cond("a like (b, \"c\")"), "ERROR EQL100");
  EXPECT_EQ(cond("a in (b, 1)"), "(in a b 1)");
}

TEST(EqlParser, FunctionsNamesAreCaseInsensitiveTildeOnlyOnSome) {
  EXPECT_EQ(cond("cidrmatch(source.ip, \"10.0.0.0/8\")"), "(cidrMatch source.ip \"10.0.0.0/8\")");
  EXPECT_EQ(cond("STARTSWITH~(a, \"x\")"), "(startsWith~ a \"x\")");
  EXPECT_EQ(cond("stringContains~(a, \"x\")"), "(stringContains~ a \"x\")");
  for (const char* f : {"between~(a, \"x\", \"y\")", "endsWith~(a, \"x\")", "indexOf~(a, \"x\")"})
    EXPECT_NE(cond(f).rfind("ERROR", 0), 0u) << f;
  EXPECT_EQ(cond("length~(a) > 1"), "ERROR EQL202");
  EXPECT_EQ(cond("concat~(a) == \"x\""), "ERROR EQL202");
  EXPECT_EQ(cond("nosuch(a) == 1"), "ERROR EQL202");
}

// --- strings ------------------------------------------------------------------------------------

TEST(EqlParser, StringEscapes) {
  EXPECT_EQ(string_of(R"("a\tb")"), "a\tb");
  EXPECT_EQ(string_of(R"("a\nb")"), "a\nb");
  EXPECT_EQ(string_of(R"("a\rb")"), "a\rb");
  EXPECT_EQ(string_of(R"("a\bb")"), "a\bb");
  EXPECT_EQ(string_of(R"("a\fb")"), "a\fb");
  EXPECT_EQ(string_of(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(string_of(R"("it\'s")"), "it's");
  EXPECT_EQ(string_of(R"("C:\\Windows")"), "C:\\Windows");
  EXPECT_EQ(string_of(R"("\u{41}")"), "A");
  EXPECT_EQ(string_of(R"("\u{0041}")"), "A");
  EXPECT_EQ(string_of(R"("\u{00000041}")"), "A");
  EXPECT_EQ(string_of(R"("caf\u00e9")"), "caf\xC3\xA9");
  EXPECT_EQ(string_of(R"("\u{1F600}")"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(string_of(R"("\u{10FFFF}")"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(string_of(R"("\u00411")"), "A1");  // \uXXXX takes exactly four digits
  // Any other \c is kept as written, backslash included.
  EXPECT_EQ(string_of(R"("\q")"), "\\q");
  EXPECT_EQ(string_of(R"("C:\Windows\System32")"), "C:\\Windows\\System32");
  EXPECT_EQ(string_of(R"("\*")"), "\\*");
  EXPECT_EQ(string_of(R"("C:\temp")"), "C:\temp");  // \t is a tab even in a path
  EXPECT_EQ(string_of(R"("")"), "");
}

TEST(EqlParser, EscapesNamingNulOrSurrogatesAreRefused) {
  for (const char* s : {R"("\u0000")", R"("\u{00}")", R"("\u{0000}")", R"("a\uD800")", R"("\u{DFFF}")",
                        R"("\uDBFF")", R"("\u{110000}")", R"("\u{1}")", R"("\u{123456789}")"}) {
    const Diagnostic d = error_of(std::string("any where x == ") + s);
    EXPECT_EQ(d.code, diag::kEqlBadEscape) << s << ": " << d.message;
    EXPECT_EQ(d.pos.line, 1u) << s;
    EXPECT_EQ(d.pos.column, 16u) << s;  // the string's first quote
  }
}

TEST(EqlParser, RawStrings) {
  EXPECT_EQ(string_of(R"("""C:\temp\new""")"), "C:\\temp\\new");  // no escape processing
  EXPECT_EQ(string_of(R"("""a"b""")"), "a\"b");
  EXPECT_EQ(string_of(R"("""a""b""")"), "a\"\"b");
  EXPECT_EQ(string_of(R"("""""")"), "");
  // The last """ closes: the content may start and end with quotes.
  EXPECT_EQ(string_of(R"("""""hello""world!"""")"), "\"\"hello\"\"world!\"");
  EXPECT_EQ(string_of(R"(""""x""")"), "\"x");
  EXPECT_EQ(string_of(R"("""ab""""")"), "ab\"\"");
  EXPECT_EQ(string_of(R"("""\u{41}""")"), "\\u{41}");
  // Raw strings hold no """ and no line break.
  EXPECT_EQ(code_of(R"(any where x == """a"""b""")"), diag::kEqlSyntax);
  EXPECT_EQ(code_of("any where x == \"\"\"a\nb\"\"\""), diag::kEqlSyntax);
}

TEST(EqlParser, SingleQuotedAndQuestionMarkStringsAreRefused) {
  for (const char* s : {"'abc'", "?\"abc\"", "?'abc'", "'a\\'b'"}) {
    const Diagnostic d = error_of(std::string("any where x == ") + s);
    EXPECT_EQ(d.code, diag::kEqlUnsupported) << s << ": " << d.message;
    EXPECT_EQ(d.pos.column, 16u) << s;
  }
  EXPECT_EQ(code_of("any where x : 'abc'"), diag::kEqlUnsupported);
  EXPECT_EQ(code_of("any where x in ('abc', \"d\")"), diag::kEqlUnsupported);
}

TEST(EqlParser, UnterminatedStringsAreSyntaxErrors) {
  EXPECT_EQ(code_of("any where x == \"abc"), diag::kEqlSyntax);
  EXPECT_EQ(code_of("any where x == \"abc\ndef\""), diag::kEqlSyntax);
  EXPECT_EQ(code_of("any where x == \"\"\"abc"), diag::kEqlSyntax);
}

// --- numbers ------------------------------------------------------------------------------------

TEST(EqlParser, IntegersAreLongsDecimalsAndExponentsDoubles) {
  Literal l = literal_of("42");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, 42);
  l = literal_of("9223372036854775807");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, INT64_MAX);
  l = literal_of("9223372036854775808");  // too large for a long: a double
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 9223372036854775808.0);
  l = literal_of("1.5");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 1.5);
  l = literal_of("1e3");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 1000);
  l = literal_of("2.5E-1");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 0.25);
  l = literal_of(".5");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 0.5);
  l = literal_of("5.");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, 5);
}

TEST(EqlParser, UnaryMinusFoldsIntoNumbers) {
  Literal l = literal_of("-5");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, -5);
  l = literal_of("- 5");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, -5);
  l = literal_of("-1.5");
  EXPECT_EQ(l.type, LitType::Double);
  EXPECT_DOUBLE_EQ(l.d, -1.5);
  l = literal_of("--5");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, 5);
  l = literal_of("+5");
  EXPECT_EQ(l.type, LitType::Long);
  EXPECT_EQ(l.i, 5);
  EXPECT_EQ(cond("x in (-1, -2.5)"), "(in x -1 d:-2.500000)");
  EXPECT_EQ(cond("-x == 1"), "(== (neg x) 1)");  // a field is not folded
}

TEST(EqlParser, ConstantsNullTrueFalse) {
  EXPECT_EQ(literal_of("null").type, LitType::Null);
  Literal t = literal_of("true");
  EXPECT_EQ(t.type, LitType::Bool);
  EXPECT_TRUE(t.b);
  Literal f = literal_of("false");
  EXPECT_EQ(f.type, LitType::Bool);
  EXPECT_FALSE(f.b);
}

// --- identifiers and keywords -------------------------------------------------------------------

TEST(EqlParser, FieldNames) {
  EXPECT_EQ(cond("process.parent.name == \"x\""), "(== process.parent.name \"x\")");
  EXPECT_EQ(cond("@timestamp > 0"), "(> @timestamp 0)");
  EXPECT_EQ(cond("_a1.b_2 == 1"), "(== _a1.b_2 1)");
  EXPECT_EQ(cond("`a-b` == 1"), "(== a-b 1)");
  EXPECT_EQ(cond("`a``b` == 1"), "(== a`b 1)");  // `` is one backquote
  EXPECT_EQ(cond("`process`.`name` == 1"), "(== process.name 1)");
  EXPECT_EQ(cond("process.`pe name`.x == 1"), "(== process.pe name.x 1)");
  EXPECT_EQ(cond("`where` == 1"), "(== where 1)");
  EXPECT_EQ(cond("?process.name == \"x\""), "(== ?process.name \"x\")");
  EXPECT_EQ(cond("?`a b` == null"), "(== ?a b null)");
  EXPECT_EQ(cond("process. name == 1"), "(== process.name 1)");  // the dot is a token of its own
  EXPECT_EQ(cond("1a == 1"), "ERROR EQL100");
}

TEST(EqlParser, OptionalFieldsAreMarked) {
  Query q = parsed("any where ?user.id == \"x\" and user.name == \"y\"");
  const Expr& a = *q.event.condition;
  ASSERT_EQ(a.kind, ExprKind::And);
  EXPECT_TRUE(a.kids[0]->kids[0]->optional);
  EXPECT_FALSE(a.kids[1]->kids[0]->optional);
}

TEST(EqlParser, KeywordsAreLowercaseOnly) {
  EXPECT_EQ(cond("AND == 1"), "(== AND 1)");  // an identifier, not a keyword
  EXPECT_EQ(cond("NOT == 1 and Or == 2"), "(and (== NOT 1) (== Or 2))");
  EXPECT_EQ(cond("x == TRUE"), "(== x TRUE)");  // a field, not the constant
  EXPECT_EQ(cond("x == NULL"), "(== x NULL)");
  EXPECT_EQ(cond("runs == 1"), "(== runs 1)");  // runs is a plain identifier
  EXPECT_EQ(cond("a == 1 AND b == 2"), "ERROR EQL100");
  EXPECT_EQ(cond("a == 1 OR b == 2"), "ERROR EQL100");
  EXPECT_EQ(cond("a IN (1)"), "ERROR EQL100");
  EXPECT_EQ(code_of("any WHERE true"), diag::kEqlSyntax);
  EXPECT_EQ(parsed("ANY where true").event.category, "ANY");  // a category named ANY, not `any`
  EXPECT_EQ(code_of("SEQUENCE [any where true] [any where true]"), diag::kEqlSyntax);
  // Every keyword is reserved (not a path segment); its uppercase form is an identifier.
  for (std::string kw : {"and", "any", "by", "false", "in", "join", "like", "maxspan", "not", "null", "of", "or",
                         "regex", "sample", "sequence", "true", "until", "where", "with"}) {
    EXPECT_EQ(cond("x." + kw + " == 1"), "ERROR EQL100") << kw;
    std::string upper = kw;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(cond("x." + upper + " == 1"), "(== x." + upper + " 1)") << upper;
  }
  EXPECT_EQ(cond("x.runs == 1"), "(== x.runs 1)");
}

TEST(EqlParser, Categories) {
  Query q = parsed("process where true");
  EXPECT_FALSE(q.event.any);
  EXPECT_EQ(q.event.category, "process");
  q = parsed("Process where true");  // case kept: the category term is case-sensitive
  EXPECT_EQ(q.event.category, "Process");
  q = parsed("\"my category\" where true");
  EXPECT_EQ(q.event.category, "my category");
  q = parsed("any where true");
  EXPECT_TRUE(q.event.any);
  EXPECT_EQ(code_of("`process` where true"), diag::kEqlSyntax);  // not backquoted
  EXPECT_EQ(code_of("process.x where true"), diag::kEqlSyntax);
  EXPECT_EQ(code_of("where true"), diag::kEqlSyntax);
  EXPECT_EQ(code_of("process where"), diag::kEqlSyntax);
  EXPECT_EQ(code_of(""), diag::kEqlSyntax);
}

TEST(EqlParser, Comments) {
  EXPECT_EQ(sx(*parsed("any where /* c */ a == 1 // end").event.condition), "(== a 1)");
  EXPECT_EQ(sx(*parsed("any where a == 1 // one\n and b == 2").event.condition), "(and (== a 1) (== b 2))");
  EXPECT_EQ(sx(*parsed("any where /* a /* nested */ still a comment */ a == 1").event.condition), "(== a 1)");
  EXPECT_EQ(sx(*parsed("any /*x*/where/**/a==1").event.condition), "(== a 1)");
  EXPECT_EQ(code_of("any where a == 1 /* never closed"), diag::kEqlSyntax);
  // A nested comment left open leaves the outer one open too (not closed by the inner */).
  const Diagnostic d = error_of("any where a == 1\n  /* a /* b */");
  EXPECT_EQ(d.code, diag::kEqlSyntax);
  EXPECT_EQ(d.pos.line, 2u);  // at the outer /*
  EXPECT_EQ(d.pos.column, 3u);
  EXPECT_EQ(string_of("\"// not a comment /* */\""), "// not a comment /* */");
}

// --- sequences, samples, joins ------------------------------------------------------------------

TEST(EqlParser, SequenceStructure) {
  Query q = parsed(
      "sequence by host.id, user.name with maxspan=5m [process where true] by process.pid "
      "[file where true] by process.pid until [process where event.type == \"end\"] by process.pid");
  EXPECT_EQ(q.kind, QueryKind::Sequence);
  ASSERT_EQ(q.keys.size(), 2u);
  EXPECT_EQ(q.keys[0]->field, "host.id");
  EXPECT_EQ(q.keys[1]->field, "user.name");
  ASSERT_TRUE(q.maxspan_ms);
  EXPECT_EQ(*q.maxspan_ms, 5 * 60'000);
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_EQ(q.terms[0].filter.category, "process");
  EXPECT_EQ(q.terms[1].filter.category, "file");
  ASSERT_EQ(q.terms[0].keys.size(), 1u);
  EXPECT_EQ(q.terms[0].keys[0]->field, "process.pid");
  ASSERT_TRUE(q.until);
  EXPECT_EQ(q.until->filter.category, "process");

  q = parsed("sequence [process where true] [file where true]");
  EXPECT_TRUE(q.keys.empty());
  EXPECT_FALSE(q.maxspan_ms);
  EXPECT_EQ(q.terms.size(), 2u);
}

TEST(EqlParser, MaxspanUnits) {
  const std::pair<const char*, int64_t> cases[] = {
      {"250ms", 250}, {"5s", 5000}, {"1m", 60'000}, {"2h", 7'200'000}, {"1d", 86'400'000}, {"30 s", 30'000}};
  for (const auto& [text, ms] : cases) {
    Query q = parsed(std::string("sequence by h with maxspan=") + text + " [a where true] [b where true]");
    ASSERT_TRUE(q.maxspan_ms) << text;
    EXPECT_EQ(*q.maxspan_ms, ms) << text;
  }
}

TEST(EqlParser, MaxspanComesAfterByAndNeedsAPositiveIntegerWithAUnit) {
  const Diagnostic d = error_of("sequence with maxspan=1m by user.name [a where true] [b where true]");
  EXPECT_EQ(d.code, diag::kEqlStructure) << d.message;
  EXPECT_EQ(d.pos.column, 26u) << d.message;  // at the late `by`
  for (const char* span : {"30", "0s", "1.5s", "5x", "5M", "5sec"})
    EXPECT_EQ(code_of(std::string("sequence by h with maxspan=") + span + " [a where true] [b where true]"),
              diag::kEqlStructure)
        << span;
  EXPECT_EQ(code_of("sequence by h with maxspan= [a where true] [b where true]"), diag::kEqlSyntax);
  EXPECT_NE(code_of("sequence by h with maxspan=-1s [a where true] [b where true]"), "");
  EXPECT_EQ(code_of("sequence by h with maxspan=\"5s\" [a where true] [b where true]"), diag::kEqlSyntax);
}

TEST(EqlParser, RunsFromOneToOneHundred) {
  Query q = parsed("sequence by h [a where true] with runs=5 [b where true]");
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_EQ(q.terms[0].runs, 5);
  EXPECT_EQ(q.terms[1].runs, 1);
  EXPECT_EQ(parsed("sequence by h [a where true] with runs=100 [b where true]").terms[0].runs, 100);
  EXPECT_EQ(parsed("sequence by h [a where true] with runs=1 [b where true]").terms[0].runs, 1);
  EXPECT_EQ(parsed("sequence by h [a where true] with runs=2").terms[0].runs, 2);  // one term, run twice
  for (const char* n : {"0", "101", "-1", "1.5", "1000000000000"})
    EXPECT_EQ(code_of(std::string("sequence by h [a where true] with runs=") + n + " [b where true]"),
              diag::kEqlStructure)
        << n;
  EXPECT_NE(code_of("sequence by h [a where true] with repeat=2 [b where true]"), "");
  EXPECT_EQ(code_of("sequence by h [a where true]"), diag::kEqlStructure);  // one event is no sequence
}

TEST(EqlParser, EveryTermHasTheSameNumberOfKeys) {
  parsed("sequence by h [a where true] by x [b where true] by y");
  parsed("sequence [a where true] by x, y [b where true] by z, w until [c where true] by u, v");
  EXPECT_EQ(code_of("sequence [a where true] by x [b where true]"), diag::kEqlStructure);
  EXPECT_EQ(code_of("sequence by h [a where true] by x, y [b where true] by z"), diag::kEqlStructure);
  EXPECT_EQ(code_of("sequence by h [a where true] by x [b where true] by y until [c where true]"),
            diag::kEqlStructure);
  EXPECT_EQ(code_of("sample by h [a where true] by x [b where true]"), diag::kEqlStructure);
  const Diagnostic d = error_of("sequence [a where true] by x\n  [b where true]");
  EXPECT_EQ(d.pos.line, 2u);  // at the term with the other count
  EXPECT_EQ(d.pos.column, 3u);
  EXPECT_EQ(code_of("sequence by 1 [a where true] [b where true]"), diag::kEqlStructure);  // keys are fields
}

TEST(EqlParser, MissingEvents) {
  Query q = parsed("sequence by h with maxspan=1m [a where true] ![b where true]");
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_FALSE(q.terms[0].missing);
  EXPECT_TRUE(q.terms[1].missing);
  q = parsed("sequence by h with maxspan=1m ![a where true] [b where true] ![c where true]");
  EXPECT_TRUE(q.terms[0].missing);
  EXPECT_FALSE(q.terms[1].missing);
  EXPECT_EQ(code_of("sequence by h [a where true] ![b where true]"), diag::kEqlStructure);  // no maxspan
  EXPECT_EQ(code_of("sequence by h with maxspan=1m ![a where true] ![b where true]"), diag::kEqlStructure);
  EXPECT_EQ(code_of("sample by h [a where true] ![b where true]"), diag::kEqlStructure);
}

TEST(EqlParser, Samples) {
  Query q = parsed("sample by host.id [process where true] [file where true] [network where true]");
  EXPECT_EQ(q.kind, QueryKind::Sample);
  EXPECT_EQ(q.keys.size(), 1u);
  EXPECT_EQ(q.terms.size(), 3u);
}

TEST(EqlParser, JoinChildOfAndIndicesAreRefused) {
  Diagnostic d = error_of("join by user.name [process where true] [file where true]");
  EXPECT_EQ(d.code, diag::kEqlUnsupported) << d.message;
  EXPECT_EQ(d.pos.column, 1u);
  d = error_of("process where child of [process where true]");
  EXPECT_EQ(d.code, diag::kEqlUnsupported) << d.message;
  EXPECT_EQ(d.pos.column, 15u);
  EXPECT_EQ(code_of("process where descendant of [process where true]"), diag::kEqlUnsupported);
  EXPECT_EQ(code_of("process where event of [process where true]"), diag::kEqlUnsupported);
  d = error_of("any where process.args[0] == \"x\"");
  EXPECT_EQ(d.code, diag::kEqlUnsupported) << d.message;
  EXPECT_EQ(d.pos.column, 23u);  // at the `[`
}

TEST(EqlParser, OnlyHeadAndTailPipes) {
  Query q = parsed("process where true | head 5 | tail 2");
  ASSERT_EQ(q.pipes.size(), 2u);
  EXPECT_TRUE(q.pipes[0].head);
  EXPECT_EQ(q.pipes[0].count, 5);
  EXPECT_FALSE(q.pipes[1].head);
  EXPECT_EQ(q.pipes[1].count, 2);
  parsed("sequence by h [a where true] [b where true] | tail 3");
  for (const char* p : {"count", "unique process.name", "unique_count process.name", "sort @timestamp",
                        "filter process.name == \"x\"", "count process.name, user.name", "nosuch"}) {
    const Diagnostic d = error_of(std::string("process where true | ") + p);
    EXPECT_EQ(d.code, diag::kEqlUnsupported) << p << ": " << d.message;
    EXPECT_EQ(d.pos.column, 22u) << p;  // at the pipe's name
  }
  for (const char* p : {"head", "head 0", "tail -1", "head 1.5", "head \"5\"", "head 1, 2"})
    EXPECT_EQ(code_of(std::string("process where true | ") + p), diag::kEqlSyntax) << p;
  EXPECT_EQ(code_of("process where true | HEAD 5"), diag::kEqlUnsupported);  // names are lowercase
  EXPECT_EQ(code_of("process where true | unique a b"), diag::kEqlSyntax);    // arguments take commas here
  EXPECT_EQ(code_of("sample by h [a where true] [b where true] | head 5"), diag::kEqlUnsupported);
}

// --- limits, encodings, positions ---------------------------------------------------------------

TEST(EqlParser, DepthLimit) {
  const std::string deep = "any where " + std::string(300, '(') + "a == 1" + std::string(300, ')');
  Diagnostic d = error_of(deep);
  EXPECT_EQ(d.code, diag::kEqlTooDeep) << d.message;
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, 11u + 256u);  // the 257th parenthesis
  ParseLimits small;
  small.max_depth = 3;
  EXPECT_EQ(error_of("any where ((((a == 1))))", small).code, diag::kEqlTooDeep);
  EXPECT_TRUE(parse("any where (((a == 1)))", small));
  EXPECT_EQ(error_of("any where length(length(length(length(a)))) > 1", small).code, diag::kEqlTooDeep);
  EXPECT_EQ(error_of("sequence [any where (((a == 1)))] [any where true]", small).code, diag::kEqlTooDeep);
  // Parentheses inside strings and comments do not count.
  EXPECT_TRUE(parse("any where a == \"((((((\" /* (((((( */", small));
  EXPECT_TRUE(parse("any where a == \"\"\"((((((\"\"\"", small));
  // Long flat chains are not deep.
  std::string chain = "any where a == 0";
  for (int i = 1; i < 5000; ++i) chain += " or a == " + std::to_string(i);
  EXPECT_TRUE(parse(chain));
}

// The depth is counted on the tokens the parser sees: what comes after a raw string ending in
// quotes, or after a nested comment with a quote inside, still counts.
TEST(EqlParser, DepthLimitCountsWhatFollowsStringsAndComments) {
  ParseLimits small;
  small.max_depth = 3;
  EXPECT_EQ(error_of("any where x == \"\"\"a\"\"\"\" or ((((a == 1))))", small).code, diag::kEqlTooDeep);
  EXPECT_EQ(error_of("any where x == \"\"\"a\"\"\"\"\" or ((((a == 1))))", small).code, diag::kEqlTooDeep);
  EXPECT_EQ(error_of("any where /* /* */ \" */ ((((a == 1))))", small).code, diag::kEqlTooDeep);
  EXPECT_EQ(error_of("any where `a\"` == 1 or ((((a == 1))))", small).code, diag::kEqlTooDeep);
  EXPECT_TRUE(parse("any where x == \"\"\"a\"\"\"\" or (((a == 1)))", small));
}

// Operator chains nest the tree as parentheses do (each `not`, each arithmetic operator is a level):
// a long chain is refused, not a stack overflow when the tree is printed, lowered or freed.
TEST(EqlParser, LongNotAndArithmeticChainsAreTooDeep) {
  std::string nots = "any where ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_EQ(error_of(nots + "a == 1").code, diag::kEqlTooDeep);
  std::string sum = "any where a";
  for (int i = 0; i < 100000; ++i) sum += " + 1";
  EXPECT_EQ(error_of(sum + " == 1").code, diag::kEqlTooDeep);
  std::string product = "any where a";
  for (int i = 0; i < 100000; ++i) product += " * 2";
  EXPECT_EQ(error_of(product + " == 1").code, diag::kEqlTooDeep);
  std::string comments = "any where a == 1 ";
  for (int i = 0; i < 100000; ++i) comments += "/*";
  EXPECT_FALSE(parse(comments));  // never closed: an error, not a crash
  // Deeply nested comments and long lists parse (in time linear in their length).
  std::string nested = "any where a == 1 ";
  for (int i = 0; i < 20000; ++i) nested += "/* ";
  for (int i = 0; i < 20000; ++i) nested += "*/ ";
  EXPECT_TRUE(parse(nested));
  std::string list = "any where a in (\"x\"";
  for (int i = 0; i < 50000; ++i) list += ", \"x" + std::to_string(i) + "\"";
  ParseResult big = parse(list + ")");
  ASSERT_TRUE(big);
  EXPECT_EQ(big.query->event.condition->kids.size(), 50002u);
  // Within the limit they parse.
  std::string few = "any where ";
  for (int i = 0; i < 100; ++i) few += "not ";
  EXPECT_TRUE(parse(few + "a == 1 and b + 1 + 2 + 3 + 4 == 10"));
}

TEST(EqlParser, SizeLimit) {
  ParseLimits small;
  small.max_bytes = 20;
  EXPECT_EQ(error_of("any where a == \"0123456789\"", small).code, diag::kEqlTooLong);
}

TEST(EqlParser, InvalidUtf8IsRefused) {
  for (const std::string bad : {"any where a == \"\xff\"", "any where a == \"\xC0\x80\"", "any where a == \"\xED\xA0\x80\"",
                                "any where a == \"\xE2\x82\"", "any where \xC3 == 1"}) {
    const Diagnostic d = error_of(bad);
    EXPECT_EQ(d.code, diag::kEqlBadUtf8) << bad;
    EXPECT_EQ(d.pos.line, 1u);
  }
  EXPECT_EQ(error_of("any where\n a == \"\xff\"").pos.line, 2u);
  EXPECT_EQ(error_of("any where\n a == \"\xff\"").pos.column, 8u);
  EXPECT_EQ(string_of("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(EqlParser, ErrorPositionsAreLineAndColumn) {
  Diagnostic d = error_of("process where\n  process.name == == \"x\"");
  EXPECT_EQ(d.code, diag::kEqlSyntax);
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 19u);  // the second ==
  EXPECT_EQ(d.offending, "==");
  d = error_of("process where process.name ==");
  EXPECT_EQ(d.code, diag::kEqlSyntax);
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, 30u);  // the end of the query
  // Columns count code points: the é before the error is one column.
  d = error_of("any where a == \"\xC3\xA9\" b");
  EXPECT_EQ(d.pos.column, 20u);
  d = error_of("any where a == \"\\u0000\"");
  EXPECT_EQ(d.pos.column, 16u);
  d = error_of("sequence by h\n  [a where true] with runs=0\n  [b where true]");
  EXPECT_EQ(d.code, diag::kEqlStructure);
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 28u);  // the 0
  d = error_of("any where a == 1 |");
  EXPECT_EQ(d.code, diag::kEqlSyntax);
  d = error_of("any where a == 1 ]");
  EXPECT_EQ(d.pos.column, 18u);
  EXPECT_EQ(d.offending, "]");
  d = error_of("any where a == 1 $");
  EXPECT_EQ(d.pos.column, 18u);
  EXPECT_EQ(d.offending, "$");
}

// --- printer round trip -------------------------------------------------------------------------

TEST(EqlPrinter, RoundTripsHandCases) {
  for (const char* q : {
           "any where true",
           "process where process.name == \"cmd.exe\"",
           "process where not a == 1 and b == 2",
           "process where not (a == 1 and b == 2)",
           "process where (a == 1 or b == 2) and c == 3",
           "process where a == 1 or b == 2 and c == 3",
           "any where not not a == 1",
           "any where (a == 1) == true",
           "any where a < 1 + 2 * 3",
           "any where (a + 1) * 2 == -3",
           "any where a - (b - c) == 0",
           "any where a / (b * c) == 0",
           "any where -a * 2 == 0",
           "any where -(a + 1) == 0",
           "any where - -a == 0",
           "any where a + b in (1, 2)",
           "any where (a + b) in (1, 2)",
           "any where -a in (1)",
           "any where (-a) in (1)",
           "any where (a == 1) in (true)",
           "any where (not a) : \"x\"",
           "any where a not in~ (\"x\", null, -1, 2.5, true)",
           "any where a : (\"x\", \"y*\") and b like~ \"?z\" and c regex \"[a-z]+\"",
           "any where a == -9223372036854775807 and b == 1e300 and c == 1.0 and d == -0.0",
           "any where x == 9223372036854775808",
           "any where x == \"tab\\there \\\"q\\\" back\\\\slash \\u{01} \\u{7F} caf\xC3\xA9\"",
           "any where x == \"\"\"raw \\ \"quoted\" \"\"\"",
           "any where x == \"\"\"\"\"hello\"\"world!\"\"\"\"",
           "any where x == \"\\q\"",
           "any where `a-b`.`c``d`.e == 1 and ?`x y` == null and ?f.g != null",
           "any where `and` == 1 and `1a` == 2 and `@` == 3",
           "\"my cat\" where true",
           "Process where AND == 1",
           "any where cidrmatch(source.ip, \"10.0.0.0/8\", \"::1/128\")",
           "any where startsWith~(a, \"x\") and length(b) > 3 and concat(a, b, 1) == \"x\"",
           "any where true | head 5 | tail 2",
           "sequence by h, `u-v` with maxspan=5m [process where a == 1] by p with runs=3 [file where true] by p "
           "until [process where true] by p | tail 4",
           "sequence with maxspan=30s [a where true] ![b where true]",
           "sequence [a where true] [b where true]",
           "sample by host.id [a where true] by x [b where true] by y",
       }) {
    SCOPED_TRACE(q);
    round_trip(q, q);
  }
}

// Control characters in strings: escaped ones and raw ones (the lexer takes any character but a
// line break inside "…") print as something that parses back to the same value.
TEST(EqlPrinter, RoundTripsControlCharacters) {
  for (const std::string& value : {std::string("a\x01" "b"), std::string("a\x7F"), std::string("nul\0inside", 10),
                                  std::string("\0", 1), std::string("tab\tcr\rlf\n")}) {
    const std::string text = "any where x == " + quote(value);
    SCOPED_TRACE(text);
    round_trip(text, text);
    EXPECT_EQ(string_of(quote(value)), value);
  }
  std::string raw = "any where x == \"a";
  raw += '\0';
  raw += "\x01" "b\"";
  round_trip(raw, "raw NUL and SOH");
  EXPECT_EQ(string_of(raw.substr(15)), std::string("a\0\x01" "b", 4));
}

// The printed form of a few trees, where the semantics pins it down (same tree after reparsing).
TEST(EqlPrinter, PrintingKeepsTheTree) {
  for (const char* c : {"not a == 1 and b == 2", "not (a == 1 and b == 2)", "a + b in (1, 2)", "(a + b) in (1, 2)",
                        "-a in (1)", "(-a) in (1)", "a - (b - c) == 0", "a - b - c == 0", "(a == 1) == true",
                        "x == \"\"\"\"\"hello\"\"world!\"\"\"\"", "`a``b` == 1", "x == -1.5e-7"}) {
    const std::string once = print(*parsed(std::string("any where ") + c).event.condition);
    EXPECT_EQ(cond(once), cond(c)) << c << " printed as " << once;
  }
}

TEST(EqlPrinter, RoundTripsEveryCorpusQuery) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(RULEC_SHARED_DIR) / "corpus" / "detection-rules-eql";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int queries = 0, events = 0, sequences = 0, samples = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    toml::table doc;
    try {
      doc = toml::parse_file(entry.path().string());
    } catch (const toml::parse_error& e) {
      ADD_FAILURE() << entry.path() << ": " << e.description();
      continue;
    }
    if (doc["rule"]["language"].value_or(std::string()) != "eql") continue;
    auto query = doc["rule"]["query"].value<std::string>();
    if (!query) continue;
    ++queries;
    ParseResult r = parse(*query);
    EXPECT_TRUE(r) << entry.path() << "\n" << rulec::render(*r.error, *query);
    if (!r) continue;
    switch (r.query->kind) {
      case QueryKind::Event: ++events; break;
      case QueryKind::Sequence: ++sequences; break;
      case QueryKind::Sample: ++samples; break;
    }
    round_trip(*query, entry.path().string());
  }
  // eql.md §7: 1,024 rules, 823 event queries, 198 sequences, 3 samples.
  EXPECT_EQ(queries, 1024);
  EXPECT_EQ(events, 823);
  EXPECT_EQ(sequences, 198);
  EXPECT_EQ(samples, 3);
}

}  // namespace eql_parser_test
}  // namespace
