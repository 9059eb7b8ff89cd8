// `rulec check` on EQL rules: the EQL corpus checks clean, and a broken EQL query is reported with its EQL code, line and column.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace eql_cli_test {

const std::string kEqlCorpus = std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules-eql";

std::string eql_rule(const std::string& id, const std::string& query, const std::string& extra = "") {
  return "[metadata]\ncreation_date = \"2024/01/01\"\n\n[rule]\nauthor = [\"t\"]\ndescription = \"d\"\n"
         "index = [\"logs-*\"]\nlanguage = \"eql\"\nname = \"Rule " + id + "\"\nrisk_score = 21\n"
         "rule_id = \"" + id + "\"\nseverity = \"low\"\ntype = \"eql\"\n" + extra + "query = '''\n" + query + "\n'''\n";
}

struct Summary {
  long rules = -1, ok = -1, unsupported = -1, errors = -1;
};

Summary summary_of(const std::string& out) {
  Summary s;
  std::smatch m;
  static const std::regex line(R"((\d+) rules: (\d+) ok, (\d+) unsupported, (\d+) errors)");
  if (std::regex_search(out, m, line)) {
    s.rules = std::stol(m[1]);
    s.ok = std::stol(m[2]);
    s.unsupported = std::stol(m[3]);
    s.errors = std::stol(m[4]);
  }
  return s;
}

// eql.md §7: 1,024 EQL rules; every query parses and every event query rulec runs checks clean.
TEST(EqlCli, CorpusChecksWithoutErrors) {
  const CmdResult r = run_shell(bin("rulec") + " check " + quote(kEqlCorpus) + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  const Summary s = summary_of(r.out);
  EXPECT_EQ(s.rules, 1024) << r.out;
  EXPECT_EQ(s.errors, 0) << r.out;
  EXPECT_GE(s.ok, 790) << r.out;
  EXPECT_EQ(s.ok + s.unsupported + s.errors, s.rules);
  EXPECT_EQ(r.out.find(": error ["), std::string::npos) << r.out;
  // No rule is unsupported for a syntax reason: only what rulec does not run yet.
  for (const auto& l : nonempty_lines(r.out)) {
    if (l.find("unsupported [") != std::string::npos) {
      EXPECT_EQ(l.find("EQL1"), std::string::npos) << l;
    }
  }
}

TEST(EqlCli, CorpusJsonHasNoDiagnosticErrors) {
  const CmdResult r = run_shell(bin("rulec") + " check --json " + quote(kEqlCorpus) + " 2>/dev/null");
  EXPECT_EQ(r.status, 0);
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out.substr(0, 2000);
  EXPECT_EQ(doc["summary"]["rules"], 1024);
  EXPECT_EQ(doc["summary"]["errors"], 0);
  EXPECT_TRUE(doc["file_errors"].empty());
  size_t ok = 0;
  for (const auto& rule : doc["rules"]) {
    if (rule["status"] == "ok") ++ok;
    for (const auto& d : rule["diagnostics"])
      EXPECT_NE(d["severity"], "error") << rule["file"] << ": " << d.dump();
  }
  EXPECT_GE(ok, 790u);
}

TEST(EqlCli, BrokenEqlQueryReportsItsCodeLineAndColumn) {
  TempDir d;
  struct Broken {
    std::string query, code, where;
  };
  const Broken broken[] = {
      {"process where\n  process.name == == \"x\"", "EQL100", "query line 2, column 19"},
      {"process where process.name == \"\\u0000\"", "EQL101", "query line 1, column 31"},
      {"process where\n  process.name == 'x'", "EQL102", "query line 2, column 19"},
      {"process where true | count", "EQL102", "query line 1, column 22"},
      {"join by user.name [process where true] [file where true]", "EQL102", "query line 1, column 1"},
      {"sequence by h\n  [process where true] with runs=0\n  [file where true]", "EQL106", "query line 2, column 34"},
      {"sequence with maxspan=1m by user.name [process where true] [file where true]", "EQL106",
       "query line 1, column 26"},
      {"process where AND process.name == \"x\"", "EQL100", "query line 1, column 19"},
  };
  for (const Broken& b : broken) {
    SCOPED_TRACE(b.query);
    const auto p = d.write("broken.toml", eql_rule("broken-1", b.query));
    const CmdResult r = run_rulec("check " + quote(p.string()));
    EXPECT_EQ(r.status, 1) << r.out;
    EXPECT_NE(r.out.find("error [" + b.code + "] rule broken-1 \"Rule broken-1\": " + b.where), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 rules: 0 ok, 0 unsupported, 1 errors"), std::string::npos) << r.out;
  }
}

TEST(EqlCli, SemanticErrorsAreErrorsAndGoodRulesOk) {
  TempDir d;
  d.write("rules/field_vs_field.toml",
          eql_rule("ff-1", "process where process.name == process.executable"));
  d.write("rules/text.toml", eql_rule("text-1", "process where message : \"x\""));
  d.write("rules/good.toml", eql_rule("good-1", "process where process.name : \"cmd.exe\" and ?user.id != null"));
  d.write("rules/named.toml", eql_rule("named-1", "process where process.name regex \"<name>\""));
  const CmdResult r = run_rulec("check " + quote(d.str("rules")));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("error [EQL200] rule ff-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error [EQL201] rule text-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unsupported [RUL310] rule named-1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("good-1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 rules: 1 ok, 1 unsupported, 2 errors"), std::string::npos) << r.out;
}

// An unmapped field one EQL rule compares with a number is numeric for every rule of the set
// (its indices map it so), whichever file comes first: the verdicts do not depend on file order.
TEST(EqlCli, InferredFieldTypesDoNotDependOnFileOrder) {
  TempDir d;
  // `rulec check` on the two rules in both file orders: `in_error` is the one rule in error.
  auto both_orders = [&](const std::string& name, const std::string& one, const std::string& other,
                         const std::string& in_error) {
    for (const bool swap : {false, true}) {
      const std::string dir = name + (swap ? "-swapped" : "");
      d.write(dir + "/a.toml", swap ? other : one);
      d.write(dir + "/b.toml", swap ? one : other);
      const CmdResult r = run_rulec("check " + quote(d.str(dir)));
      EXPECT_EQ(r.status, 1) << dir << ": " << r.out;
      EXPECT_NE(r.out.find("error [EQL201] rule " + in_error), std::string::npos) << dir << ": " << r.out;
      EXPECT_NE(r.out.find("2 rules: 1 ok, 0 unsupported, 1 errors"), std::string::npos) << dir << ": " << r.out;
    }
  };
  both_orders("text", eql_rule("txt-1", "process where custom.level == \"x\""),
              eql_rule("num-1", "process where custom.level > 3"), "txt-1");
  // Two rules that disagree (a boolean, a number): the number, in either order; the boolean
  // rule is then the one in error.
  both_orders("bool", eql_rule("bool-1", "process where custom.flag == true"),
              eql_rule("num-2", "process where custom.flag >= 1"), "bool-1");
}

}  // namespace eql_cli_test
}  // namespace
