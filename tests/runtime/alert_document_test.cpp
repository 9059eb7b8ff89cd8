// Alert documents as Kibana writes them: the reason template, the fields of each rule type, hits unwrapped.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/alerts/alert_json.h"
#include "runtime/alerts/alert_reason.h"
#include "runtime/common/dates.h"
#include "runtime/decoder/decoder.h"
#include "runtime/decoder/field_filter.h"

namespace rulec::rt {
namespace {
namespace alert_document_test {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

// ---- kibana.alert.reason ----
//
// The cases of Kibana's own reason_formatter.test.ts, in our words: a query hit whose `fields`
// block holds every field of the template, each as a one-element array, then one change per case.
ojson reason_base() {
  return ojson{{"event.category", {"test"}},       {"process.name", {"doingThings.exe"}},
               {"process.parent.name", {"didThings.exe"}}, {"file.name", {"sample"}},
               {"source.ip", {"1.11.11.1"}},       {"source.port", {"1234"}},
               {"destination.ip", {"9.99.99.9"}},  {"destination.port", {"6789"}},
               {"user.name", {"test-user"}},       {"host.name", {"host"}}};
}

struct ReasonCase {
  const char* what;
  std::vector<std::pair<const char*, ojson>> changes;  // a null value removes the field
  const char* expected;
};

TEST(AlertReason, KibanasTemplateCases) {
  const std::vector<ReasonCase> cases = {
      {"every field", {},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "destination 9.99.99.9:6789, by test-user on host created medium alert my-rule."},
      {"two categories are joined", {{"event.category", {"item one", "item two"}}},
       "item one, item two event with process doingThings.exe, parent process didThings.exe, file sample, source "
       "1.11.11.1:1234, destination 9.99.99.9:6789, by test-user on host created medium alert my-rule."},
      {"a host name of '-' is left out", {{"host.name", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "destination 9.99.99.9:6789, by test-user created medium alert my-rule."},
      {"a user name of '-' is left out", {{"user.name", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "destination 9.99.99.9:6789, on host created medium alert my-rule."},
      {"no destination port: no comma after the address", {{"destination.port", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "destination 9.99.99.9 by test-user on host created medium alert my-rule."},
      {"no destination at all", {{"destination.ip", {"-"}}, {"destination.port", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "by test-user on host created medium alert my-rule."},
      {"no source port", {{"source.port", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1 "
       "destination 9.99.99.9:6789, by test-user on host created medium alert my-rule."},
      {"no source at all", {{"source.ip", {"-"}}, {"source.port", {"-"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, destination "
       "9.99.99.9:6789, by test-user on host created medium alert my-rule."},
      {"no process names", {{"process.name", {"-"}}, {"process.parent.name", {"-"}}},
       "test event with file sample, source 1.11.11.1:1234, destination 9.99.99.9:6789, by test-user on host "
       "created medium alert my-rule."},
      {"only category and user: no 'with'",
       {{"process.name", nullptr}, {"process.parent.name", nullptr}, {"file.name", nullptr}, {"source.ip", nullptr},
        {"source.port", nullptr}, {"destination.ip", nullptr}, {"destination.port", nullptr}, {"host.name", nullptr}},
       "test event by test-user created medium alert my-rule."},
      {"missing and empty values are absent", {{"file.name", ojson::array()}, {"host.name", nullptr}},
       "test event with process doingThings.exe, parent process didThings.exe, source 1.11.11.1:1234, destination "
       "9.99.99.9:6789, by test-user created medium alert my-rule."},
      {"an array of hosts is joined", {{"host.name", {"a", "b"}}},
       "test event with process doingThings.exe, parent process didThings.exe, file sample, source 1.11.11.1:1234, "
       "destination 9.99.99.9:6789, by test-user on a, b created medium alert my-rule."},
  };
  for (const auto& c : cases) {
    ojson doc = reason_base();
    for (const auto& [k, v] : c.changes) {
      if (v.is_null()) doc.erase(k);
      else doc[k] = v;
    }
    EXPECT_EQ(kibana_reason(doc, ReasonView::Fields, "medium", "my-rule"), c.expected) << c.what;
  }
}

// Threshold and new terms alerts: Kibana reads the `_source` (no `fields` block).
TEST(AlertReason, SourceDocumentCases) {
  struct Case {
    const char* source;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {R"({"user.name":"Some User Name"})", "event by Some User Name created medium alert my-rule."},
      {R"({"host.name":"Some Host Name"})", "event on Some Host Name created medium alert my-rule."},
      {R"({"user.name":"Some User Name","host.name":"Some Host Name"})",
       "event by Some User Name on Some Host Name created medium alert my-rule."},
      {R"({})", "event created medium alert my-rule."},
      // Nested objects are read too; a bare number has no length in JavaScript: absent.
      {R"({"event":{"category":["process"]},"process":{"name":"sh"},"source":{"ip":"1.2.3.4","port":443}})",
       "process event with process sh, source 1.2.3.4 created medium alert my-rule."},
      {R"({"source":{"port":[443]}})", "event with:443, created medium alert my-rule."},
      {R"({"host":{"name":"-"},"user":{"name":""}})", "event created medium alert my-rule."},
  };
  for (const auto& c : cases)
    EXPECT_EQ(kibana_reason(ojson::parse(c.source), ReasonView::Source, "medium", "my-rule"), c.expected) << c.source;
}

// In the `fields` view (query alerts) numbers render, nested source objects flatten.
TEST(AlertReason, FieldsViewReadsNestedSourceAndNumbers) {
  const ojson doc = ojson::parse(R"({"source":{"ip":"1.2.3.4","port":443},"user":[{"name":"a"},{"name":"b"}]})");
  EXPECT_EQ(kibana_reason(doc, ReasonView::Fields, "high", "R"), "event with source 1.2.3.4:443, by a, b created high alert R.");
}

// ---- The alert document ----

RuleInfo test_rule(DetectionKind kind) {
  RuleInfo r;
  r.rule_id = "rid";
  r.name = "My rule";
  r.kind = kind;
  r.type_name = kind == DetectionKind::Query ? "query" : kind == DetectionKind::NewTerms ? "new_terms" : "threshold";
  r.rule_type_id = kind == DetectionKind::Query ? "siem.queryRule" : kind == DetectionKind::NewTerms ? "siem.newTermsRule" : "siem.thresholdRule";
  r.severity = "high";
  r.risk_score = 73;
  r.description = "What it finds";
  r.rule_uuid = "11111111-2222-3333-4444-555555555555";
  r.author = {"Elastic"};
  r.license = "Elastic License v2";
  r.references = {"https://example.com"};
  r.index = {"logs-endpoint.events.*", "auditbeat-*"};
  r.from = "now-9m";
  r.interval = "5m";
  r.max_signals = 100;
  r.parameters_json = R"({"description":"What it finds","exceptions_list":[],"type":"query"})";
  return r;
}

json build(const RuleInfo& r, const AlertFacts& f) { return json::parse(alert_json(r, f)); }

TEST(AlertDocument, QueryAlertFromASearchHit) {
  const std::string hit =
      R"({"_index":".ds-logs-endpoint.events.process-default-2022.02.15-000001","_id":"BuvxBH8BU45FNSRmRWIK","_version":1,)"
      R"("_source":{"@timestamp":"2022-02-16T23:27:53.5Z","event":{"kind":"event","category":["process"]},)"
      R"("process":{"name":"id"},"host":{"name":"h1"},"kibana":{"alert":{"uuid":"x"}},"signal":{"a":1},)"
      R"("data_stream":{"type":"logs","dataset":"endpoint.events.process","namespace":"default"}}})";
  AlertFacts f;
  f.event_json = hit;
  f.alert_time_ms = 1767225600123;
  f.uuid = "u1";
  const json a = build(test_rule(DetectionKind::Query), f);
  EXPECT_EQ(a["@timestamp"], "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(a["kibana.alert.original_time"], "2022-02-16T23:27:53.500Z");  // toISOString: milliseconds, Z
  EXPECT_EQ(a["kibana.alert.ancestors"],
            json::parse(R"([{"id":"BuvxBH8BU45FNSRmRWIK","type":"event","index":".ds-logs-endpoint.events.process-default-2022.02.15-000001","depth":0}])"));
  EXPECT_EQ(a["kibana.alert.depth"], 1);
  EXPECT_EQ(a["kibana.space_ids"], json::array({"default"}));
  EXPECT_EQ(a["kibana.version"], std::string(kKibanaVersion));
  EXPECT_EQ(a["kibana.alert.rule.consumer"], "siem");
  EXPECT_EQ(a["kibana.alert.rule.producer"], "siem");
  EXPECT_EQ(a["kibana.alert.rule.category"], "Custom Query Rule");
  EXPECT_EQ(a["kibana.alert.rule.uuid"], "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(a["kibana.alert.rule.parameters"]["description"], "What it finds");
  EXPECT_EQ(a["kibana.alert.rule.description"], "What it finds");
  EXPECT_EQ(a["kibana.alert.rule.from"], "now-9m");
  EXPECT_EQ(a["kibana.alert.rule.interval"], "5m");
  EXPECT_EQ(a["kibana.alert.rule.author"], json::array({"Elastic"}));
  EXPECT_EQ(a["kibana.alert.rule.license"], "Elastic License v2");
  EXPECT_EQ(a["kibana.alert.rule.references"], json::array({"https://example.com"}));
  EXPECT_EQ(a["kibana.alert.rule.max_signals"], 100);
  EXPECT_EQ(a["kibana.alert.rule.indices"], json::array({"logs-endpoint.events.*", "auditbeat-*"}));
  EXPECT_EQ(a["kibana.alert.start"], a["@timestamp"]);
  EXPECT_EQ(a["event.kind"], "signal");
  EXPECT_EQ(a["kibana.alert.original_event.kind"], "event");
  EXPECT_EQ(a["kibana.alert.original_event.category"], json::array({"process"}));
  EXPECT_EQ(a["kibana.alert.original_data_stream.dataset"], "endpoint.events.process");  // Kibana 8.19's copy
  EXPECT_EQ(a["data_stream"]["namespace"], "default");
  EXPECT_EQ(a["process"]["name"], "id");
  EXPECT_FALSE(a.contains("kibana")) << "the source's kibana.* keys are dropped";
  EXPECT_FALSE(a.contains("signal"));
  EXPECT_FALSE(a.contains("_source"));
  EXPECT_EQ(a["kibana.alert.reason"], "process event with process id, on h1 created high alert My rule.");
  EXPECT_EQ(a["kibana.alert.uuid"], "u1");
}

TEST(AlertDocument, OriginalTimeIsNormalisedOrLeftOut) {
  const RuleInfo r = test_rule(DetectionKind::Query);
  AlertFacts f;
  f.uuid = "u";
  for (const auto& [source, want] : std::vector<std::pair<std::string, std::string>>{
           {R"({"@timestamp":1645054073500})", "2022-02-16T23:27:53.500Z"},
           {R"({"@timestamp":"1645054073500"})", "2022-02-16T23:27:53.500Z"},
           {R"({"@timestamp":"2022-02-16T23:27:53.123456789Z"})", "2022-02-16T23:27:53.123Z"},
           {R"({"@timestamp":"2022-02-17T01:27:53+02:00"})", "2022-02-16T23:27:53.000Z"},
           {R"({"@timestamp":"not a date"})", ""},
           {R"({"x":1})", ""}}) {
    f.event_json = source;
    const json a = build(r, f);
    if (want.empty()) EXPECT_FALSE(a.contains("kibana.alert.original_time")) << source;
    else EXPECT_EQ(a["kibana.alert.original_time"], want) << source;
  }
}

TEST(AlertDocument, ThresholdAlertHoldsTheGroupNotTheEvent) {
  RuleInfo r = test_rule(DetectionKind::Threshold);
  r.threshold_fields = {{"user.name", 0}, {"host.name", 0}};
  AlertFacts f;
  f.event_json = R"({"@timestamp":"2026-01-01T00:03:00Z","process":{"name":"sshd"},"user":{"name":"bob"},"host":{"name":"h1"}})";
  f.alert_time_ms = 1767225900000;
  f.uuid = "u";
  f.threshold_terms = {"bob", "h1"};
  f.threshold_count = 7;
  f.threshold_from_ms = 1767225600000;
  f.threshold_last_ms = 1767225780000;
  const json a = build(r, f);
  EXPECT_EQ(a["user.name"], "bob");
  EXPECT_EQ(a["host.name"], "h1");
  EXPECT_FALSE(a.contains("process")) << "no field of one event";
  EXPECT_FALSE(a.contains("user"));
  EXPECT_FALSE(a.contains("kibana.alert.original_event.kind"));
  EXPECT_EQ(a["kibana.alert.original_time"], "2026-01-01T00:03:00.000Z");
  EXPECT_EQ(a["kibana.alert.threshold_result"],
            json::parse(R"({"count":7,"from":"2026-01-01T00:00:00.000Z","terms":[{"field":"user.name","value":"bob"},{"field":"host.name","value":"h1"}]})"));
  EXPECT_EQ(a["kibana.alert.reason"], "event by bob on h1 created high alert My rule.");
  EXPECT_EQ(a["kibana.alert.rule.category"], "Threshold Rule");
  ASSERT_EQ(a["kibana.alert.ancestors"].size(), 1u);
  EXPECT_EQ(a["kibana.alert.ancestors"][0]["index"], "logs-endpoint.events.*,auditbeat-*");
  EXPECT_EQ(a["kibana.alert.ancestors"][0]["type"], "event");
  // Without group-by fields: the count alone.
  r.threshold_fields.clear();
  f.threshold_terms.clear();
  const json b = build(r, f);
  EXPECT_EQ(b["kibana.alert.threshold_result"]["terms"], json::array());
  EXPECT_EQ(b["kibana.alert.reason"], "event created high alert My rule.");
}

TEST(AlertDocument, NewTermsAlertReadsTheSource) {
  const RuleInfo r = test_rule(DetectionKind::NewTerms);
  AlertFacts f;
  f.event_json = R"({"@timestamp":"2026-01-01T00:03:00Z","destination":{"ip":"10.0.0.9","port":22},"user":{"name":"bob"}})";
  f.uuid = "u";
  f.new_terms = {"10.0.0.9"};
  const json a = build(r, f);
  EXPECT_EQ(a["kibana.alert.new_terms"], json::array({"10.0.0.9"}));
  EXPECT_EQ(a["kibana.alert.rule.category"], "New Terms Rule");
  // The port is a bare number in the source: Kibana's template leaves it out.
  EXPECT_EQ(a["kibana.alert.reason"], "event with destination 10.0.0.9 by bob created high alert My rule.");
}

// ---- Search hits are decoded as their _source ----

std::vector<std::string> paths(const Event& ev) {
  std::vector<std::string> out;
  for (const auto& l : ev.leaves) out.emplace_back(l.path);
  return out;
}

TEST(HitDecoding, HitIsDecodedAsItsSource) {
  Decoder d;
  Event ev;
  const std::string hit = R"({"_index":"i","_id":"x","_version":1,"_score":null,"_source":{"process":{"name":"sh"},"@timestamp":"2026-01-01T00:00:00Z"}})";
  ASSERT_EQ(d.decode(hit, ev), DecodeError::None);
  EXPECT_EQ(paths(ev), (std::vector<std::string>{"process.name", "@timestamp"}));
  EXPECT_EQ(ev.raw, hit);
  // With a field filter too.
  FieldFilter filter(std::vector<std::string>{"process.name"});
  d.set_filter(&filter);
  ASSERT_EQ(d.decode(hit, ev), DecodeError::None);
  EXPECT_EQ(paths(ev), (std::vector<std::string>{"process.name"}));
  d.set_filter(nullptr);
  // Keys starting with '_' without a _source: the document itself.
  ASSERT_EQ(d.decode(R"({"_id":"x","a":1})", ev), DecodeError::None);
  EXPECT_EQ(paths(ev), (std::vector<std::string>{"_id", "a"}));
  // A _source without _id or _index is no hit.
  ASSERT_EQ(d.decode(R"({"_source":{"a":1}})", ev), DecodeError::None);
  EXPECT_EQ(paths(ev), (std::vector<std::string>{"_source.a"}));
  // An invalid hit is refused like any invalid document.
  std::string message;
  EXPECT_EQ(d.decode(R"({"_id":"x","_source":{"a":tru},"b":2})", ev, &message), DecodeError::BadJson) << message;
  EXPECT_EQ(d.decode(R"({"_id":"x","_source":{"a":1},"b":})", ev, &message), DecodeError::BadJson) << message;
}

}  // namespace alert_document_test
}  // namespace
}  // namespace rulec::rt
