// Detection on a stream: new terms (Elastic's documented cases), query max_signals, threshold, alerts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/common/dates.h"
#include "runtime/decoder/decoder.h"
#include "runtime/state/detector.h"

namespace rulec::rt {
namespace {
namespace detector_test {

namespace fs = std::filesystem;
using nlohmann::json;

RuleInfo rule(DetectionKind kind, std::string id = "r1") {
  RuleInfo r;
  r.rule_id = std::move(id);
  r.name = "Test rule";
  r.kind = kind;
  r.type_name = kind == DetectionKind::Query ? "query" : kind == DetectionKind::NewTerms ? "new_terms" : "threshold";
  r.rule_type_id = kind == DetectionKind::Query ? "siem.queryRule" : kind == DetectionKind::NewTerms ? "siem.newTermsRule" : "siem.thresholdRule";
  r.severity = "medium";
  r.risk_score = 47;
  r.interval_ms = 5 * 60000;
  r.lookback_ms = 4 * 60000;
  r.max_signals = 100;
  r.history_window_ms = 7LL * 86400000;
  r.definition_hash = 1;
  return r;
}

std::string ts(int64_t minutes) {  // minutes after 2026-01-01T00:00:00Z
  int64_t h = minutes / 60, m = minutes % 60, d = h / 24;
  h %= 24;
  char buf[64];
  std::snprintf(buf, sizeof buf, "2026-01-%02lldT%02lld:%02lld:00.000Z", static_cast<long long>(1 + d),
                static_cast<long long>(h), static_cast<long long>(m));
  return buf;
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("rulec-det-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string str(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::vector<json> read_alerts(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));
  return out;
}

// Runs events (JSON, matched by every rule unless `matched` says otherwise) through a detector.
struct Harness {
  std::vector<RuleInfo> rules;
  DetectorOptions options;
  std::string alerts_path;
  std::unique_ptr<Detector> det;
  Decoder decoder;
  std::string recovered;

  void open() {
    std::string error;
    det = Detector::create(rules, options, alerts_path, error, recovered);
    ASSERT_TRUE(det) << error;
  }
  void feed(const std::string& doc, bool matched = true) {
    Event ev;
    ASSERT_EQ(decoder.decode(doc, ev), DecodeError::None) << doc;
    RuleBits bits(rules.size());
    if (matched)
      for (size_t i = 0; i < rules.size(); ++i) bits.set(i);
    ASSERT_TRUE(det->on_event(ev, bits)) << det->error();
  }
  void close() {
    ASSERT_TRUE(det->finish()) << det->error();
    det.reset();
  }
};

std::set<std::vector<std::string>> new_terms_of(const std::vector<json>& alerts) {
  std::set<std::vector<std::string>> out;
  for (const auto& a : alerts) out.insert(a["kibana.alert.new_terms"].get<std::vector<std::string>>());
  return out;
}

TEST(NewTerms, ElasticDocumentedExampleGivesExactlyFiveAlerts) {
  // Elastic's docs: history {source.ip:[192.168.1.1], tags:[tag-1,tag-2]} and
  // {source.ip:[192.168.1.1], tags:[tag-1]}; then {source.ip:[.1,.2], tags:[tag-new-1,tag-2,tag-new-3]}.
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"source.ip", 0}, {"tags", 0}};
  h.alerts_path = d.str("alerts.ndjson");
  h.options.learn = true;
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","source":{"ip":["192.168.1.1"]},"tags":["tag-1","tag-2"]})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","source":{"ip":["192.168.1.1"]},"tags":["tag-1"]})");
  h.close();
  // The same history without --learn, then the new document.
  Harness g;
  g.rules = h.rules;
  g.alerts_path = d.str("alerts2.ndjson");
  g.open();
  g.feed(R"({"@timestamp":")" + ts(0) + R"(","source":{"ip":["192.168.1.1"]},"tags":["tag-1","tag-2"]})");
  g.feed(R"({"@timestamp":")" + ts(1) + R"(","source":{"ip":["192.168.1.1"]},"tags":["tag-1"]})");
  ASSERT_TRUE(g.det->checkpoint());
  size_t history_alerts = read_alerts(g.alerts_path).size();
  EXPECT_EQ(history_alerts, 2u);  // (1.1, tag-1) and (1.1, tag-2) were new when first seen
  g.feed(R"({"@timestamp":")" + ts(10) + R"(","source":{"ip":["192.168.1.1","192.168.1.2"]},"tags":["tag-new-1","tag-2","tag-new-3"]})");
  g.close();
  auto alerts = read_alerts(g.alerts_path);
  ASSERT_EQ(alerts.size(), 2u + 5u);
  std::vector<json> last(alerts.begin() + 2, alerts.end());
  std::set<std::vector<std::string>> expected = {{"192.168.1.1", "tag-new-1"}, {"192.168.1.1", "tag-new-3"},
                                                 {"192.168.1.2", "tag-new-1"}, {"192.168.1.2", "tag-2"},
                                                 {"192.168.1.2", "tag-new-3"}};
  EXPECT_EQ(new_terms_of(last), expected);
  EXPECT_TRUE(read_alerts(h.alerts_path).empty()) << "learn mode writes no alert";
}

TEST(NewTerms, CombinationOfOldValuesIsNew) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"host.id", 0}, {"user.name", 0}};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","host":{"id":"h1"},"user":{"name":"alice"}})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","host":{"id":"h2"},"user":{"name":"bob"}})");
  h.feed(R"({"@timestamp":")" + ts(2) + R"(","host":{"id":"h1"},"user":{"name":"bob"}})");
  h.feed(R"({"@timestamp":")" + ts(3) + R"(","host":{"id":"h1"},"user":{"name":"bob"}})");
  h.close();
  EXPECT_EQ(read_alerts(h.alerts_path).size(), 3u);
}

TEST(NewTerms, MissingOrNullFieldGivesNoTermAndNoHistory) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"host.id", 0}, {"user.name", 0}};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","host":{"id":"h1"}})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","host":{"id":"h1"},"user":{"name":null}})");
  h.feed(R"({"@timestamp":")" + ts(2) + R"(","host":{"id":"h1"},"user":{"name":[]}})");
  h.close();
  EXPECT_TRUE(read_alerts(h.alerts_path).empty());
}

TEST(NewTerms, UnmatchedEventLeavesNoHistory) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"host.id", 0}};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","host":{"id":"h1"}})", /*matched=*/false);
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","host":{"id":"h1"}})");
  h.close();
  EXPECT_EQ(read_alerts(h.alerts_path).size(), 1u);
}

TEST(NewTerms, TermExpiresAfterTheWindow) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"host.id", 0}};
  h.rules[0].history_window_ms = 60 * 60000;  // 1 hour
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","host":{"id":"h1"}})");   // new
  h.feed(R"({"@timestamp":")" + ts(59) + R"(","host":{"id":"h1"}})");  // seen 59 min ago
  h.feed(R"({"@timestamp":")" + ts(119) + R"(","host":{"id":"h1"}})"); // seen 60 min ago: within [t-W, t)
  h.feed(R"({"@timestamp":")" + ts(200) + R"(","host":{"id":"h1"}})"); // last seen 81 min ago: new again
  h.close();
  EXPECT_EQ(read_alerts(h.alerts_path).size(), 2u);
}

TEST(NewTerms, OutOfOrderWithinLookbackGivesOneAlert) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"host.id", 0}};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(3) + R"(","host":{"id":"h1"},"n":2})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","host":{"id":"h1"},"n":1})");  // earlier, arrives later: history
  h.close();
  EXPECT_EQ(read_alerts(h.alerts_path).size(), 1u);
}

TEST(NewTerms, IgnoreAboveValuesAreMissing) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"process.name", 8}};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","process":{"name":"123456789"}})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","process":{"name":"12345678"}})");
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["kibana.alert.new_terms"][0], "12345678");
}

TEST(Query, MaxSignalsCapsAlertsPerIntervalAndCountsTheRest) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::Query)};
  h.rules[0].max_signals = 3;
  h.alerts_path = d.str("a.ndjson");
  h.open();
  for (int i = 0; i < 5; ++i) h.feed(R"({"@timestamp":")" + ts(1) + R"(","n":)" + std::to_string(i) + "}");
  for (int i = 0; i < 2; ++i) h.feed(R"({"@timestamp":")" + ts(6) + R"(","n":)" + std::to_string(10 + i) + "}");
  const RuleCounters c = h.det->counters()[0];
  h.close();
  EXPECT_EQ(read_alerts(h.alerts_path).size(), 5u);  // 3 in the first interval, 2 in the next
  EXPECT_EQ(c.suppressed, 2u);
}

TEST(Query, AlertHasTheSpecFields) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::Query)};
  h.rules[0].tags = {"OS: Linux"};
  h.rules[0].threat_json = R"([{"framework":"MITRE ATT&CK"}])";
  h.rules[0].timestamp_field = "event.ingested";
  h.alerts_path = d.str("a.ndjson");
  h.options.alert_time_event = true;
  h.open();
  h.feed(R"({"@timestamp":"2026-01-01T00:00:00.000Z","event":{"ingested":"2026-01-01T00:00:02.000Z","category":["process"],"kind":"event","action":"exec"},"process":{"name":"nc"},"host":{"name":"web-01"}})");
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  const json& a = alerts[0];
  for (const char* key : {"@timestamp", "kibana.alert.original_time", "kibana.alert.uuid", "kibana.alert.rule.rule_id",
                          "kibana.alert.rule.name", "kibana.alert.rule.type", "kibana.alert.rule.severity",
                          "kibana.alert.rule.risk_score", "kibana.alert.rule.tags", "kibana.alert.rule.threat",
                          "kibana.alert.rule.rule_type_id", "kibana.alert.severity", "kibana.alert.risk_score",
                          "kibana.alert.reason", "kibana.alert.ancestors", "kibana.alert.original_event.action"})
    EXPECT_TRUE(a.contains(key)) << key << " in " << a.dump();
  EXPECT_EQ(a["event.kind"], "signal");  // flat, as Kibana's alert fields; the source's own kind is removed
  EXPECT_FALSE(a["event"].contains("kind"));
  EXPECT_EQ(a["event"]["action"], "exec");
  EXPECT_EQ(a["kibana.alert.original_event.kind"], "event");
  EXPECT_EQ(a["kibana.alert.original_time"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(a["@timestamp"], "2026-01-01T00:00:02.000Z");  // --alert-time event: the stream's (event.ingested)
  EXPECT_EQ(a["kibana.alert.rule.rule_type_id"], "siem.queryRule");
  EXPECT_EQ(a["process"]["name"], "nc");
  EXPECT_EQ(a["kibana.alert.rule.threat"][0]["framework"], "MITRE ATT&CK");
}

TEST(Query, EventWithoutTimeIsCountedNotAlerted) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::Query)};
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"process":{"name":"nc"}})");
  EXPECT_EQ(h.det->counters()[0].no_time, 1u);
  h.close();
  EXPECT_TRUE(read_alerts(h.alerts_path).empty());
}

TEST(Threshold, CountsPerGroupPerIntervalWithCardinality) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::Threshold)};
  h.rules[0].threshold_fields = {{"source.ip", 0}};
  h.rules[0].threshold_value = 3;
  h.rules[0].cardinality_field = "user.name";
  h.rules[0].cardinality_value = 2;
  h.alerts_path = d.str("a.ndjson");
  h.open();
  // 10.0.0.1: 3 events, 2 users in the first interval -> alert; 10.0.0.2: 3 events, 1 user -> none.
  h.feed(R"({"@timestamp":")" + ts(0) + R"(","source":{"ip":"10.0.0.1"},"user":{"name":"a"}})");
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","source":{"ip":"10.0.0.1"},"user":{"name":"a"}})");
  h.feed(R"({"@timestamp":")" + ts(2) + R"(","source":{"ip":"10.0.0.2"},"user":{"name":"a"}})");
  h.feed(R"({"@timestamp":")" + ts(2) + R"(","source":{"ip":"10.0.0.2"},"user":{"name":"a"}})");
  h.feed(R"({"@timestamp":")" + ts(3) + R"(","source":{"ip":"10.0.0.2"},"user":{"name":"a"}})");
  h.feed(R"({"@timestamp":")" + ts(3) + R"(","source":{"ip":"10.0.0.1"},"user":{"name":"b"}})");
  h.feed(R"({"@timestamp":")" + ts(4) + R"(","source":{"ip":"10.0.0.1"},"user":{"name":"c"}})");  // no second alert
  // Next interval: the count starts again.
  h.feed(R"({"@timestamp":")" + ts(5) + R"(","source":{"ip":"10.0.0.1"},"user":{"name":"a"}})");
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  const json& r = alerts[0]["kibana.alert.threshold_result"];
  EXPECT_EQ(r["count"], 3);
  EXPECT_EQ(r["terms"][0]["value"], "10.0.0.1");
  EXPECT_EQ(r["cardinality"][0]["value"], 2);
}

// A threshold rule counting events per host.id, reaching at `value`, alerts to DIR/a.ndjson.
void per_host_threshold(Harness& h, const TempDir& d, int64_t value) {
  h.rules = {rule(DetectionKind::Threshold)};
  h.rules[0].threshold_fields = {{"host.id", 0}};
  h.rules[0].threshold_value = value;
  h.alerts_path = d.str("a.ndjson");
}

// An event of host h1 at `iso`.
std::string host_event(const std::string& iso) { return R"({"@timestamp":")" + iso + R"(","host":{"id":"h1"}})"; }

TEST(Threshold, LateEventCountsInItsOwnBucket) {
  TempDir d;
  Harness h;
  per_host_threshold(h, d, 2);
  h.open();
  h.feed(host_event(ts(4)));  // bucket [0,5)
  h.feed(host_event(ts(6)));  // bucket [5,10)
  h.feed(host_event("2026-01-01T00:04:30.000Z"));  // late, within the look-back
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  // Kibana's threshold alert: `from` is the bucket's earliest event (min_timestamp), the original
  // time its latest (max_timestamp), whatever order they came in.
  EXPECT_EQ(alerts[0]["kibana.alert.threshold_result"]["from"], "2026-01-01T00:04:00.000Z");
  EXPECT_EQ(alerts[0]["kibana.alert.original_time"], "2026-01-01T00:04:30.000Z");
}

TEST(Threshold, FromAndOriginalTimeAreTheBucketsEarliestAndLatestEvents) {
  TempDir d;
  Harness h;
  per_host_threshold(h, d, 3);
  h.open();
  h.feed(host_event("2026-01-01T00:02:00.000Z"));
  h.feed(host_event("2026-01-01T00:03:10.000Z"));
  h.feed(host_event("2026-01-01T00:01:05.000Z"));  // crosses, earlier than the others
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["kibana.alert.threshold_result"]["from"], "2026-01-01T00:01:05.000Z");
  EXPECT_EQ(alerts[0]["kibana.alert.threshold_result"]["count"], 3);
  EXPECT_EQ(alerts[0]["kibana.alert.original_time"], "2026-01-01T00:03:10.000Z");
}

// A checkpoint keeps a group's earliest and latest event: the alert raised after a restart says
// what one run would have said.
TEST(Threshold, FromAndOriginalTimeSurviveARestart) {
  TempDir d;
  Harness h;
  per_host_threshold(h, d, 3);
  h.options.state_dir = d.str("state");
  h.open();
  h.feed(host_event("2026-01-01T00:01:00.000Z"));
  h.feed(host_event("2026-01-01T00:04:00.000Z"));
  h.close();
  h.open();
  h.feed(host_event("2026-01-01T00:02:00.000Z"));
  h.close();
  auto alerts = read_alerts(h.alerts_path);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0]["kibana.alert.threshold_result"]["from"], "2026-01-01T00:01:00.000Z");
  EXPECT_EQ(alerts[0]["kibana.alert.original_time"], "2026-01-01T00:04:00.000Z");
}

TEST(Threshold, ValueRepeatedInOneDocumentCountsOnce) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::Threshold)};
  h.rules[0].threshold_fields = {{"tags", 0}};
  h.rules[0].threshold_value = 2;
  h.alerts_path = d.str("a.ndjson");
  h.open();
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","tags":["a","a"]})");
  h.close();
  EXPECT_TRUE(read_alerts(h.alerts_path).empty());
}

// Regression (found by the AddressSanitizer suite): a threshold rule without a cardinality field
// hashed the scratch values another rule had left behind (views into earlier events' buffers) into
// its groups. Its groups must hold no cardinality values at all.
TEST(Threshold, NoCardinalityFieldKeepsNoCardinalityValues) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms, "nt"), rule(DetectionKind::Threshold, "th")};
  h.rules[0].new_terms_fields = {{"host.name", 0}, {"user.name", 0}};  // fills two scratch lists
  h.rules[1].threshold_fields = {{"host.name", 0}};                    // reads one, no cardinality
  h.rules[1].threshold_value = 1000;
  h.alerts_path = d.str("a.ndjson");
  h.options.state_dir = d.str("state");
  h.open();
  for (int i = 0; i < 50; ++i)  // growing documents, so the decoder's buffers move
    h.feed(R"({"@timestamp":")" + ts(i) + R"(","host.name":"h","user.name":"u)" + std::to_string(i) +
           R"(","pad":")" + std::string(static_cast<size_t>(i) * 200, 'x') + R"("})");
  h.close();
  Snapshot snap;
  std::string error;
  ASSERT_EQ(load_snapshot(d.str("state"), snap, error), LoadStatus::Ok) << error;
  ASSERT_EQ(snap.rule_ids.size(), 2u);
  ASSERT_EQ(snap.rule_ids[1].first, "th");
  ASSERT_FALSE(snap.states[1].groups.empty());
  for (const auto& [key, group] : snap.states[1].groups) {
    EXPECT_TRUE(group.distinct.empty()) << group.distinct.size() << " stray cardinality values";
  }
}

TEST(NewTerms, HugeCartesianProductIsCappedAndCounted) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"a", 0}, {"b", 0}, {"c", 0}};
  h.rules[0].max_signals = 1000000;
  h.alerts_path = d.str("a.ndjson");
  h.options.learn = true;
  h.open();
  std::string vals = "[";
  for (int i = 0; i < 100; ++i) vals += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
  vals += "]";
  h.feed(R"({"@timestamp":")" + ts(1) + R"(","a":)" + vals + R"(,"b":)" + vals + R"(,"c":)" + vals + "}");
  EXPECT_EQ(h.det->counters()[0].terms_capped, 1u);
  EXPECT_LE(h.det->state_entries(), 4096u);
  h.close();
}

TEST(NewTerms, ExpiryDoesNotDependOnCheckpointTiming) {
  // W = 60 min: h1@0, h2@66, then h1@58 arrives 8 min late (inside look-back + interval): history.
  auto run = [](uint64_t checkpoint_every) {
    TempDir d;
    Harness h;
    h.rules = {rule(DetectionKind::NewTerms)};
    h.rules[0].new_terms_fields = {{"host.id", 0}};
    h.rules[0].history_window_ms = 60 * 60000;
    h.alerts_path = d.str("a.ndjson");
    h.options.checkpoint_events = checkpoint_every;
    h.open();
    h.feed(R"({"@timestamp":")" + ts(0) + R"(","host":{"id":"h1"}})");
    h.feed(R"({"@timestamp":")" + ts(66) + R"(","host":{"id":"h2"}})");
    h.feed(R"({"@timestamp":")" + ts(58) + R"(","host":{"id":"h1"}})");
    h.close();
    return read_alerts(h.alerts_path).size();
  };
  EXPECT_EQ(run(1), 2u);
  EXPECT_EQ(run(1000), 2u);
}

// Events for the restart tests: new terms, a query rule with a cap, and a threshold rule.
std::vector<std::string> stream() {
  std::vector<std::string> out;
  for (int i = 0; i < 120; ++i)
    out.push_back(R"({"@timestamp":")" + ts(i) + R"(","host":{"id":"h)" + std::to_string(i % 7) +
                  R"("},"user":{"name":"u)" + std::to_string(i % 11) + R"("},"n":)" + std::to_string(i) + "}");
  return out;
}

std::vector<RuleInfo> three_rules() {
  RuleInfo nt = rule(DetectionKind::NewTerms, "nt");
  nt.new_terms_fields = {{"host.id", 0}, {"user.name", 0}};
  RuleInfo q = rule(DetectionKind::Query, "q");
  q.max_signals = 2;
  RuleInfo th = rule(DetectionKind::Threshold, "th");
  th.threshold_fields = {{"host.id", 0}};
  th.threshold_value = 1;
  return {nt, q, th};
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(State, RestartGivesTheSameAlertsAsOneRun) {
  TempDir d;
  auto events = stream();
  Harness one;
  one.rules = three_rules();
  one.alerts_path = d.str("one.ndjson");
  one.options.alert_time_event = true;  // byte-identical alerts: event-time stamps
  one.open();
  for (const auto& e : events) one.feed(e);
  one.close();

  Harness half;
  half.rules = three_rules();
  half.alerts_path = d.str("two.ndjson");
  half.options.alert_time_event = true;
  half.options.state_dir = d.str("state");
  half.open();
  for (size_t i = 0; i < events.size() / 2; ++i) half.feed(events[i]);
  half.close();
  Harness rest;
  rest.rules = three_rules();
  rest.alerts_path = d.str("two.ndjson");
  rest.options.alert_time_event = true;
  rest.options.state_dir = d.str("state");
  rest.open();
  EXPECT_NE(rest.recovered.find("recovered 3 rules"), std::string::npos) << rest.recovered;
  for (size_t i = events.size() / 2; i < events.size(); ++i) rest.feed(events[i]);
  rest.close();
  EXPECT_FALSE(read_alerts(d.str("one.ndjson")).empty());
  EXPECT_EQ(file_text(d.str("one.ndjson")), file_text(d.str("two.ndjson")));
}

// By default an alert's @timestamp (and kibana.alert.start) is when it was made, as Kibana's;
// --alert-time event stamps the stream's event time. The alert ids are the same either way.
TEST(State, AlertTimeIsTheWallClockUnlessEventTimeIsAsked) {
  TempDir d;
  auto events = stream();
  std::vector<std::vector<json>> runs;
  const int64_t before = wall_clock_ms();
  for (bool event_time : {false, true}) {
    Harness h;
    h.rules = three_rules();
    h.alerts_path = d.str(event_time ? "event.ndjson" : "now.ndjson");
    h.options.alert_time_event = event_time;
    h.open();
    for (const auto& e : events) h.feed(e);
    h.close();
    runs.push_back(read_alerts(h.alerts_path));
  }
  const int64_t after = wall_clock_ms();
  ASSERT_FALSE(runs[0].empty());
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 0; i < runs[0].size(); ++i) {
    const json& now = runs[0][i];
    EXPECT_EQ(now["kibana.alert.uuid"], runs[1][i]["kibana.alert.uuid"]);
    auto t = event_time_ms(now["@timestamp"].get<std::string>(), ValueKind::String);
    ASSERT_TRUE(t);
    EXPECT_GE(*t, before);
    EXPECT_LE(*t, after);
    EXPECT_EQ(now["kibana.alert.start"], now["@timestamp"]);
    EXPECT_LT(*event_time_ms(runs[1][i]["@timestamp"].get<std::string>(), ValueKind::String), before);
  }
}

TEST(State, KillDuringRunThenReplayWritesNoDuplicate) {
  TempDir d;
  auto events = stream();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Harness h;
    h.rules = three_rules();
    h.alerts_path = d.str("a.ndjson");
    h.options.state_dir = d.str("state");
    h.options.checkpoint_events = 7;
    h.open();
    for (size_t i = 0; i < events.size() * 2 / 3; ++i) h.feed(events[i]);
    kill(getpid(), SIGKILL);  // no finish(): alerts after the last checkpoint are on disk, state is not
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  Harness again;
  again.rules = three_rules();
  again.alerts_path = d.str("a.ndjson");
  again.options.state_dir = d.str("state");
  again.open();
  for (const auto& e : events) again.feed(e);
  again.close();

  Harness one;
  one.rules = three_rules();
  one.alerts_path = d.str("one.ndjson");
  one.open();
  for (const auto& e : events) one.feed(e);
  one.close();
  auto alerts = read_alerts(d.str("a.ndjson"));
  std::set<std::string> ids;
  for (const auto& a : alerts) EXPECT_TRUE(ids.insert(a["kibana.alert.uuid"].get<std::string>()).second) << "duplicate " << a["kibana.alert.uuid"];
  EXPECT_EQ(alerts.size(), read_alerts(d.str("one.ndjson")).size());
}

// The three rules over the whole stream, state in D/state and alerts in D/a.ndjson; the options used.
DetectorOptions run_stream_with_state(const TempDir& d) {
  Harness a;
  a.rules = three_rules();
  a.alerts_path = d.str("a.ndjson");
  a.options.state_dir = d.str("state");
  a.open();
  for (const auto& e : stream()) a.feed(e);
  a.close();
  return a.options;
}

TEST(State, ChangedRuleLosesItsStateOthersKeepIt) {
  TempDir d;
  const DetectorOptions options = run_stream_with_state(d);
  Harness b;
  b.rules = three_rules();
  b.rules[0].definition_hash = 2;  // the new-terms rule changed
  b.alerts_path = d.str("a.ndjson");
  b.options.state_dir = d.str("state");
  b.open();
  EXPECT_NE(b.recovered.find("recovered 2 rules"), std::string::npos) << b.recovered;
  EXPECT_NE(b.recovered.find("dropped 1"), std::string::npos) << b.recovered;
}

TEST(State, DamagedOrNewerStateIsRefusedWithAReason) {
  TempDir d;
  const DetectorOptions options = run_stream_with_state(d);
  std::string snap = d.str("state") + "/state.log";
  std::string bytes = file_text(snap);
  for (size_t pos : {size_t{3}, size_t{8}, bytes.size() / 2, bytes.size() - 1}) {
    std::string bad = bytes;
    bad[pos] = static_cast<char>(bad[pos] ^ 0x5A);
    std::ofstream(snap, std::ios::binary | std::ios::trunc) << bad;
    std::string error, recovered;
    auto det = Detector::create(three_rules(), options, d.str("a.ndjson"), error, recovered);
    EXPECT_FALSE(det) << "flipped byte " << pos;
    EXPECT_NE(error.find("not usable"), std::string::npos) << error;
  }
  std::string newer = bytes;
  newer[16 + 8] = 9;  // the checkpoint's format version (after the record header and its magic)
  std::ofstream(snap, std::ios::binary | std::ios::trunc) << newer;
  std::string error, recovered;
  EXPECT_FALSE(Detector::create(three_rules(), options, d.str("a.ndjson"), error, recovered));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
  std::ofstream(snap, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 3);
  EXPECT_FALSE(Detector::create(three_rules(), options, d.str("a.ndjson"), error, recovered));
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
}

TEST(State, AnotherRuleSetsStateIsRefusedUnlessAdopted) {
  TempDir d;
  const DetectorOptions options = run_stream_with_state(d);
  const std::string before = file_text(d.str("state") + "/state.log");

  // Not one rule id in common: another rule set's directory.
  std::vector<RuleInfo> other = {rule(DetectionKind::Query, "other-1"), rule(DetectionKind::NewTerms, "other-2")};
  std::string error, recovered;
  EXPECT_FALSE(Detector::create(other, options, d.str("b.ndjson"), error, recovered));
  EXPECT_NE(error.find("written for another rule set"), std::string::npos) << error;
  EXPECT_NE(error.find("none of its 3 rules"), std::string::npos) << error;
  EXPECT_NE(error.find("--state-adopt"), std::string::npos) << error;
  EXPECT_EQ(file_text(d.str("state") + "/state.log"), before) << "a refused directory is left as it was";

  // One id in common (the set grew, or its other rules were replaced): the same set, state kept.
  std::vector<RuleInfo> grown = other;
  grown.push_back(three_rules()[0]);
  error.clear();
  recovered.clear();
  auto det = Detector::create(grown, options, d.str("b.ndjson"), error, recovered);
  ASSERT_TRUE(det) << error;
  EXPECT_NE(recovered.find("recovered 1 rules"), std::string::npos) << recovered;
  det.reset();

  // Adopted: taken over, the old rules' state discarded.
  DetectorOptions adopt = options;
  adopt.adopt_state = true;
  det = Detector::create(other, adopt, d.str("b.ndjson"), error, recovered);
  ASSERT_TRUE(det) << error;
  ASSERT_TRUE(det->finish());
  det.reset();
  adopt.adopt_state = false;
  det = Detector::create(other, adopt, d.str("b.ndjson"), error, recovered);
  EXPECT_TRUE(det) << "after adoption the directory belongs to the new set: " << error;
}

TEST(State, InterruptedCheckpointFallsBackToThePreviousOne) {
  TempDir d;
  Harness a;
  a.rules = three_rules();
  a.alerts_path = d.str("a.ndjson");
  a.options.state_dir = d.str("state");
  a.open();
  auto events = stream();
  for (size_t i = 0; i < 30; ++i) a.feed(events[i]);
  ASSERT_TRUE(a.det->checkpoint());
  std::string log = d.str("state") + "/state.log";
  std::string one = file_text(log);
  for (size_t i = 30; i < 60; ++i) a.feed(events[i]);
  a.close();
  std::string two = file_text(log);
  ASSERT_GT(two.size(), one.size());
  // A crash in the middle of writing the second record.
  std::ofstream(log, std::ios::binary | std::ios::trunc) << two.substr(0, one.size() + (two.size() - one.size()) / 2);
  std::string error, recovered;
  auto det = Detector::create(three_rules(), a.options, d.str("b.ndjson"), error, recovered);
  ASSERT_TRUE(det) << error;
  EXPECT_NE(recovered.find("interrupted checkpoint"), std::string::npos) << recovered;
  // The next checkpoint replaces the torn record rather than appending after it (which would turn
  // the torn bytes into a damaged record in the middle of the log).
  ASSERT_TRUE(det->checkpoint()) << det->error();
  det.reset();
  recovered.clear();
  det = Detector::create(three_rules(), a.options, d.str("b.ndjson"), error, recovered);
  ASSERT_TRUE(det) << error;
  EXPECT_EQ(recovered.find("interrupted checkpoint"), std::string::npos) << recovered;
  ASSERT_TRUE(det->checkpoint()) << det->error();  // an append after the rewrite
  det.reset();
  det = Detector::create(three_rules(), a.options, d.str("b.ndjson"), error, recovered);
  EXPECT_TRUE(det) << error;
}

TEST(State, MaxStateMbEvictsOldestAndCounts) {
  TempDir d;
  Harness h;
  h.rules = {rule(DetectionKind::NewTerms)};
  h.rules[0].new_terms_fields = {{"n", 0}};
  h.alerts_path = d.str("a.ndjson");
  h.options.max_state_mb = 1;           // about 16k entries
  h.options.checkpoint_events = 5000;
  h.open();
  for (int i = 0; i < 40000; ++i) h.feed(R"({"@timestamp":")" + ts(i / 100) + R"(","n":)" + std::to_string(i) + "}");
  EXPECT_GT(h.det->evictions(), 0u);
  EXPECT_LE(h.det->state_entries(), 1024u * 1024u / 64u);
  h.close();
}

// The stream's builder (one parse per event, shared by its alerts) writes the bytes of a builder
// that starts afresh (alert_json), including when a source key is one the alert sets (Kibana drops
// the source's kibana.* keys) and when the time moves.
TEST(Alerts, BuilderWritesTheSameBytesAsAlertJson) {
  std::vector<RuleInfo> rules = {rule(DetectionKind::Query, "q"), rule(DetectionKind::NewTerms, "nt"),
                                 rule(DetectionKind::Threshold, "th")};
  rules[2].threshold_fields = {{"host.name", 0}};
  const std::vector<std::string> events = {
      R"({"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["process"],"kind":"event"},"host":{"name":"h"}})",
      R"({"_index":"logs-x","_id":"abc","_source":{"@timestamp":"2026-01-01T00:01:00Z","event.kind":"event","tags":["a","b"]}})",
      R"({"@timestamp":"2026-01-01T00:02:00Z","kibana.alert.uuid":"from-the-source","kibana.alert.reason":"x"})",
      R"({"@timestamp":"2026-01-01T00:03:00Z","big":[)" + std::string("1,2,3,4,5,6,7,8,9") + R"(],"s":"\u00e9\n"})",
      R"(not json at all)",
  };
  AlertBuilder builder;
  int64_t time = 1767225600000;
  for (const auto& e : events) {
    builder.next_event();
    for (int round = 0; round < 2; ++round)
      for (const auto& r : rules) {
        AlertFacts f;
        f.event_json = e;
        f.alert_time_ms = time + round;  // the second round moves the time: built whole
        f.uuid = "u-" + r.rule_id;
        f.new_terms = {"t1", "t2"};
        f.threshold_terms = {"h"};
        f.threshold_count = 3;
        f.threshold_from_ms = time;
        EXPECT_EQ(builder.build(r, f), alert_json(r, f)) << e << " / " << r.rule_id;
      }
    time += 60000;
  }
}

TEST(Alerts, WriteErrorIsReportedNotACrash) {
  Harness h;
  h.rules = {rule(DetectionKind::Query)};
  h.alerts_path = "/dev/full";
  h.open();
  Event ev;
  ASSERT_EQ(h.decoder.decode(R"({"@timestamp":"2026-01-01T00:00:00Z"})", ev), DecodeError::None);
  RuleBits bits(1);
  bits.set(0);
  bool ok = true;
  for (int i = 0; i < 2000 && ok; ++i) ok = h.det->on_event(ev, bits) && h.det->checkpoint();
  EXPECT_FALSE(ok);
  EXPECT_NE(h.det->error().find("No space left"), std::string::npos) << h.det->error();
}

}  // namespace detector_test
}  // namespace
}  // namespace rulec::rt
