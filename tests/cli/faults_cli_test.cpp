// Run-time faults end to end: a full disk under alerts or state, stop signals, another rule set's state.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/cli_util.h"

namespace rulec::testing {
namespace {
namespace faults_cli_test {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A rule that matches every generated process event, and 2000 such events over a week: one alert
// per event (max_signals is per 5-minute bucket), a few megabytes of alerts.
struct Fixture {
  TempDir dir;
  std::string rules, events;
  Fixture() {
    rules = dir.str("rules");
    fs::create_directories(rules);
    write_query_rule(rules, "every-process", "process.name:*");
    events = dir.str("events.ndjson");
    EXPECT_EQ(run_shell(bin("rulec-gen") + " --seed 3 --events 2000 --days 7 -o " + quote(events)).status, 0);
  }
  std::string run_cmd(const std::string& args) const {
    return bin("rulec") + " run " + quote(rules) + " -e " + quote(events) + " " + args;
  }
};

uint64_t file_size(const std::string& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(DiskFull, AlertsFileThenResumeWritesEveryAlertOnce) {
  Fixture f;
  const std::string ref = f.dir.str("ref.ndjson"), out = f.dir.str("a.ndjson"), state = f.dir.str("state");
  ASSERT_EQ(run_shell(f.run_cmd("--alert-time event -a " + quote(ref) + " 2>&1")).status, 0);
  const uint64_t ref_bytes = file_size(ref);
  ASSERT_GT(ref_bytes, 1u << 20);

  // The disk fills halfway through the alerts.
  const std::string cmd = f.run_cmd("--alert-time event -a " + quote(out) + " --state " + quote(state) + " --checkpoint-events 300 2>&1");
  const CmdResult full = run_with_file_limit(cmd, ref_bytes / 2);
  EXPECT_EQ(full.status, 1) << full.out;
  EXPECT_NE(full.out.find("cannot write alerts to " + out + ": File too large"), std::string::npos) << full.out;
  EXPECT_NE(full.out.find("state kept at its last checkpoint"), std::string::npos) << full.out;
  // Only whole alerts are left in the file.
  const std::string partial = read_file(out);
  ASSERT_FALSE(partial.empty());
  EXPECT_EQ(partial.back(), '\n');
  for (const auto& l : lines_of(partial)) EXPECT_TRUE(nlohmann::json::accept(l)) << l.substr(0, 200);

  // Space again: the same input resumes from the checkpoint; every alert is there exactly once.
  const CmdResult resumed = run_shell(cmd);
  EXPECT_EQ(resumed.status, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("recovered 1 rules"), std::string::npos) << resumed.out;
  EXPECT_TRUE(read_file(out) == read_file(ref)) << "resumed alerts differ from an uninterrupted run";
}

// Alert lines of a run whose stdout carries both alerts and (2>&1) its diagnostics.
std::vector<std::string> alert_lines(const std::string& out) {
  std::vector<std::string> v;
  for (auto& l : lines_of(out))
    if (!l.empty() && l[0] == '{') v.push_back(std::move(l));
  return v;
}

TEST(DiskFull, StateLogKeepsItsLastCheckpoint) {
  Fixture f;
  // A new-terms rule on a unique field: the state grows with every event.
  const std::string rules = f.dir.str("nt"), state = f.dir.str("state"), log = state + "/state.log";
  fs::create_directories(rules);
  std::ofstream(rules + "/nt.json") << R"({"severity":"low","risk_score":21,"rule_id":"nt","name":"nt","type":"new_terms","language":"kuery",
    "query":"process.name:*","new_terms_fields":["event.id"],"history_window_start":"now-7d"})";
  const std::string run = bin("rulec") + " run " + quote(rules) + " -e " + quote(f.events) + " --alert-time event -a - 2>&1";
  const std::vector<std::string> ref = alert_lines(run_shell(run).out);
  ASSERT_EQ(ref.size(), 2000u);
  const std::string cmd = run + " --state " + quote(state) + " --checkpoint-events 300";

  // No room for even one checkpoint: the reason, and no partial file left behind.
  CmdResult r = run_with_file_limit(cmd, 2048);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot write " + log + ".tmp: File too large; state kept at its last checkpoint"),
            std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(log)) << "no partial checkpoint";
  EXPECT_FALSE(fs::exists(log + ".tmp"));

  // Room for two checkpoints: the failed third append is cut off, the second one stays usable.
  fs::remove_all(state);
  ASSERT_EQ(run_shell(bin("rulec") + " run " + quote(rules) + " -e " + quote(f.events) +
                      " --alert-time event -a /dev/null --state " + quote(state) + " --checkpoint-events 600 2>&1").status, 0);
  const uint64_t one_record_600 = file_size(log);  // compacted at the end: one record of 2000 events' terms
  ASSERT_GT(one_record_600, 2000u * 24);
  fs::remove_all(state);
  const uint64_t limit = one_record_600 * 3 / 10;  // records of 300 and 600 events fit, not 900
  r = run_with_file_limit(cmd, limit);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot append to " + log + ": File too large; state kept at its last checkpoint"),
            std::string::npos) << r.out;
  const uint64_t kept = file_size(log);
  EXPECT_GT(kept, 0u);
  EXPECT_LE(kept, limit);

  // Resumed with space: the checkpoint loads (no torn or damaged record) and no alert is missing.
  const CmdResult resumed = run_shell(cmd);
  EXPECT_EQ(resumed.status, 0) << resumed.out;
  EXPECT_NE(resumed.out.find("recovered 1 rules"), std::string::npos) << resumed.out;
  EXPECT_EQ(resumed.out.find("interrupted"), std::string::npos) << resumed.out;
  std::set<std::string> seen;
  for (const auto& l : alert_lines(r.out)) seen.insert(l);
  const std::vector<std::string> after = alert_lines(resumed.out);
  seen.insert(after.begin(), after.end());
  size_t lost = 0;
  for (const auto& l : ref) lost += !seen.count(l);
  EXPECT_EQ(lost, 0u);
  EXPECT_LT(after.size(), ref.size()) << "the resumed run starts from the checkpoint, not from scratch";
}

// A diagnostic that cannot be written (stderr to a file on a full disk) ends the run with status 1,
// not an abort.
TEST(DiskFull, StderrThatCannotBeWrittenIsNotACrash) {
  Fixture f;
  const CmdResult r = run_with_file_limit(f.run_cmd("--alert-time event -a /dev/null 2>" + quote(f.dir.str("err.txt"))), 64);
  EXPECT_EQ(r.status, 1);
}

TEST(StateIdentity, AnotherRuleSetsDirectoryIsRefusedUnlessAdopted) {
  Fixture f;
  const std::string state = f.dir.str("state");
  ASSERT_EQ(run_shell(f.run_cmd("--alert-time event -a /dev/null --state " + quote(state) + " 2>&1")).status, 0);
  const std::string other = f.dir.str("other");
  fs::create_directories(other);
  write_query_rule(other, "another-rule", "process.name:bash");
  const std::string cmd = bin("rulec") + " run " + quote(other) + " -e " + quote(f.events) + " --alert-time event -a /dev/null --state " + quote(state);
  CmdResult r = run_shell(cmd + " 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("was written for another rule set: none of its 1 rules (every-process) is among the 1 rules loaded"),
            std::string::npos)
      << r.out;
  r = run_shell(cmd + " --state-adopt 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  r = run_shell(cmd + " 2>&1");
  EXPECT_EQ(r.status, 0) << "adopted: the directory is now this set's\n" << r.out;
}

TEST(Signals, RulecRunStopsOnSigintWithStateCheckpointed) {
  Fixture f;
  const std::string state = f.dir.str("state"), alerts = f.dir.str("a.ndjson"), fifo = f.dir.str("in.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  int out = -1;
  const pid_t pid = spawn_shell(bin("rulec") + " run " + quote(f.rules) + " -e " + quote(fifo) + " --alert-time event -a " + quote(alerts) +
                              " --state " + quote(state) + " --checkpoint-events 1 2>" + quote(f.dir.str("err.txt")),
                          &out);
  ASSERT_GT(pid, 0);
  // One event in, the pipe kept open: once its alert is on disk the loop is running and idle.
  const int in = open_fifo_writer(fifo);
  ASSERT_GE(in, 0);
  const std::string first = lines_of(read_file(f.events)).at(0) + "\n";
  ASSERT_EQ(::write(in, first.data(), first.size()), static_cast<ssize_t>(first.size()));
  ASSERT_TRUE(wait_until([&] { return file_size(alerts) > 0; })) << read_file(f.dir.str("err.txt"));
  ::kill(pid, SIGINT);
  const int st = wait_for_exit(pid);
  ::close(in);
  ::close(out);
  ASSERT_NE(st, -1) << "still running long after SIGINT";
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  const std::string err = read_file(f.dir.str("err.txt"));
  EXPECT_NE(err.find("stopped by signal; alerts flushed and state checkpointed"), std::string::npos) << err;
  EXPECT_NE(err.find("1 events read"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(state + "/state.log"));
}

// A sensor stuck writing alerts (its reader stopped reading): the first SIGTERM cannot finish the
// flush, the second ends it at once with status 128 + SIGTERM.
TEST(Signals, SecondSignalExitsAtOnceWhenTheFirstCannotFinish) {
  Fixture f;
  const std::string bundle = f.dir.str("b.rbundle"), state = f.dir.str("state");
  ASSERT_EQ(run_rulec("compile " + quote(f.rules) + " -o " + quote(bundle)).status, 0);
  int out = -1;
  const pid_t pid = spawn_shell(bin("rulesensor") + " " + quote(bundle) + " --allow-unsigned --watch-ms 0 -e " + quote(f.events) +
                              " --alert-time event -a - --state " + quote(state) + " 2>" + quote(f.dir.str("err.txt")),
                          &out);
  ASSERT_GT(pid, 0);
  // Wait until the sensor is blocked writing alerts to the full pipe: the kernel shows it inside
  // write(2) on its standard output (/proc/PID/syscall: number 1, fd 1), in the same call and with
  // the same bytes pending at two looks in a row (a write that goes through changes both).
  std::string last;
  ASSERT_TRUE(wait_until([&] {
    int pending = 0;
    ::ioctl(out, FIONREAD, &pending);
    const std::string now = std::to_string(pending) + " " + read_file("/proc/" + std::to_string(pid) + "/syscall");
    const bool blocked = pending > 16384 && now.find(" 1 0x1 ") != std::string::npos && now == last;
    last = now;
    return blocked;
  })) << read_file(f.dir.str("err.txt"));
  ::kill(pid, SIGTERM);
  // It cannot finish the flush (nobody reads), so it is still there; without the second signal it
  // would wait forever.
  EXPECT_EQ(wait_for_exit(pid, std::chrono::milliseconds(500)), -1) << "the first signal waits for the flush";
  ::kill(pid, SIGTERM);
  const int st = wait_for_exit(pid);
  ::close(out);
  ASSERT_NE(st, -1) << "still running after the second SIGTERM";
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM) << st;
}

}  // namespace faults_cli_test
}  // namespace
}  // namespace rulec::testing
