// `bench --report` and `check --cost --report`: the HTML pages, opened in headless Chromium and checked as rendered.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace report_cli_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";

// The page's DOM after its scripts ran, as headless Chromium (Debian's `chromium`) renders it.
std::string rendered(const TempDir& d, const std::string& page) {
  CmdResult r = run_shell("timeout 180 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                          "--user-data-dir=" + quote(d.str("chromium-profile")) + " --dump-dom " +
                          quote("file://" + page) + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << "chromium could not open " << page << " (scripts/install-deps installs it)";
  return r.out;
}

// The text of the first element after `marker` (an attribute or class that opens it).
std::string cell_after(const std::string& dom, size_t from, const std::string& marker) {
  size_t at = dom.find(marker, from);
  if (at == std::string::npos) return "";
  // Skip nested bar spans: the number is the text after the last '>' before the cell's '</td>'.
  const size_t end = dom.find("</td>", at);
  const size_t gt = dom.rfind('>', end);
  return dom.substr(gt + 1, end - gt - 1);
}

TEST(Report, BenchPageShowsThroughputCostAndTheAlertsARunRaises) {
  TempDir d;
  CmdResult gen = run_shell(bin("rulec-gen") + " --seed 3 --count 3000 --days 1 --attacks -o " + d.str("ev.ndjson") +
                            " 2>&1");
  ASSERT_EQ(gen.status, 0) << gen.out;
  CmdResult bench = run_rulec("bench " + kSeed + " -e " + d.str("ev.ndjson") + " --repeat 1 --interp-events 500 " +
                              "--report " + d.str("bench.html"));
  ASSERT_EQ(bench.status, 0) << bench.out;
  // The alerts `rulec run` writes on the same events: the page must say the same number.
  CmdResult run = run_shell(bin("rulec") + " run " + kSeed + " -e " + d.str("ev.ndjson") + " --alerts - 2>/dev/null");
  ASSERT_EQ(run.status, 0);
  const size_t alerts = count_of(run.out, "\n");
  ASSERT_GT(alerts, 0u);

  const std::string html = read_file(d.str("bench.html"));
  // Self-contained: nothing fetched from anywhere.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);

  const std::string dom = rendered(d, d.str("bench.html"));
  EXPECT_NE(dom.find("<body data-rendered=\"ok\">"), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("<div id=\"errors\"></div>"), std::string::npos) << dom.substr(0, 2000);
  // Six throughput rows, the parse ceiling first at 100%.
  EXPECT_EQ(count_of(dom, "class=\"throughput-row\""), 6u);
  const size_t raw = dom.find("<td>raw simdjson parse</td>");
  ASSERT_NE(raw, std::string::npos);
  EXPECT_LT(raw, dom.find("<td>jit (decode + evaluate)</td>"));
  EXPECT_LT(dom.find("<td>jit (decode + evaluate)</td>"), dom.find("<td>detection (+ state, alerts)</td>"));
  EXPECT_LT(dom.find("<td>detection (+ state, alerts)</td>"), dom.find("<td>detection + prefilter</td>"));
  EXPECT_LT(dom.find("<td>detection + prefilter</td>"), dom.find("<td>interp (decode + evaluate)</td>"));
  EXPECT_NE(dom.find("100.0%</td>", raw), std::string::npos);
  // One rule row: the seed rule, with a cost bar, its matches and the alerts of a run.
  EXPECT_EQ(count_of(dom, "class=\"rule-row"), 1u);
  const size_t row = dom.find("data-rule-id=\"b2f0ea08-2b60-4a2d-93d7-fe996a30031a\"");
  ASSERT_NE(row, std::string::npos);
  EXPECT_NE(dom.find("Unusual Child Execution via Web Server", row), std::string::npos);
  EXPECT_NE(dom.find("<span class=\"bar\" style=\"width: 100%;\"></span>", row), std::string::npos);
  const std::string row_html = dom.substr(row, dom.find("</tr>", row) - row);
  EXPECT_EQ(count_of(row_html, "<td"), 5u) << row_html;  // rule, type, measured ns/event, matches, alerts
  const size_t last_td = row_html.rfind("<td");
  EXPECT_EQ(cell_after(row_html, last_td, "<td"), std::to_string(alerts)) << row_html;
}

TEST(Report, CheckCostPageFlagsTheRulesOverTheThresholdAndShowsNamesAsText) {
  TempDir d;
  d.write("rules/cheap.json",
          R"({"rule_id":"cheap","name":"cheap","type":"query","language":"kuery","severity":"low","risk_score":21,)"
          R"("query":"process.name:curl","index":["logs-*"]})");
  d.write("rules/costly.json",
          R"({"rule_id":"costly","name":"</script><script>document.body.dataset.rendered='pwned'</script>",)"
          R"("type":"query","language":"kuery","severity":"low","risk_score":21,)"
          R"("query":"process.command_line:*curl* and process.args:*wget* and user.name:*adm*","index":["logs-*"]})");
  CmdResult r = run_rulec("check --cost --cost-threshold 10 --report " + d.str("cost.html") + " " + d.str("rules"));
  EXPECT_EQ(r.status, 1) << r.out;  // a rule over the threshold is a finding
  ASSERT_NE(r.out.find("2 rules costed: 1 over the threshold"), std::string::npos) << r.out;

  const std::string dom = rendered(d, d.str("cost.html"));
  EXPECT_NE(dom.find("<body data-rendered=\"ok\">"), std::string::npos) << dom.substr(0, 3000);
  EXPECT_EQ(count_of(dom, "class=\"rule-row"), 2u);
  EXPECT_EQ(count_of(dom, "class=\"rule-row flagged\""), 1u);
  // Flagged: the costly one; its hostile name is shown as text, not run as markup.
  const size_t flagged = dom.find("class=\"rule-row flagged\" data-rule-id=\"costly\"");
  ASSERT_NE(flagged, std::string::npos) << dom;
  EXPECT_NE(dom.find("&lt;/script&gt;&lt;script&gt;document.body.dataset.rendered='pwned'&lt;/script&gt;", flagged),
            std::string::npos);
  EXPECT_EQ(count_of(dom, "<script"), 2u);  // the page's data and its script, nothing injected
  // No throughput section without a run.
  EXPECT_EQ(count_of(dom, "class=\"throughput-row\""), 0u);

  CmdResult usage = run_rulec("check --report " + d.str("x.html") + " " + d.str("rules"));
  EXPECT_EQ(usage.status, 2) << usage.out;
  EXPECT_NE(usage.out.find("--report needs --cost"), std::string::npos) << usage.out;
}

}  // namespace report_cli_test
}  // namespace
