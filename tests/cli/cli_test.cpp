// End-to-end tests of the rulec command line: exit codes, messages, summaries.
#include <gtest/gtest.h>

#include "common/cli_util.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

using namespace rulec::testing;

namespace {
namespace cli_test {

std::string toml_rule(const std::string& id, const std::string& name, const std::string& query,
                      const std::string& type = "query", const std::string& language = "kuery") {
  return "[metadata]\ncreation_date = \"2024/01/01\"\n\n[rule]\nauthor = [\"t\"]\ndescription = \"d\"\n"
         "index = [\"logs-*\"]\nlanguage = \"" + language + "\"\nname = \"" + name + "\"\nrisk_score = 21\n"
         "rule_id = \"" + id + "\"\nseverity = \"low\"\ntype = \"" + type + "\"\nquery = '''\n" + query + "\n'''\n";
}

TEST(Cli, ParseValidQueryExitsZeroAndPrintsTree) {
  CmdResult r = run_rulec("parse " + quote("process.name:(bash or sh)"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("bash"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sh"), std::string::npos) << r.out;
}

TEST(Cli, ParseSyntaxErrorExitsOneWithCaret) {
  CmdResult r = run_rulec("parse " + quote("a:b and(c:d)"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("line 1, column"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find('^'), std::string::npos) << r.out;
}

TEST(Cli, ParseJsonIsJson) {
  CmdResult r = run_rulec("parse --json " + quote("a:1"));
  EXPECT_EQ(r.status, 0) << r.out;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '{') << r.out;
}

TEST(Cli, UsageErrorExitsTwo) {
  EXPECT_EQ(run_rulec("parse").status, 2);
  EXPECT_EQ(run_rulec("no-such-command").status, 2);
  EXPECT_EQ(run_rulec("check --no-such-flag x").status, 2);
}

TEST(Cli, HelpOnEveryCommandExitsZeroWithExamples) {
  for (const char* c : {"--help", "parse --help", "check --help"}) {
    CmdResult r = run_rulec(c);
    EXPECT_EQ(r.status, 0) << c << "\n" << r.out;
    EXPECT_NE(r.out.find("Examples"), std::string::npos) << c << "\n" << r.out;
  }
}

TEST(Cli, CheckSeedRuleIsOk) {
  CmdResult r = run_rulec("check " + std::string(RULEC_SOURCE_DIR) + "/rules");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("1 rules: 1 ok, 0 unsupported, 0 errors"), std::string::npos) << r.out;
}

TEST(Cli, CheckReportsBrokenRuleByFileIdNameAndQueryPosition) {
  TempDir d;
  d.write("good.toml", toml_rule("11111111-1111-1111-1111-111111111111", "Good rule", "process.name:bash"));
  d.write("sub/bad.toml", toml_rule("22222222-2222-2222-2222-222222222222", "Bad rule", "process.name:bash and\n  a:b:c"));
  // An EQL regex with a named automaton: one rulec leaves out (unsupported, not an error).
  d.write("eql.toml", toml_rule("33333333-3333-3333-3333-333333333333", "Eql rule",
                                "process where process.name regex \"<name>\"", "eql", "eql"));
  d.write("garbage.toml", std::string("\x00\x01\xff\xfe[[[", 8));
  CmdResult r = run_rulec("check " + d.path().string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("4 rules: 1 ok, 1 unsupported, 2 errors"), std::string::npos) << r.out;
  // The bad rule: file, id, name, and line 2 of its query.
  EXPECT_NE(r.out.find("sub/bad.toml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("22222222-2222-2222-2222-222222222222"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"Bad rule\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("query line 2, column"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("garbage.toml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unsupported"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Good rule"), std::string::npos) << "fine rules are not listed:\n" << r.out;
}

TEST(Cli, CheckSemanticErrorIsAnError) {
  TempDir d;
  d.write("r.toml", toml_rule("44444444-4444-4444-4444-444444444444", "Bad pid", "process.pid:abc"));
  CmdResult r = run_rulec("check " + d.path().string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("KQL200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rules: 0 ok, 0 unsupported, 1 errors"), std::string::npos) << r.out;
}

TEST(Cli, CheckWildcardWithSpaceOnWildcardFieldWarnsButIsOk) {
  TempDir d;
  d.write("r.toml", toml_rule("55555555-5555-5555-5555-555555555555", "Spaces", "process.command_line:*S3 Browser*"));
  CmdResult r = run_rulec("check " + d.path().string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("warning"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("KQL206"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rules: 1 ok, 0 unsupported, 0 errors"), std::string::npos) << r.out;
}

TEST(Cli, CheckUserSchemaChangesTypes) {
  TempDir d;
  d.write("r.toml", toml_rule("66666666-6666-6666-6666-666666666666", "Custom", "custom.count:abc"));
  d.write("schema.json", R"({"custom.count": {"type": "long"}})");
  EXPECT_EQ(run_rulec("check " + (d.path() / "r.toml").string()).status, 0);
  CmdResult r = run_rulec("check --schema " + (d.path() / "schema.json").string() + " " + (d.path() / "r.toml").string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("KQL200"), std::string::npos) << r.out;
}

TEST(Cli, CheckWholeCorpusHasNoErrors) {
  CmdResult r = run_rulec("check " + std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("729 rules: 729 ok, 0 unsupported, 0 errors"), std::string::npos) << r.out;
}

}  // namespace cli_test
}  // namespace
