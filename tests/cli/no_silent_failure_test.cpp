// Failures a user must see: missing inputs, input that is not NDJSON, rule sets that cannot run as given, timeless events.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace no_silent_failure_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";
const std::string kPretty = std::string(RULEC_SHARED_DIR) + "/events/linux-exec-event.json";

TEST(NoSilentFailure, MissingEventsFileIsAnErrorForRunAndTheSensor) {
  TempDir d;
  const std::string missing = d.str("no-such-events.ndjson");
  CmdResult run = run_rulec("run " + kSeed + " --events " + quote(missing) + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("cannot read events file " + missing + ": No such file or directory"), std::string::npos) << run.out;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "a.ndjson")) << "nothing is opened before the inputs are known";

  // One missing file among readable ones: refused before any is read or any state is written.
  d.write("ok.ndjson", "{\"a\":1}\n");
  CmdResult some = run_rulec("run " + kSeed + " --events " + d.str("ok.ndjson") + " " + quote(missing) + " --state " +
                             d.str("st") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(some.status, 1) << some.out;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "st"));

  // A directory given as the events file.
  CmdResult dir = run_rulec("run " + kSeed + " --events " + d.str("") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(dir.status, 1) << dir.out;
  EXPECT_NE(dir.out.find("is a directory"), std::string::npos) << dir.out;

  const std::string bundle = d.str("seed.rbundle");
  ASSERT_EQ(run_rulec("compile " + kSeed + " -o " + quote(bundle)).status, 0);
  CmdResult sensor = run_shell(bin("rulesensor") + " " + quote(bundle) + " --allow-unsigned --events " + quote(missing) +
                               " --alert-time event --alerts " + d.str("s.ndjson") + " 2>&1");
  EXPECT_EQ(sensor.status, 1) << sensor.out;
  EXPECT_NE(sensor.out.find("rulesensor: cannot read events file " + missing), std::string::npos) << sensor.out;
}

TEST(NoSilentFailure, MatchOnAnUnreadableFileIsAnError) {
  TempDir d;
  d.write("e.ndjson", "{\"a\":\"y\"}\n");
  CmdResult r = run_rulec("match -q 'a:y' " + d.str("e.ndjson") + " " + d.str("missing.ndjson"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("cannot read events file " + d.str("missing.ndjson")), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("{\"a\":\"y\"}"), std::string::npos) << "nothing printed before the error: " << r.out;
}

TEST(NoSilentFailure, PrettyPrintedJsonIsNamedWithAHintAndRunExitsOne) {
  TempDir d;
  CmdResult r = run_rulec("run " + kSeed + " --events " + quote(kPretty) + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("looks like a JSON document written over several lines (pretty-printed)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("jq -c . FILE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no event read"), std::string::npos) << r.out;
  // Hundreds of bad lines: the first ten are shown, the rest counted.
  EXPECT_EQ(count_of(r.out, ": skipped: "), 10u) << r.out;
  EXPECT_EQ(count_of(r.out, "further skipped lines are counted, not shown"), 1u) << r.out;
  EXPECT_NE(r.out.find(" lines skipped"), std::string::npos) << r.out;

  // The same document as one line (NDJSON) is read.
  CmdResult ok = run_shell("tr -d '\\n' < " + quote(kPretty) + " > " + d.str("one.ndjson"));
  ASSERT_EQ(ok.status, 0);
  CmdResult fine = run_rulec("run " + kSeed + " --events " + d.str("one.ndjson") + " --alert-time event --alerts " + d.str("b.ndjson"));
  EXPECT_EQ(fine.status, 0) << fine.out;
  EXPECT_NE(fine.out.find("1 events read, 0 lines skipped"), std::string::npos) << fine.out;
}

TEST(NoSilentFailure, ArraysAndBinaryDataAreNamed) {
  TempDir d;
  d.write("arr.json", "[{\"a\":1},\n{\"a\":2}]\n");
  CmdResult arr = run_rulec("run " + kSeed + " --events " + d.str("arr.json") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(arr.status, 1) << arr.out;
  EXPECT_NE(arr.out.find("looks like a JSON array"), std::string::npos) << arr.out;
  EXPECT_NE(arr.out.find("jq -c '.[]' FILE"), std::string::npos) << arr.out;

  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 7919 + 13) % 256);
  d.write("bin.dat", binary);
  CmdResult bin_run = run_rulec("run " + kSeed + " --events " + d.str("bin.dat") + " --alert-time event --alerts " + d.str("b.ndjson"));
  EXPECT_EQ(bin_run.status, 1) << bin_run.out;
  EXPECT_NE(bin_run.out.find("looks like binary data, not NDJSON text"), std::string::npos) << bin_run.out;

  // A few bad lines among events: reported, and the run succeeds (no hint: the input is NDJSON).
  d.write("mixed.ndjson", "{\"a\":1}\nnot json\n{\"a\":2}\n");
  CmdResult mixed = run_rulec("run " + kSeed + " --events " + d.str("mixed.ndjson") + " --alert-time event --alerts " + d.str("c.ndjson"));
  EXPECT_EQ(mixed.status, 0) << mixed.out;
  EXPECT_NE(mixed.out.find("mixed.ndjson:2: skipped"), std::string::npos) << mixed.out;
  EXPECT_EQ(mixed.out.find("looks like"), std::string::npos) << mixed.out;
}

TEST(NoSilentFailure, CheckRefusesAPathWithoutRules) {
  TempDir d;
  std::filesystem::create_directories(d.path() / "empty");
  d.write("empty/notes.txt", "no rules here\n");
  CmdResult r = run_rulec("check " + d.str("empty"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("no rule found in " + d.str("empty")), std::string::npos) << r.out;
}

TEST(NoSilentFailure, TwoRulesWithOneIdAreAnError) {
  TempDir d;
  std::filesystem::create_directories(d.path() / "rules");
  write_query_rule(d.path() / "rules", "same-id", "process.name:bash");
  std::filesystem::rename(d.path() / "rules/same-id.json", d.path() / "rules/a.json");
  write_query_rule(d.path() / "rules", "same-id", "process.name:sh");
  std::filesystem::rename(d.path() / "rules/same-id.json", d.path() / "rules/b.json");
  CmdResult check = run_rulec("check " + d.str("rules"));
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_NE(check.out.find("b.json: error [RUL301] rule same-id"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("is also used by " + d.str("rules/a.json")), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("2 rules: 1 ok, 0 unsupported, 1 errors"), std::string::npos) << check.out;

  // run says which rule is left out, rather than dropping its alerts as duplicates.
  d.write("e.ndjson", "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"name\":\"sh\"}}\n");
  CmdResult run = run_rulec("run " + d.str("rules") + " --events " + d.str("e.ndjson") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_NE(run.out.find("not run"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("also used by"), std::string::npos) << run.out;
}

TEST(NoSilentFailure, RulesNeedSeverityAndRiskScore) {
  TempDir d;
  d.write("rules/no_severity.json",
          R"({"rule_id":"s","name":"s","type":"query","language":"kuery","query":"a:b","risk_score":21})");
  d.write("rules/no_risk.toml",
          "[rule]\nrule_id = \"r\"\nname = \"r\"\ntype = \"query\"\nlanguage = \"kuery\"\nquery = \"a:b\"\n"
          "severity = \"low\"\n");
  CmdResult r = run_rulec("check " + d.str("rules"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("rule s \"s\": rule key 'severity' is missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rule r \"r\": rule key 'risk_score' is missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 rules: 0 ok, 0 unsupported, 2 errors"), std::string::npos) << r.out;
}

TEST(NoSilentFailure, MatchedEventsWithoutATimeAreCountedWithAWarning) {
  TempDir d;
  std::filesystem::create_directories(d.path() / "rules");
  write_query_rule(d.path() / "rules", "q", "process.name:bash");
  d.write("e.ndjson",
          "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"name\":\"bash\"}}\n"
          "{\"process\":{\"name\":\"bash\"}}\n"
          "{\"@timestamp\":\"not a date\",\"process\":{\"name\":\"bash\"}}\n"
          "{\"process\":{\"name\":\"zsh\"}}\n");
  CmdResult r = run_rulec("run " + d.str("rules") + " --events " + d.str("e.ndjson") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("1 alerts (0 suppressed by max_signals), 2 matched events without an event time"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("warning: 2 events matched a rule but had no readable event time"), std::string::npos) << r.out;
  EXPECT_EQ(nonempty_lines(read_file(d.path() / "a.ndjson")).size(), 1u);
}

TEST(NoSilentFailure, ACopiedBinaryCarriesItsSchema) {
  // rulec copied anywhere, with no schema directory in its environment, still knows ECS and Elastic Defend.
  TempDir d;
  std::filesystem::copy_file(bin("rulec"), d.path() / "rulec");
  std::filesystem::permissions(d.path() / "rulec", std::filesystem::perms::owner_all);
  CmdResult r = run_shell("cd " + quote(d.str("")) + " && env -u RULEC_SCHEMA_DIR ./rulec check " + kSeed + " 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("schema"), std::string::npos) << r.out;
  // A field type only the schema gives: process.pid is a long in ECS, so a word there is refused.
  d.write("typed.json", R"({"rule_id":"t1","name":"typed","type":"query","language":"kuery","severity":"low",)"
                        R"("risk_score":21,"query":"process.pid : \"abc\"","index":["logs-*"]})");
  CmdResult typed = run_shell("cd " + quote(d.str("")) + " && env -u RULEC_SCHEMA_DIR ./rulec check typed.json 2>&1");
  EXPECT_EQ(typed.status, 1) << typed.out;
  EXPECT_NE(typed.out.find("[KQL200]"), std::string::npos) << typed.out;
  EXPECT_NE(typed.out.find("process.pid is a long field"), std::string::npos) << typed.out;
}

}  // namespace no_silent_failure_test
}  // namespace
