// End-to-end tests of the compiled engine's commands: `rulec explain`, `rulec bench`, `--engine`.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace engine_cli_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";

TEST(Explain, ShowsFieldsGroupsAndResiduals) {
  CmdResult r = run_shell(bin("rulec") + " explain " + kSeed + " 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  // The seed rule tests only keyword fields: every test is answered by the string scans.
  EXPECT_NE(r.out.find("rules: 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", 0 evaluated on demand)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  process.parent.name"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("serves 1 rules (Unusual Child Execution via Web Server)"), std::string::npos) << r.out;

  TempDir d;
  d.write("s.toml",
          "[rule]\nrule_id = \"y\"\nname = \"Text\"\ntype = \"query\"\nlanguage = \"kuery\"\n"
          "query = \"message:hello and process.name:bash\"\nrisk_score = 1\nseverity = \"low\"\n");
  CmdResult two = run_shell(bin("rulec") + " explain " + d.str("s.toml") + " 2>&1");
  ASSERT_EQ(two.status, 0) << two.out;
  EXPECT_NE(two.out.find("message:hello"), std::string::npos) << two.out;  // a residual (text analysis)
  EXPECT_NE(two.out.find("1 evaluated on demand"), std::string::npos) << two.out;
}

TEST(Explain, IrHasTheEvaluationFunction) {
  CmdResult r = run_shell(bin("rulec") + " explain --ir " + kSeed + " 2>/dev/null");
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("define void @rulec_eval(ptr"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_EQ(r.out.find("inttoptr"), std::string::npos) << "the code must not embed addresses";
}

TEST(Bench, ReportsEveryEngineAndTheirRatios) {
  TempDir d;
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --seed 3 --events 3000 --attacks -o " + d.str("e.ndjson")).status, 0);
  CmdResult r = run_shell(bin("rulec") + " bench " + kSeed + " -e " + d.str("e.ndjson") +
                          " --json --repeat 1 --interp-events 1000 --profile-events 500 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["events"], 3005);  // 3000 routine + 5 attacks
  // raw parse, jit, the detection path without and with the prefilter, the sensor's path, interpreter
  ASSERT_EQ(j["throughput"].size(), 6u);
  EXPECT_EQ(j["throughput"][2]["name"], "detection (+ state, alerts)");
  EXPECT_EQ(j["throughput"][3]["name"], "detection + prefilter");
  EXPECT_EQ(j["throughput"][4]["name"], "sensor path (file read)");
  EXPECT_EQ(j["throughput"][5]["name"], "interp (decode + evaluate)");
  EXPECT_EQ(j["prefilter"]["enabled"], true);
  EXPECT_EQ(j["prefilter"]["rules_whose_results_differ"], 0);
  EXPECT_GT(j["prefilter"]["events_passed_over"].get<int>(), 0);
  EXPECT_LT(j["prefilter"]["events_passed_over"].get<int>(), 3005);
  EXPECT_LT(j["throughput"][2]["events_per_s"].get<double>(), j["throughput"][1]["events_per_s"].get<double>())
      << "detection does what jit does and more";
  EXPECT_GE(j["detection_alerts"].get<int>(), 1) << "the attacks raise the seed rule's alerts";
  for (const auto& t : j["throughput"]) {
    EXPECT_GT(t["events_per_s"].get<double>(), 0);
    EXPECT_GT(t["ns_per_event"].get<double>(), 0);
    EXPECT_GT(t["mb_per_s"].get<double>(), 0);
  }
  EXPECT_DOUBLE_EQ(j["throughput"][0]["percent_of_raw_parse"].get<double>(), 100.0);
  EXPECT_EQ(j["jit_interp_mismatches"], 0);
  EXPECT_GT(j["jit_over_interp"].get<double>(), 0);
  EXPECT_GT(j["peak_rss_mb"].get<double>(), 0);
  EXPECT_GT(j["compile_ms"]["total"].get<double>(), 0);
  ASSERT_EQ(j["costliest_rules"].size(), 1u);
  EXPECT_EQ(j["costliest_rules"][0]["rule"], "Unusual Child Execution via Web Server");
}

TEST(Run, JitAndInterpreterWriteTheSameAlerts) {
  TempDir d;
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --scenario mixed --count 4000 --suspicious 0.2 --seed 5 -o " +
                      d.str("e.ndjson")).status, 0);
  const std::string corpus = std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules";
  for (const char* engine : {"jit", "interp"})
    ASSERT_EQ(run_shell(bin("rulec") + " run " + corpus + " --engine " + engine + " -e " + d.str("e.ndjson") +
                        " --alert-time event --alerts " + d.str(std::string(engine) + ".ndjson") + " 2>/dev/null").status, 0);
  const std::string jit = read_file(d.path() / "jit.ndjson");
  EXPECT_GT(jit.size(), 1000u) << "the events must raise alerts";
  EXPECT_EQ(jit, read_file(d.path() / "interp.ndjson"));
}

}  // namespace engine_cli_test
}  // namespace
