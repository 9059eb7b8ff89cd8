// The detection loop (decode, detector: new terms, threshold, max_signals) does not allocate per event after warm-up (global operator new counted in this binary).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/alloc_counter.h"
#include "runtime/decoder/decoder.h"
#include "runtime/state/detector.h"

namespace rulec::rt {
namespace {
namespace detector_no_alloc_test {

RuleInfo rule(DetectionKind kind, const char* id) {
  RuleInfo r;
  r.rule_id = id;
  r.name = id;
  r.kind = kind;
  r.type_name = kind == DetectionKind::Query ? "query" : kind == DetectionKind::NewTerms ? "new_terms" : "threshold";
  r.rule_type_id = "siem.queryRule";
  r.severity = "low";
  r.risk_score = 21;
  r.interval_ms = 5 * 60000;
  r.lookback_ms = 4 * 60000;
  r.history_window_ms = 7LL * 86400000;
  r.definition_hash = 1;
  return r;
}

// Events that match every rule but, once each term, group and interval has been seen, raise no
// alert: their terms are known, their groups stay under the threshold (or alerted already), and
// the query rule's interval is over its max_signals.
TEST(DetectorNoAlloc, KnownTermsGroupsAndFullIntervalsAllocateNothing) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("rulec-noalloc-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<RuleInfo> rules{rule(DetectionKind::NewTerms, "nt"), rule(DetectionKind::Threshold, "th"),
                              rule(DetectionKind::Threshold, "th-alerted"), rule(DetectionKind::Query, "q"),
                              rule(DetectionKind::NewTerms, "nt-ingested")};
  rules[0].new_terms_fields = {{"host.id", 0}, {"process.args", 0}};
  rules[1].threshold_fields = {{"host.id", 0}};
  rules[1].threshold_value = 1000000;
  rules[1].cardinality_field = "user.name";
  rules[1].cardinality_value = 2;
  rules[2].threshold_fields = {{"user.name", 0}};
  rules[2].threshold_value = 2;
  rules[3].max_signals = 1;
  rules[4].new_terms_fields = {{"process.name", 0}};
  rules[4].timestamp_field = "event.ingested";
  DetectorOptions options;
  options.checkpoint_events = 1u << 30;  // a checkpoint is not per-event work
  options.alert_time_event = true;
  std::string error, recovered;
  auto det = Detector::create(rules, options, (dir / "a.ndjson").string(), error, recovered);
  ASSERT_TRUE(det) << error;

  std::vector<std::string> docs;
  for (int i = 0; i < 40; ++i)
    docs.push_back(R"({"@timestamp":"2026-01-01T00:0)" + std::to_string(i % 5) + R"(:)" + std::to_string(10 + i) +
                   R"(.000Z","event":{"ingested":"2026-01-01T00:04:59.000Z"},"host":{"id":"h)" + std::to_string(i % 7) +
                   R"("},"user":{"name":"u)" + std::to_string(i % 3) + R"("},"process":{"name":"p)" + std::to_string(i % 4) +
                   R"(","args":["a","b)" + std::to_string(i % 2) + R"(","a"]}})");
  Decoder decoder;
  Event ev;
  RuleBits bits(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) bits.set(i);
  auto feed_all = [&] {
    for (const auto& d : docs) {
      ASSERT_EQ(decoder.decode(d, ev), DecodeError::None) << d;
      ASSERT_TRUE(det->on_event(ev, bits)) << det->error();
    }
  };
  feed_all();  // warm-up: terms, groups and buckets are made, the first alerts written
  feed_all();
  const uint64_t alerts = det->counters()[3].alerts + det->counters()[0].alerts + det->counters()[2].alerts;
  EXPECT_GT(alerts, 0u);
  const uint64_t before = g_allocations.load();
  feed_all();
  feed_all();
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_EQ(det->counters()[3].alerts + det->counters()[0].alerts + det->counters()[2].alerts, alerts) << "no alert after warm-up";
  EXPECT_GT(det->counters()[3].suppressed, 0u);
  ASSERT_TRUE(det->finish()) << det->error();
  det.reset();
  fs::remove_all(dir);
}

}  // namespace detector_no_alloc_test
}  // namespace
}  // namespace rulec::rt
