// KQL syntax errors as data: codes, positions, offending text, expected lists, carets, and limits.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"
#include "common/sanitizers.h"
#include "runtime/common/cpu_time.h"

namespace {
namespace kql_errors_test {

using rulec::Diagnostic;
using rulec::kql::parse;
using rulec::kql::ParseLimits;
namespace diag = rulec::diag;

Diagnostic error_of(const std::string& query, const ParseLimits& limits = {}) {
  auto r = parse(query, limits);
  EXPECT_FALSE(r) << query << " parsed as\n" << (r ? rulec::kql::dump(*r.ast) : "");
  return r ? Diagnostic{} : *r.error;
}

// Kibana's own syntax error tests (kuery_syntax_error.test.ts): same message, same column.
struct KibanaMessage {
  std::string query;
  std::string message;
  uint32_t column;
};

class KibanaMessages : public ::testing::TestWithParam<KibanaMessage> {};

TEST_P(KibanaMessages, SameWordingAndPlace) {
  const auto& k = GetParam();
  Diagnostic d = error_of(k.query);
  EXPECT_EQ(d.code, diag::kSyntax);
  EXPECT_EQ(d.message, k.message);
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, k.column);
  EXPECT_EQ(d.severity, rulec::Severity::Error);
}

INSTANTIATE_TEST_SUITE_P(
    Kibana, KibanaMessages,
    ::testing::Values(
        KibanaMessage{"response:", "Expected \"(\", \"{\", value, whitespace but end of input found.", 10},
        KibanaMessage{"response:200 or ", "Expected \"(\", NOT, field name, value but end of input found.", 17},
        KibanaMessage{"response:(200 or )", "Expected \"(\", NOT, value but \")\" found.", 18},
        KibanaMessage{"response:200 and not ", "Expected \"(\", field name, value but end of input found.", 22},
        KibanaMessage{"response:(200 and not )", "Expected \"(\", value but \")\" found.", 23},
        KibanaMessage{"foo:\"ba \"r\"", "Expected AND, OR, end of input but \"r\" found.", 10},
        KibanaMessage{"foo:ba:r", "Expected AND, OR, end of input but \":\" found.", 7},
        KibanaMessage{"foo > ", "Expected literal, whitespace but end of input found.", 7},
        KibanaMessage{"< 1000", "Expected \"(\", NOT, end of input, field name, value, whitespace but \"<\" found.", 1}));

TEST(KqlErrors, ExpectedListAndOffendingText) {
  Diagnostic d = error_of("foo:ba:r");
  EXPECT_EQ(d.offending, ":");
  EXPECT_EQ(d.expected, (std::vector<std::string>{"AND", "OR", "end of input"}));

  d = error_of("a:cannot b");  // `not` + space is the keyword, even inside a word
  EXPECT_EQ(d.offending, "not");
  EXPECT_EQ(d.pos.column, 6u);
  EXPECT_EQ(d.expected, (std::vector<std::string>{"AND", "OR", "end of input"}));

  d = error_of("not(a:b)");
  EXPECT_EQ(d.offending, "(");
  EXPECT_EQ(d.expected, (std::vector<std::string>{"\":\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "AND", "OR",
                                                  "end of input", "whitespace"}));

  d = error_of("a:()");
  EXPECT_EQ(d.expected, (std::vector<std::string>{"\"(\"", "NOT", "value", "whitespace"}));
  EXPECT_EQ(d.pos.column, 4u);

  d = error_of("a:{b:c");
  EXPECT_EQ(d.expected, (std::vector<std::string>{"\"}\"", "AND", "OR"}));
  EXPECT_TRUE(d.offending.empty());  // end of input
  EXPECT_EQ(d.message, "Expected \"}\", AND, OR but end of input found.");
}

TEST(KqlErrors, MessageShowsOneCharacterButOffendingIsTheToken) {
  Diagnostic d = error_of("(a:b)and c:d");
  EXPECT_EQ(d.pos.column, 6u);
  EXPECT_EQ(d.offending, "and c");
  EXPECT_EQ(d.message, "Expected AND, OR, end of input but \"a\" found.");
}

TEST(KqlErrors, PositionsInMultiLineQueries) {
  Diagnostic d = error_of("a:b and\nc:d:e");
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 4u);
  EXPECT_EQ(d.pos.offset, 11u);

  d = error_of("a:b or\n  c:(d or\n   e or )");
  EXPECT_EQ(d.pos.line, 3u);
  EXPECT_EQ(d.pos.column, 9u);
  EXPECT_EQ(d.offending, ")");

  d = error_of("x:\"multi\nline\" and\n\t\xC3\xA9:b:c");  // a tab and é count one column each
  EXPECT_EQ(d.pos.line, 3u);
  EXPECT_EQ(d.pos.column, 5u);
}

TEST(KqlErrors, RenderPutsACaretUnderTheColumn) {
  const std::string q = "foo:ba:r";
  EXPECT_EQ(rulec::render(error_of(q), q),
            "error[KQL100]: line 1, column 7: Expected AND, OR, end of input but \":\" found.\n"
            "  foo:ba:r\n"
            "        ^");
  const std::string m = "a:b or\n  c:d e:f";
  EXPECT_EQ(rulec::render(error_of(m), m),
            "error[KQL100]: line 2, column 8: Expected AND, OR, end of input but \":\" found.\n"
            "    c:d e:f\n"
            "         ^");
  const std::string eoi = "a:";
  EXPECT_EQ(rulec::render(error_of(eoi), eoi),
            "error[KQL100]: line 1, column 3: Expected \"(\", \"{\", value, whitespace but end of input found.\n"
            "  a:\n"
            "    ^");
}

TEST(KqlErrors, BadEscapeKQL101) {
  Diagnostic d = error_of("a:b\\c");
  EXPECT_EQ(d.code, diag::kBadEscape);
  EXPECT_EQ(d.pos.column, 4u);
  EXPECT_EQ(d.offending, "\\c");
  EXPECT_NE(d.message.find("\\c"), std::string::npos);

  EXPECT_EQ(error_of("a:\\u12x").offending, "\\u");
  EXPECT_EQ(error_of("a:b\\").offending, "\\");
  EXPECT_EQ(error_of("a:b\\\xC3\xA9").offending, "\\\xC3\xA9");
  EXPECT_EQ(error_of("a:b\\ c").offending, "\\ ");
  d = error_of("x:y or\n z:b\\?c");
  EXPECT_EQ(d.code, diag::kBadEscape);
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 5u);
}

TEST(KqlErrors, EarlierSyntaxErrorWinsOverLaterBadEscape) {
  Diagnostic d = error_of("a:b:c or d:e\\f");
  EXPECT_EQ(d.code, diag::kSyntax);
  EXPECT_EQ(d.pos.column, 4u);
}

TEST(KqlErrors, UnterminatedQuoteKQL102) {
  Diagnostic d = error_of("a:\"abc");
  EXPECT_EQ(d.code, diag::kUnterminatedQuote);
  EXPECT_EQ(d.pos.column, 3u);
  EXPECT_EQ(d.offending, "\"abc");

  d = error_of("a:b and\nc:\"x\\\"");  // the last quote is escaped
  EXPECT_EQ(d.code, diag::kUnterminatedQuote);
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.pos.column, 3u);

  EXPECT_EQ(error_of("foo:\"ba ").code, diag::kUnterminatedQuote);
}

TEST(KqlErrors, TenThousandLevelsGiveKQL103) {
  std::string q = std::string(10000, '(') + "a:b" + std::string(10000, ')');
  Diagnostic d = error_of(q);
  EXPECT_EQ(d.code, diag::kTooDeep);
  EXPECT_EQ(d.pos.column, 513u);  // the first bracket beyond the default 512 levels
  EXPECT_EQ(d.offending, "(");

  EXPECT_EQ(error_of(std::string(100000, '(')).code, diag::kTooDeep);  // unbalanced, no crash
  std::string braces;
  for (int i = 0; i < 10000; ++i) braces += "a:{";
  EXPECT_EQ(error_of(braces + "b:c" + std::string(10000, '}')).code, diag::kTooDeep);
  std::string lists = "a:" + std::string(10000, '(') + "b" + std::string(10000, ')');
  EXPECT_EQ(error_of(lists).code, diag::kTooDeep);
}

TEST(KqlErrors, DepthLimitIsExact) {
  std::string at_limit = std::string(512, '(') + "not a:b" + std::string(512, ')');
  auto r = parse(at_limit);
  ASSERT_TRUE(r);
  auto again = parse(rulec::kql::print(*r.ast));  // printing and re-parsing deep trees is fine too
  ASSERT_TRUE(again);
  EXPECT_TRUE(rulec::kql::equal(*r.ast, *again.ast));
  EXPECT_FALSE(rulec::kql::dump(*r.ast).empty());

  ParseLimits two;
  two.max_depth = 2;
  EXPECT_TRUE(parse("((a:b)) and a:{b:(c)}", two));
  EXPECT_EQ(error_of("(((a:b)))", two).code, diag::kTooDeep);
  EXPECT_EQ(error_of("a:{b:{c:(d)}}", two).code, diag::kTooDeep);
  // Brackets inside quotes and escaped brackets do not nest.
  EXPECT_TRUE(parse("a:\"((((\" or b:\\(\\(\\(\\{ or c:\"\\\"(((\"", two));
}

TEST(KqlErrors, SizeLimitKQL104) {
  ParseLimits small;
  small.max_bytes = 10;
  EXPECT_TRUE(parse("abcde:fghi", small));  // exactly 10 bytes
  Diagnostic d = error_of("abcde:fghij", small);
  EXPECT_EQ(d.code, diag::kTooLong);
  EXPECT_NE(d.message.find("11 bytes"), std::string::npos);
}

TEST(KqlErrors, InvalidUtf8KQL105) {
  struct Bad {
    std::string query;
    uint32_t column;
  };
  for (const Bad& b : {Bad{"a:\xFF", 3}, Bad{"a:b\xC0\x80", 4}, Bad{"\xED\xA0\x80:x", 1}, Bad{"a:\xE2\x82", 3},
                       Bad{"a:\xF4\x90\x80\x80", 3}, Bad{"a:\x80", 3}, Bad{"\xC3\xA9:\xF8\x88\x80\x80\x80", 3}}) {
    Diagnostic d = error_of(b.query);
    EXPECT_EQ(d.code, diag::kBadUtf8) << b.query;
    EXPECT_EQ(d.pos.column, b.column) << b.query;
    EXPECT_FALSE(d.offending.empty());
  }
  Diagnostic d = error_of("a:b or\nc:\xFE");
  EXPECT_EQ(d.pos.line, 2u);
  EXPECT_EQ(d.offending, "\\xFE");
}

TEST(KqlErrors, BinaryGarbageNeverThrowsOrPrints) {
  std::mt19937 rng(12345);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string q(rng() % 64, '\0');
    for (char& c : q) c = static_cast<char>(rng());
    rulec::kql::ParseResult r;
    EXPECT_NO_THROW(r = parse(q));
    if (!r) {
      ++refused;
      EXPECT_EQ(r.error->code.substr(0, 4), "KQL1");
      EXPECT_FALSE(r.error->message.empty());
    }
  }
  // Valid UTF-8 garbage made of KQL's own characters reaches the parser.
  const std::string alphabet = "ab:()\"\\*{}<>= \torandnot\xC2\xA0";
  for (int i = 0; i < 2000; ++i) {
    std::string q;
    for (int n = rng() % 24; n > 0; --n) q += alphabet[rng() % alphabet.size()];
    if (q.find('\xC2') != std::string::npos || q.find('\xA0') != std::string::npos) continue;  // halves of NBSP
    EXPECT_NO_THROW((void)parse(q));
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_GT(refused, 1900);
}

std::string chain(size_t bytes) {
  std::string q = "x:y";
  q.reserve(bytes + 8);
  while (q.size() + 7 <= bytes) q += " or x:y";
  return q;
}

// Queries near the 16 MB limit: 10 MB (1,428,571 operands) in the normal build; 1 MB under the
// sanitizers, where the parser is ten times slower and the same code paths are what is checked.
constexpr size_t kHuge = rulec::testing::kUnderAsan ? 1'000'000 : 10'000'000;

TEST(KqlErrors, HugeQueryParses) {
  std::string q = chain(kHuge);
  const double cpu0 = rulec::thread_cpu_ms();
  auto r = parse(q);
  const double seconds = (rulec::thread_cpu_ms() - cpu0) / 1000;
  ASSERT_TRUE(r);
  EXPECT_EQ(r.ast->kind, rulec::kql::NodeKind::Or);
  EXPECT_EQ(r.ast->children.size(), (q.size() + 4) / 7);
  // Linear: about 8 s of CPU for 10 MB here; anything worse than linear would take hours.
  EXPECT_LT(seconds, 120.0);
  RecordProperty("seconds", std::to_string(seconds));
}

TEST(KqlErrors, HugeQueryWithErrorAtTheEnd) {
  std::string q = chain(kHuge) + " or :";
  Diagnostic d = error_of(q);
  EXPECT_EQ(d.code, diag::kSyntax);
  EXPECT_EQ(d.pos.line, 1u);
  EXPECT_EQ(d.pos.column, q.size());
  EXPECT_EQ(d.offending, ":");
  std::string shown = rulec::render(d, q);
  EXPECT_LT(shown.size(), 600u);  // the caret line is cut around the column
}

TEST(KqlErrors, HugeValueAndLongList) {
  std::string value = "a:" + std::string(kHuge / 2, 'v') + "*" + std::string(kHuge / 2, 'w');
  auto r = parse(value);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.ast->value.pattern.segments.size(), 2u);

  std::string list = "a:(b";
  while (list.size() < kHuge) list += " or b";
  r = parse(list + ")");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.ast->kind, rulec::kql::NodeKind::Or);
}

}  // namespace kql_errors_test
}  // namespace
