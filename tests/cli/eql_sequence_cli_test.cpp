// EQL sequence rules end to end: rulec run and rulesensor on streams with known answers, building blocks and shells, restarts from --state.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

namespace eql_sequence_cli_test {

using namespace rulec::testing;

std::string rule_toml(const std::string& id, const std::string& query) {
  return "[rule]\nauthor = [\"t\"]\ndescription = \"d\"\nname = \"Seq " + id + "\"\nrisk_score = 21\nrule_id = \"" + id +
         "\"\nseverity = \"low\"\ntype = \"eql\"\nlanguage = \"eql\"\nindex = [\"logs-*\"]\nquery = '''\n" + query +
         "\n'''\n";
}

std::string ev(int sec, const std::string& host, const std::string& category, const std::string& name,
               const std::string& extra = "") {
  return fmt::format(R"({{"@timestamp":"2026-01-01T00:{:02}:{:02}.000Z","host":{{"id":"{}"}},"event":{{"category":["{}"]}},"process":{{"name":"{}"}}{}}})",
                     sec / 60, sec % 60, host, category, name, extra) +
         "\n";
}

struct Group {
  std::vector<std::string> names;  // the building blocks' process names, in group.index order
  bool shell = false;
};

// Alerts by kibana.alert.group.id: each group's building blocks (checked in order) and its shell.
std::map<std::string, Group> groups(const std::string& alerts) {
  std::map<std::string, Group> out;
  std::map<std::string, std::map<int64_t, std::string>> blocks;
  for (const auto& line : nonempty_lines(alerts)) {
    auto a = nlohmann::json::parse(line);
    const std::string gid = a.value("kibana.alert.group.id", "");
    EXPECT_FALSE(gid.empty()) << line;
    EXPECT_EQ(a["kibana.alert.rule.category"], "Event Correlation Rule");
    if (a.contains("kibana.alert.group.index")) {
      EXPECT_EQ(a["kibana.alert.building_block_type"], "default");
      EXPECT_EQ(a["kibana.alert.depth"], 1);
      blocks[gid][a["kibana.alert.group.index"].get<int64_t>()] = a["process"]["name"].get<std::string>();
    } else {
      EXPECT_EQ(a["kibana.alert.uuid"], gid) << "the shell's id is its group id";
      EXPECT_EQ(a["kibana.alert.depth"], 2);
      EXPECT_FALSE(a.contains("kibana.alert.building_block_type"));
      out[gid].shell = true;
    }
  }
  for (auto& [gid, b] : blocks)
    for (auto& [i, name] : b) out[gid].names.push_back(name);
  return out;
}

std::vector<std::string> sequences(const std::string& alerts) {
  std::vector<std::string> out;
  for (const auto& [gid, g] : groups(alerts)) {
    EXPECT_TRUE(g.shell) << gid;
    std::string s;
    for (const auto& n : g.names) s += (s.empty() ? "" : " ") + n;
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// by host, maxspan, until; a second host interleaved; a too-slow pair; an until that cuts.
const char* kQuery =
    "sequence by host.id with maxspan=1m\n"
    "  [process where process.name == \"a\"]\n"
    "  [process where process.name : \"B\"]\n"
    "until [process where process.name == \"logout\"]";

std::string stream() {
  return ev(0, "h1", "process", "a") + ev(1, "h2", "process", "a") + ev(2, "h1", "process", "b") +  // h1: a b
         ev(3, "h2", "process", "logout") + ev(4, "h2", "process", "b") +                         // h2: cut by until
         ev(10, "h3", "process", "a") + ev(80, "h3", "process", "b") +                            // h3: 70 s > maxspan
         ev(100, "h2", "process", "a") + ev(101, "h2", "process", "a") + ev(102, "h2", "process", "b");  // h2: a(101) b
}

TEST(EqlSequences, RunFindsTheKnownSequencesAsBuildingBlocksAndShells) {
  TempDir d;
  d.write("rules/seq.toml", rule_toml("seq-1", kQuery));
  d.write("events.ndjson", stream());
  const std::string alerts = (d.path() / "alerts.ndjson").string();
  CmdResult r = run_rulec("run " + quote((d.path() / "rules").string()) + " -e " + quote((d.path() / "events.ndjson").string()) +
                          " --alerts " + quote(alerts) + " --alert-time event");
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string got = read_file(alerts);
  EXPECT_EQ(sequences(got), (std::vector<std::string>{"a b", "a b"})) << got;
  EXPECT_EQ(nonempty_lines(got).size(), 6u);
  // The second h2 sequence starts at the newest a (second 101), not the first.
  size_t at101 = 0;
  for (const auto& line : nonempty_lines(got)) at101 += line.find("00:01:41.000Z") != std::string::npos;
  EXPECT_GE(at101, 1u) << got;
  EXPECT_EQ(count_of(got, "00:01:40.000Z\",\"host"), 0u) << got;
}

TEST(EqlSequences, SensorWritesTheSameAlertsAsRun) {
  TempDir d;
  d.write("rules/seq.toml", rule_toml("seq-1", kQuery));
  d.write("events.ndjson", stream());
  const std::string events = quote((d.path() / "events.ndjson").string());
  const std::string bundle = (d.path() / "seq.bundle").string();
  ASSERT_EQ(run_rulec("compile " + quote((d.path() / "rules").string()) + " -o " + quote(bundle)).status, 0);
  CmdResult a = run_rulec("run " + quote((d.path() / "rules").string()) + " -e " + events + " --alerts " +
                          quote((d.path() / "run.ndjson").string()) + " --alert-time event");
  ASSERT_EQ(a.status, 0) << a.out;
  CmdResult s = run_shell(bin("rulesensor") + " " + quote(bundle) + " --allow-unsigned --events " + events + " --alerts " +
                          quote((d.path() / "sensor.ndjson").string()) + " --alert-time event 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;
  EXPECT_EQ(read_file(d.path() / "run.ndjson"), read_file(d.path() / "sensor.ndjson"));
  EXPECT_FALSE(read_file(d.path() / "run.ndjson").empty());
}

TEST(EqlSequences, RestartFromStateContinuesPartialSequences) {
  TempDir d;
  d.write("rules/seq.toml", rule_toml("seq-1", kQuery));
  d.write("all.ndjson", stream());
  const std::string s = stream();
  const auto lines = nonempty_lines(s);
  for (size_t cut = 1; cut < lines.size(); cut += 3) {
    std::string first, second;
    for (size_t i = 0; i < lines.size(); ++i) (i < cut ? first : second) += lines[i] + "\n";
    const std::string tag = std::to_string(cut);
    d.write("first" + tag + ".ndjson", first);
    d.write("second" + tag + ".ndjson", second);
    const std::string state = quote((d.path() / ("state" + tag)).string());
    const std::string alerts = quote((d.path() / ("alerts" + tag + ".ndjson")).string());
    for (const char* part : {"first", "second"}) {
      CmdResult r = run_rulec("run " + quote((d.path() / "rules").string()) + " -e " +
                              quote((d.path() / (part + tag + ".ndjson")).string()) + " --alerts " + alerts +
                              " --state " + state + " --alert-time event");
      ASSERT_EQ(r.status, 0) << r.out;
    }
    CmdResult one = run_rulec("run " + quote((d.path() / "rules").string()) + " -e " + quote((d.path() / "all.ndjson").string()) +
                              " --alerts " + quote((d.path() / ("one" + tag + ".ndjson")).string()) + " --alert-time event");
    ASSERT_EQ(one.status, 0) << one.out;
    EXPECT_EQ(read_file(d.path() / ("alerts" + tag + ".ndjson")), read_file(d.path() / ("one" + tag + ".ndjson")))
        << "cut at " << cut;
  }
}

TEST(EqlSequences, KeysRunsAndMissingEvents) {
  TempDir d;
  // Multi-valued key: one candidate per value; an optional key missing is the value null.
  d.write("rules/multi.toml", rule_toml("seq-multi", "sequence by ?user.name [process where process.name == \"a\"] by host.id "
                                                     "[process where process.name == \"b\"] by host.id"));
  // runs=2, then a trailing missing event within maxspan rejects.
  d.write("rules/runs.toml", rule_toml("seq-runs", "sequence by host.id with maxspan=30s [process where process.name == \"r\"] "
                                                   "with runs=2 ![network where true]"));
  const std::string events = ev(0, "h1", "process", "a") + ev(1, "h1", "process", "b") +          // user null: a b
                             ev(2, "h9", "process", "a", R"(,"user":{"name":["u1","u2"]})") +
                             ev(3, "h9", "process", "b", R"(,"user":{"name":"u2"})") +            // u2: a b
                             ev(10, "h5", "process", "r") + ev(11, "h5", "process", "r") +        // r r, then no network
                             ev(20, "h6", "process", "r") + ev(21, "h6", "process", "r") +
                             ev(25, "h6", "network", "x");                                       // rejected by the missing event
  d.write("events.ndjson", events);
  const std::string alerts = (d.path() / "alerts.ndjson").string();
  CmdResult r = run_rulec("run " + quote((d.path() / "rules").string()) + " -e " + quote((d.path() / "events.ndjson").string()) +
                          " --alerts " + quote(alerts) + " --alert-time event");
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string got = read_file(alerts);
  EXPECT_EQ(sequences(got), (std::vector<std::string>{"a b", "a b", "r r"})) << got;
}

// A sample (eql.md §4): unordered filters per host, within the rule's window (interval 5m,
// from now-6m: 6 minutes), written like a sequence; the sensor writes the same alerts.
TEST(EqlSequences, SamplesFindUnorderedEventsPerKeyWithinTheWindow) {
  TempDir d;
  d.write("rules/sample.toml", rule_toml("sample-1",
                                         "sample by host.id\n"
                                         "  [process where process.name == \"a\"]\n"
                                         "  [process where process.name == \"b\"]"));
  // h1: b before a (unordered); h2: a, then b 7 minutes later (outside the window), then a and b
  // again; h3: a only.
  d.write("events.ndjson", ev(0, "h1", "process", "b") + ev(5, "h2", "process", "a") + ev(30, "h1", "process", "a") +
                               ev(40, "h3", "process", "a") + ev(425, "h2", "process", "b") +
                               ev(430, "h2", "process", "a") + ev(440, "h2", "process", "b"));
  const std::string events = quote((d.path() / "events.ndjson").string());
  const std::string rules = quote((d.path() / "rules").string());
  CmdResult r = run_rulec("run " + rules + " -e " + events + " --alerts " + quote((d.path() / "run.ndjson").string()) +
                          " --alert-time event");
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string got = read_file(d.path() / "run.ndjson");
  // Building blocks in filter order (a then b): h1's, and h2's b(425) with a(430) (its a(5) is
  // 7 minutes before: outside the window).
  EXPECT_EQ(sequences(got), (std::vector<std::string>{"a b", "a b"})) << got;
  EXPECT_EQ(count_of(got, "00:00:05.000Z"), 0u) << got;
  EXPECT_EQ(count_of(got, "00:07:20.000Z"), 0u) << "h2's second b is left for a later sample: " << got;
  const std::string bundle = (d.path() / "sample.bundle").string();
  ASSERT_EQ(run_rulec("compile " + rules + " -o " + quote(bundle)).status, 0);
  CmdResult s = run_shell(bin("rulesensor") + " " + quote(bundle) + " --allow-unsigned --events " + events + " --alerts " +
                          quote((d.path() / "sensor.ndjson").string()) + " --alert-time event 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;
  EXPECT_EQ(read_file(d.path() / "sensor.ndjson"), got);
}

}  // namespace eql_sequence_cli_test
