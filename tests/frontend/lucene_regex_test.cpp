// Lucene RegExp -> Hyperscan translation (eql.md §2 `regex`: Lucene syntax, whole-value match), checked by compiling each translation with Hyperscan and scanning values.
#include <gtest/gtest.h>

#include <hs/hs.h>

#include <memory>
#include <string>
#include <vector>

#include "compiler/frontend/lucene_regex.h"
#include "compiler/interp/regex_predicate.h"

namespace {
namespace lucene_regex_test {

using rulec::lucene_regex_to_hyperscan;
using rulec::RegexTranslation;

// One translated regex compiled as the engines compile it (block mode, whole value).
class Compiled {
 public:
  Compiled(const std::string& regex, bool caseless) {
    const RegexTranslation t = lucene_regex_to_hyperscan(regex);
    EXPECT_TRUE(t.ok()) << regex << ": error '" << t.error << "', unsupported '" << t.unsupported << "'";
    if (!t.ok()) return;
    unsigned flags = HS_FLAG_DOTALL | HS_FLAG_ALLOWEMPTY | HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH;
    if (caseless) flags |= HS_FLAG_CASELESS;
    hs_compile_error_t* err = nullptr;
    if (hs_compile(t.expression.c_str(), flags, HS_MODE_BLOCK, nullptr, &db_, &err) != HS_SUCCESS) {
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
  bool ok() const { return db_ && scratch_; }

  bool matches(const std::string& value) const {
    if (!ok()) return false;
    bool found = false;
    auto on_match = [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
      *static_cast<bool*>(ctx) = true;
      return 1;
    };
    static const char kEmpty = 0;
    hs_scan(db_, value.empty() ? &kEmpty : value.data(), static_cast<unsigned>(value.size()), 0, scratch_, on_match,
            &found);
    return found;
  }

 private:
  hs_database_t* db_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
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

TEST(LuceneRegex, OperatorsHyperscanCannotExpressAreUnsupported) {
  for (const char* r : {"a&b", "~a", "a~b", "#", "a|#", "<1-5>", "x<10-20>", "<name>", "@&~(abc)"}) {
    SCOPED_TRACE(r);
    EXPECT_FALSE(unsupported_of(r).empty());
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
