// Lucene RegExp -> Hyperscan translation (eql.md §2 `regex`: Lucene syntax, whole-value match), checked by compiling each translation with Hyperscan and scanning values.
#include <gtest/gtest.h>

#include <hs/hs.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend/lucene_regex.h"
#include "compiler/interp/regex_predicate.h"
#include "runtime/eval/hs_block_scan.h"

namespace {
namespace lucene_regex_test {

using rulec::lucene_regex_to_hyperscan;
using rulec::RegexTranslation;

// One translated regex compiled as the engines compile it (block mode, whole value).
class Compiled {
 public:
  Compiled(const std::string& regex, bool caseless) {
    const RegexTranslation t = lucene_regex_to_hyperscan(regex, caseless);
    EXPECT_TRUE(t.ok()) << regex << ": error '" << t.error << "', unsupported '" << t.unsupported << "'";
    if (!t.ok()) return;
    never_ = t.never;
    if (never_) return;  // the empty language: no database, no value matches
    unsigned flags = HS_FLAG_DOTALL | HS_FLAG_ALLOWEMPTY | HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH;
    if (caseless) flags |= HS_FLAG_CASELESS;
    hs_compile_error_t* err = nullptr;
    hs_platform_info_t platform{};
    rulec::rt::hs_build_platform(platform);
    if (hs_compile(t.expression.c_str(), flags, HS_MODE_BLOCK, &platform, &db_, &err) != HS_SUCCESS) {
      ADD_FAILURE() << regex << " -> " << t.expression << ": Hyperscan refuses it: " << (err ? err->message : "?");
      hs_free_compile_error(err);
      db_ = nullptr;
      return;
    }
    EXPECT_EQ(hs_alloc_scratch(db_, &scratch_), HS_SUCCESS);
  }
  ~Compiled() {
    hs_free_scratch(scratch_);
    hs_free_database(db_);
  }
  Compiled(const Compiled&) = delete;
  Compiled& operator=(const Compiled&) = delete;
  bool ok() const { return never_ || (db_ && scratch_); }

  bool matches(const std::string& value) const {
    if (never_ || !ok()) return false;
    bool found = false;
    auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
      *static_cast<bool*>(ctx) = true;
      return 1;
    };
    static const char kEmpty = 0;
    rulec::rt::hs_block_scan(db_, value.empty() ? &kEmpty : value.data(), static_cast<unsigned>(value.size()), scratch_,
                      on_match, &found);
    return found;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
  bool never_ = false;
};

// `regex` matches every value of `yes` and none of `no` (case-sensitive unless `caseless`).
void check(const std::string& regex, const std::vector<std::string>& yes, const std::vector<std::string>& no,
           bool caseless = false) {
  SCOPED_TRACE("regex: " + regex);
  Compiled c(regex, caseless);
  if (!c.ok()) return;
  for (const auto& v : yes) EXPECT_TRUE(c.matches(v)) << "should match '" << v << "'";
  for (const auto& v : no) EXPECT_FALSE(c.matches(v)) << "should not match '" << v << "'";
  // The reference evaluator's predicate agrees.
  auto p = rulec::interp::RegexPredicate::make(regex, caseless);
  ASSERT_TRUE(p);
  for (const auto& v : yes) EXPECT_TRUE(p->match(v)) << "predicate, '" << v << "'";
  for (const auto& v : no) EXPECT_FALSE(p->match(v)) << "predicate, '" << v << "'";
}

std::string error_of(const std::string& regex) {
  const RegexTranslation t = lucene_regex_to_hyperscan(regex);
  EXPECT_FALSE(t.error.empty()) << regex << " translated to " << t.expression << " (unsupported: " << t.unsupported
                                << ")";
  EXPECT_FALSE(rulec::interp::RegexPredicate::make(regex, false)) << regex;
  return t.error;
}

std::string unsupported_of(const std::string& regex) {
  const RegexTranslation t = lucene_regex_to_hyperscan(regex);
  EXPECT_FALSE(t.unsupported.empty()) << regex << " translated to " << t.expression << " (error: " << t.error << ")";
  EXPECT_TRUE(t.error.empty()) << regex << ": " << t.error;
  EXPECT_FALSE(rulec::interp::RegexPredicate::make(regex, false)) << regex;
  return t.unsupported;
}

TEST(LuceneRegex, WholeValueMatch) {
  check("ab", {"ab"}, {"xab", "abx", "a", "b", "", "AB", "a\nb"});
  check("a.c", {"abc", "a.c", "a\nc"}, {"ac", "abbc"});
  check(".*", {"", "anything", "multi\nline"}, {});
  check("abc", {"ABC", "aBc", "abc"}, {"abcd"}, /*caseless=*/true);
}

TEST(LuceneRegex, AlternationAndConcatenation) {
  check("a|b", {"a", "b"}, {"ab", "", "c"});
  check("ab|cd", {"ab", "cd"}, {"abd", "acd", "b"});
  check("x(ab|cd)y", {"xaby", "xcdy"}, {"xy", "xabcdy"});
}

TEST(LuceneRegex, QuantifiersApplyToEverythingBeforeThem) {
  // `a+?` is (a+)?, not a lazy +: it also matches the empty value.
  check("a+?", {"", "a", "aaa"}, {"b", "ab"});
  check("a*?", {"", "a", "aaaa"}, {"b"});
  check("a??", {"", "a"}, {"aa"});
  check("ab+*", {"a", "ab", "abbbb"}, {"", "abab", "b"});  // a((b+)*)
  check("ab*", {"a", "abbb"}, {"abab", ""});
  check("(ab)*", {"", "ab", "abab"}, {"aba", "a"});
  check("a+", {"a", "aaa"}, {"", "b"});
  check("a?b", {"b", "ab"}, {"aab", "a"});
}

TEST(LuceneRegex, BoundedRepetition) {
  check("a{2}", {"aa"}, {"a", "aaa", ""});
  check("a{2,}", {"aa", "aaaaa"}, {"a", ""});
  check("a{1,3}", {"a", "aa", "aaa"}, {"", "aaaa"});
  check("a{0,1}b", {"b", "ab"}, {"aab"});
  check("a{2}{3}", {"aaaaaa"}, {"aa", "aaa", "aaaaa", "aaaaaaa"});
  check("(ab){2}", {"abab"}, {"ab", "aabb"});
}

TEST(LuceneRegex, EmptyParenthesesAreTheEmptyString) {
  check("()", {""}, {"a"});
  check("a()b", {"ab"}, {"a()b", "a b"});
  check("()*", {""}, {"x"});
  check("(a|())b", {"ab", "b"}, {"aab"});
}

TEST(LuceneRegex, QuotedStringsAreLiteral) {
  check("\"a.b*\"", {"a.b*"}, {"axb", "a.bbb", "a.b"});
  check("x\"(|)\"y", {"x(|)y"}, {"xy", "x|y"});
  check("\"ab\"+", {"ab", "abab"}, {"abb", ""});
  check("\"\"", {""}, {"\"\""});
  check("\"\\\"", {"\\"}, {""});  // no escape inside quotes: the backslash is the content
}

TEST(LuceneRegex, AtIsAnyString) {
  check("@", {"", "x", "any\nthing"}, {});
  check("a@", {"a", "abc"}, {"ba", ""});
  check("@.exe", {"cmd.exe", "x.exe", "..exe"}, {"exe", "cmd.exe.bak"});
}

TEST(LuceneRegex, ShorthandClasses) {
  check("\\d+", {"0", "123"}, {"", "12a", "\xD9\xA3"});  // ASCII digits only
  check("\\D", {"a", "-"}, {"1", ""});
  check("\\s", {" ", "\t", "\n", "\r", "\f", "\v"}, {"a", "  "});
  check("\\S+", {"ab"}, {"a b"});
  check("\\w+", {"a_1Z"}, {"a-1", ""});
  check("\\W", {"-", " "}, {"a", "_", "1"});
  check("[\\d.]+", {"1.2", "..."}, {"1,2"});
  check("[^\\d]", {"a"}, {"1"});
}

TEST(LuceneRegex, CaretDollarAndBracesAreOrdinary) {
  check("^a$", {"^a$"}, {"a", "^a", "a$"});
  check("a^b", {"a^b"}, {"ab"});
  check("{a}", {"{a}"}, {"a", "aa"});  // `{` with no atom before it
  check("{", {"{"}, {""});
  check("(x|{)", {"x", "{"}, {"x{"});
  check("}", {"}"}, {""});
}

TEST(LuceneRegex, EscapesAreTheCharacterItself) {
  check("a\\.b", {"a.b"}, {"axb", "a\\.b"});
  check("\\a\\b", {"ab"}, {"\\a\\b"});
  check("\\&\\~\\#\\<\\@\\\"", {"&~#<@\""}, {});
  check("C:\\\\Windows", {"C:\\Windows"}, {"C:Windows"});
  check("\\*", {"*"}, {"", "a"});
  check("*a", {"*a"}, {"a", "aa"});  // a quantifier with nothing before it is a character
}

TEST(LuceneRegex, CharacterClasses) {
  check("[abc]", {"a", "b", "c"}, {"d", "ab", ""});
  check("[a-c]+", {"abc", "cab"}, {"abd", ""});
  check("[a-cx-z]", {"b", "y"}, {"d", "w"});
  check("[^a-c]", {"d", "\xC3\xA9", "\xF0\x9F\x98\x80", "\n"}, {"a", "c", "", "de"});
  check("[-a]", {"-", "a"}, {"b"});
  check("[\\]]", {"]"}, {"\\"});
  check("[.]", {"."}, {"x"});
  check("[~&#<@\"]", {"~", "&", "#", "<", "@", "\""}, {"a"});  // operators are characters in a class
  check("[\xC3\xA0-\xC3\xBF]", {"\xC3\xA9"}, {"e", "\xC4\x80"});
  check("[a-c]", {"B"}, {"d"}, /*caseless=*/true);
}

TEST(LuceneRegex, DotIsOneCodePoint) {
  check(".", {"a", "\xC3\xA9", "\xF0\x9F\x98\x80", "\n"}, {"", "ab"});
  check("..", {"ab"}, {"\xC3\xA9"});
  check("caf\xC3\xA9", {"caf\xC3\xA9"}, {"cafe"});
}

TEST(LuceneRegex, EmptyRegexMatchesTheEmptyValue) { check("", {""}, {"a", " "}); }

TEST(LuceneRegex, MalformedRegexesAreErrors) {
  for (const char* r : {"(ab", "ab)", "((a)", "a{", "a{,3}", "a{2", "a{2,3", "a{b}", "[abc", "[]", "a|",
                        "\"abc", "\\", "a\\", "[z-a]"}) {
    SCOPED_TRACE(r);
    EXPECT_FALSE(error_of(r).empty());
  }
  EXPECT_FALSE(error_of("a\xff").empty());  // not UTF-8
}

// `&`, `~` and `#` go through our automaton (Lucene's RegExp.java grammar: `~` binds to the
// following class or simple expression, `&` sits between concatenation and union).
TEST(LuceneRegex, IntersectionComplementAndTheEmptyLanguage) {
  check("~(abc)", {"", "ab", "abcd", "x", "ABC"}, {"abc"});
  check("~(abc)", {"abd", ""}, {"abc", "ABC", "aBc"}, /*caseless=*/true);
  check("~a", {"", "b", "aa"}, {"a"});
  check("~a*", {"", "aa", "b"}, {});  // (~a)*: every string
  check("a~b", {"a", "aa", "abb", "ac"}, {"ab"});
  check("[a-z]+&~(abc)", {"abd", "a", "abcd"}, {"abc", "", "ab1"});
  check("@&~(@.exe)", {"cmd.com", "exe", ".exe1"}, {"cmd.exe", ".exe"});
  check("@&~(abc)", {"", "abd", "abcabc"}, {"abc"});
  check(".*a.*&.*b.*", {"ab", "ba", "xaxbx"}, {"a", "b", "", "aa"});
  check("(a|b)+&~(.*aa.*)", {"a", "abab", "bab"}, {"aa", "baab", ""});
  check("a&b", {}, {"a", "b", "", "ab"});
  check("#", {}, {"", "#", "a"});
  check("a|#", {"a"}, {"", "#"});
  check("a#", {}, {"a", ""});
  check("~#", {"", "anything"}, {});
  check("~()", {"a", "ab"}, {""});
  check("(abc)&(abc)", {"abc"}, {"ab"});
  check("~(\xC3\xA9)", {"e", "\xC3\xA9\xC3\xA9", ""}, {"\xC3\xA9"});
  check("\\~a\\&b", {"~a&b"}, {"a"});
}

TEST(LuceneRegex, NumericIntervals) {
  // Bounds written with as many digits: exactly that many, zero padded.
  check("<01-10>", {"01", "05", "10"}, {"1", "5", "00", "11", "010", ""});
  check("<000-255>", {"000", "007", "199", "255"}, {"256", "7", "0007", "300"});
  // Otherwise any number of leading zeros.
  check("<1-10>", {"1", "7", "10", "007", "0010"}, {"0", "11", "", "1a", "100"});
  check("<0-5>", {"0", "3", "5"}, {"00", "05", "6", "", "10"});  // one digit each: exactly one
  check("<0-50>", {"0", "00", "5", "0005", "50"}, {"51", "", "500"});
  check("<10-5>", {"5", "7", "10", "05"}, {"4", "11"});  // reversed bounds are swapped
  check("x<10-20>y", {"x10y", "x15y", "x20y"}, {"x9y", "x21y", "xy", "x015y"});
  check("<8-123>", {"8", "9", "10", "99", "100", "123"}, {"7", "124", "200"});
  check("<0-2147483647>", {"0", "2147483647", "999999999"}, {"2147483648", "-1"});
  for (const char* r : {"<1-x>", "<-5>", "<1->", "<1-5", "<2147483648-1>"}) {
    SCOPED_TRACE(r);
    EXPECT_FALSE(error_of(r).empty());
  }
}

TEST(LuceneRegex, NamedAutomataAndHugeAutomataAreUnsupported) {
  EXPECT_NE(unsupported_of("<name>").find("named"), std::string::npos);
  // "an a 21st from the end" needs 2^21 states once intersected.
  EXPECT_NE(unsupported_of("(a|b)*a(a|b){20}&~(c)").find("states"), std::string::npos);
  EXPECT_FALSE(unsupported_of("~(a{2000})").empty());
}

// Random trees of every operator over {a, b, c}, printed fully parenthesized, against a direct
// reading of their meaning on every string of up to four letters: the translation (Hyperscan) and
// the reference evaluator's predicate agree with it.
struct Tree {
  enum Kind { Char, Dot, Eps, Nothing, Any, Cat, Alt, And, Not, Star, Opt } kind;
  char c = 'a';
  std::vector<Tree> kids;
};

std::string lucene_text(const Tree& t) {
  switch (t.kind) {
    case Tree::Char: return std::string(1, t.c);
    case Tree::Dot: return ".";
    case Tree::Eps: return "()";
    case Tree::Nothing: return "#";
    case Tree::Any: return "@";
    case Tree::Cat: return "(" + lucene_text(t.kids[0]) + ")(" + lucene_text(t.kids[1]) + ")";
    case Tree::Alt: return "((" + lucene_text(t.kids[0]) + ")|(" + lucene_text(t.kids[1]) + "))";
    case Tree::And: return "((" + lucene_text(t.kids[0]) + ")&(" + lucene_text(t.kids[1]) + "))";
    case Tree::Not: return "~(" + lucene_text(t.kids[0]) + ")";
    case Tree::Star: return "(" + lucene_text(t.kids[0]) + ")*";
    case Tree::Opt: return "(" + lucene_text(t.kids[0]) + ")?";
  }
  return "";
}

bool in_language(const Tree& t, const std::string& s) {
  switch (t.kind) {
    case Tree::Char: return s.size() == 1 && s[0] == t.c;
    case Tree::Dot: return s.size() == 1;
    case Tree::Eps: return s.empty();
    case Tree::Nothing: return false;
    case Tree::Any: return true;
    case Tree::Cat:
      for (size_t k = 0; k <= s.size(); ++k)
        if (in_language(t.kids[0], s.substr(0, k)) && in_language(t.kids[1], s.substr(k))) return true;
      return false;
    case Tree::Alt: return in_language(t.kids[0], s) || in_language(t.kids[1], s);
    case Tree::And: return in_language(t.kids[0], s) && in_language(t.kids[1], s);
    case Tree::Not: return !in_language(t.kids[0], s);
    case Tree::Star:
      if (s.empty()) return true;
      for (size_t k = 1; k <= s.size(); ++k)
        if (in_language(t.kids[0], s.substr(0, k)) && in_language(t, s.substr(k))) return true;
      return false;
    case Tree::Opt: return s.empty() || in_language(t.kids[0], s);
  }
  return false;
}

Tree random_tree(std::mt19937& rng, int depth) {
  Tree t;
  const int leaf_kinds = 5, all = 11;
  t.kind = static_cast<Tree::Kind>(rng() % (depth <= 0 ? leaf_kinds : all));
  if (t.kind == Tree::Char) t.c = "abc"[rng() % 3];
  const int arity = t.kind >= Tree::Cat && t.kind <= Tree::And ? 2 : t.kind >= Tree::Not ? 1 : 0;
  for (int i = 0; i < arity; ++i) t.kids.push_back(random_tree(rng, depth - 1));
  return t;
}

TEST(LuceneRegex, RandomTreesOfEveryOperatorMeanWhatTheySay) {
  std::vector<std::string> strings = {""};
  for (size_t from = 0, len = 1; len <= 4; ++len) {
    const size_t to = strings.size();
    for (size_t i = from; i < to; ++i)
      for (char c : std::string("abc")) strings.push_back(strings[i] + c);
    from = to;
  }
  std::mt19937 rng(1207);
  for (int round = 0; round < 150; ++round) {
    const Tree t = random_tree(rng, 4);
    const std::string text = lucene_text(t);
    std::vector<std::string> yes, no;
    for (const auto& s : strings) (in_language(t, s) ? yes : no).push_back(s);
    check(text, yes, no);
    if (::testing::Test::HasFailure()) break;  // one failing tree says enough
  }
}

TEST(LuceneRegex, DeepNestingIsRefusedNotACrash) {
  const std::string deep = std::string(5000, '(') + "a" + std::string(5000, ')');
  const RegexTranslation t = lucene_regex_to_hyperscan(deep);
  EXPECT_FALSE(t.ok());
  const std::string fine = std::string(50, '(') + "a" + std::string(50, ')');
  check(fine, {"a"}, {"aa"});
}

}  // namespace lucene_regex_test
}  // namespace
