// End-to-end tests of `rulec match` and `rulec run`: grep-like matching, detection, restarts, kill -9.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace run_cli_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";
constexpr int64_t kStart = 1767225600000;  // 2026-01-01
constexpr int64_t kWeek = 7LL * 86400000;

// History (a week, no attacks) and live (six hours with the five attacks) for the seed rule.
void generate(const TempDir& d) {
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --seed 1 --events 20000 --days 7 -o " + d.str("history.ndjson")).status, 0);
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --seed 2 --events 3000 --days 0.25 --attacks --start-ms " +
                      std::to_string(kStart + kWeek) + " -o " + d.str("live.ndjson")).status, 0);
}

TEST(Match, PrintsMatchingEventsAsTheyWere) {
  TempDir d;
  d.write("e.ndjson", "{\"a\":\"x\"}\n{ \"a\" : \"y\" }\n{\"a\":[\"z\",\"y\"]}\n");
  CmdResult r = run_shell(bin("rulec") + " match -q 'a:y' " + d.str("e.ndjson"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "{ \"a\" : \"y\" }\n{\"a\":[\"z\",\"y\"]}\n");
}

TEST(Match, CountInvertAndExitStatus) {
  TempDir d;
  d.write("e.ndjson", "{\"a\":\"x\"}\n{\"a\":\"y\"}\n{\"b\":1}\n");
  EXPECT_EQ(run_shell(bin("rulec") + " match -c -q 'a:y' " + d.str("e.ndjson")).out, "1\n");
  EXPECT_EQ(run_shell(bin("rulec") + " match -c --invert-match -q 'a:y' " + d.str("e.ndjson")).out, "2\n");
  CmdResult none = run_shell(bin("rulec") + " match -q 'a:nothing' " + d.str("e.ndjson"));
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(run_rulec("match -q 'a:b:c' " + d.str("e.ndjson")).status, 2);  // syntax error
  EXPECT_EQ(run_rulec("match -q 'process.pid:abc' " + d.str("e.ndjson")).status, 2);  // type error
}

TEST(Match, ReadsStdinAndReportsMalformedLinesByNumber) {
  CmdResult r = run_shell("printf '{\"a\":1}\\nnot json\\n[1]\\n{\"a\":1}\\n' | " + bin("rulec") + " match -q 'a:1' - 2>&1");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find(":2: skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(":3: skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rulec match: 2 lines skipped"), std::string::npos) << r.out;
  EXPECT_EQ(nonempty_lines(r.out).size(), 5u) << r.out;  // two skips, their count, two matches
}

TEST(Run, SeedRuleCatchesExactlyTheAttacksAfterLearning) {
  TempDir d;
  generate(d);
  CmdResult learn = run_rulec("run " + kSeed + " --learn -e " + d.str("history.ndjson") + " --state " + d.str("st") +
                          " --alert-time event --alerts " + d.str("none.ndjson"));
  ASSERT_EQ(learn.status, 0) << learn.out;
  EXPECT_EQ(read_file(d.str("none.ndjson")), "");
  CmdResult run = run_rulec("run " + kSeed + " -e " + d.str("live.ndjson") + " --state " + d.str("st") + " --alert-time event --alerts " +
                        d.str("alerts.ndjson"));
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("recovered 1 rules"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("events/s"), std::string::npos) << run.out;
  std::set<std::string> commands;
  for (const auto& l : nonempty_lines(read_file(d.str("alerts.ndjson")))) {
    auto a = nlohmann::json::parse(l);
    EXPECT_EQ(a["kibana.alert.rule.rule_id"], "b2f0ea08-2b60-4a2d-93d7-fe996a30031a");
    EXPECT_EQ(a["kibana.alert.rule.rule_type_id"], "siem.newTermsRule");
    ASSERT_EQ(a["kibana.alert.new_terms"].size(), 3u);
    EXPECT_EQ(a["kibana.alert.new_terms"][1], a["host"]["id"]);
    commands.insert(a["kibana.alert.new_terms"][0].get<std::string>());
  }
  std::set<std::string> attacks = {"/usr/bin/crontab /var/tmp/.update-cron", "/usr/sbin/useradd -m -s /bin/bash svc-backup",
                                   "/usr/bin/systemctl enable --now kworker-update.service",
                                   "/usr/bin/ssh-keygen -t ed25519 -N  -f /opt/app/.ssh/id_ed25519"};
  EXPECT_EQ(commands.size(), 5u);
  for (const auto& a : attacks) EXPECT_TRUE(commands.count(a)) << a;
}

TEST(Run, HalfThenRestWithStateEqualsOneRun) {
  TempDir d;
  generate(d);
  std::vector<std::string> all = nonempty_lines(read_file(d.str("history.ndjson")));
  std::string first, second;
  for (size_t i = 0; i < all.size(); ++i) (i < all.size() / 2 ? first : second) += all[i] + "\n";
  d.write("first.ndjson", first);
  d.write("second.ndjson", second);
  ASSERT_EQ(run_rulec("run " + kSeed + " -e " + d.str("history.ndjson") + " --alert-time event --alerts " + d.str("one.ndjson")).status, 0);
  ASSERT_EQ(run_rulec("run " + kSeed + " -e " + d.str("first.ndjson") + " --state " + d.str("st") + " --alert-time event --alerts " + d.str("two.ndjson")).status, 0);
  ASSERT_EQ(run_rulec("run " + kSeed + " -e " + d.str("second.ndjson") + " --state " + d.str("st") + " --alert-time event --alerts " + d.str("two.ndjson")).status, 0);
  std::string one = read_file(d.str("one.ndjson"));
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, read_file(d.str("two.ndjson")));
}

TEST(Run, KillNineThenRestartWritesNoDuplicate) {
  TempDir d;
  generate(d);
  // rulec reads a FIFO this test feeds: the first 8000 events, then nothing until it is killed,
  // once a checkpoint is on disk (every 1000 events), wherever it then is in the stream.
  const std::string fifo = d.str("in.fifo"), state = d.str("st");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int out = -1;
  const pid_t pid = spawn_shell(bin("rulec") + " run " + kSeed + " --checkpoint-events 1000 --state " + state +
                                    " --alert-time event --alerts " + d.str("a.ndjson") + " -e " + fifo + " 2>/dev/null",
                                &out);
  ASSERT_GT(pid, 0);
  const int in = open_fifo_writer(fifo);
  ASSERT_GE(in, 0) << "rulec never opened its input";
  std::string first;
  const auto history = nonempty_lines(read_file(d.str("history.ndjson")));
  ASSERT_GT(history.size(), 8000u);
  for (size_t i = 0; i < 8000; ++i) first += history[i] + "\n";
  ASSERT_EQ(::write(in, first.data(), first.size()), static_cast<ssize_t>(first.size()));
  std::error_code ec;
  EXPECT_TRUE(wait_until([&] { return std::filesystem::file_size(state + "/state.log", ec) > 0 && !ec; }));
  ::kill(pid, SIGKILL);
  ::close(in);
  const Finished killed = finish(pid, out);
  EXPECT_EQ(killed.status, -1) << "killed by the signal";

  CmdResult again = run_rulec("run " + kSeed + " -e " + d.str("history.ndjson") + " --state " + state + " --alert-time event --alerts " + d.str("a.ndjson"));
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("recovered"), std::string::npos) << again.out;
  ASSERT_EQ(run_rulec("run " + kSeed + " -e " + d.str("history.ndjson") + " --alert-time event --alerts " + d.str("one.ndjson")).status, 0);
  std::set<std::string> ids;
  auto written = nonempty_lines(read_file(d.str("a.ndjson")));
  for (const auto& l : written) EXPECT_TRUE(ids.insert(nlohmann::json::parse(l)["kibana.alert.uuid"]).second) << "duplicate alert";
  EXPECT_EQ(written.size(), nonempty_lines(read_file(d.str("one.ndjson"))).size());
}

TEST(Run, SummaryCountsSkippedLinesAndUnsupportedRulesAreReported) {
  TempDir d;
  d.write("e.ndjson", "{\"@timestamp\":\"2026-01-01T00:00:00Z\"}\nbroken\n");
  CmdResult r = run_rulec("run " + kSeed + " " + std::string(RULEC_SHARED_DIR) + "/corpus/kibana-export.ndjson -e " +
                      d.str("e.ndjson") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("1 events read, 1 lines skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(":2: skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not run"), std::string::npos) << r.out;  // eql, esql, ml, threat_match
}

TEST(Run, NewerStateIsRefused) {
  TempDir d;
  // One log record (magic, body length 80) whose checkpoint says format version 9.
  std::string body = std::string("RULECST\n\x09\0\0\0\0\0\0\0", 16) + std::string(64, '\0');
  d.write("st/state.log", std::string("RULECLG\n\x50\0\0\0\0\0\0\0", 16) + body + std::string(16, '\0'));
  CmdResult r = run_rulec("run " + kSeed + " -e /dev/null --state " + d.str("st") + " --alert-time event --alerts " + d.str("a.ndjson"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("newer"), std::string::npos) << r.out;
}

TEST(Run, AlertsToAPipeAreNotHeldBackUntilTheEnd) {
  TempDir d;
  d.write("r.toml",
          "[rule]\nname = \"nc\"\nrule_id = \"77777777-7777-7777-7777-777777777777\"\ntype = \"query\"\n"
          "language = \"kuery\"\nseverity = \"low\"\nrisk_score = 21\ndescription = \"d\"\nquery = 'process.name:nc'\n");
  // One matching event into an input that stays open: its alert must come out while rulec still
  // waits for more input, not when the input ends.
  const std::string fifo = d.str("in.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int out = -1;
  const pid_t pid = spawn_shell(bin("rulec") + " run " + d.str("r.toml") + " -e " + fifo + " --alert-time event --alerts - 2>/dev/null", &out);
  ASSERT_GT(pid, 0);
  const int in = open_fifo_writer(fifo);
  ASSERT_GE(in, 0) << "rulec never opened its input";
  const std::string event = "{\"@timestamp\":\"2026-01-01T00:00:00Z\",\"process\":{\"name\":\"nc\"}}\n";
  ASSERT_EQ(::write(in, event.data(), event.size()), static_cast<ssize_t>(event.size()));
  std::string got;
  const bool seen = wait_until([&] {
    pollfd p{out, POLLIN, 0};
    char buf[4096];
    if (::poll(&p, 1, 0) == 1) {
      const ssize_t n = ::read(out, buf, sizeof buf);
      if (n > 0) got.append(buf, static_cast<size_t>(n));
    }
    return got.find("77777777-7777-7777-7777-777777777777") != std::string::npos;
  });
  ::close(in);  // the end of input: rulec finishes
  const Finished rest = finish(pid, out);
  EXPECT_TRUE(seen) << "no alert while the input was open: " << got;
  EXPECT_EQ(rest.status, 0);
}

}  // namespace run_cli_test
}  // namespace
