// Deterministic generators of realistic ECS events (Elastic Defend shape) for demos, tests and benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::gen {

// A small, portable PRNG (splitmix64): the same seed gives the same events on every platform,
// unlike std:: distributions whose results are implementation-defined.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }  // uniform enough for test data
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // Heavy-tailed pick over n items: item 0 most frequent (Zipf-like, s ~= 1).
  size_t zipf(size_t n);

 private:
  uint64_t s_;
};

// The web-server scenario behind the seed rule (Unusual Child Execution via Web Server):
// routine children of web servers and other parents on a fleet of Linux hosts, plus attacks.
struct WebScenario {
  uint64_t seed = 42;
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  int64_t span_ms = 7LL * 86400000;  // events spread over this span
  uint64_t events = 20000;           // routine events (attacks come on top)
  int hosts = 12;
  bool attacks = false;              // add the attacks the seed rule must catch
};

// Calls `emit` with one JSON document (no newline) per event, in event-time order.
void generate_web(const WebScenario& s, const std::function<void(std::string_view)>& emit);

// Names of the attacks generate_web adds (command lines), for tests and the demo's explanation.
const std::vector<std::string>& web_attack_command_lines();

// The mixed scenario, a benchmark workload: Windows, Linux and macOS hosts (about 45/40/15% of
// events) shipping Elastic Defend process (~50%), network (~25%) and file (~15%) events and
// system-integration authentication events (~10%: Windows 4624/4625, Linux sshd), 1-2 KB each,
// with Zipf-like programs, parents, users and hosts, in event-time order. A small fraction
// carries values real corpus rules look for (see eventgen/gen_suspicious.cpp).
struct MixedScenario {
  uint64_t seed = 42;
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z
  int64_t span_ms = 7LL * 86400000;  // events spread over about this span
  uint64_t events = 100000;          // exactly this many events (suspicious ones included)
  int hosts = 200;                   // fleet size; host identities do not depend on the seed
  double suspicious = 0.005;         // fraction of suspicious events (0 for a clean history)
};

// Calls `emit` with one JSON document (no newline) per event; memory does not grow with `events`.
void generate_mixed(const MixedScenario& s, const std::function<void(std::string_view)>& emit);

// The indicators scenario: threat-intelligence indicator documents as Elastic's ti_* integrations
// write them (logs-ti_*: event.kind enrichment, threat.indicator.*, threat.feed.name), a feed for
// threat_match rules. Indicator i's value is indicator_value(seed, i, indicator_kind(i)), so tests
// and benchmarks can make events that hit it.
struct IndicatorScenario {
  uint64_t seed = 42;
  int64_t start_ms = 0;              // indicator times spread over [start, start + span)
  int64_t span_ms = 20LL * 86400000;
  uint64_t count = 100000;
  double stale = 0.05;               // fraction 40-100 days older than start (out of a 30-day look)
};
enum class IndicatorKind : uint8_t { Sha256, Md5, Ip, Url, Email, Registry };
IndicatorKind indicator_kind(uint64_t i);
std::string indicator_value(uint64_t seed, uint64_t i, IndicatorKind kind);
void generate_indicators(const IndicatorScenario& s, const std::function<void(std::string_view)>& emit);

}  // namespace rulec::gen
