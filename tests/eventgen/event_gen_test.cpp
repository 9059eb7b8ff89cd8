// Tests of the event generator (rulec-gen): web output unchanged, mixed scenario determinism, JSON, sizes and mix.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace event_gen_test {

// The generator is exercised through its binary, built with the rest of the tree.
bool have_gen() { return std::filesystem::exists(bin("rulec-gen")); }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string gen(const std::string& args) {
  CmdResult r = run_shell(bin("rulec-gen") + " " + args);
  EXPECT_EQ(r.status, 0) << args;
  return r.out;
}

TEST(EventGen, WebScenarioBytesUnchanged) {
  ASSERT_TRUE(have_gen()) << "rulec-gen is not built";
  std::string out = gen("--seed 1 --events 200 --days 7");
  EXPECT_EQ(out.size(), 263852u);
  EXPECT_EQ(fnv1a(out), 0x24806985bb97ad53ull);  // the output before the mixed scenario existed
  EXPECT_EQ(gen("--scenario web --seed 1 --events 200 --days 7"), out);
}

TEST(EventGen, MixedIsDeterministicPerSeed) {
  ASSERT_TRUE(have_gen()) << "rulec-gen is not built";
  TempDir d;
  std::string a = gen("--scenario mixed --count 3000 --seed 7");
  gen("--scenario mixed --events 3000 --seed 7 -o " + d.str("a.ndjson"));
  EXPECT_EQ(read_file(d.path() / "a.ndjson"), a);  // file and stdout give the same bytes
  EXPECT_EQ(gen("--scenario mixed --count 3000 --seed 7"), a);
  EXPECT_NE(gen("--scenario mixed --count 3000 --seed 8"), a);
  EXPECT_EQ(lines(a).size(), 3000u);
}

TEST(EventGen, MixedEventsAreValidSizedAndMixed) {
  ASSERT_TRUE(have_gen()) << "rulec-gen is not built";
  const std::vector<std::string> ls = lines(gen("--scenario mixed --count 10000 --seed 3"));
  ASSERT_EQ(ls.size(), 10000u);
  std::map<std::string, int> category, os;
  size_t total = 0, within = 0;
  std::string last_ts;
  for (const std::string& l : ls) {
    nlohmann::json e = nlohmann::json::parse(l);  // throws on invalid JSON
    ASSERT_TRUE(e.is_object());
    EXPECT_GE(l.size(), 1000u);
    EXPECT_LE(l.size(), 8192u);
    total += l.size();
    within += l.size() <= 2048;
    const std::string cat = e["event"]["category"][0].get<std::string>();
    category[cat]++;
    os[e["host"]["os"]["type"].get<std::string>()]++;
    if (cat == "process") {
      EXPECT_EQ(e["process"]["args_count"].get<size_t>(), e["process"]["args"].size());
    }
    std::string ts = e["@timestamp"].get<std::string>();
    EXPECT_LE(last_ts, ts) << "event time goes back";
    last_ts = ts;
  }
  double n = static_cast<double>(ls.size());
  EXPECT_GT(total / n, 1200.0);
  EXPECT_LT(total / n, 2300.0);
  EXPECT_GT(within / n, 0.55);  // most events are 1-2 KB; long command lines make a tail
  auto near = [&](const std::map<std::string, int>& m, const char* k, double want) {
    auto it = m.find(k);
    double got = it == m.end() ? 0 : it->second / n;
    EXPECT_NEAR(got, want, 0.04) << k;
  };
  near(category, "process", 0.50), near(category, "network", 0.25), near(category, "file", 0.15);
  near(category, "authentication", 0.10);
  near(os, "windows", 0.45), near(os, "linux", 0.40), near(os, "macos", 0.15);
}

TEST(EventGen, SuspiciousFractionIsAnOption) {
  ASSERT_TRUE(have_gen()) << "rulec-gen is not built";
  const char* markers[] = {"NOPASSWD", "--privileged", "sshd-keygen-wrapper", "AnyDesk", "169.254.169.254",
                           "/etc/shadow", "pastebin.com", "seclogo", "MSBuild.exe", "/tmp/f"};
  auto count = [&](const std::string& args) {
    int n = 0;
    for (const std::string& l : lines(gen(args)))
      for (const char* m : markers) n += l.find(m) != std::string::npos;
    return n;
  };
  EXPECT_EQ(count("--scenario mixed --count 5000 --seed 5 --suspicious 0"), 0);
  EXPECT_GT(count("--scenario mixed --count 5000 --seed 5 --suspicious 0.05"), 20);
}

TEST(EventGen, HelpNamesTheScenarios) {
  ASSERT_TRUE(have_gen()) << "rulec-gen is not built";
  CmdResult r = run_shell(bin("rulec-gen") + " --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("mixed"), std::string::npos);
  EXPECT_EQ(run_shell(bin("rulec-gen") + " --scenario nope 2>&1").status, 2);
}

}  // namespace event_gen_test
}  // namespace
