// The saved-object fields a rule's alerts repeat (created and updated at and by, meta), from an export line and from a rule file's [metadata].
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/rule_parameters.h"
#include "runtime/alerts/alert_json.h"

namespace rulec {
namespace {
namespace rule_fields_test {

using nlohmann::json;

rt::RuleInfo lowered(const std::string& path) {
  RuleSet set = load_rules({path});
  EXPECT_EQ(set.rules.size(), 1u);
  rt::RuleInfo info;
  if (set.rules.empty()) return info;
  info.rule_id = set.rules[0].rule_id;
  lower_alert_metadata(set.rules[0], info);
  return info;
}

json alert_of(const rt::RuleInfo& info) {
  rt::AlertFacts f;
  f.event_json = R"({"@timestamp":"2026-01-01T00:00:00.000Z","host":{"name":"h1"}})";
  f.uuid = "u1";
  return json::parse(rt::alert_json(info, f));
}

// An export line (Kibana's _export): its saved-object fields, as Kibana's buildAlertFields
// repeats them (meta flattened below kibana.alert.rule.meta).
TEST(RuleFields, ExportLineCarriesCreatedUpdatedAndMeta) {
  testing::TempDir d;
  d.write("r.ndjson",
          R"({"id":"0b3d1f1e-5a0c-4d27-9d6c-3f5e2c1a7b90","rule_id":"r1","name":"R","type":"query","language":"kuery",)"
          R"("query":"host.name:h1","severity":"low","risk_score":21,"description":"d",)"
          R"("created_at":"2025-03-04T05:06:07.890Z","created_by":"alice","updated_at":"2025-04-05T06:07:08.901Z",)"
          R"("meta":{"from":"1m","kibana_siem_app_url":"https://kibana.example/app/security","nested":{"k":1}}})"
          "\n");
  const json a = alert_of(lowered(d.str("r.ndjson")));
  EXPECT_EQ(a["kibana.alert.rule.created_at"], "2025-03-04T05:06:07.890Z");
  EXPECT_EQ(a["kibana.alert.rule.created_by"], "alice");
  EXPECT_EQ(a["kibana.alert.rule.updated_at"], "2025-04-05T06:07:08.901Z");
  EXPECT_EQ(a["kibana.alert.rule.updated_by"], "") << "Kibana writes '' for an unknown user";
  EXPECT_EQ(a["kibana.alert.rule.meta.from"], "1m");
  EXPECT_EQ(a["kibana.alert.rule.meta.kibana_siem_app_url"], "https://kibana.example/app/security");
  EXPECT_EQ(a["kibana.alert.rule.meta.nested.k"], 1);
  EXPECT_FALSE(a.contains("kibana.alert.rule.meta"));
}

TEST(RuleFields, RuleFileMetadataDatesAndNothingInvented) {
  testing::TempDir d;
  const std::string rule = R"([rule]
rule_id = "r2"
name = "R"
description = "d"
type = "query"
language = "kuery"
query = "host.name:h1"
risk_score = 21
severity = "low"
)";
  d.write("dated.toml", "[metadata]\ncreation_date = \"2020/02/18\"\nupdated_date = \"2024/11/05\"\n\n" + rule);
  const json a = alert_of(lowered(d.str("dated.toml")));
  EXPECT_EQ(a["kibana.alert.rule.created_at"], "2020-02-18T00:00:00.000Z");
  EXPECT_EQ(a["kibana.alert.rule.updated_at"], "2024-11-05T00:00:00.000Z");
  EXPECT_EQ(a["kibana.alert.rule.created_by"], "");
  d.write("undated.toml", rule);
  const json b = alert_of(lowered(d.str("undated.toml")));
  EXPECT_FALSE(b.contains("kibana.alert.rule.created_at")) << "no date is made up";
  EXPECT_FALSE(b.contains("kibana.alert.rule.created_by"));
}

}  // namespace rule_fields_test
}  // namespace
}  // namespace rulec
