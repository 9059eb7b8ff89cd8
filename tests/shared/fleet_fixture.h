// The fleet tests' material: three rules (new terms, threshold with a cardinality, a query over its max_signals), a week of events, and what an alert stands for.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

namespace rulec::testing {


inline const std::string kSeedRule = std::string(RULEC_SOURCE_DIR) + "/rules/persistence_webserver_unusual_child_execution.toml";

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

// The seed rule (new terms), a threshold rule with a cardinality, and a query rule over its
// max_signals, and a week of generated events.
struct Fleet {
  TempDir d;
  std::vector<std::string> events;
  Fleet() {
    std::filesystem::create_directories(d.path() / "rules");
    std::filesystem::copy_file(kSeedRule, d.path() / "rules/seed.toml");
    d.write("rules/threshold.toml", R"([rule]
rule_id = "fleet-threshold"
name = "Several programs on one host in five minutes"
description = "threshold with a cardinality"
type = "threshold"
language = "kuery"
query = "event.category:process"
index = ["logs-*"]
from = "now-6m"
interval = "5m"
risk_score = 47
severity = "medium"

[rule.threshold]
field = ["host.name"]
value = 3

[[rule.threshold.cardinality]]
field = "process.name"
value = 2
)");
    d.write("rules/query.toml", R"([rule]
rule_id = "fleet-query"
name = "grep runs"
description = "a query rule over its max_signals"
type = "query"
language = "kuery"
query = "process.name:grep"
index = ["logs-*"]
from = "now-6m"
interval = "5m"
max_signals = 2
risk_score = 21
severity = "low"
)");
    EXPECT_EQ(run_shell(bin("rulec-gen") + " --seed 1 --events 12000 --days 7 -o " + d.str("all.ndjson")).status, 0);
    events = lines(read_file(d.str("all.ndjson")));
  }
  std::string rules() const { return d.str("rules"); }
  // Writes events [from, to) (every `step`-th from `from` when step > 1) to `name`.
  std::string part(const std::string& name, size_t from, size_t to, size_t step = 1) {
    std::string s;
    for (size_t i = from; i < to && i < events.size(); i += step) s += events[i] + "\n";
    d.write(name, s);
    return d.str(name);
  }
  CmdResult run(const std::string& input, const std::string& alerts, const std::string& extra = "") {
    return run_rulec("run " + rules() + " -e " + input + " --alerts " + d.str(alerts) + " " + extra);
  }
  std::string one_process() {
    EXPECT_EQ(run(d.str("all.ndjson"), "one.ndjson").status, 0);
    return read_file(d.str("one.ndjson"));
  }
};

// What an alert stands for: its rule and the term, group and bucket, or event it raises.
inline std::string identity(const nlohmann::json& a) {
  const std::string rule = a["kibana.alert.rule.rule_id"];
  if (a.contains("kibana.alert.new_terms")) return rule + " " + a["kibana.alert.new_terms"].dump();
  if (a.contains("kibana.alert.threshold_result"))
    return rule + " " + a["kibana.alert.threshold_result"]["terms"].dump() + " " +
           a["kibana.alert.threshold_result"]["from"].get<std::string>();
  return rule + " " + a["kibana.alert.uuid"].get<std::string>();
}

inline std::multiset<std::string> identities(const std::string& text) {
  std::multiset<std::string> out;
  for (const auto& l : lines(text)) out.insert(identity(nlohmann::json::parse(l)));
  return out;
}

inline std::map<std::string, size_t> per_rule(const std::string& text) {
  std::map<std::string, size_t> out;
  for (const auto& l : lines(text)) out[nlohmann::json::parse(l)["kibana.alert.rule.rule_id"]]++;
  return out;
}

}  // namespace rulec::testing
