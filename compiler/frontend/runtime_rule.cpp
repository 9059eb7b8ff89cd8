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

}  // namespace

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
  for (const ExceptionItem* item : rule.exception_items) h.add(item->entries.dump());

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
  r.definition_hash = h.value();
  return r;
}

}  // namespace rulec
