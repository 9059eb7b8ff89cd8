// Builds one alert document (spec rules.md §4) from a rule, its source event and the detection facts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/eval/rule_info.h"

namespace rulec::rt {

struct AlertFacts {
  std::string_view event_json;            // the source event, as read
  int64_t alert_time_ms = 0;              // `@timestamp` of the alert (the stream's event-time watermark)
  std::string uuid;                       // kibana.alert.uuid
  std::vector<std::string> new_terms;     // new_terms rules: the values in field order
  // threshold rules: the group's values in field order, its count and the bucket start
  std::vector<std::string> threshold_terms;
  int64_t threshold_count = 0;
  int64_t threshold_from_ms = 0;
  int64_t cardinality = -1;               // distinct values of the cardinality field, -1 when none
};

// One line of NDJSON (no newline). Keys come out in a fixed order, so runs are byte-reproducible.
std::string alert_json(const RuleInfo& rule, const AlertFacts& facts);

// A deterministic alert id: a UUID-shaped 128-bit hash of (source event, rule id, terms), where
// `event_hash` is Hash128 of the event's bytes (computed once per event, whatever the alerts).
std::string alert_uuid(std::pair<uint64_t, uint64_t> event_hash, std::string_view rule_id,
                       const std::vector<std::string>& terms);

}  // namespace rulec::rt
