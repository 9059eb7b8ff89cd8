// Lowers a loaded rule to the runtime's RuleInfo: alert metadata, detection parameters, schema facts.
#include "compiler/frontend/runtime_rule.h"

#include <fmt/format.h>

#include "compiler/frontend/rule_parameters.h"

namespace rulec {

namespace {

// FNV-1a over length-prefixed parts: stable across runs, builds and platforms.
class StableHash {
 public:
  StableHash& add(std::string_view s) {
    uint64_t n = s.size();
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(n >> (8 * i)));
    for (char c : s) byte(static_cast<uint8_t>(c));
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  void byte(uint8_t b) {
    h_ ^= b;
    h_ *= 0x100000001b3ull;
  }
  uint64_t h_ = 0xcbf29ce484222325ull;
};

rt::TermField term_field(const std::string& path, const Schema& schema) {
  FieldInfo info = schema.lookup(path);
  return {path, is_string_exact(info.type) ? info.ignore_above : 0};
}

// How an entry's event field compares values: its type as the schema gives it.
rt::ThreatCompare threat_compare(const FieldInfo& info) {
  if (info.type == FieldType::Ip) return rt::ThreatCompare::Ip;
  if (is_numeric(info.type)) return rt::ThreatCompare::Number;
  return info.lowercase ? rt::ThreatCompare::Lower : rt::ThreatCompare::Exact;
}

// threat_mapping (Kibana's threatMapping: [{entries: [{field, type: "mapping", value}]}]),
// threat_indicator_path and threat_language. False with the reason when the rule cannot run.
bool lower_threat_mapping(const Rule& rule, const Schema& schema, rt::RuleInfo& r, std::string& error) {
  const auto* language = json_member(rule.raw, "threat_language");
  if (language && !(language->is_string() && language->get<std::string>() == "kuery")) {
    error = fmt::format("threat_language {} is not KQL", language->dump());
    return false;
  }
  if (const auto* path = json_member(rule.raw, "threat_indicator_path"); path && path->is_string() && !path->get<std::string>().empty())
    r.threat_indicator_path = path->get<std::string>();
  const auto* mapping = json_member(rule.raw, "threat_mapping");
  if (!mapping || !mapping->is_array() || mapping->empty()) {
    error = "threat_mapping is missing or empty";
    return false;
  }
  for (size_t i = 0; i < mapping->size(); ++i) {
    const auto* entries = json_member((*mapping)[i], "entries");
    if (!entries || !entries->is_array() || entries->empty()) {
      error = fmt::format("threat_mapping item {} has no entries", i + 1);
      return false;
    }
    std::vector<rt::ThreatEntry> out;
    for (size_t k = 0; k < entries->size(); ++k) {
      const auto& e = (*entries)[k];
      const auto* field = json_member(e, "field");
      const auto* value = json_member(e, "value");
      const auto* type = json_member(e, "type");
      if (!field || !field->is_string() || field->get<std::string>().empty() || !value || !value->is_string() ||
          value->get<std::string>().empty() || (type && !(type->is_string() && type->get<std::string>() == "mapping"))) {
        error = fmt::format("threat_mapping item {} entry {} is not {{field, type: \"mapping\", value}}", i + 1, k + 1);
        return false;
      }
      const FieldInfo info = schema.lookup(field->get<std::string>());
      out.push_back({field->get<std::string>(), value->get<std::string>(), threat_compare(info),
                     is_string_exact(info.type) ? info.ignore_above : 0});
    }
    r.threat_mapping.push_back(std::move(out));
  }
  return true;
}

}  // namespace

void lower_sequence(const eql::Query& q, const Schema& schema, rt::RuleInfo& r) {
  auto spec = [&](const eql::Term& t) {
    rt::SequenceTermSpec s;
    auto add = [&](const eql::Expr& k) {
      s.keys.push_back(term_field(k.field, schema));
      s.optional.push_back(k.optional ? 1 : 0);
    };
    for (const auto& k : q.keys) add(*k);
    for (const auto& k : t.keys) add(*k);
    s.missing = t.missing;
    s.runs = t.runs;
    return s;
  };
  r.kind = rt::DetectionKind::Sequence;
  r.sequence = {};
  for (const eql::Term& t : q.terms) r.sequence.terms.push_back(spec(t));
  if (q.until) {
    r.sequence.has_until = true;
    r.sequence.until = spec(*q.until);
  }
  r.sequence.maxspan_ms = q.maxspan_ms.value_or(0);
  if (q.kind == eql::QueryKind::Sample) {
    // Kibana finds a sample's events with one search over the rule's window: they lie within
    // interval + lookback of each other (decision recorded in sequence_machine.h).
    r.sequence.sample = true;
    r.sequence.maxspan_ms = r.interval_ms + r.lookback_ms;
  }
}

rt::RuleInfo sequence_term_info(const rt::RuleInfo& owner, uint32_t owner_index, uint32_t term) {
  rt::RuleInfo t;
  const bool until = term == owner.sequence.terms.size();
  t.rule_id = until ? owner.rule_id + "/until" : fmt::format("{}/term-{}", owner.rule_id, term + 1);
  t.name = until ? owner.name + " (until)" : fmt::format("{} (sequence term {})", owner.name, term + 1);
  t.type_name = owner.type_name;
  t.rule_type_id = owner.rule_type_id;
  t.kind = rt::DetectionKind::SequenceTerm;
  t.interval_ms = owner.interval_ms;
  t.lookback_ms = owner.lookback_ms;
  t.max_signals = owner.max_signals;
  t.timestamp_field = owner.timestamp_field;
  t.sequence_owner = owner_index;
  t.sequence_term = term;
  t.definition_hash = owner.definition_hash;
  return t;
}

std::optional<rt::RuleInfo> lower_rule_info(const Rule& rule, const Schema& schema, std::string& error) {
  rt::RuleInfo r;
  switch (rule.type) {
    case RuleType::Query:
      r.kind = rt::DetectionKind::Query;
      r.rule_type_id = "siem.queryRule";
      break;
    case RuleType::NewTerms:
      r.kind = rt::DetectionKind::NewTerms;
      r.rule_type_id = "siem.newTermsRule";
      break;
    case RuleType::Threshold:
      r.kind = rt::DetectionKind::Threshold;
      r.rule_type_id = "siem.thresholdRule";
      break;
    case RuleType::ThreatMatch:
      r.kind = rt::DetectionKind::ThreatMatch;
      r.rule_type_id = "siem.indicatorRule";
      break;
    case RuleType::Eql:  // an event query (the front end leaves sequences and samples out): one alert per event
      r.kind = rt::DetectionKind::Query;
      r.rule_type_id = "siem.eqlRule";
      break;
    default:
      error = fmt::format("rule type '{}' is not run on a stream", rule.type_name);
      return std::nullopt;
  }
  r.rule_id = rule.rule_id;
  r.name = rule.name;
  r.type_name = rule.type_name;
  r.severity = rule.severity;
  r.risk_score = rule.risk_score;
  r.tags = rule.tags;
  r.threat_json = rule.threat.dump();
  r.description = rule.description;
  r.version = rule.version;
  r.max_signals = rule.max_signals;
  r.timestamp_field = rule.timestamp_override.value_or("");
  lower_alert_metadata(rule, r);

  auto interval = parse_interval_ms(rule.interval);
  auto from = parse_now_offset_ms(rule.from);
  if (!interval || *interval <= 0 || !from || *from > 0) {
    error = fmt::format("cannot read interval '{}' or from '{}'", rule.interval, rule.from);
    return std::nullopt;
  }
  r.interval_ms = *interval;
  // Kibana runs every interval over [from, now]: what lies beyond one interval is the look-back
  // that tolerates late events.
  r.lookback_ms = -*from > *interval ? -*from - *interval : 0;

  StableHash h;
  h.add(rule.type_name).add(rule.query).add(rule.filters.dump()).add(rule.interval).add(rule.from);
  for (const ExceptionItem* item : rule.exception_items) {
    h.add(item->entries.dump());
    if (item->value_lists.empty()) continue;
    std::vector<rt::ValueListEntry> entries;
    for (const ValueListRef& v : item->value_lists) {
      const FieldInfo info = schema.lookup(v.field);
      entries.push_back({v.field, v.id, v.type, v.included, is_string_exact(info.type) ? info.ignore_above : 0});
    }
    r.value_list_items.push_back(std::move(entries));
  }

  if (rule.new_terms) {
    for (const auto& f : rule.new_terms->fields) {
      r.new_terms_fields.push_back(term_field(f, schema));
      h.add(f);
    }
    auto window = parse_now_offset_ms(rule.new_terms->history_window_start);
    if (!window || *window >= 0) {
      error = fmt::format("cannot read history_window_start '{}'", rule.new_terms->history_window_start);
      return std::nullopt;
    }
    r.history_window_ms = -*window;
    h.add(rule.new_terms->history_window_start);
  }
  if (rule.threshold) {
    for (const auto& f : rule.threshold->fields) {
      r.threshold_fields.push_back(term_field(f, schema));
      h.add(f);
    }
    r.threshold_value = rule.threshold->value;
    h.add(std::to_string(rule.threshold->value));
    if (!rule.threshold->cardinality.empty()) {
      const auto& c = rule.threshold->cardinality.front();
      rt::TermField cf = term_field(c.field, schema);
      r.cardinality_field = cf.path;
      r.cardinality_ignore_above = cf.ignore_above;
      r.cardinality_value = c.value;
      h.add(c.field).add(std::to_string(c.value));
    }
  }
  if (rule.type == RuleType::ThreatMatch) {
    if (!lower_threat_mapping(rule, schema, r, error)) return std::nullopt;
    h.add(r.threat_indicator_path);
    for (const char* key : {"threat_query", "threat_filters", "threat_mapping", "threat_language"})
      if (const auto* v = json_member(rule.raw, key)) h.add(v->dump());
  }
  r.definition_hash = h.value();
  return r;
}

}  // namespace rulec
