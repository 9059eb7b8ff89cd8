// Text helpers of the reference evaluator: the standard tokenizer approximation, lowercasing, UTF-16 length, Glob.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/frontend/ast.h"
#include "runtime/common/text_analysis.h"

namespace rulec {
namespace {
namespace text_analysis_test {

struct TokenCase {
  const char* name;
  const char* text;
  std::vector<std::string> tokens;
};

class StandardAnalyzer : public ::testing::TestWithParam<TokenCase> {};
TEST_P(StandardAnalyzer, Tokens) {
  std::string buf;
  std::vector<std::string_view> toks;
  analyze(GetParam().text, buf, toks);
  EXPECT_EQ(std::vector<std::string>(toks.begin(), toks.end()), GetParam().tokens);
}

// Expected tokens per Unicode UAX #29 word boundaries (what Lucene's StandardTokenizer implements)
// followed by lowercasing.
INSTANTIATE_TEST_SUITE_P(Interp, StandardAnalyzer, ::testing::Values(
    TokenCase{"words_and_punctuation", "Hello, World!", {"hello", "world"}},
    TokenCase{"hyphen_splits", "wi-fi", {"wi", "fi"}},
    TokenCase{"domain_one_token", "www.Example.com", {"www.example.com"}},
    TokenCase{"trailing_dot_dropped", "end.", {"end"}},
    TokenCase{"decimal", "3.14", {"3.14"}},
    TokenCase{"thousands", "1,000.50", {"1,000.50"}},
    TokenCase{"ip_address", "10.0.0.1:22", {"10.0.0.1", "22"}},
    TokenCase{"apostrophe", "Don't", {"don't"}},
    TokenCase{"right_single_quote", "don\u2019t", {"don\u2019t"}},
    TokenCase{"underscore", "foo_bar __init__", {"foo_bar", "__init__"}},
    TokenCase{"underscores_only", "___", {}},
    TokenCase{"letters_digits", "abc123def v1.2", {"abc123def", "v1.2"}},
    TokenCase{"digit_dot_letter", "1.a a.1", {"1", "a", "a", "1"}},
    TokenCase{"colon_between_letters", "a:b c:/x", {"a:b", "c", "x"}},
    TokenCase{"windows_path", "C:\\Windows\\System32\\cmd.exe", {"c", "windows", "system32", "cmd.exe"}},
    TokenCase{"email", "user@example.com", {"user", "example.com"}},
    TokenCase{"unix_path", "/usr/bin/python3 -c 'x'", {"usr", "bin", "python3", "c", "x"}},
    TokenCase{"cjk_per_character", "世界", {"世", "界"}},
    TokenCase{"katakana_run", "カタカナ", {"カタカナ"}},
    TokenCase{"accented", "Ünïcödé", {"ünïcödé"}},
    TokenCase{"combining_mark_kept", "e\u0301t\u00e9", {"e\u0301t\u00e9"}},
    TokenCase{"symbols_only", "-- !! ##", {}},
    TokenCase{"empty", "", {}},
    TokenCase{"nbsp_separates", "a\u00a0b", {"a", "b"}},
    TokenCase{"emoji_separates", "go😀now", {"go", "now"}}),
    [](const ::testing::TestParamInfo<TokenCase>& i) { return std::string(i.param.name); });

TEST(InterpText, LongTokensSplitAt255) {
  std::string buf;
  std::vector<std::string_view> toks;
  analyze(std::string(300, 'a'), buf, toks);
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(toks[0].size(), 255u);
  EXPECT_EQ(toks[1].size(), 45u);
}

TEST(InterpText, Lowercase) {
  std::string out;
  lowercase("ÀÉÎ ΣΑΣ ПРИВЕТ İ ABC", out);
  EXPECT_EQ(out, "àéî σασ привет i abc");
  lowercase("\xff" "A", out);  // an invalid byte is kept
  EXPECT_EQ(out, "\xff" "a");
}

TEST(InterpText, Utf16Length) {
  EXPECT_EQ(utf16_length(""), 0u);
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("é"), 1u);
  EXPECT_EQ(utf16_length("€"), 1u);
  EXPECT_EQ(utf16_length("😀"), 2u);
}

TEST(InterpText, GlobStarAndQuestion) {
  kql::Pattern p;
  p.segments = {"a", "b", ""};
  p.wildcards = "*?";
  const Glob g(p, false);
  EXPECT_TRUE(g.match("abX"));
  EXPECT_TRUE(g.match("a\nbé"));
  EXPECT_FALSE(g.match("ab"));
  EXPECT_FALSE(g.match("abXY"));
  EXPECT_FALSE(g.match("Ab1"));
  kql::Pattern ci = p;
  ci.case_insensitive = true;
  EXPECT_TRUE(Glob(ci, false).match("AB1"));
  EXPECT_TRUE(Glob(kql::Pattern{}, false).match(""));
  EXPECT_FALSE(Glob(kql::Pattern{}, false).match("x"));
}

}  // namespace text_analysis_test
}  // namespace
}  // namespace rulec
