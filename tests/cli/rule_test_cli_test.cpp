// `rulec test`: rule unit tests beside the rules, their verdicts, diffs, recorded alerts, JUnit reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace rule_test_cli_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";

// A query rule on nginx's children and a threshold rule on failed logins, with events for both.
const char* kQueryRule =
    R"J({"rule_id":"q1","name":"nginx child","type":"query","language":"kuery","severity":"high","risk_score":73,)J"
    R"J("query":"process.parent.name:nginx and not process.name:(bash or sh)","index":["logs-*"]})J";
const char* kThresholdRule =
    R"J({"rule_id":"t1","name":"login storm","type":"threshold","language":"kuery","severity":"low","risk_score":21,)J"
    R"J("query":"event.category:authentication and event.outcome:failure","index":["logs-*"],)J"
    R"J("threshold":{"field":["user.name"],"value":3}})J";

std::string child(const char* parent, const char* name, const char* ts = "2026-11-30T10:00:00Z") {
  return std::string(R"({"@timestamp":")") + ts + R"(","host":{"name":"web-1"},"process":{"name":")" + name +
         R"(","parent":{"name":")" + parent + R"("}}})";
}

std::string failed_login(const char* user, int minute) {
  return std::string(R"({"@timestamp":"2026-11-30T10:0)") + std::to_string(minute) +
         R"(:00Z","event":{"category":["authentication"],"outcome":"failure"},"user":{"name":")" + user + R"("}})";
}

// A rule directory: q1.json tested by q1.test.toml with `cases`.
void query_rule_with_tests(const TempDir& d, const std::string& cases) {
  d.write("rules/q1.json", kQueryRule);
  d.write("rules/q1.test.toml", cases);
}

TEST(RuleTest, TheSeedRuleShipsWithTestsThatPass) {
  ASSERT_TRUE(std::filesystem::exists(kSeed + "/persistence_webserver_unusual_child_execution.test.toml"));
  ASSERT_TRUE(std::filesystem::exists(kSeed + "/persistence_webserver_unusual_child_execution.test.alerts"));
  CmdResult r = run_rulec("test " + kSeed);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(" passed, 0 failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  // The test file beside the rule is not taken for a rule by the other commands.
  CmdResult check = run_rulec("check " + kSeed);
  EXPECT_EQ(check.status, 0) << check.out;
  EXPECT_NE(check.out.find("1 rules: 1 ok"), std::string::npos) << check.out;
}

TEST(RuleTest, MatchAndNoMatchCasesPassAndFailWithTheEventNamed) {
  TempDir d;
  query_rule_with_tests(d, "[[match]]\nname = \"nginx runs curl\"\nevent = '" + child("nginx", "curl") +
                               "'\n\n[[no_match]]\nname = \"shells are excluded\"\nevents = '''\n" +
                               child("nginx", "bash") + "\n" + child("nginx", "sh") + "\n'''\n");
  CmdResult ok = run_rulec("test " + d.str("rules") + " -v");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(count_of(ok.out, "ok    "), 2u) << ok.out;
  EXPECT_NE(ok.out.find("2 cases in 1 file: 2 passed, 0 failed"), std::string::npos) << ok.out;

  // The second no_match event matches: that case fails, naming the event; the other still passes.
  query_rule_with_tests(d, "[[match]]\nname = \"nginx runs curl\"\nevent = '" + child("nginx", "curl") +
                               "'\n\n[[no_match]]\nname = \"shells are excluded\"\nevents = '''\n" +
                               child("nginx", "bash") + "\n" + child("nginx", "zsh") + "\n'''\n");
  CmdResult bad = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("FAIL  " + d.str("rules/q1.test.toml") + ":5 [[no_match]] \"shells are excluded\" (rule q1 "
                                                                   "\"nginx child\")"),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("event 2 matches: "), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("\"zsh\""), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("event 1 matches"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("2 cases in 1 file: 1 passed, 1 failed"), std::string::npos) << bad.out;
}

TEST(RuleTest, AlertCasesAreRecordedThenComparedWithADiff) {
  TempDir d;
  d.write("rules/t1.json", kThresholdRule);
  std::string events;
  for (int i = 0; i < 4; ++i) events += failed_login("alice", i) + "\n";
  events += failed_login("bob", 5) + "\n";
  d.write("rules/t1.test.toml", "[[alerts]]\nname = \"three failures of one user\"\nevents = '''\n" + events + "'''\n");

  // Nothing recorded yet: the case fails and says how to record it.
  CmdResult none = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(none.status, 1) << none.out;
  EXPECT_NE(none.out.find("no alerts recorded for this case"), std::string::npos) << none.out;
  EXPECT_NE(none.out.find("rulec test --update"), std::string::npos) << none.out;

  CmdResult update = run_rulec("test " + d.str("rules") + " --update");
  EXPECT_EQ(update.status, 0) << update.out;
  const std::string recorded = read_file(d.str("rules/t1.test.alerts"));
  // One threshold alert: alice's bucket, not bob's; recorded with the case's name first.
  EXPECT_EQ(count_of(recorded, "\n"), 1u) << recorded;
  EXPECT_EQ(recorded.rfind("{\"case\":\"three failures of one user\"", 0), 0u) << recorded;
  EXPECT_NE(recorded.find("alice"), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("bob"), std::string::npos) << recorded;
  EXPECT_NE(recorded.find("\"threshold_result\""), std::string::npos) << recorded;

  CmdResult again = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(again.status, 0) << again.out;

  // bob now fails three times too: a second alert, shown as an added line of the diff.
  for (int i = 6; i < 9; ++i) events += failed_login("bob", i) + "\n";
  d.write("rules/t1.test.toml", "[[alerts]]\nname = \"three failures of one user\"\nevents = '''\n" + events + "'''\n");
  CmdResult diff = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(diff.status, 1) << diff.out;
  EXPECT_NE(diff.out.find("expected 1 alert, got 2"), std::string::npos) << diff.out;
  EXPECT_EQ(count_of(diff.out, "\n    + "), 1u) << diff.out;
  EXPECT_EQ(count_of(diff.out, "\n    - "), 0u) << diff.out;
  EXPECT_NE(diff.out.find("\n    + {"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.substr(diff.out.find("\n    + ")).find("bob"), std::string::npos) << diff.out;
}

TEST(RuleTest, AnAlertCountNeedsNoRecording) {
  TempDir d;
  query_rule_with_tests(d, "[[alerts]]\nname = \"two children, two alerts\"\ncount = 2\nevents = '''\n" +
                               child("nginx", "curl") + "\n" + child("nginx", "id", "2026-11-30T10:01:00Z") + "\n" +
                               child("nginx", "bash") + "\n'''\n");
  CmdResult ok = run_rulec("test " + d.str("rules/q1.json"));
  EXPECT_EQ(ok.status, 0) << ok.out;
  query_rule_with_tests(d, "[[alerts]]\nname = \"two children, two alerts\"\ncount = 3\nevents = '''\n" +
                               child("nginx", "curl") + "\n" + child("nginx", "id", "2026-11-30T10:01:00Z") + "\n'''\n");
  CmdResult bad = run_rulec("test " + d.str("rules/q1.json"));
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("expected 3 alerts (count = 3), got 2"), std::string::npos) << bad.out;
}

TEST(RuleTest, JunitReportCountsCasesAndFailures) {
  TempDir d;
  query_rule_with_tests(d, "[[match]]\nname = \"curl <under> nginx & co\"\nevent = '" + child("nginx", "curl") +
                               "'\n\n[[match]]\nname = \"bash is not excluded (wrong)\"\nevent = '" +
                               child("nginx", "bash") + "'\n");
  CmdResult r = run_rulec("test " + d.str("rules") + " --junit " + d.str("report.xml"));
  EXPECT_EQ(r.status, 1) << r.out;
  const std::string xml = read_file(d.str("report.xml"));
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rulec test\" tests=\"2\" "
                      "failures=\"1\" errors=\"0\"",
                      0),
            0u)
      << xml;
  EXPECT_EQ(count_of(xml, "<testcase "), 2u) << xml;
  EXPECT_EQ(count_of(xml, "<failure message=\"event 1 does not match: "), 1u) << xml;
  EXPECT_NE(xml.find("name=\"[[match]] &quot;curl &lt;under&gt; nginx &amp; co&quot;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("line=\"5\""), std::string::npos) << xml;
  EXPECT_EQ(count_of(xml, "</testsuite>"), 1u) << xml;
  EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos) << xml;
}

TEST(RuleTest, BrokenTestsAndMissingTestsAreFailures) {
  TempDir d;
  // No test anywhere.
  d.write("empty/q1.json", kQueryRule);
  CmdResult none = run_rulec("test " + d.str("empty"));
  EXPECT_EQ(none.status, 1) << none.out;
  EXPECT_NE(none.out.find("no test found in"), std::string::npos) << none.out;
  // A rule file named without a test beside it.
  CmdResult lone = run_rulec("test " + d.str("empty/q1.json"));
  EXPECT_EQ(lone.status, 1) << lone.out;
  EXPECT_NE(lone.out.find("no tests: expected them in " + d.str("empty/q1.test.toml")), std::string::npos) << lone.out;

  // TOML that does not parse: its place.
  query_rule_with_tests(d, "[[match]]\nname = \"x\"\nevent = '{\"a\":1}\n");
  CmdResult toml = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(toml.status, 1) << toml.out;
  EXPECT_NE(toml.out.find("ERROR " + d.str("rules/q1.test.toml") + ": " + d.str("rules/q1.test.toml") + ":3:"),
            std::string::npos)
      << toml.out;
  // An event that is not JSON, and a case with no event.
  query_rule_with_tests(d, "[[match]]\nname = \"x\"\nevents = '''\n{\"a\":1}\nnot json\n'''\n");
  CmdResult json = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(json.status, 1) << json.out;
  EXPECT_NE(json.out.find(":1: [[match]] \"x\": event 2 is not a JSON object on one line"), std::string::npos)
      << json.out;
  query_rule_with_tests(d, "[[no_match]]\nname = \"empty\"\n");
  CmdResult empty = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(empty.status, 1) << empty.out;
  EXPECT_NE(empty.out.find("no events (give event, events or events_file)"), std::string::npos) << empty.out;
  // An unknown key (a typo of a case kind).
  query_rule_with_tests(d, "[[nomatch]]\nname = \"x\"\nevent = '{}'\n");
  CmdResult typo = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(typo.status, 1) << typo.out;
  EXPECT_NE(typo.out.find("unknown key 'nomatch'"), std::string::npos) << typo.out;
}

TEST(RuleTest, ARuleThatCannotRunFailsItsTests) {
  TempDir d;
  d.write("rules/q1.json",
          R"({"rule_id":"q1","name":"broken","type":"query","language":"kuery","severity":"low","risk_score":21,)"
          R"J("query":"process.name:(bash or","index":["logs-*"]})J");
  d.write("rules/q1.test.toml", "[[match]]\nname = \"x\"\nevent = '{\"process\":{\"name\":\"bash\"}}'\n");
  CmdResult r = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("rule q1 \"broken\" cannot run: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 file could not run"), std::string::npos) << r.out;
}

TEST(RuleTest, EventsFromAFileAndOneRuleOfSeveral) {
  TempDir d;
  d.write("rules/two.ndjson", std::string(kQueryRule) + "\n" + kThresholdRule + "\n");
  d.write("events/children.ndjson", child("nginx", "curl") + "\n" + child("nginx", "wget") + "\n");
  d.write("rules/two.test.toml", "[[match]]\nname = \"from a file\"\nevents_file = \"../events/children.ndjson\"\n");
  CmdResult which = run_rulec("test " + d.str("rules"));
  EXPECT_EQ(which.status, 1) << which.out;
  EXPECT_NE(which.out.find("holds 2 rules: name the one tested with rule_id"), std::string::npos) << which.out;
  d.write("rules/two.test.toml",
          "rule_id = \"q1\"\n[[match]]\nname = \"from a file\"\nevents_file = \"../events/children.ndjson\"\n");
  CmdResult ok = run_rulec("test " + d.str("rules/two.test.toml"));
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("1 case in 1 file: 1 passed, 0 failed; 1 rule without tests"), std::string::npos) << ok.out;
}

}  // namespace rule_test_cli_test
}  // namespace
