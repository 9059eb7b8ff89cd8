// Kibana's kibana.alert.rule.* metadata of a rule: its parameters object, its saved-object id, its lists.
//
// Source: Kibana's detection engine, rule_management/logic/detection_rules_client/converters/
// common_params_camel_to_snake.ts and type_specific_camel_to_snake.ts (key order kept), as
// rule_types/factories/utils/build_alert.ts writes them (output_index removed).
#include "compiler/frontend/rule_parameters.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/common/hash128.h"

namespace rulec {

namespace {

using ojson = nlohmann::ordered_json;

const nlohmann::json* raw_key(const Rule& rule, const char* key) {
  if (!rule.raw.is_object()) return nullptr;
  auto it = rule.raw.find(key);
  return it == rule.raw.end() || it->is_null() ? nullptr : &*it;
}

std::vector<std::string> raw_strings(const Rule& rule, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = raw_key(rule, key); v && v->is_array())
    for (const auto& e : *v)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

// A stable UUID-shaped id for a rule without a saved-object id (a rule file): the same rule_id
// gives the same kibana.alert.rule.uuid on every sensor.
std::string stable_rule_uuid(const std::string& rule_id) {
  auto [a, b] = rt::Hash128().add("kibana.alert.rule.uuid").add(rule_id).value();
  return fmt::format("{:08x}-{:04x}-5{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffull);
}

ojson parameters(const Rule& rule, const rt::RuleInfo& info) {
  ojson p = ojson::object();
  auto copy = [&](const char* key) {
    if (const auto* v = raw_key(rule, key)) p[key] = *v;
  };
  auto copy_or = [&](const char* key, ojson fallback) {
    const auto* v = raw_key(rule, key);
    p[key] = v ? ojson(*v) : std::move(fallback);
  };
  // commonParamsCamelToSnake
  p["description"] = rule.description;
  p["risk_score"] = rule.risk_score;
  p["severity"] = rule.severity;
  copy("building_block_type");
  copy("namespace");
  copy("note");
  copy("license");
  copy("timeline_id");
  copy("timeline_title");
  copy("meta");
  copy("rule_name_override");
  copy("timestamp_override");
  copy("timestamp_override_fallback_disabled");
  copy("investigation_fields");
  copy_or("author", ojson::array());
  copy_or("false_positives", ojson::array());
  p["from"] = rule.from;
  p["rule_id"] = rule.rule_id;
  p["max_signals"] = rule.max_signals;
  copy_or("risk_score_mapping", ojson::array());
  copy_or("severity_mapping", ojson::array());
  p["threat"] = ojson(rule.threat);
  p["to"] = rule.to;
  copy_or("references", ojson::array());
  p["version"] = rule.version;
  copy_or("exceptions_list", ojson::array());
  p["immutable"] = info.immutable;
  copy("rule_source");
  copy_or("related_integrations", ojson::array());
  copy_or("required_fields", ojson::array());
  copy("response_actions");
  copy_or("setup", "");
  // typeSpecificCamelToSnake
  auto common_query = [&] {
    p["language"] = rule.language;
    if (!rule.index.empty()) p["index"] = rule.index;
    copy("data_view_id");
    p["query"] = rule.query;
    p["filters"] = ojson(rule.filters);
    copy("saved_id");
  };
  p["type"] = rule.type_name;
  if (rule.new_terms) {
    p["query"] = rule.query;
    p["new_terms_fields"] = rule.new_terms->fields;
    p["history_window_start"] = rule.new_terms->history_window_start;
    if (!rule.index.empty()) p["index"] = rule.index;
    p["filters"] = ojson(rule.filters);
    p["language"] = rule.language;
    copy("data_view_id");
  } else if (rule.threshold) {
    common_query();
    ojson t = ojson::object();
    t["field"] = rule.threshold->fields;
    t["value"] = rule.threshold->value;
    if (!rule.threshold->cardinality.empty()) {
      ojson card = ojson::array();
      for (const auto& c : rule.threshold->cardinality) card.push_back({{"field", c.field}, {"value", c.value}});
      t["cardinality"] = std::move(card);
    }
    p["threshold"] = std::move(t);
  } else {
    common_query();
  }
  if (rule.type == RuleType::ThreatMatch)
    for (const char* key : {"threat_filters", "threat_query", "threat_mapping", "threat_language", "threat_index",
                            "threat_indicator_path", "concurrent_searches", "items_per_search"})
      copy(key);
  if (!rule.alert_suppression.is_null()) p["alert_suppression"] = ojson(rule.alert_suppression);
  return p;
}

// Kibana's flattenWithPrefix: nested objects become dotted keys below `prefix`.
void flatten_into(ojson& out, const std::string& prefix, const nlohmann::json& v) {
  if (!v.is_object()) {
    out[prefix] = v;
    return;
  }
  for (auto it = v.begin(); it != v.end(); ++it) flatten_into(out, prefix + "." + it.key(), it.value());
}

// The saved object's fields an alert repeats (buildAlertFields): created and updated at and by
// (Kibana writes '' for an unknown user), and meta flattened.
ojson rule_fields(const Rule& rule) {
  ojson f = ojson::object();
  constexpr std::pair<const char*, const char*> kWhenWho[] = {{"created_at", "created_by"}, {"updated_at", "updated_by"}};
  for (auto [at, by] : kWhenWho)
    if (const auto* when = raw_key(rule, at); when && when->is_string()) f[at] = *when;
  for (auto [at, by] : kWhenWho) {
    const auto* who = raw_key(rule, by);
    if (f.contains(at)) f[by] = who && who->is_string() ? who->get<std::string>() : "";
  }
  if (const auto* meta = raw_key(rule, "meta"); meta && meta->is_object() && !meta->empty()) flatten_into(f, "meta", *meta);
  return f;
}

}  // namespace

void lower_alert_metadata(const Rule& rule, rt::RuleInfo& out) {
  const auto* id = raw_key(rule, "id");
  out.rule_uuid = id && id->is_string() && !id->get<std::string>().empty() ? id->get<std::string>()
                                                                           : stable_rule_uuid(rule.rule_id);
  out.from = rule.from;
  out.to = rule.to;
  out.interval = rule.interval;
  out.author = raw_strings(rule, "author");
  out.references = raw_strings(rule, "references");
  out.false_positives = raw_strings(rule, "false_positives");
  out.index = rule.index;
  const auto* license = raw_key(rule, "license");
  out.license = license && license->is_string() ? license->get<std::string>() : std::string();
  const auto* immutable = raw_key(rule, "immutable");
  out.immutable = immutable && immutable->is_boolean() && immutable->get<bool>();
  out.parameters_json = parameters(rule, out).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out.rule_fields_json = rule_fields(rule).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rulec
