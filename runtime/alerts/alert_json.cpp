// Builds one alert document, as Kibana's detection engine writes it, from a rule, its source event and the detection facts.
//
// Kibana sources followed (x-pack/solutions/security/plugins/security_solution/server/lib/detection_engine/):
// rule_types/factories/utils/build_alert.ts (buildAlertFields), transform_hit_to_alert.ts and
// traverse_and_mutate_doc.ts (the source part), rule_types/threshold/bulk_create_threshold_signals.ts
// (the threshold hit), rule_types/utils/utils.ts (getValidDateFromDoc); the rule registry's
// get_common_alert_fields.ts and create_persistence_rule_type_wrapper.ts (category, producer,
// kibana.version, start, last_detected).
#include "runtime/alerts/alert_json.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <random>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/alerts/alert_reason.h"
#include "runtime/alerts/rule_overrides.h"
#include "runtime/common/dates.h"
#include "runtime/common/hash128.h"

namespace rulec::rt {

using ojson = nlohmann::ordered_json;

std::string alert_uuid(std::pair<uint64_t, uint64_t> event_hash, std::string_view rule_id,
                       const std::vector<std::string>& terms) {
  Hash128 h;
  char eh[16];
  std::memcpy(eh, &event_hash.first, 8);
  std::memcpy(eh + 8, &event_hash.second, 8);
  h.add(std::string_view(eh, 16)).add(rule_id);
  for (const auto& t : terms) h.add(t);
  auto [a, b] = h.value();
  // Shaped as a version-5 UUID (name-based), variant 10.
  return fmt::format("{:08x}-{:04x}-5{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffull);
}

std::string_view rule_category(DetectionKind kind) {
  switch (kind) {
    case DetectionKind::Query: return "Custom Query Rule";
    case DetectionKind::NewTerms: return "New Terms Rule";
    case DetectionKind::Threshold: return "Threshold Rule";
    case DetectionKind::ThreatMatch: return "Indicator Match Rule";
    case DetectionKind::Sequence:
    case DetectionKind::SequenceTerm: return "Event Correlation Rule";
  }
  return "";
}

namespace {

// The value at a dotted path of the source document, or null (objects and dotted keys both work).
const ojson* value_at(const ojson& doc, std::string_view path) {
  const ojson* cur = &doc;
  std::string_view rest = path;
  while (cur->is_object()) {
    auto whole = cur->find(std::string(rest));
    if (whole != cur->end()) return &*whole;
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return nullptr;
    auto it = cur->find(std::string(rest.substr(0, dot)));
    if (it == cur->end()) return nullptr;
    cur = &*it;
    rest = rest.substr(dot + 1);
  }
  return nullptr;
}

// A dotted path of the source document as a string, or "".
std::string text_at(const ojson& doc, std::string_view path) {
  const ojson* v = value_at(doc, path);
  if (!v) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_array() && !v->empty() && (*v)[0].is_string()) return (*v)[0].get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return {};
}

void flatten_into(ojson& out, const std::string& prefix, const ojson& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) flatten_into(out, prefix + "." + it.key(), it.value());
  } else {
    out[prefix] = v;
  }
}

// Kibana's traverseAndMutateDoc drops top-level keys whose first segment is one of these.
bool banned_key(std::string_view key) {
  const std::string_view first = key.substr(0, key.find('.'));
  return first == "kibana" || first == "signal" || first == "threshold_result";
}

// getValidDateFromDoc then toISOString: the source's top-level `@timestamp` (a date string, epoch
// millis as a number or a numeric string) as YYYY-MM-DDTHH:mm:ss.sssZ; nullopt when unreadable.
std::optional<std::string> original_time(const ojson& src) {
  auto it = src.find("@timestamp");
  if (it == src.end()) return std::nullopt;
  std::optional<int64_t> ms;
  if (it->is_string()) ms = event_time_ms(it->get_ref<const std::string&>(), ValueKind::String);
  else if (it->is_number()) ms = event_time_ms(it->dump(), ValueKind::Number);
  if (!ms) return std::nullopt;
  return iso8601_ms(*ms);
}

}  // namespace

// What an alert takes from its source event, the same for every alert of that event (outside the
// anonymous namespace: AlertBuilder::Cache holds one).
struct AlertSource {
  ojson src;  // the source document (a search hit's _source)
  std::string id, index;
};

// `text` parsed, or `fallback` when it is not JSON.
ojson parsed_or(const std::string& text, ojson fallback) {
  ojson v = ojson::parse(text, nullptr, false);
  return v.is_discarded() ? fallback : v;
}

std::string dump(const ojson& a) { return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// A rule's JSON texts an alert repeats (parameters, saved-object fields, threat), parsed once and
// kept while the texts stay the same (a reloaded rule set may change them). The largest values an
// alert holds (parameters, description, note, threat: kilobytes of investigation guide) are also
// kept as JSON text: the alert is built with a marker in their place, and its text then spliced in.
struct ParsedRule {
  enum Big { kParameters, kDescription, kNote, kThreat, kBigCount };
  std::string params_text, saved_text, threat_text, description;
  ojson params, saved, threat;
  std::string dumped[kBigCount];  // each big value as JSON text (empty: the alert has none)
  bool ready = false;
  void refresh(const RuleInfo& r) {
    if (ready && params_text == r.parameters_json && saved_text == r.rule_fields_json && threat_text == r.threat_json &&
        description == r.description)
      return;
    params_text = r.parameters_json, saved_text = r.rule_fields_json, threat_text = r.threat_json;
    description = r.description;
    params = parsed_or(params_text, ojson::object());
    saved = parsed_or(saved_text, ojson::object());
    threat = parsed_or(threat_text, ojson::array());
    dumped[kParameters] = dump(params);
    dumped[kDescription] = dump(ojson(description));
    auto note = params.find("note");
    dumped[kNote] = note == params.end() ? std::string() : dump(*note);
    dumped[kThreat] = dump(threat);
    ready = true;
  }
};

// The marker standing for big value k in an alert being built: control characters around a
// random nonce, so that no event's content can pass for one (the marker as dumped: `marker_text`).
std::string marker(const std::string& nonce, int k) { return "\x01" + nonce + static_cast<char>('0' + k) + "\x01"; }
std::string marker_text(const std::string& nonce, int k) {
  return "\"\\u0001" + nonce + static_cast<char>('0' + k) + "\\u0001\"";
}

namespace {

AlertSource parse_source(std::string_view event_json) {
  AlertSource s;
  s.src = ojson::parse(event_json.begin(), event_json.end(), nullptr, /*allow_exceptions=*/false);
  if (!s.src.is_object()) s.src = ojson::object();
  // A search hit (`{"_index":..,"_id":..,"_source":{..}}`) stands for its source document; its
  // _id and _index are the ancestor's (Kibana's buildParent).
  ojson& src = s.src;
  s.id = src.contains("_id") && src["_id"].is_string() ? src["_id"].get<std::string>() : std::string();
  s.index = src.contains("_index") && src["_index"].is_string() ? src["_index"].get<std::string>() : std::string();
  if (src.contains("_source") && src["_source"].is_object()) src = ojson(src["_source"]);
  if (s.id.empty()) s.id = alert_uuid(Hash128().add(event_json).value(), "", {});
  if (s.index.empty()) {
    std::string ds = text_at(src, "data_stream.dataset"), ns = text_at(src, "data_stream.namespace");
    if (!ds.empty()) s.index = fmt::format("logs-{}-{}", ds, ns.empty() ? "default" : ns);
  }
  return s;
}

// traverseAndMutateDoc's copy map: the source's event.* and data_stream.* fields are copied to
// these prefixes (data_stream since Kibana 8.19: its field map 8.19.0).
constexpr std::pair<std::string_view, std::string_view> kCopied[] = {
    {"event", "kibana.alert.original_event"}, {"data_stream", "kibana.alert.original_data_stream"}};

// The alert's source part (Kibana's validatedSource): the event's fields without the banned keys
// and without event.kind; `original_event` gets the copies of the event.* and data_stream.* fields
// (event.kind included).
ojson alert_head(const AlertSource& s, ojson& original_event) {
  const ojson& src = s.src;
  ojson a = ojson::object();
  original_event = ojson::object();
  for (auto it = src.begin(); it != src.end(); ++it) {
    const std::string& key = it.key();
    if (key == "@timestamp" || banned_key(key)) continue;
    for (const auto& [from, to] : kCopied) {
      if (key == from && it.value().is_object()) flatten_into(original_event, std::string(to), it.value());
      else if (key.size() > from.size() && key.compare(0, from.size(), from) == 0 && key[from.size()] == '.')
        original_event[std::string(to) + key.substr(from.size())] = it.value();
    }
    if (key == "event" && it.value().is_object()) {
      ojson ev = it.value();
      ev.erase("kind");
      a["event"] = std::move(ev);
      continue;
    }
    if (key == "event.kind") continue;
    a[key] = it.value();
  }
  return a;
}

// A threshold alert's source (Kibana's synthetic hit of bulk_create_threshold_signals.ts): the
// group's terms as flat keys, nothing of the event.
ojson threshold_source(const RuleInfo& rule, const AlertFacts& f) {
  ojson src = ojson::object();
  for (size_t i = 0; i < f.threshold_terms.size() && i < rule.threshold_fields.size(); ++i)
    src[rule.threshold_fields[i].path] = f.threshold_terms[i];
  return src;
}

// The threshold alert's ancestor id: a UUID-shaped hash of the rule, the bucket's end (Kibana:
// the execution's start), the group-by fields and the sorted values.
std::string threshold_ancestor_id(const RuleInfo& rule, const AlertFacts& f) {
  std::vector<std::string> values = f.threshold_terms;
  std::sort(values.begin(), values.end());
  std::string fields, joined;
  for (size_t i = 0; i < rule.threshold_fields.size(); ++i) fields += (i ? "," : "") + rule.threshold_fields[i].path;
  for (size_t i = 0; i < values.size(); ++i) joined += (i ? "," : "") + values[i];
  return alert_uuid(Hash128().add(rule.rule_id).add(iso8601_ms(f.threshold_from_ms + rule.interval_ms)).add(fields).add(joined).value(),
                    "", {});
}



// A threat_match alert's source part (Kibana's enrichSignalThreatMatches): the source's `threat`
// object gets `enrichments`, those it had and then one per match (buildEnrichments: the indicator
// object at the rule's indicator path, the feed's name when the indicator has one, and the named
// query that matched: the event's value, the entry's field, the indicator's id and index).
ojson threat_head(const AlertSource& s, const RuleInfo& rule, const std::vector<ThreatMatchFact>& matches) {
  AlertSource enriched{s.src, s.id, s.index};
  ojson enrichments = ojson::array();
  if (const ojson* old = value_at(s.src, "threat.enrichments")) {
    if (old->is_array()) enrichments = *old;
    else enrichments.push_back(*old);
  }
  for (const ThreatMatchFact& m : matches) {
    AlertSource ind = parse_source(m.indicator_json);
    if (ind.index.empty()) ind.index = std::string(m.feed_name);
    ojson indicator = ojson::object();
    if (const ojson* v = value_at(ind.src, rule.threat_indicator_path)) {
      const ojson* first = v->is_array() ? (v->empty() ? nullptr : &(*v)[0]) : v;
      if (first && first->is_object()) indicator = *first;
    }
    ojson feed = ojson::object();
    if (const std::string name = text_at(ind.src, "threat.feed.name"); !name.empty()) feed["name"] = name;
    ojson matched = ojson::object();
    if (const ojson* atomic = value_at(s.src, m.field)) matched["atomic"] = *atomic;
    matched["field"] = m.field;
    matched["id"] = ind.id;
    matched["index"] = ind.index;
    matched["type"] = "indicator_match_rule";
    enrichments.push_back({{"indicator", std::move(indicator)}, {"feed", std::move(feed)}, {"matched", std::move(matched)}});
  }
  ojson& threat = enriched.src["threat"];
  if (!threat.is_object()) threat = ojson::object();
  threat["enrichments"] = std::move(enrichments);
  ojson original_event;
  return alert_head(enriched, original_event);
}

// The keys after the source part: Kibana's buildAlertFields and the rule registry's common fields.
void alert_tail(ojson& a, const RuleInfo& rule, const AlertFacts& f, const AlertSource& s, const ojson& original_event,
                const ParsedRule& parsed, const std::string& nonce) {
  const bool threshold = rule.kind == DetectionKind::Threshold;
  const ojson reason_doc = threshold ? threshold_source(rule, f) : ojson();
  const ojson& doc = threshold ? reason_doc : s.src;
  const std::string stamp = iso8601_ms(f.alert_time_ms);
  a["event.kind"] = "signal";
  std::optional<std::string> original =
      threshold ? (f.threshold_last_ms == INT64_MIN ? std::nullopt : std::optional<std::string>(iso8601_ms(f.threshold_last_ms)))
                : original_time(s.src);
  if (original) a["kibana.alert.original_time"] = *original;
  a["kibana.space_ids"] = ojson::array({std::string(kSpaceId)});
  a["kibana.version"] = std::string(kKibanaVersion);
  a["kibana.alert.uuid"] = f.uuid;
  a["kibana.alert.status"] = "active";
  a["kibana.alert.workflow_status"] = "open";
  a["kibana.alert.workflow_tags"] = ojson::array();
  a["kibana.alert.workflow_assignee_ids"] = ojson::array();
  a["kibana.alert.depth"] = f.group_ancestors.empty() ? 1 : 2;
  if (!f.group_id.empty()) {
    if (f.group_index >= 0) a["kibana.alert.building_block_type"] = "default";
    a["kibana.alert.group.id"] = f.group_id;
    if (f.group_index >= 0) a["kibana.alert.group.index"] = f.group_index;
  }
  a["kibana.alert.start"] = stamp;
  a["kibana.alert.last_detected"] = stamp;
  a["kibana.alert.intended_timestamp"] = stamp;
  const ojson& params = parsed.params;
  // Severity, risk score and name mapped from the document (the threshold alert's: its terms).
  const AlertOverrides over = rule_overrides(rule, params, doc);
  a["kibana.alert.severity"] = over.severity;
  a["kibana.alert.risk_score"] = over.risk_score;
  const bool fields_view = rule.kind == DetectionKind::Query || rule.kind == DetectionKind::ThreatMatch;
  a["kibana.alert.reason"] = kibana_reason(doc, fields_view ? ReasonView::Fields : ReasonView::Source,
                                           over.severity, over.name);
  auto param = [&](const char* key, ojson fallback) {
    auto it = params.find(key);
    return it == params.end() ? fallback : *it;
  };
  auto optional_param = [&](const char* key, const char* field) {
    auto it = params.find(key);
    if (it != params.end()) a[field] = *it;
  };
  auto big = [&](const char* field, ParsedRule::Big k) { a[field] = marker(nonce, k); };
  a["kibana.alert.rule.uuid"] = rule.rule_uuid;
  a["kibana.alert.rule.rule_id"] = rule.rule_id;
  a["kibana.alert.rule.name"] = over.name;
  a["kibana.alert.rule.type"] = rule.type_name;
  a["kibana.alert.rule.rule_type_id"] = rule.rule_type_id;
  // An EQL event query runs as a query rule here; Kibana names its type after EQL.
  a["kibana.alert.rule.category"] =
      std::string(rule.rule_type_id == "siem.eqlRule" ? "Event Correlation Rule" : rule_category(rule.kind));
  a["kibana.alert.rule.consumer"] = "siem";
  a["kibana.alert.rule.producer"] = "siem";
  a["kibana.alert.rule.revision"] = 0;
  a["kibana.alert.rule.enabled"] = true;
  a["kibana.alert.rule.execution.type"] = "scheduled";
  a["kibana.alert.rule.execution.timestamp"] = stamp;
  big("kibana.alert.rule.parameters", ParsedRule::kParameters);
  big("kibana.alert.rule.description", ParsedRule::kDescription);
  a["kibana.alert.rule.author"] = rule.author;
  if (!rule.license.empty()) a["kibana.alert.rule.license"] = rule.license;
  a["kibana.alert.rule.references"] = rule.references;
  a["kibana.alert.rule.false_positives"] = rule.false_positives;
  a["kibana.alert.rule.from"] = rule.from;
  a["kibana.alert.rule.to"] = rule.to;
  a["kibana.alert.rule.interval"] = rule.interval;
  a["kibana.alert.rule.max_signals"] = rule.max_signals;
  a["kibana.alert.rule.immutable"] = rule.immutable;
  if (!rule.index.empty()) a["kibana.alert.rule.indices"] = rule.index;
  a["kibana.alert.rule.exceptions_list"] = param("exceptions_list", ojson::array());
  a["kibana.alert.rule.risk_score_mapping"] = param("risk_score_mapping", ojson::array());
  a["kibana.alert.rule.severity_mapping"] = param("severity_mapping", ojson::array());
  if (params.contains("note")) big("kibana.alert.rule.note", ParsedRule::kNote);
  optional_param("namespace", "kibana.alert.rule.namespace");
  optional_param("building_block_type", "kibana.alert.rule.building_block_type");
  optional_param("rule_name_override", "kibana.alert.rule.rule_name_override");
  optional_param("timestamp_override", "kibana.alert.rule.timestamp_override");
  optional_param("timeline_id", "kibana.alert.rule.timeline_id");
  optional_param("timeline_title", "kibana.alert.rule.timeline_title");
  a["kibana.alert.rule.actions"] = ojson::array();
  const ojson& saved = parsed.saved;
  for (auto it = saved.begin(); it != saved.end(); ++it) a["kibana.alert.rule." + it.key()] = it.value();
  a["kibana.alert.rule.severity"] = rule.severity;
  a["kibana.alert.rule.risk_score"] = rule.risk_score;
  a["kibana.alert.rule.tags"] = rule.tags;
  a["kibana.alert.rule.version"] = rule.version;
  big("kibana.alert.rule.threat", ParsedRule::kThreat);
  if (rule.kind == DetectionKind::NewTerms) a["kibana.alert.new_terms"] = f.new_terms;
  if (threshold) {
    ojson terms = ojson::array();
    for (size_t i = 0; i < f.threshold_terms.size() && i < rule.threshold_fields.size(); ++i)
      terms.push_back({{"field", rule.threshold_fields[i].path}, {"value", f.threshold_terms[i]}});
    ojson result = ojson::object();
    if (f.cardinality >= 0)
      result["cardinality"] = ojson::array({{{"field", rule.cardinality_field}, {"value", f.cardinality}}});
    result["count"] = f.threshold_count;
    result["from"] = iso8601_ms(f.threshold_first_ms == INT64_MIN ? f.threshold_from_ms : f.threshold_first_ms);
    result["terms"] = std::move(terms);
    a["kibana.alert.threshold_result"] = std::move(result);
    std::string index;
    for (size_t i = 0; i < rule.index.size(); ++i) index += (i ? "," : "") + rule.index[i];
    a["kibana.alert.ancestors"] =
        ojson::array({{{"id", threshold_ancestor_id(rule, f)}, {"type", "event"}, {"index", index}, {"depth", 0}}});
    return;
  }
  for (auto it = original_event.begin(); it != original_event.end(); ++it) a[it.key()] = it.value();
  if (!f.group_ancestors.empty()) {  // a sequence's shell alert: its building blocks
    ojson ancestors = ojson::array();
    for (const auto& id : f.group_ancestors)
      ancestors.push_back({{"id", id}, {"type", "signal"}, {"index", std::string(kAlertsIndex)}, {"depth", 1}});
    a["kibana.alert.ancestors"] = std::move(ancestors);
    return;
  }
  a["kibana.alert.ancestors"] = ojson::array({{{"id", s.id}, {"type", "event"}, {"index", s.index}, {"depth", 0}}});
}

// `{"@timestamp":"...",` : every alert starts so; the rest is cached per event.
std::string open_alert(int64_t alert_time_ms) { return fmt::format("{{\"@timestamp\":\"{}\",", iso8601_ms(alert_time_ms)); }

}  // namespace

std::pair<std::string, std::string> event_ancestor(std::string_view event_json) {
  AlertSource s = parse_source(event_json);
  return {std::move(s.id), std::move(s.index)};
}

std::string alert_json(const RuleInfo& rule, const AlertFacts& f) {
  AlertBuilder b;
  return b.build(rule, f);
}

struct AlertBuilder::Cache {
  AlertSource source;
  ojson original_event;
  std::string head;  // the source part's members, without braces (may be empty)
  std::unordered_map<std::string, ParsedRule> rules;  // by rule id
  std::string nonce = [] {
    std::random_device rd;
    return fmt::format("{:08x}{:08x}", rd(), rd());
  }();
};

AlertBuilder::AlertBuilder() = default;
AlertBuilder::~AlertBuilder() = default;

std::string AlertBuilder::build(const RuleInfo& rule, const AlertFacts& f) {
  if (!cache_) cache_ = std::make_unique<Cache>();
  if (!fresh_) {
    cache_->source = parse_source(f.event_json);
    const ojson head = alert_head(cache_->source, cache_->original_event);
    cache_->head = dump(head);
    cache_->head = cache_->head.substr(1, cache_->head.size() - 2);
    fresh_ = true;
  }
  ParsedRule& parsed = cache_->rules[rule.rule_id];
  parsed.refresh(rule);
  ojson tail = ojson::object();
  alert_tail(tail, rule, f, cache_->source, cache_->original_event, parsed, cache_->nonce);
  std::string out = open_alert(f.alert_time_ms);
  // A threshold alert holds the group's terms, not the event's fields.
  if (rule.kind == DetectionKind::Threshold) {
    const std::string terms = dump(threshold_source(rule, f));
    if (terms.size() > 2) out.append(terms, 1, terms.size() - 2).push_back(',');
  } else if (rule.kind == DetectionKind::ThreatMatch && f.threat_matches && !f.threat_matches->empty()) {
    const std::string head = dump(threat_head(cache_->source, rule, *f.threat_matches));
    out.append(head, 1, head.size() - 2).push_back(',');
  } else if (!cache_->head.empty()) {
    out += cache_->head;
    out += ',';
  }
  const size_t tail_at = out.size();
  out += std::string_view(dump(tail)).substr(1);
  // The big values in place of their markers (each once, in the rule's part, before the event's).
  size_t from = tail_at;
  for (int k = 0; k < ParsedRule::kBigCount; ++k) {
    const std::string m = marker_text(cache_->nonce, k);
    const size_t at = out.find(m, from);
    if (at == std::string::npos) continue;
    out.replace(at, m.size(), parsed.dumped[k]);
    from = at + parsed.dumped[k].size();
  }
  return out;
}

}  // namespace rulec::rt
