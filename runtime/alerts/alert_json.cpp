// Builds one alert document (spec rules.md §4) from a rule, its source event and the detection facts.
#include "runtime/alerts/alert_json.h"

#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

namespace {

// A dotted path of the source document as a string, or "" (objects and dotted keys both work).
std::string text_at(const ojson& doc, std::string_view path) {
  const ojson* cur = &doc;
  std::string_view rest = path;
  while (cur->is_object()) {
    auto whole = cur->find(std::string(rest));
    if (whole != cur->end()) {
      const ojson& v = *whole;
      if (v.is_string()) return v.get<std::string>();
      if (v.is_array() && !v.empty() && v[0].is_string()) return v[0].get<std::string>();
      if (v.is_number() || v.is_boolean()) return v.dump();
      return {};
    }
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return {};
    auto it = cur->find(std::string(rest.substr(0, dot)));
    if (it == cur->end()) return {};
    cur = &*it;
    rest = rest.substr(dot + 1);
  }
  return {};
}

void flatten_into(ojson& out, const std::string& prefix, const ojson& v) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) flatten_into(out, prefix + "." + it.key(), it.value());
  } else {
    out[prefix] = v;
  }
}

std::string reason(const RuleInfo& rule, const ojson& doc) {
  std::string category = text_at(doc, "event.category");
  std::string out = fmt::format("{} event", category.empty() ? "event" : category);
  auto part = [&](const char* label, const char* field) {
    std::string v = text_at(doc, field);
    if (!v.empty()) out += fmt::format("{}{}", label, v);
  };
  part(" with process ", "process.name");
  part(", parent process ", "process.parent.name");
  part(", by ", "user.name");
  part(", on ", "host.name");
  out += fmt::format(" created {} alert {}.", rule.severity, rule.name);
  return out;
}

}  // namespace

namespace {

// What an alert takes from its source event, the same for every alert of that event.
struct Source {
  ojson src;  // the source document (a search hit's _source)
  std::string id, index;
};

Source parse_source(std::string_view event_json) {
  Source s;
  s.src = ojson::parse(event_json.begin(), event_json.end(), nullptr, /*allow_exceptions=*/false);
  if (!s.src.is_object()) s.src = ojson::object();
  // A search hit (`{"_index":..,"_id":..,"_source":{..}}`) stands for its source document.
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

// The alert's first keys: `@timestamp`, the source's fields (event.kind = signal) and the original
// time; `original_event` gets the source's event.* fields.
ojson alert_head(const Source& s, int64_t alert_time_ms, ojson& original_event) {
  const ojson& src = s.src;
  ojson a = ojson::object();
  a["@timestamp"] = iso8601_ms(alert_time_ms);
  original_event = ojson::object();
  for (auto it = src.begin(); it != src.end(); ++it) {
    if (it.key() == "@timestamp") continue;
    if (it.key() == "event" && it.value().is_object()) {
      ojson ev = it.value();
      flatten_into(original_event, "kibana.alert.original_event", ev);
      ev["kind"] = "signal";
      a["event"] = std::move(ev);
      continue;
    }
    if (it.key().rfind("event.", 0) == 0) {
      original_event["kibana.alert.original_event." + it.key().substr(6)] = it.value();
      if (it.key() == "event.kind") continue;
    }
    a[it.key()] = it.value();
  }
  if (!a.contains("event")) a["event"] = ojson{{"kind", "signal"}};
  if (src.contains("@timestamp")) a["kibana.alert.original_time"] = src["@timestamp"];
  return a;
}

// The keys after the head: the alert's own and the rule's, the original event, the ancestors.
void alert_tail(ojson& a, const RuleInfo& rule, const AlertFacts& f, const Source& s, const ojson& original_event) {
  a["kibana.alert.uuid"] = f.uuid;
  a["kibana.alert.status"] = "active";
  a["kibana.alert.workflow_status"] = "open";
  a["kibana.alert.rule.rule_id"] = rule.rule_id;
  a["kibana.alert.rule.name"] = rule.name;
  a["kibana.alert.rule.type"] = rule.type_name;
  a["kibana.alert.rule.rule_type_id"] = rule.rule_type_id;
  a["kibana.alert.rule.severity"] = rule.severity;
  a["kibana.alert.rule.risk_score"] = rule.risk_score;
  a["kibana.alert.rule.tags"] = rule.tags;
  a["kibana.alert.rule.version"] = rule.version;
  ojson threat = ojson::parse(rule.threat_json, nullptr, false);
  a["kibana.alert.rule.threat"] = threat.is_discarded() ? ojson::array() : threat;
  a["kibana.alert.severity"] = rule.severity;
  a["kibana.alert.risk_score"] = rule.risk_score;
  a["kibana.alert.reason"] = reason(rule, s.src);
  if (rule.kind == DetectionKind::NewTerms) a["kibana.alert.new_terms"] = f.new_terms;
  if (rule.kind == DetectionKind::Threshold) {
    ojson terms = ojson::array();
    for (size_t i = 0; i < f.threshold_terms.size() && i < rule.threshold_fields.size(); ++i)
      terms.push_back({{"field", rule.threshold_fields[i].path}, {"value", f.threshold_terms[i]}});
    ojson result = {{"terms", terms}, {"count", f.threshold_count}, {"from", iso8601_ms(f.threshold_from_ms)}};
    if (f.cardinality >= 0)
      result["cardinality"] = ojson::array({{{"field", rule.cardinality_field}, {"value", f.cardinality}}});
    a["kibana.alert.threshold_result"] = std::move(result);
  }
  for (auto it = original_event.begin(); it != original_event.end(); ++it) a[it.key()] = it.value();
  a["kibana.alert.ancestors"] = ojson::array({{{"id", s.id}, {"type", "event"}, {"index", s.index}, {"depth", 0}}});
}

std::string dump(const ojson& a) { return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::string alert_json(const RuleInfo& rule, const AlertFacts& f) {
  const Source s = parse_source(f.event_json);
  ojson original_event;
  ojson a = alert_head(s, f.alert_time_ms, original_event);
  alert_tail(a, rule, f, s, original_event);
  return dump(a);
}

struct AlertBuilder::Cache {
  Source source;
  ojson original_event;
  std::string head;  // the head object's JSON without its closing brace
  // The source has a kibana.alert.* key the tail sets too (every tail key is one, and the head's
  // own is original_time): in one object it keeps its place, so such alerts are built whole.
  bool tail_overlaps = false;
};

AlertBuilder::AlertBuilder() = default;
AlertBuilder::~AlertBuilder() = default;

std::string AlertBuilder::build(const RuleInfo& rule, const AlertFacts& f) {
  if (!fresh_) {
    if (!cache_) cache_ = std::make_unique<Cache>();
    cache_->source = parse_source(f.event_json);
    const ojson head = alert_head(cache_->source, f.alert_time_ms, cache_->original_event);
    cache_->tail_overlaps = false;
    for (auto it = head.begin(); it != head.end(); ++it)
      if (it.key().rfind("kibana.alert.", 0) == 0 && it.key() != "kibana.alert.original_time")
        cache_->tail_overlaps = true;
    cache_->head = dump(head);
    cache_->head.pop_back();  // '}'
    time_ms_ = f.alert_time_ms;
    fresh_ = true;
  }
  if (cache_->tail_overlaps || time_ms_ != f.alert_time_ms) return alert_json(rule, f);
  ojson tail = ojson::object();
  alert_tail(tail, rule, f, cache_->source, cache_->original_event);
  std::string out = cache_->head;
  out += ',';
  out += std::string_view(dump(tail)).substr(1);
  return out;
}

}  // namespace rulec::rt
