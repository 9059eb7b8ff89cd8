// Kibana's per-alert rule overrides: severity_mapping, risk_score_mapping and rule_name_override, case by case.
#include "runtime/alerts/rule_overrides.h"

#include <gtest/gtest.h>

#include <cmath>

#include "runtime/alerts/alert_json.h"
#include "runtime/eval/rule_info.h"

namespace rulec::rt {
namespace {
namespace rule_overrides_test {

using ojson = nlohmann::ordered_json;

RuleInfo rule() {
  RuleInfo r;
  r.name = "Okta risk";
  r.severity = "low";
  r.risk_score = 21;
  return r;
}

// Severity mappings as the corpus writes them (one field, one value per level), in the order given.
ojson levels(const char* field, std::vector<std::pair<const char*, const char*>> value_severity) {
  ojson m = ojson::array();
  for (const auto& [v, s] : value_severity) m.push_back({{"field", field}, {"operator", "equals"}, {"value", v}, {"severity", s}});
  return ojson{{"severity_mapping", m}};
}

TEST(RuleOverrides, SeverityTakesTheHighestMatchingLevel) {
  const ojson p = levels("okta.risk", {{"HIGH", "high"}, {"LOW", "low"}, {"MEDIUM", "medium"}});
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"okta", {{"risk", "MEDIUM"}}}}).severity, "medium");
  // Several values of the field: the highest level any of them maps to, whatever the mapping order.
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"okta", {{"risk", {"LOW", "HIGH", "MEDIUM"}}}}}).severity, "high");
  // No match, another case, a missing field: the rule's own severity.
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"okta", {{"risk", "SEVERE"}}}}).severity, "low");
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"okta", {{"risk", "high"}}}}).severity, "low");
  EXPECT_EQ(rule_overrides(rule(), p, ojson::object()).severity, "low");
}

TEST(RuleOverrides, SeverityComparesIntegersAsTextExceptEventSeverity) {
  const ojson p = levels("alert.level", {{"5", "critical"}});
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"level", 5}}}}).severity, "critical");
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"level", "5"}}}}).severity, "critical");
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"level", 5.5}}}}).severity, "low");  // not a safe integer
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"level", true}}}}).severity, "low");
  // event.severity: numbers only, against the mapping value read as a number and floored.
  const ojson e = levels("event.severity", {{"73.9", "high"}});
  EXPECT_EQ(rule_overrides(rule(), e, ojson{{"event", {{"severity", 73}}}}).severity, "high");
  EXPECT_EQ(rule_overrides(rule(), e, ojson{{"event", {{"severity", "73"}}}}).severity, "low");
  EXPECT_EQ(rule_overrides(rule(), levels("event.severity", {{" 0x10 ", "medium"}}), ojson{{"event", {{"severity", 16}}}}).severity,
            "medium");
}

TEST(RuleOverrides, FieldsAreFoundAsLodashGetFindsThem) {
  const ojson top{{"a.b", "x"}};
  const ojson nested{{"a", {{"b", "y"}}}};
  const ojson mixed{{"a", {{"b.c", "z"}}}};
  const ojson indexed{{"a", {{{"b", "w"}}}}};
  ASSERT_NE(lodash_get(top, "a.b"), nullptr);
  EXPECT_EQ(*lodash_get(top, "a.b"), "x");
  EXPECT_EQ(*lodash_get(nested, "a.b"), "y");
  EXPECT_EQ(lodash_get(mixed, "a.b.c"), nullptr) << "a dotted key below the top is not found";
  EXPECT_EQ(lodash_get(indexed, "a.b"), nullptr) << "no search through arrays";
  EXPECT_EQ(*lodash_get(indexed, "a.0.b"), "w");
  EXPECT_EQ(lodash_get(nested, "a.b.c"), nullptr);
}

TEST(RuleOverrides, RiskScoreIsTheLargestValidValueOfTheFirstMapping) {
  const ojson p{{"risk_score_mapping", {{{"field", "r"}, {"operator", "equals"}, {"value", ""}},
                                        {{"field", "other"}, {"operator", "equals"}, {"value", ""}}}}};
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"r", {10, "90", 200, "abc", -1}}}).risk_score, 90);
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"r", " 42 "}}).risk_score, 42);
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"r", 33.5}}).risk_score, 33.5);
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"r", 101}}).risk_score, 21) << "out of 0..100: the rule's";
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"other", 99}}).risk_score, 21) << "only the first mapping counts";
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"r", ""}}).risk_score, 0) << "Number('') is 0";
}

TEST(RuleOverrides, RuleNameIsTheFieldsText) {
  const ojson p{{"rule_name_override", "alert.title"}};
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"title", "Suspicious login"}}}}).name, "Suspicious login");
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"title", 7}}}}).name, "Okta risk");
  EXPECT_EQ(rule_overrides(rule(), p, ojson{{"alert", {{"title", {"a", "b"}}}}}).name, "Okta risk");
}

TEST(RuleOverrides, JavaScriptNumberOfText) {
  EXPECT_EQ(js_text_number(""), 0);
  EXPECT_EQ(js_text_number("  "), 0);
  EXPECT_EQ(js_text_number("0x1F"), 31);
  EXPECT_EQ(js_text_number("0b101"), 5);
  EXPECT_EQ(js_text_number("1e2"), 100);
  EXPECT_EQ(js_text_number("-.5"), -0.5);
  EXPECT_EQ(js_text_number("+Infinity"), INFINITY);
  EXPECT_TRUE(std::isnan(js_text_number("12abc")));
  EXPECT_TRUE(std::isnan(js_text_number(".")));
  EXPECT_TRUE(std::isnan(js_text_number("0x")));
  EXPECT_TRUE(std::isnan(js_text_number("1e")));
}

// In the alert: kibana.alert.severity, risk_score, rule.name and the reason take the mapped values;
// kibana.alert.rule.severity and risk_score keep the rule's.
TEST(RuleOverrides, AlertCarriesTheMappedValues) {
  RuleInfo r = rule();
  r.kind = DetectionKind::Query;
  r.type_name = "query";
  r.rule_type_id = "siem.queryRule";
  r.parameters_json =
      R"({"severity_mapping":[{"field":"okta.risk","operator":"equals","value":"HIGH","severity":"high"}],)"
      R"("risk_score_mapping":[{"field":"okta.score","operator":"equals","value":""}],"rule_name_override":"okta.title"})";
  AlertFacts f;
  f.event_json = R"({"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["authentication"]},)"
                 R"("okta":{"risk":"HIGH","score":88,"title":"Risky sign-in"}})";
  f.alert_time_ms = 1767225600000;
  f.uuid = "u";
  const auto a = nlohmann::json::parse(alert_json(r, f));
  EXPECT_EQ(a["kibana.alert.severity"], "high");
  EXPECT_EQ(a["kibana.alert.risk_score"], 88);
  EXPECT_EQ(a["kibana.alert.rule.name"], "Risky sign-in");
  EXPECT_EQ(a["kibana.alert.rule.severity"], "low");
  EXPECT_EQ(a["kibana.alert.rule.risk_score"], 21);
  EXPECT_EQ(a["kibana.alert.reason"], "authentication event created high alert Risky sign-in.");
}

}  // namespace rule_overrides_test
}  // namespace
}  // namespace rulec::rt
