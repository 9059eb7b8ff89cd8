// rulesensor end to end: no compiler linked, same alerts as `rulec run`, refusals, aarch64, hot reload, counters.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "common/cli_util.h"
#include "runtime/loader/bundle_file.h"

namespace rulec {
namespace {
namespace sensor_cli_test {

using testing::bin;
using testing::keygen;
using testing::quote;
using testing::read_file;
using testing::run_rulec;
using testing::run_shell;
using testing::TempDir;
using testing::wait_until;

std::string sensor() { return bin("rulesensor"); }

TEST(SensorCli, LinksNoCompilerLibraries) {
  auto r = run_shell("ldd " + sensor());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("libhs"), std::string::npos) << r.out;  // the check sees the real dependencies
  for (const char* lib : {"LLVM", "antlr", "clang", "lld"}) EXPECT_EQ(r.out.find(lib), std::string::npos) << lib << "\n" << r.out;
}

TEST(SensorCli, KeygenWritesAPrivateSecretKeyAndNeverOverwrites) {
  TempDir t;
  const std::string name = keygen(t);
  struct stat st {};
  ASSERT_EQ(::stat((name + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  rt::PublicKey pk;
  std::string error;
  EXPECT_TRUE(rt::read_public_key(name + ".pub", pk, error)) << error;
  auto again = run_rulec("keygen " + quote(name));
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.out.find("not overwriting"), std::string::npos) << again.out;
}

// The corpus compiled into a signed bundle: rulesensor writes exactly `rulec run`'s alerts.
TEST(SensorCli, CorpusBundleAlertsEqualRulecRun) {
  TempDir t;
  const std::string key = keygen(t);
  const auto dir = t.path();
  const std::string events = (dir / "mixed.ndjson").string(), bundle = (dir / "corpus.rbundle").string();
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --scenario mixed --count 4000 --suspicious 0.05 --seed 11 -o " + quote(events)).status, 0);
  auto c = run_rulec("compile " RULEC_SHARED_DIR "/corpus -o " + quote(bundle) + " --sign " + quote(key + ".key"));
  ASSERT_EQ(c.status, 0) << c.out;
  EXPECT_EQ(c.out.find("reference evaluator"), std::string::npos) << "every runnable rule is in the bundle";
  auto run = run_rulec("run " RULEC_SHARED_DIR "/corpus -e " + quote(events) + " --alert-time event -a " + quote((dir / "run.ndjson").string()));
  ASSERT_EQ(run.status, 0) << run.out;
  auto s = run_shell(sensor() + " " + quote(bundle) + " --trusted-key " + quote(key + ".pub") + " -e " + quote(events) + " --alert-time event -a " +
                     quote((dir / "sensor.ndjson").string()) + " 2>&1");
  ASSERT_EQ(s.status, 0) << s.out;
  const std::string a = read_file(dir / "run.ndjson"), b = read_file(dir / "sensor.ndjson");
  EXPECT_GT(std::count(a.begin(), a.end(), '\n'), 20);
  EXPECT_EQ(a, b);
  // Same summary line, apart from the program name and the timing.
  auto summary = [](const std::string& out, const char* program) {
    std::smatch m;
    std::regex re(std::string(program) + R"(: (\d+ events read, \d+ lines skipped, \d+ rules, \d+ alerts \(\d+ suppressed by max_signals\)))");
    return std::regex_search(out, m, re) ? m[1].str() : std::string("none");
  };
  EXPECT_EQ(summary(run.out, "rulec run"), summary(s.out, "rulesensor"));
  EXPECT_NE(summary(s.out, "rulesensor"), "none") << s.out;
  EXPECT_EQ(s.out.find("\"rules\":[{"), std::string::npos) << "no counters at exit without --counters";
  // --counters - writes them to stderr at exit.
  auto counted = run_shell(sensor() + " " + quote(bundle) + " --trusted-key " + quote(key + ".pub") + " -e " +
                           quote(events) + " -o /dev/null --counters - 2>&1 >/dev/null");
  ASSERT_EQ(counted.status, 0) << counted.out;
  EXPECT_NE(counted.out.find("\"rules\":[{"), std::string::npos) << "counters at exit with --counters -";
}

TEST(SensorCli, RefusesUnsignedAndForeignlySignedBundles) {
  TempDir t;
  const std::string a = keygen(t);
  const std::string b = (t.path() / "other").string();
  ASSERT_EQ(run_rulec("keygen " + quote(b)).status, 0);
  const std::string signed_a = (t.path() / "a.rbundle").string(), unsigned_ = (t.path() / "u.rbundle").string();
  ASSERT_EQ(run_rulec("compile " RULEC_SOURCE_DIR "/rules -o " + quote(signed_a) + " --sign " + quote(a + ".key")).status, 0);
  ASSERT_EQ(run_rulec("compile " RULEC_SOURCE_DIR "/rules -o " + quote(unsigned_)).status, 0);
  auto r = run_shell(sensor() + " " + quote(signed_a) + " --trusted-key " + quote(b + ".pub") + " -e /dev/null 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("not by the trusted key"), std::string::npos) << r.out;
  r = run_shell(sensor() + " " + quote(unsigned_) + " -e /dev/null 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("not signed"), std::string::npos) << r.out;
  r = run_shell(sensor() + " " + quote(unsigned_) + " --allow-unsigned -e /dev/null 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  r = run_shell(sensor() + " " + quote(signed_a) + " --trusted-key " + quote(a + ".pub") + " -e /dev/null 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  auto i = run_rulec("inspect " + quote(signed_a) + " --trusted-key " + quote(a + ".pub"));
  EXPECT_EQ(i.status, 0) << i.out;
  EXPECT_NE(i.out.find("(verified)"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("Unusual Child Execution via Web Server"), std::string::npos) << i.out;
  EXPECT_EQ(run_rulec("inspect " + quote(signed_a) + " --trusted-key " + quote(b + ".pub")).status, 1);
}

TEST(SensorCli, Aarch64BundleHoldsAarch64CodeAndIsRefusedHere) {
  TempDir t;
  const std::string bundle = (t.path() / "arm.rbundle").string();
  auto c = run_rulec("compile " RULEC_SHARED_DIR "/corpus -o " + quote(bundle) + " --target aarch64-linux-gnu");
  ASSERT_EQ(c.status, 0) << c.out;
  const std::string bytes = read_file(bundle);
  rt::BundleView v;
  std::string error;
  ASSERT_TRUE(rt::parse_bundle(bytes, v, error)) << error;
  const auto so = t.path() / "code.so";
  std::ofstream(so, std::ios::binary) << v.section(bundle::SectionId::Code);
  auto elf = run_shell("/usr/lib/llvm-19/bin/llvm-readelf -h -d --dyn-syms " + quote(so.string()) + " 2>&1");
  ASSERT_EQ(elf.status, 0) << elf.out;
  EXPECT_NE(elf.out.find("AArch64"), std::string::npos) << elf.out;
  EXPECT_NE(elf.out.find("DYN (Shared object file)"), std::string::npos) << elf.out;
  EXPECT_NE(elf.out.find("rulec_eval"), std::string::npos) << elf.out;
  EXPECT_EQ(elf.out.find("NEEDED"), std::string::npos) << "the code needs no library";
  auto r = run_shell(sensor() + " " + quote(bundle) + " --allow-unsigned -e /dev/null 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("for aarch64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--target x86_64-linux-gnu"), std::string::npos) << r.out;
}

// A steady stream through a pipe while the bundle is replaced (and once replaced by garbage):
// the rule present in every bundle alerts on every event exactly once.
TEST(SensorCli, HotReloadLosesAndDuplicatesNothing) {
  TempDir t;
  const auto dir = t.path();
  auto write_rules = [&](const std::string& name, bool second) {
    const auto d = dir / name;
    std::filesystem::create_directories(d);
    std::ofstream(d / "all.json") << R"({"severity":"low","risk_score":21,"rule_id": "all", "name": "every event", "type": "query", "query": "event.kind:event", "max_signals": 1000000})";
    if (second)
      std::ofstream(d / "even.json") << R"({"severity":"low","risk_score":21,"rule_id": "even", "name": "even", "type": "query", "query": "labels.parity:even", "max_signals": 1000000})";
    const std::string out = (dir / (name + ".rbundle")).string();
    auto c = run_rulec("compile " + quote(d.string()) + " -o " + quote(out));
    EXPECT_EQ(c.status, 0) << c.out;
    return out;
  };
  const std::string a = write_rules("a", false), b = write_rules("b", true);
  const std::string live = (dir / "live.rbundle").string();
  std::filesystem::copy_file(a, live);
  const std::string alerts = (dir / "alerts.ndjson").string(), err = (dir / "err.txt").string();
  const std::string counters = (dir / "counters.jsonl").string(), pidfile = (dir / "pid").string();
  FILE* p = popen(("sh -c " + quote("echo $$ > " + quote(pidfile) + "; exec " + sensor() + " " + quote(live) +
                                    " --allow-unsigned --watch-ms 20 --alert-time event -a " + quote(alerts) + " --counters " + quote(counters) +
                                    " 2>" + quote(err)))
                      .c_str(),
                  "w");
  ASSERT_NE(p, nullptr);
  int seq = 0;
  auto stream = [&](int n) {
    for (int i = 0; i < n; ++i, ++seq) {
      std::fprintf(p, "{\"@timestamp\":\"2026-01-01T00:%02d:%02d.%03dZ\",\"event\":{\"kind\":\"event\"},\"labels\":{\"parity\":\"%s\",\"seq\":%d}}\n",
                   seq / 60000 % 60, seq / 1000 % 60, seq % 1000, seq % 2 ? "odd" : "even", seq);
      if (i % 50 == 0) {
        std::fflush(p);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    std::fflush(p);
  };
  auto replace = [&](const std::string& from) {
    const std::string tmp = live + ".new";
    std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(tmp, live);
  };
  // Each step waits for the sensor to report it (a line on stderr, a counters line), so no step
  // depends on how fast the machine is.
  auto count_in = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; ++pos) ++n;
    return n;
  };
  auto wait_log = [&](const std::string& what, size_t times) {
    EXPECT_TRUE(wait_until([&] { return count_in(read_file(err), what) >= times; }))
        << "waiting for " << times << "x '" << what << "':\n" << read_file(err);
  };
  stream(1000);
  wait_log("rulesensor: loaded", 1);
  const int pid = std::stoi(read_file(pidfile));
  ::kill(pid, SIGUSR1);  // counters
  EXPECT_TRUE(wait_until([&] { return count_in(read_file(counters), "\n") >= 1; }));
  ::kill(pid, SIGHUP);  // reload of the same bundle: all state kept
  wait_log("rulesensor: reloaded", 1);
  stream(1000);
  replace(b);
  wait_log("rulesensor: reloaded", 2);
  stream(2000);
  const std::string garbage = (dir / "garbage").string();
  std::ofstream(garbage) << "not a bundle";
  replace(garbage);
  wait_log("reload refused, the running bundle stays", 1);
  stream(2000);
  replace(a);
  wait_log("rulesensor: reloaded", 3);
  stream(2000);
  ASSERT_EQ(pclose(p), 0) << read_file(err);
  const std::string log = read_file(err);
  EXPECT_EQ(count_in(log, "rulesensor: reloaded"), 3u) << log;
  EXPECT_NE(log.find("state kept for 1 rules, 0 new, 0 removed"), std::string::npos) << log;
  const std::string c = read_file(counters);
  EXPECT_EQ(std::count(c.begin(), c.end(), '\n'), 2) << "SIGUSR1 and exit:\n" << c;
  EXPECT_NE(c.find("\"rule_id\":\"all\",\"name\":\"every event\",\"matched\":8000,\"alerts\":8000"), std::string::npos) << c;
  EXPECT_NE(log.find("reload refused, the running bundle stays"), std::string::npos) << log;
  EXPECT_NE(log.find("8000 events read"), std::string::npos) << log;

  std::ifstream in(alerts);
  std::string line;
  std::set<std::string> uuids;
  size_t all = 0, even = 0;
  const std::regex uuid_re(R"re("kibana.alert.uuid":"([^"]+)")re");
  while (std::getline(in, line)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, uuid_re)) << line;
    EXPECT_TRUE(uuids.insert(m[1].str()).second) << "duplicate alert " << line;
    if (line.find("\"kibana.alert.rule.rule_id\":\"all\"") != std::string::npos) ++all;
    if (line.find("\"kibana.alert.rule.rule_id\":\"even\"") != std::string::npos) ++even;
  }
  EXPECT_EQ(all, 8000u) << "the rule in every bundle saw every event once";
  EXPECT_GT(even, 0u);
  EXPECT_LT(even, 4000u);  // only while bundle b ran
}

// Signals are served while the input is idle (a pipe with nothing to read): SIGHUP reloads,
// SIGTERM stops with alerts flushed and state checkpointed, exit 0.
TEST(SensorCli, SignalsAreServedOnAnIdleInput) {
  TempDir t;
  const auto dir = t.path();
  const std::string bundle = (dir / "s.rbundle").string(), err = (dir / "err.txt").string(), pidfile = (dir / "pid").string();
  ASSERT_EQ(run_rulec("compile " RULEC_SOURCE_DIR "/rules -o " + quote(bundle)).status, 0);
  FILE* p = popen(("sh -c " + quote("echo $$ > " + quote(pidfile) + "; exec " + sensor() + " " + quote(bundle) +
                                    " --allow-unsigned --watch-ms 0 --state " + quote((dir / "state").string()) +
                                    " --alert-time event -a /dev/null --counters /dev/null 2>" + quote(err)))
                      .c_str(),
                  "w");
  ASSERT_NE(p, nullptr);
  std::string log;
  // Signals are handled once the sensor says it loaded the bundle.
  ASSERT_TRUE(wait_until([&] { return (log = read_file(err)).find("rulesensor: loaded") != std::string::npos; })) << log;
  const int pid = std::stoi(read_file(pidfile));
  ::kill(pid, SIGHUP);
  EXPECT_TRUE(wait_until([&] { return (log = read_file(err)).find("reloaded") != std::string::npos; })) << log;
  EXPECT_NE(log.find("reloaded " + bundle + " after 0 events"), std::string::npos) << log;
  ::kill(pid, SIGTERM);
  // The pipe stays open (closing it would end the input): only the signal can end the sensor.
  EXPECT_TRUE(wait_until([&] { return (log = read_file(err)).find("stopped by signal") != std::string::npos; })) << log;
  const int st = pclose(p);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  EXPECT_NE(log.find("stopped by signal; alerts flushed and state checkpointed"), std::string::npos) << log;
  EXPECT_TRUE(std::filesystem::exists(dir / "state" / "state.log"));
}

}  // namespace sensor_cli_test
}  // namespace
}  // namespace rulec
