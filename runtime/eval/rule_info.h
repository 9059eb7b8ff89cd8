// What the runtime knows of each rule: identity, alert metadata, and detection parameters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rulec::rt {

// Sequence: an EQL sequence rule, whose own query never matches; each of its terms (and its until
// term) is a SequenceTerm rule of its own, whose matches feed the sequence's state machine.
enum class DetectionKind : uint8_t { Query, NewTerms, Threshold, ThreatMatch, Sequence, SequenceTerm };
inline constexpr uint8_t kLastDetectionKind = static_cast<uint8_t>(DetectionKind::SequenceTerm);

// A term field of a new-terms rule or a group-by field of a threshold rule, with the schema fact
// the runtime needs: keyword values longer than ignore_above behave as missing (0: no limit).
struct TermField {
  std::string path;
  uint32_t ignore_above = 0;
  bool operator==(const TermField&) const = default;
};

// How a threat_match entry compares an event's value with an indicator's (Kibana sends a `match`
// query on the event field): as the event field's type indexes it.
enum class ThreatCompare : uint8_t {
  Exact,  // keyword, wildcard, constant_keyword and unknown fields: the bytes
  Lower,  // keyword with a lowercase normalizer: both sides lowercased (ASCII, as the normalizer)
  Ip,     // ip: the address (IPv4-mapped IPv6 equals its IPv4 form)
  Number, // numeric fields: the number (so "443" equals 443.0)
};
inline constexpr uint8_t kThreatCompareCount = 4;

// One entry of a threat_mapping: the event's `field` equals the indicator's `value` field.
struct ThreatEntry {
  std::string field;  // event field
  std::string value;  // indicator field (full path in the indicator document)
  ThreatCompare compare = ThreatCompare::Exact;
  uint32_t ignore_above = 0;  // keyword: longer event values are not indexed (never match)
};

// An exception entry `field is (not) in list` of an item made of such entries (Kibana's
// filterEventsAgainstList): the list's values come from a file given to the runtime.
struct ValueListEntry {
  std::string field;
  std::string list_id;
  std::string list_type;      // keyword, text, ip, ip_range, long, double...: how values compare
  bool included = true;       // "is in list" (included) or "is not in list" (excluded)
  uint32_t ignore_above = 0;  // keyword event field: longer values are not indexed (missing)
};

// One term of an EQL sequence: its join keys (the sequence's `by` keys, then the term's own), which
// of them are optional (`?k`: a missing value is a value), whether it is a missing event `![…]`,
// and how many consecutive stages it stands for (`with runs=N`).
struct SequenceTermSpec {
  std::vector<TermField> keys;
  std::vector<uint8_t> optional;  // per key
  bool missing = false;
  int64_t runs = 1;
  bool operator==(const SequenceTermSpec&) const = default;
};

struct SequenceSpec {
  std::vector<SequenceTermSpec> terms;  // as written, runs not expanded
  bool has_until = false;
  SequenceTermSpec until;               // has_until: the until term (its keys)
  int64_t maxspan_ms = 0;               // 0: none; a sample: the rule's window (interval + lookback)
  bool sample = false;                  // an EQL sample: the terms are unordered filters (format 8)
  bool operator==(const SequenceSpec&) const = default;
};

struct RuleInfo {
  // Identity and alert metadata (spec rules.md §4).
  std::string rule_id;
  std::string name;
  std::string type_name;     // "query", "new_terms", "threshold"
  std::string rule_type_id;  // "siem.queryRule", "siem.newTermsRule", "siem.thresholdRule"
  std::string severity;
  int64_t risk_score = 0;
  std::vector<std::string> tags;
  std::string threat_json = "[]";  // the MITRE mapping, serialized JSON array
  std::string description;
  int64_t version = 1;
  // Kibana's kibana.alert.rule.* metadata (bundle format 2; defaults for format 1 bundles).
  std::string rule_uuid;                 // kibana.alert.rule.uuid: the rule's saved-object id
  std::string from = "now-6m", to = "now", interval = "5m";  // as written
  std::vector<std::string> author, references, false_positives, index;
  std::string license;
  bool immutable = false;
  std::string parameters_json = "{}";    // kibana.alert.rule.parameters, serialized JSON object
  // More kibana.alert.rule.* keys of the rule's saved object, as a serialized JSON object of
  // their names below kibana.alert.rule. and values: created_at, created_by, updated_at,
  // updated_by, meta.* (bundle format 3).
  std::string rule_fields_json = "{}";

  // Detection.
  DetectionKind kind = DetectionKind::Query;
  int64_t interval_ms = 5 * 60 * 1000;
  int64_t lookback_ms = 60 * 1000;  // (now - from) - interval: tolerated out-of-order arrival
  int64_t max_signals = 100;
  std::string timestamp_field;      // timestamp_override, or empty for @timestamp only
  std::vector<TermField> new_terms_fields;  // 1..3, ordered
  int64_t history_window_ms = 0;            // W: now - history_window_start
  std::vector<TermField> threshold_fields;  // may be empty
  int64_t threshold_value = 0;
  std::string cardinality_field;            // empty: no cardinality condition
  uint32_t cardinality_ignore_above = 0;
  int64_t cardinality_value = 0;

  // threat_match: the mappings (entries ANDed within one, mappings ORed), where the indicator
  // object lives in an indicator document, and which indicator documents the rule's threat_query
  // and threat_filters select: a GenericProgram of one atom, as encode_generic writes it
  // (evaluated when a feed is loaded, never per event).
  std::vector<std::vector<ThreatEntry>> threat_mapping;
  std::string threat_indicator_path = "threat.indicator";
  std::string threat_selector;

  // Exception items made of value-list entries (entries ANDed, items ORed): an event they match
  // raises nothing.
  std::vector<std::vector<ValueListEntry>> value_list_items;

  // EQL sequences (bundle format 7). A Sequence rule holds its terms; the SequenceTerm rules
  // that follow it in the rule list (one per term, then the until term) name it and their place.
  SequenceSpec sequence;
  uint32_t sequence_owner = 0;  // SequenceTerm: the sequence rule's index in the rule list
  uint32_t sequence_term = 0;   // SequenceTerm: its term's index (== terms.size(): the until term)

  // Hash of everything that defines the rule's state (type, query text, terms, window...): state
  // is kept across reloads only for rules whose id and definition hash are unchanged.
  uint64_t definition_hash = 0;
};

}  // namespace rulec::rt
