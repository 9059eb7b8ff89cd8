// `--threads N` and the raw-line prefilter end to end: the same alerts, counts and skip reports as one thread without it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace threads_cli_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";

// The lines of `text` holding `needle`, in order.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l.find(needle) != std::string::npos) out.push_back(l);
  return out;
}

// The run's JSON summary (the last line of stderr starting with `{`) without its timings.
nlohmann::json summary(const std::string& out) {
  std::string last;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] == '{') last = l;
  nlohmann::json j = nlohmann::json::parse(last, nullptr, false);
  if (j.is_discarded()) return j;
  for (const char* k : {"seconds", "events_per_s", "mb_per_s", "ns_per_event"}) j.erase(k);
  return j;
}

// A week of the web scenario then six hours with the attacks, with broken lines in between: a
// truncated event, a line that is not JSON, an empty line, a line of blanks, an array.
void generate(const TempDir& d) {
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --seed 1 --events 6000 --days 7 -o " + d.str("history.ndjson")).status, 0);
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --seed 2 --events 3000 --days 0.25 --attacks --start-ms 1767830400000 -o " +
                      d.str("live.ndjson")).status, 0);
  std::ifstream in(d.path() / "live.ndjson");
  std::ofstream out(d.path() / "live-broken.ndjson");
  size_t n = 0;
  for (std::string l; std::getline(in, l); ++n) {
    out << l << '\n';
    if (n == 700) out << l.substr(0, l.size() / 2) << '\n';
    if (n == 1500) out << "not json at all\n\n  \t \n";
    if (n == 2500) out << "[" << l << "]\n";
  }
}

TEST(Threads, AlertsCountsAndSkipReportsAreThoseOfOneThread) {
  TempDir d;
  generate(d);
  struct Run {
    std::string name, flags;
  };
  const std::vector<Run> runs = {{"one", "--threads 1 --no-prefilter"}, {"one-prefiltered", "--threads 1"},
                                 {"two", "--threads 2"}, {"three", "--threads 3 --no-prefilter"}};
  std::vector<std::string> alerts, outs;
  for (const Run& r : runs) {
    const CmdResult c = run_rulec("run " + kSeed + " -e " + quote(d.str("history.ndjson")) + " -e " +
                                  quote(d.str("live-broken.ndjson")) + " --alerts " + quote(d.str(r.name + ".ndjson")) +
                                  " --alert-time event --state " + quote(d.str(r.name + ".state")) + " --json -v " + r.flags);
    EXPECT_EQ(c.status, 0) << r.name << "\n" << c.out;
    alerts.push_back(read_file(d.path() / (r.name + ".ndjson")));
    outs.push_back(c.out);
  }
  ASSERT_FALSE(alerts[0].empty());
  EXPECT_GT(lines_with(alerts[0], "\"kibana.alert.uuid\"").size(), 5u) << "new terms, the attacks among them";
  const nlohmann::json base = summary(outs[0]);
  ASSERT_FALSE(base.is_discarded()) << outs[0];
  EXPECT_EQ(base["lines_skipped"], 3) << outs[0];  // the truncated line, the text, the array
  EXPECT_EQ(base["prefilter_passed_over"], 0);
  const auto skips = lines_with(outs[0], ": skipped: ");
  ASSERT_EQ(skips.size(), 3u) << outs[0];
  EXPECT_NE(skips[0].find("live-broken.ndjson:702: skipped"), std::string::npos) << skips[0];
  for (size_t i = 1; i < runs.size(); ++i) {
    SCOPED_TRACE(runs[i].name);
    EXPECT_EQ(alerts[i], alerts[0]) << "byte-identical alerts";
    EXPECT_EQ(lines_with(outs[i], ": skipped: "), skips) << "the same lines reported, in the same order";
    nlohmann::json j = summary(outs[i]);
    ASSERT_FALSE(j.is_discarded()) << outs[i];
    if (runs[i].flags.find("--no-prefilter") == std::string::npos) {
      EXPECT_GT(j["prefilter_passed_over"].get<uint64_t>(), 1000u) << "most routine events are not decoded";
      j["prefilter_passed_over"] = 0;
    }
    EXPECT_EQ(j, base) << "the same counts";
  }
}

// rulesensor on a bundle: --threads 2 writes what `rulec run` writes on one thread.
TEST(Threads, SensorOnSeveralThreadsWritesTheAlertsOfOne) {
  TempDir d;
  generate(d);
  ASSERT_EQ(run_rulec("compile " + kSeed + " -o " + quote(d.str("seed.rbundle"))).status, 0);
  const std::string events = " -e " + quote(d.str("history.ndjson")) + " -e " + quote(d.str("live-broken.ndjson"));
  const CmdResult one = run_rulec("run " + kSeed + events + " --alerts " + quote(d.str("one.ndjson")) + " --alert-time event");
  ASSERT_EQ(one.status, 0) << one.out;
  const CmdResult two = run_shell(bin("rulesensor") + " " + quote(d.str("seed.rbundle")) + " --allow-unsigned" + events +
                                  " --alerts " + quote(d.str("two.ndjson")) + " --alert-time event --threads 2 2>&1");
  ASSERT_EQ(two.status, 0) << two.out;
  EXPECT_EQ(read_file(d.path() / "two.ndjson"), read_file(d.path() / "one.ndjson"));
  EXPECT_NE(two.out.find("the prefilter passed over"), std::string::npos) << two.out;
  const CmdResult bad = run_rulec("run " + kSeed + events + " --alerts /dev/null --threads 0");
  EXPECT_EQ(bad.status, 2) << bad.out;
}

}  // namespace threads_cli_test
}  // namespace
