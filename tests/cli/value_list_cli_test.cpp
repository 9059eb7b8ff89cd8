// Value-list exception items end to end: `is in list` / `is not in list` with --value-list files in check, run (both engines), compile and rulesensor.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/cli_util.h"

namespace rulec {
namespace {
namespace value_list_cli_test {

using testing::bin;
using testing::nonempty_lines;
using testing::quote;
using testing::read_file;
using testing::run_rulec;
using testing::run_shell;
using testing::TempDir;

// A Kibana export: a query rule, its exception list, and two items made of list entries (Kibana's
// filterEventsAgainstList: an item excludes an event when all its entries do).
void write_rules(const TempDir& t) {
  t.write("rules.ndjson",
          R"({"severity": "low", "risk_score": 21, "rule_id": "vl-1", "name": "Logons", "type": "query", "language": "kuery", "query": "event.category:authentication", "max_signals": 1000, "exceptions_list": [{"id": "so-L", "list_id": "L", "type": "detection", "namespace_type": "single"}]})"
          "\n"
          R"({"id": "so-L", "list_id": "L", "type": "detection", "namespace_type": "single", "name": "L"})"
          "\n"
          R"({"id": "i1-so", "item_id": "i1", "list_id": "L", "type": "simple", "name": "trusted sources", "namespace_type": "single", "entries": [{"type": "list", "field": "source.ip", "operator": "included", "list": {"id": "trusted-ips", "type": "ip_range"}}]})"
          "\n"
          R"({"id": "i2-so", "item_id": "i2", "list_id": "L", "type": "simple", "name": "service users off known hosts", "namespace_type": "single", "entries": [{"type": "list", "field": "user.name", "operator": "included", "list": {"id": "svc-users", "type": "keyword"}}, {"type": "list", "field": "host.name", "operator": "excluded", "list": {"id": "known-hosts", "type": "keyword"}}]})"
          "\n");
  t.write("ips.txt", "10.0.0.0/8\n192.168.1.5-192.168.1.9\n::ffff:172.16.0.1\nnot-an-address\n");
  t.write("users.txt", "svc\nbackup\n");
  t.write("hosts.txt", "h1\r\n");
  std::string events;
  const char* bodies[] = {
      R"("source":{"ip":"10.2.3.4"})",                       // 0: in 10.0.0.0/8: excluded
      R"("source":{"ip":"192.168.1.7"})",                    // 1: in the range: excluded
      R"("source":{"ip":"192.168.1.10"})",                   // 2: past the range: alert
      R"("source":{"ip":"172.16.0.1"})",                     // 3: the IPv4-mapped address: excluded
      R"("user":{"name":"svc"},"host":{"name":"h2"})",       // 4: service user, unknown host: excluded
      R"("user":{"name":"svc"},"host":{"name":"h1"})",       // 5: known host: alert
      R"("user":{"name":"svc"})",                            // 6: no host: a missing field never excludes
      R"("user":{"name":["x","backup"]},"host":{"name":["h3"]})",  // 7: one of several values: excluded
      R"("user":{"name":"SVC"},"host":{"name":"h2"})",       // 8: keyword: case-sensitive: alert
  };
  for (size_t i = 0; i < std::size(bodies); ++i)
    events += fmt::format(R"({{"@timestamp":"2026-01-01T00:00:0{}Z","event":{{"category":"authentication"}},"labels":{{"n":{}}},{}}})",
                          i, i, bodies[i]) + "\n";
  t.write("events.ndjson", events);
}

std::string lists(const TempDir& t) {
  return " --value-list trusted-ips=" + t.str("ips.txt") + " --value-list svc-users=" + t.str("users.txt") +
         " --value-list known-hosts=" + t.str("hosts.txt");
}

std::vector<int> alerted(const std::string& path) {
  std::vector<int> out;
  for (const auto& line : nonempty_lines(read_file(path))) {
    const auto a = nlohmann::json::parse(line);
    out.push_back(a["labels"]["n"].get<int>());
  }
  return out;
}

TEST(ValueLists, ExceptionItemsFilterEventsInEveryEngine) {
  TempDir t;
  write_rules(t);
  const std::vector<int> expected{2, 5, 6, 8};
  auto jit = run_rulec("run " + t.str("rules.ndjson") + lists(t) + " -e " + t.str("events.ndjson") + " -o " + t.str("jit.ndjson"));
  ASSERT_EQ(jit.status, 0) << jit.out;
  EXPECT_EQ(alerted(t.str("jit.ndjson")), expected) << jit.out;
  EXPECT_NE(jit.out.find("ips.txt:4: skipped: not a value of a ip_range list: not-an-address"), std::string::npos) << jit.out;
  EXPECT_NE(jit.out.find("value lists: 3 loaded, 6 values"), std::string::npos) << jit.out;
  auto interp = run_rulec("run --engine interp " + t.str("rules.ndjson") + lists(t) + " -e " + t.str("events.ndjson") + " -o " +
                          t.str("interp.ndjson"));
  ASSERT_EQ(interp.status, 0) << interp.out;
  EXPECT_EQ(alerted(t.str("interp.ndjson")), expected);
  auto c = run_rulec("compile " + t.str("rules.ndjson") +
                     " --sensor-value-list trusted-ips --sensor-value-list svc-users --sensor-value-list known-hosts -o " +
                     t.str("vl.rbundle"));
  ASSERT_EQ(c.status, 0) << c.out;
  auto s = run_shell(bin("rulesensor") + " " + t.str("vl.rbundle") + " --allow-unsigned" + lists(t) + " -e " +
                     t.str("events.ndjson") + " -o " + t.str("sensor.ndjson") + " 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;
  EXPECT_EQ(alerted(t.str("sensor.ndjson")), expected);
  // The sensor without the files: the rule raises nothing, and says why.
  auto bare = run_shell(bin("rulesensor") + " " + t.str("vl.rbundle") + " --allow-unsigned -e " + t.str("events.ndjson") +
                        " -o " + t.str("bare.ndjson") + " 2>&1");
  ASSERT_EQ(bare.status, 0) << bare.out;
  EXPECT_TRUE(alerted(t.str("bare.ndjson")).empty());
  EXPECT_NE(bare.out.find("value lists trusted-ips, svc-users, known-hosts not given (--value-list ID=FILE): rule vl-1 raises nothing"),
            std::string::npos) << bare.out;
}

TEST(ValueLists, ABundleCarriesListsOrLeavesThemToTheSensor) {
  TempDir t;
  write_rules(t);
  auto c = run_rulec("compile " + t.str("rules.ndjson") + " --value-list trusted-ips=" + t.str("ips.txt") +
                     " --value-list svc-users=" + t.str("users.txt") + " --sensor-value-list known-hosts -o " + t.str("vl.rbundle"));
  ASSERT_EQ(c.status, 0) << c.out;
  auto i = run_rulec("inspect " + t.str("vl.rbundle"));
  ASSERT_EQ(i.status, 0) << i.out;
  EXPECT_NE(i.out.find(fmt::format("carries     value list trusted-ips ({} bytes, 4 lines)", std::filesystem::file_size(t.str("ips.txt")))),
            std::string::npos) << i.out;
  EXPECT_NE(i.out.find("carries     value list svc-users"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("carries     no value list known-hosts: the sensor's --value-list known-hosts=FILE"), std::string::npos) << i.out;
  auto s = run_shell(bin("rulesensor") + " " + t.str("vl.rbundle") + " --allow-unsigned --value-list known-hosts=" +
                     t.str("hosts.txt") + " -e " + t.str("events.ndjson") + " -o " + t.str("sensor.ndjson") + " 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;
  EXPECT_EQ(alerted(t.str("sensor.ndjson")), (std::vector<int>{2, 5, 6, 8})) << s.out;
  // The sensor's own file replaces the carried list of that id.
  t.write("other-ips.txt", "192.168.1.10\n");
  auto o = run_shell(bin("rulesensor") + " " + t.str("vl.rbundle") + " --allow-unsigned --value-list known-hosts=" +
                     t.str("hosts.txt") + " --value-list trusted-ips=" + t.str("other-ips.txt") + " -e " + t.str("events.ndjson") +
                     " -o " + t.str("other.ndjson") + " 2>&1");
  ASSERT_EQ(o.status, 0) << o.out;
  EXPECT_EQ(alerted(t.str("other.ndjson")), (std::vector<int>{0, 1, 3, 5, 6, 8})) << o.out;
  // Without --sensor-value-list, a list neither carried nor named leaves the rule out.
  auto left = run_rulec("compile " + t.str("rules.ndjson") + " --value-list trusted-ips=" + t.str("ips.txt") + " -o " +
                        t.str("none.rbundle"));
  EXPECT_EQ(left.status, 1) << left.out;
  EXPECT_NE(left.out.find("value list 'svc-users' not given"), std::string::npos) << left.out;
}

TEST(ValueLists, ListsNotGivenAreReportedAndBadOnesRefused) {
  TempDir t;
  write_rules(t);
  auto check = run_rulec("check " + t.str("rules.ndjson"));
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_NE(check.out.find("value list 'trusted-ips' not given"), std::string::npos) << check.out;
  EXPECT_EQ(run_rulec("check " + t.str("rules.ndjson") + lists(t)).status, 0);
  auto run = run_rulec("run " + t.str("rules.ndjson") + " -e " + t.str("events.ndjson") + " -o " + t.str("a.ndjson"));
  EXPECT_EQ(run.status, 1) << run.out;
  EXPECT_NE(run.out.find("rule vl-1 \"Logons\" not run: [RUL303]"), std::string::npos) << run.out;
  auto usage = run_rulec("run " + t.str("rules.ndjson") + " --value-list trusted-ips -e " + t.str("events.ndjson"));
  EXPECT_EQ(usage.status, 2) << usage.out;
  EXPECT_NE(usage.out.find("'trusted-ips' is not ID=FILE"), std::string::npos) << usage.out;
  auto missing = run_rulec("run " + t.str("rules.ndjson") + " --value-list trusted-ips=" + t.str("nope.txt") +
                           " --value-list svc-users=" + t.str("users.txt") + " --value-list known-hosts=" + t.str("hosts.txt") +
                           " -e " + t.str("events.ndjson") + " -o " + t.str("a.ndjson"));
  EXPECT_EQ(missing.status, 1) << missing.out;
  EXPECT_NE(missing.out.find("cannot read value list trusted-ips file " + t.str("nope.txt")), std::string::npos) << missing.out;
  t.write("empty.txt", "\n\n");
  auto empty = run_rulec("run " + t.str("rules.ndjson") + " --value-list trusted-ips=" + t.str("empty.txt") +
                         " --value-list svc-users=" + t.str("users.txt") + " --value-list known-hosts=" + t.str("hosts.txt") +
                         " -e " + t.str("events.ndjson") + " -o " + t.str("a.ndjson"));
  EXPECT_EQ(empty.status, 1) << empty.out;
  EXPECT_NE(empty.out.find("holds no ip_range value"), std::string::npos) << empty.out;
}

// A text list is searched as Kibana's lists plugin does (getTextQuery): a `match` query with
// operator and, so an event value is in the list when one line holds every word of it.
TEST(ValueLists, TextListsMatchEveryWordOfTheValue) {
  TempDir t;
  t.write("rules.ndjson",
          R"({"severity": "low", "risk_score": 21, "rule_id": "tx", "name": "Commands", "type": "query", "language": "kuery", "query": "process.name:*", "max_signals": 1000, "exceptions_list": [{"id": "so-T", "list_id": "T", "type": "detection", "namespace_type": "single"}]})"
          "\n"
          R"({"id": "so-T", "list_id": "T", "type": "detection", "namespace_type": "single", "name": "T"})"
          "\n"
          R"({"id": "t1-so", "item_id": "t1", "list_id": "T", "type": "simple", "name": "admin commands", "namespace_type": "single", "entries": [{"type": "list", "field": "process.command_line", "operator": "included", "list": {"id": "cmds", "type": "text"}}]})"
          "\n");
  t.write("cmds.txt", "net user /add\nwhoami /all\n");
  std::string events;
  const char* lines[] = {"NET USER", "net group", "whoami", "!!!", "net user /add extra"};
  for (size_t i = 0; i < std::size(lines); ++i)
    events += fmt::format(R"({{"@timestamp":"2026-01-01T00:00:0{}Z","labels":{{"n":{}}},"process":{{"name":"x","command_line":"{}"}}}})", i, i,
                          lines[i]) + "\n";
  t.write("events.ndjson", events);
  auto r = run_rulec("run " + t.str("rules.ndjson") + " --value-list cmds=" + t.str("cmds.txt") + " -e " + t.str("events.ndjson") +
                     " -o " + t.str("a.ndjson"));
  ASSERT_EQ(r.status, 0) << r.out;
  // "NET USER" and "whoami": every word in a line (excluded); "net group", "!!!" (no word) and
  // "net user /add extra" (extra is in no line): alerts.
  EXPECT_EQ(alerted(t.str("a.ndjson")), (std::vector<int>{1, 3, 4})) << r.out;
}

}  // namespace value_list_cli_test
}  // namespace
}  // namespace rulec
