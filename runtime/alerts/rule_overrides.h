// Kibana's per-alert rule overrides: severity_mapping, risk_score_mapping and rule_name_override read from the alert's source document.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rulec::rt {

struct RuleInfo;

// What one alert carries in kibana.alert.severity, kibana.alert.risk_score and
// kibana.alert.rule.name (and its reason): the rule's own values unless a mapping matched.
struct AlertOverrides {
  std::string severity;
  nlohmann::ordered_json risk_score;  // a number: the rule's integer, or the mapped field's value
  std::string name;
};

// `params` is the rule's parameters object (severity_mapping, risk_score_mapping,
// rule_name_override); `source` the document Kibana reads them from (the event's _source, or a
// threshold alert's terms). As Kibana's buildSeverityFromMapping, buildRiskScoreFromMapping and
// buildRuleNameFromMapping:
// - a field is looked up as lodash's get does: the whole dotted name as a key of the top object,
//   else one object level per dot;
// - severity: the mappings sorted low to high, the last whose value equals one of the field's
//   values (strings and safe integers compared as text; event.severity compared as integers);
// - risk score: the largest of the first mapping field's values (numbers, or text that reads as
//   a number) between 0 and 100;
// - rule name: the field's value when it is text.
AlertOverrides rule_overrides(const RuleInfo& rule, const nlohmann::ordered_json& params,
                              const nlohmann::ordered_json& source);

// A field of `source` as lodash's get finds it, or nullptr.
const nlohmann::ordered_json* lodash_get(const nlohmann::ordered_json& source, std::string_view path);

// JavaScript's Number(text): surrounding white space ignored, "" is 0, hex/octal/binary with 0x,
// 0o, 0b, "Infinity"; NaN (a quiet NaN) for anything else.
double js_text_number(std::string_view text);

}  // namespace rulec::rt
