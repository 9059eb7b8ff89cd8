// Events with extreme shapes through `rulec run`: processed or skipped with a reason, in bounded memory.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/sanitizers.h"

namespace rulec::testing {
namespace {
namespace extreme_events_test {

namespace fs = std::filesystem;

// `CMD` with stdout and stderr together, its exit status and its own peak RSS.
Finished run_measured(const std::string& cmd) {
  int fd = -1;
  const pid_t pid = spawn_shell(cmd, &fd, {.merge_stderr = true});
  return pid > 0 ? finish(pid, fd) : Finished{};
}

std::string ts(int minute) { return fmt::format("2026-01-01T{:02}:{:02}:00Z", minute / 60 % 24, minute % 60); }

// One extreme event per line, with what must happen to it: "" processed, else the skip reason.
struct Shape {
  std::string name, line, skip_reason;
};

// Each line starts with the placeholder timestamp kTs (events() puts the time in).
constexpr std::string_view kTs = "@TS@";

std::vector<Shape> shapes() {
  std::vector<Shape> v;
  auto head = [] { return R"({"@timestamp":")" + std::string(kTs) + R"(",)"; };
  {  // 10,000 fields; the rule reads the last one
    std::string l = head();
    for (int i = 0; i < 10000; ++i) l += fmt::format(R"("f{}":"v{}",)", i, i);
    v.push_back({"10k fields", l + R"("process":{"name":"init"}})", ""});
  }
  {  // 1,000-deep objects and arrays: past the decoder's depth limit
    std::string l = head() + R"("d":)";
    for (int i = 0; i < 1000; ++i) l += R"({"a":)";
    l += "1" + std::string(1000, '}') + "}";
    v.push_back({"1000-deep objects", l, "nesting too deep"});
    l = head() + R"("d":)" + std::string(1000, '[') + "1" + std::string(1000, ']') + "}";
    v.push_back({"1000-deep arrays", l, "nesting too deep"});
  }
  // A 1 MB string, the needle at its end; one with 100k escapes.
  v.push_back({"1 MB string", head() + R"("message":")" + std::string(1 << 20, 'x') + R"(needle"})", ""});
  {
    std::string esc;
    for (int i = 0; i < 100000; ++i) esc += "\\u00e9\\n";
    v.push_back({"100k escapes", head() + R"("message":")" + esc + R"(needle"})", ""});
  }
  {  // a 200,000-element array of distinct terms, and one of 500,000 numbers
    std::string l = head() + R"("tags":[)";
    for (int i = 0; i < 200000; ++i) l += fmt::format(R"({}"t{}")", i ? "," : "", i);
    v.push_back({"200k-term array", l + "]}", ""});
    l = head() + R"("process":{"pid":[)";
    for (int i = 0; i < 500000; ++i) l += i ? ",7" : "7";
    v.push_back({"500k-number array", l + "]}}", ""});
  }
  // Every JSON number form, at the edges of int64 and double.
  for (const char* n : {"0", "-0", "1000", "-1", "1.5", "1e3", "1E+3", "1e-3", "-1.5e-10", "1000.0", "0.1",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                        "123456789012345678901234567890", "1e308", "1e309", "-1e400", "5e-400", "4.9e-324",
                        "1.7976931348623157e308", "0e0", "1E-0"})
    v.push_back({std::string("number ") + n, head() + R"("process":{"pid":)" + n + "}}", ""});
  for (const char* n : {"01", "1.", ".5", "+1", "1e", "-", "NaN", "Infinity", "0x10", "1e+", "--1"})
    v.push_back({std::string("bad number ") + n, head() + R"("process":{"pid":)" + n + "}}", "invalid JSON"});
  // Invalid UTF-8 in a value and in a key: overlong, surrogate, truncated, stray continuation, 0xFF.
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\x80", "\xFF", "\xF4\x90\x80\x80"}) {
    v.push_back({"invalid UTF-8 value", head() + R"("message":"a)" + std::string(bad) + R"(b"})", "invalid UTF-8"});
    v.push_back({"invalid UTF-8 key", head() + R"("k)" + std::string(bad) + R"(":1})", "invalid UTF-8"});
  }
  // Escaped lone surrogates are valid JSON text: processed or skipped, never a crash.
  v.push_back({"lone surrogate escape", head() + R"("message":"\ud800x"})", "?"});
  return v;
}

struct Fixture {
  TempDir dir;
  std::string rules;
  Fixture() {
    rules = dir.str("rules");
    fs::create_directories(rules);
    write_query_rule(rules, "last-field", "f9999:v9999");
    write_query_rule(rules, "needle", "message:*needle");
    write_query_rule(rules, "big-n", "process.pid >= 1000");
    std::ofstream(rules + "/nt.json") << R"({"severity":"low","risk_score":21,"rule_id":"nt","name":"nt","type":"new_terms","language":"kuery",
      "query":"tags:*","new_terms_fields":["tags"],"history_window_start":"now-7d"})";
  }
  // Writes `copies` rounds of every shape, with normal events around them; returns the path.
  std::string events(int copies) const {
    const std::string path = dir.str(fmt::format("events-{}.ndjson", copies));
    std::ofstream out(path, std::ios::binary);
    int minute = 0;
    for (int c = 0; c < copies; ++c) {
      for (const auto& s : shapes()) {
        std::string line = s.line;
        line.replace(line.find(kTs), kTs.size(), ts(minute + 1));
        out << R"({"@timestamp":")" << ts(minute) << R"(","process":{"pid":5}})" << "\n" << line << "\n";
        minute += 2;
      }
    }
    return path;
  }
  Finished run(const std::string& events, const std::string& engine) const {
    return run_measured(bin("rulec") + " run -v " + quote(rules) + " --engine " + engine + " -e " + quote(events) +
                        " --alert-time event -a " + quote(dir.str("alerts-" + engine + ".ndjson")));
  }
};

TEST(ExtremeEvents, ProcessedOrSkippedWithTheReason) {
  Fixture f;
  const std::string events = f.events(1);
  const Finished jit = f.run(events, "jit");
  ASSERT_EQ(jit.status, 0) << jit.out.substr(0, 4000);
  const auto all = shapes();
  std::map<size_t, std::string> skipped;  // line -> reason
  std::istringstream err(jit.out);
  for (std::string l; std::getline(err, l);) {
    const auto at = l.find(events + ":");
    const auto sk = l.find(": skipped: ");
    if (at != std::string::npos && sk != std::string::npos)
      skipped[std::stoul(l.substr(at + events.size() + 1))] = l.substr(sk + 11);
  }
  for (size_t i = 0; i < all.size(); ++i) {
    const size_t line = 2 * i + 2;  // after its normal event
    const auto it = skipped.find(line);
    if (all[i].skip_reason == "?") continue;
    if (all[i].skip_reason.empty()) {
      EXPECT_EQ(it, skipped.end()) << all[i].name << " was skipped: " << (it == skipped.end() ? "" : it->second);
    } else {
      ASSERT_NE(it, skipped.end()) << all[i].name << " was not skipped";
      EXPECT_EQ(it->second.rfind(all[i].skip_reason, 0), 0u) << all[i].name << ": " << it->second;
      EXPECT_GT(it->second.size(), all[i].skip_reason.size() + 3) << "the reason says where: " << it->second;
    }
  }
  // What matched: the 10,000th field, the needles, the large numbers, the new terms (capped).
  std::map<std::string, int> by_rule;
  std::ifstream in(f.dir.str("alerts-jit.ndjson"));
  for (std::string l; std::getline(in, l);) by_rule[nlohmann::json::parse(l)["kibana.alert.rule.rule_id"]]++;
  EXPECT_EQ(by_rule["last-field"], 1);
  EXPECT_EQ(by_rule["needle"], 2);
  EXPECT_GE(by_rule["big-n"], 5);  // 1000, 1e3, 1E+3, 1000.0, 2^63-1 at least
  EXPECT_GE(by_rule["nt"], 1);
  EXPECT_LE(by_rule["nt"], 100);  // max_signals

  // The reference interpreter agrees on every alert.
  const Finished interp = f.run(events, "interp");
  ASSERT_EQ(interp.status, 0);
  EXPECT_TRUE(read_file(f.dir.str("alerts-jit.ndjson")) == read_file(f.dir.str("alerts-interp.ndjson")))
      << "jit and interpreter alerts differ";
}

// Ten times as many extreme events do not raise the peak memory: nothing is kept per event.
TEST(ExtremeEvents, MemoryDoesNotGrowWithTheirNumber) {
  Fixture f;
  const Finished one = f.run(f.events(1), "jit");
  // Under the sanitizers, where each round takes about ten times as long, three rounds.
  const int rounds = kUnderAsan ? 3 : 10;
  const Finished ten = f.run(f.events(rounds), "jit");
  ASSERT_EQ(one.status, 0);
  ASSERT_EQ(ten.status, 0);
  const long grown_mb = (ten.max_rss_kb - one.max_rss_kb) / 1024;
  std::printf("peak RSS: %ld MB for one round of extreme events, %ld MB for %d\n", one.max_rss_kb / 1024,
              ten.max_rss_kb / 1024, rounds);
  // AddressSanitizer's quarantine holds freed buffers (scripts/sanitize: up to 64 MB, 256 MB by
  // default) before reusing them.
  EXPECT_LT(grown_mb, kUnderAsan ? 300 : 24);
}

}  // namespace extreme_events_test
}  // namespace
}  // namespace rulec::testing
