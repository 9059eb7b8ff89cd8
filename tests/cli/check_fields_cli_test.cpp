// Command-line tests of unknown-field warnings (KQL209) and `rulec check --strict`.
#include <gtest/gtest.h>

#include "common/cli_util.h"

#include <string>

using namespace rulec::testing;

namespace {
namespace check_fields_cli_test {

std::string toml_rule(const std::string& id, const std::string& query, const std::string& extra = "",
                      const std::string& type = "query") {
  return "[metadata]\ncreation_date = \"2024/01/01\"\n\n[rule]\nauthor = [\"t\"]\ndescription = \"d\"\n"
         "index = [\"logs-*\"]\nlanguage = \"kuery\"\nname = \"Rule " + id + "\"\nrisk_score = 21\n"
         "rule_id = \"" + id + "\"\nseverity = \"low\"\ntype = \"" + type + "\"\nquery = '''\n" + query + "\n'''\n" + extra;
}

TEST(CheckFields, TypoWarnsWithRuleLocationFieldAndSuggestionButExitsZero) {
  TempDir d;
  const auto p = d.write("r.toml", toml_rule("typo-1", "event.category:process and\n  proces.name:bash"));
  CmdResult r = run_rulec("check " + p.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("warning [KQL209] rule typo-1 \"Rule typo-1\": query line 2, column 3: unknown field "
                       "'proces.name' (in no loaded schema); did you mean 'process.name'?"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 rules: 1 ok, 0 unsupported, 0 errors\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 warnings in 1 rules"), std::string::npos) << r.out;
}

TEST(CheckFields, StrictMakesAWarningAnErrorAndExitsOne) {
  TempDir d;
  const auto p = d.write("r.toml", toml_rule("typo-2", "process.nmae:bash"));
  CmdResult r = run_rulec("check --strict " + p.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("did you mean 'process.name'?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rules: 0 ok, 0 unsupported, 1 errors (1 for warnings, --strict)"), std::string::npos) << r.out;
  // Any warning, not only KQL209: a wildcard with a space on a wildcard field (KQL206).
  const auto q = d.write("q.toml", toml_rule("spaces-1", "process.command_line:*S3 Browser*"));
  EXPECT_EQ(run_rulec("check " + q.string()).status, 0);
  EXPECT_EQ(run_rulec("check --strict " + q.string()).status, 1);
  // --no-warnings hides them but --strict still counts them.
  EXPECT_EQ(run_rulec("check --strict --no-warnings " + q.string()).status, 1);
}

TEST(CheckFields, StrictOnACleanRuleExitsZero) {
  TempDir d;
  // ECS fields, a multi-field, an object key, a metadata field and an integration field: no warning.
  const auto p = d.write("r.toml", toml_rule("clean-1", "process.name:bash and process.name.caseless:bash and "
                                                        "labels.team:red and not _index:x and okta.event_type:y"));
  CmdResult r = run_rulec("check --strict " + p.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rules: 1 ok, 0 unsupported, 0 errors\n"), std::string::npos) << r.out;
  // The integration field is counted, and -v names it.
  EXPECT_NE(r.out.find("1 fields in no loaded schema and close to none of its fields, in 1 rules"), std::string::npos)
      << r.out;
  CmdResult v = run_rulec("check -v --strict " + p.string());
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_NE(v.out.find("note [KQL209] rule clean-1 \"Rule clean-1\": in no loaded schema, typed keyword: okta.event_type"),
            std::string::npos)
      << v.out;
}

TEST(CheckFields, NewTermsAndThresholdFieldsAreNamedByTheirKey) {
  TempDir d;
  d.write("nt.toml", toml_rule("nt-1", "event.category:process",
                               "[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"host.id\", \"usr.name\"]\n"
                               "[[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\n"
                               "value = \"now-7d\"\n",
                               "new_terms"));
  d.write("th.toml", toml_rule("th-1", "event.category:network",
                               "[rule.threshold]\nfield = [\"sourse.ip\"]\nvalue = 5\n", "threshold"));
  CmdResult r = run_rulec("check " + d.path().string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("rule nt-1 \"Rule nt-1\": new_terms_fields: unknown field 'usr.name' (in no loaded schema); "
                       "did you mean 'user.name'?"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rule th-1 \"Rule th-1\": threshold: field: unknown field 'sourse.ip' (in no loaded schema); "
                       "did you mean 'source.ip'?"),
            std::string::npos)
      << r.out;
}

TEST(CheckFields, UserSchemaTypesAnIntegrationField) {
  TempDir d;
  const auto p = d.write("r.toml", toml_rule("okta-1", "okta.evnt_type:x"));
  // Unknown to the built-in schema and close to none of its fields: counted, no warning.
  CmdResult plain = run_rulec("check --strict " + p.string());
  EXPECT_EQ(plain.status, 0) << plain.out;
  // With the integration's schema loaded, the same name is a typo of its field.
  const auto s = d.write("okta.json", R"({"okta.event_type": {"type": "keyword"}})");
  CmdResult r = run_rulec("check --strict --schema " + s.string() + " " + p.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("did you mean 'okta.event_type'?"), std::string::npos) << r.out;
}

TEST(CheckFields, HelpShowsStrictAndItsDefault) {
  CmdResult r = run_rulec("check --help");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("--strict"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(default: off)"), std::string::npos) << r.out;
}

}  // namespace check_fields_cli_test
}  // namespace
