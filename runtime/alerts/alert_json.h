// Builds one alert document (spec rules.md §4) from a rule, its source event and the detection facts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/eval/rule_info.h"

namespace rulec::rt {

// One (indicator, mapping entry) pair that matched the event of a threat_match alert: what one
// of its enrichments says (Kibana's named query: the indicator's id and index, the entry's field
// and value).
struct ThreatMatchFact {
  std::string_view indicator_json;  // the indicator document's line, as its feed holds it
  std::string_view feed_name;       // the _index of a document that is not a search hit
  std::string_view field;           // the entry's event field
  std::string_view value;           // the entry's indicator field
};

struct AlertFacts {
  std::string_view event_json;            // the source event, as read
  // `@timestamp` of the alert: when it was made (--alert-time now, Kibana's), or the stream's
  // event-time watermark (--alert-time event: a replayed stream gives byte-identical alerts)
  int64_t alert_time_ms = 0;
  std::string uuid;                       // kibana.alert.uuid
  std::vector<std::string> new_terms;     // new_terms rules: the values in field order
  // threshold rules: the group's values in field order, its count, the bucket's start (in ids),
  // the earliest event time counted (threshold_result.from: Kibana's min_timestamp of the bucket;
  // the bucket's start when unknown) and the latest (kibana.alert.original_time: its max_timestamp)
  std::vector<std::string> threshold_terms;
  int64_t threshold_count = 0;
  int64_t threshold_from_ms = 0;
  int64_t threshold_first_ms = INT64_MIN;
  int64_t threshold_last_ms = INT64_MIN;
  int64_t cardinality = -1;               // distinct values of the cardinality field, -1 when none
  // threat_match rules: the matches, in the order of the enrichments (views valid during build)
  const std::vector<ThreatMatchFact>* threat_matches = nullptr;
  // EQL sequences (Kibana's buildAlertGroupFromSequence): kibana.alert.group.id of a building
  // block (group_index >= 0: its place, with building_block_type "default") or of the shell
  // alert, whose source is the fields its events share and whose ancestors are the building
  // blocks (group_ancestors: their ids).
  std::string group_id;
  int64_t group_index = -1;
  std::vector<std::string> group_ancestors;
};

// What every alert says of the deployment it stands for (Kibana writes these for its space).
inline constexpr std::string_view kSpaceId = "default";
inline constexpr std::string_view kKibanaVersion = "9.1.0";  // kibana.version

// kibana.alert.rule.category: the rule type's name in Kibana ("Custom Query Rule", ...).
std::string_view rule_category(DetectionKind kind);

// One line of NDJSON (no newline). Keys come out in a fixed order, so runs are byte-reproducible.
std::string alert_json(const RuleInfo& rule, const AlertFacts& facts);

// alert_json for a stream: the alerts of one event share the parse of the source and its copy
// into the alert (one event with a 200,000-element array and 100 alerts: 0.1 s, not 8 s). Call
// next_event() before the first alert of each event. Same bytes as alert_json.
class AlertBuilder {
 public:
  AlertBuilder();
  ~AlertBuilder();
  void next_event() { fresh_ = false; }
  std::string build(const RuleInfo& rule, const AlertFacts& facts);

 private:
  struct Cache;
  std::unique_ptr<Cache> cache_;
  bool fresh_ = false;
};

// A deterministic alert id: a UUID-shaped 128-bit hash of (source event, rule id, terms), where
// `event_hash` is Hash128 of the event's bytes (computed once per event, whatever the alerts).
std::string alert_uuid(std::pair<uint64_t, uint64_t> event_hash, std::string_view rule_id,
                       const std::vector<std::string>& terms);

// The ancestor an event stands for in an alert: its _id and _index (a search hit's), or the
// id rulec derives from its bytes and the index from its data_stream fields.
std::pair<std::string, std::string> event_ancestor(std::string_view event_json);

// The index Kibana writes alerts to, as a building block's ancestor entry names it.
inline constexpr std::string_view kAlertsIndex = ".internal.alerts-security.alerts-default-000001";

}  // namespace rulec::rt
