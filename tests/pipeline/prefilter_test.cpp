// The raw-line prefilter: the literals each query gives (or why none), their JSON-escaped form, and the scans' fallbacks.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "compiler/optimizer/prefilter.h"
#include "pipeline/planned_queries.h"
#include "runtime/eval/line_prefilter.h"

namespace rulec::plan {
namespace {
namespace prefilter_test {

// The prefilter of the queries as one rule set (one rule per query), planned without Hyperscan.
struct Derived {
  Prefilter pf;
  explicit Derived(const std::vector<std::string>& queries) {
    matchers::ScreenOptions no_hyperscan;
    no_hyperscan.enabled = false;
    pf = build_prefilter(testing::Planned(queries, no_hyperscan).plan);
  }
  // Rule r's literals as `"x"` / `i"x"`, sorted.
  std::vector<std::string> literals(size_t r) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < pf.rules[r].literals.size(); ++i)
      out.push_back((pf.rules[r].caseless[i] ? "i\"" : "\"") + pf.rules[r].literals[i] + "\"");
    std::sort(out.begin(), out.end());
    return out;
  }
};

using Lits = std::vector<std::string>;

TEST(Prefilter, StringTestsGiveTheirValuesAsLiterals) {
  Derived d({"process.name:bash", "process.name.caseless:BASH", "process.command_line:*wget*http*",
             "process.name:(\"a.exe\" or \"b.exe\")", "process.name:x and not user.name:root",
             "process.args:\"-enc\" or process.name:powershell.exe"});
  EXPECT_EQ(d.literals(0), Lits{"\"bash\""});
  EXPECT_EQ(d.literals(1), Lits{"i\"bash\""});  // a lowercase normalizer: any case in the raw text
  EXPECT_EQ(d.literals(2), Lits{"\"wget\""});   // the longest literal piece (the first of equals)
  EXPECT_EQ(d.literals(3), (Lits{"\"a.exe\"", "\"b.exe\""}));
  EXPECT_EQ(d.literals(4), Lits{"\"x\""});      // a negated test adds nothing
  EXPECT_EQ(d.literals(5), (Lits{"\"-enc\"", "\"powershell.exe\""}));
  EXPECT_TRUE(d.pf.spec.enabled);
  EXPECT_TRUE(d.pf.spec.always.empty());
}

TEST(Prefilter, AConjunctionKeepsItsMostSelectiveSet) {
  // event.category's values are in most events: the process name is the better literal.
  Derived d({"event.category:process and process.name:cmd.exe",
             "process.name:sh and process.parent.name:(nginx or apache2)",
             "event.category:process and process.pid > 4"});
  EXPECT_EQ(d.literals(0), Lits{"\"cmd.exe\""});
  EXPECT_EQ(d.literals(1), (Lits{"\"apache2\"", "\"nginx\""}));  // two long literals beat one of 2 bytes
  EXPECT_EQ(d.literals(2), Lits{"\"process\""});                   // the only one there is
}

TEST(Prefilter, TestsWithoutLiteralsSayWhy) {
  Derived d({"process.pid:4", "process.name:x or destination.port:22", "not process.name:x",
             "process.executable:*", "process.name:\"\"", "source.ip:10.0.0.0/8", "process.name:a"});
  for (size_t r = 0; r < 6; ++r) EXPECT_TRUE(d.pf.rules[r].literals.empty()) << r;
  EXPECT_NE(d.pf.rules[0].why_none.find("number, ip, boolean and range tests"), std::string::npos) << d.pf.rules[0].why_none;
  EXPECT_NE(d.pf.rules[1].why_none.find("destination.port"), std::string::npos) << d.pf.rules[1].why_none;
  EXPECT_NE(d.pf.rules[2].why_none.find("negated"), std::string::npos) << d.pf.rules[2].why_none;
  EXPECT_NE(d.pf.rules[3].why_none.find("presence"), std::string::npos) << d.pf.rules[3].why_none;
  EXPECT_NE(d.pf.rules[4].why_none.find("an empty value"), std::string::npos) << d.pf.rules[4].why_none;
  EXPECT_EQ(d.pf.spec.always, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(d.pf.spec.enabled);  // rule 6 has one
  Derived none({"process.pid:4"});
  EXPECT_FALSE(none.pf.spec.enabled);
}

TEST(Prefilter, LiteralsAreWrittenAsJsonEscapesThem) {
  EXPECT_EQ(json_escaped("C:\\Windows\\a \"b\"\t\n\x01/é"), "C:\\\\Windows\\\\a \\\"b\\\"\\t\\n\\u0001/é");
  Derived d({R"(file.path:"C:\\Windows\\System32\\cmd.exe")", R"(process.command_line:*\"quoted\"*)"});
  EXPECT_EQ(d.literals(0), Lits{R"("C:\\Windows\\System32\\cmd.exe")"});
  EXPECT_EQ(d.literals(1), Lits{R"("\"quoted\"")"});
}

// The runtime's scans over hand-written lines, from a spec: rule 0 has "bash", rule 1 i"kit",
// rule 2 none.
struct Scans {
  std::unique_ptr<rt::LinePrefilter> pf;
  Scans() {
    rt::PrefilterSpec s;
    s.enabled = true;
    s.rule_count = 3;
    s.literals = {{"bash", false, {0}}, {"kit", true, {1}}};
    s.always = {2};
    std::string error;
    pf = rt::LinePrefilter::create(s, error);
    EXPECT_TRUE(pf) << error;
  }
  std::string candidates(std::string_view line) {
    rt::RuleBits b(3);
    pf->candidates(line, b);
    std::string out;
    for (size_t r = 0; r < 3; ++r) out += b.test(r) ? '1' : '0';
    return out + (pf->fell_back() ? " fell back" : "");
  }
};

TEST(Prefilter, ScansNameTheCandidatesAndFallBackWhereTextCouldHideALiteral) {
  Scans s;
  EXPECT_EQ(s.candidates(R"({"process":{"name":"bash"}})"), "101");
  EXPECT_EQ(s.candidates(R"({"process":{"name":"KIT"}})"), "011");
  EXPECT_EQ(s.candidates(R"({"process":{"name":"zsh"}})"), "001");
  // A \u escape or an escaped solidus can write any literal's character: every rule.
  EXPECT_EQ(s.candidates(R"({"process":{"name":"b\u0061sh"}})"), "111 fell back");
  EXPECT_EQ(s.candidates(R"({"p":"\u0061"})"), "111 fell back");  // even where no literal could be
  EXPECT_EQ(s.candidates(R"({"path":"\/bin\/zsh"})"), "111 fell back");
  EXPECT_EQ(s.candidates(R"({"path":"a\\\/b"})"), "111 fell back");  // \\ then \/
  // An escaped backslash followed by u or / is no such escape.
  EXPECT_EQ(s.candidates(R"({"path":"C:\\users\\zsh"})"), "001");
  EXPECT_EQ(s.candidates(R"({"path":"C:\\\\users"})"), "001");
  EXPECT_EQ(s.candidates(R"({"path":"a\\/b"})"), "001");
  // A caseless literal: any byte over 0x7f (the KELVIN SIGN lowercases to k).
  EXPECT_EQ(s.candidates("{\"name\":\"\xE2\x84\xAAit\"}"), "111 fell back");
  EXPECT_EQ(s.candidates("{\"name\":\"caf\xC3\xA9\"}"), "111 fell back");
  // The gate: some rule (2) is a candidate of every line.
  EXPECT_TRUE(s.pf->any(R"({"a":1})"));
}

TEST(Prefilter, TheGateClosesOnlyWhereNoRuleCanMatch) {
  rt::PrefilterSpec spec;
  spec.enabled = true;
  spec.rule_count = 2;
  spec.literals = {{"nginx", false, {0, 1}}, {"\\\"x\\\"", false, {1}}};
  std::string error;
  auto pf = rt::LinePrefilter::create(spec, error);
  ASSERT_TRUE(pf) << error;
  EXPECT_FALSE(pf->any(R"({"process":{"parent":{"name":"sshd"}}})"));
  EXPECT_TRUE(pf->any(R"({"process":{"parent":{"name":"nginx"}}})"));
  EXPECT_TRUE(pf->any(R"({"args":["-c","\"x\""]})"));
  EXPECT_FALSE(pf->any(R"({"args":["-c","x"]})"));
  EXPECT_TRUE(pf->any(R"({"name":"ngi\u006ex"})"));
  EXPECT_TRUE(pf->fell_back());
  // A caseless literal is needed for the non-ASCII fallback: none here.
  EXPECT_FALSE(pf->any("{\"name\":\"caf\xC3\xA9\"}"));

  // Inconsistent specs are refused, not trusted.
  rt::PrefilterSpec bad = spec;
  bad.literals[0].rules = {2};
  EXPECT_FALSE(rt::LinePrefilter::create(bad, error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
  bad = spec;
  bad.literals[0].bytes.clear();
  EXPECT_FALSE(rt::LinePrefilter::create(bad, error));
  bad = spec;
  bad.always = {1, 1};
  EXPECT_FALSE(rt::LinePrefilter::create(bad, error));
}

}  // namespace prefilter_test
}  // namespace
}  // namespace rulec::plan
