// Reference evaluator on real rules: the seed web-server rule branch by branch, and every corpus query on real events.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "compiler/frontend/rule.h"
#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace rules_test {

constexpr const char* kSeedId = "b2f0ea08-2b60-4a2d-93d7-fe996a30031a";

const Rule& seed_rule() {
  static const RuleSet set = load_rules({std::string(RULEC_SOURCE_DIR) + "/rules/persistence_webserver_unusual_child_execution.toml"});
  for (const auto& r : set.rules)
    if (r.rule_id == kSeedId) return r;
  ADD_FAILURE() << "seed rule " << kSeedId << " not found";
  static const Rule none;
  return none;
}

// A Linux exec event from apache2 that the rule matches; each case changes it with a JSON merge
// patch (null removes a key, arrays are replaced).
constexpr const char* kBase = R"({
  "event": {"category": ["process"], "type": ["start"], "action": "exec"},
  "host": {"os": {"type": "linux"}},
  "process": {
    "name": "id", "executable": "/usr/bin/id", "command_line": "id", "working_directory": "/", "args": ["id"],
    "parent": {"name": "apache2", "executable": "/usr/sbin/apache2",
               "command_line": "/usr/sbin/apache2 -k start", "args": ["/usr/sbin/apache2", "-k", "start"]}
  }
})";

struct SeedCase {
  const char* name;
  const char* patch;
  bool expected;
};

class SeedRule : public ::testing::TestWithParam<SeedCase> {};
TEST_P(SeedRule, Matches) {
  const Rule& rule = seed_rule();
  auto q = kql::parse(rule.query);
  ASSERT_TRUE(q) << (q.error ? q.error->message : "");
  nlohmann::json doc = nlohmann::json::parse(kBase);
  doc.merge_patch(nlohmann::json::parse(GetParam().patch));
  Doc d(doc.dump());
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(matches(*q.ast, d.ev, test_schema(), kNow), GetParam().expected) << doc.dump();
}

// Expected values come from reading the query (rules/persistence_webserver_unusual_child_execution.toml).
INSTANTIATE_TEST_SUITE_P(Interp, SeedRule, ::testing::Values(
    SeedCase{"apache2_child_matches", "{}", true},
    // `sh` and `bash` are in the rule's `not process.name:(...)` list: shells are excluded.
    SeedCase{"apache2_spawns_sh_excluded", R"({"process":{"name":"sh","executable":"/usr/bin/sh"}})", false},
    SeedCase{"apache2_spawns_bash_excluded", R"({"process":{"name":"bash","executable":"/usr/bin/bash"}})", false},
    SeedCase{"wrong_event_type", R"({"event":{"type":["end"]}})", false},
    SeedCase{"event_type_among_values", R"({"event":{"type":["change","start"]}})", true},
    SeedCase{"wrong_action", R"({"event":{"action":"fork"}})", false},
    SeedCase{"other_event_category", R"({"event":{"category":["network"]}})", false},
    SeedCase{"missing_os_type", R"({"host":{"os":{"type":null}}})", false},
    SeedCase{"windows_host", R"({"host":{"os":{"type":"windows"}}})", false},
    SeedCase{"nginx_parent", R"({"process":{"parent":{"name":"nginx"}}})", true},
    SeedCase{"parent_name_case_sensitive", R"({"process":{"parent":{"name":"Apache2"}}})", false},
    SeedCase{"cgi_suffix_parent", R"({"process":{"parent":{"name":"status.cgi"}}})", true},
    SeedCase{"gunicorn_prefix_parent", R"({"process":{"parent":{"name":"gunicorn: worker [app]"}}})", true},
    SeedCase{"php_fpm_prefix_parent", R"({"process":{"parent":{"name":"php-fpm8.1"}}})", true},
    SeedCase{"unlisted_parent", R"({"process":{"parent":{"name":"cron"}}})", false},
    SeedCase{"ruby_passenger", R"({"process":{"parent":{"name":"ruby3.1","command_line":"/usr/bin/ruby /usr/lib/passenger/helper"}}})", true},
    SeedCase{"ruby_plain_script", R"({"process":{"parent":{"name":"ruby","command_line":"ruby script.rb"}}})", false},
    SeedCase{"ruby_passenger_case_sensitive", R"({"process":{"parent":{"name":"ruby","command_line":"ruby /opt/Passenger/helper"}}})", false},
    SeedCase{"python_django", R"({"process":{"parent":{"name":"python3.11","command_line":"/usr/bin/python3 /srv/django/manage.py runserver"}}})", true},
    SeedCase{"python_plain_script", R"({"process":{"parent":{"name":"python3","command_line":"python3 backup.py"}}})", false},
    SeedCase{"perl_plackup", R"({"process":{"parent":{"name":"perl","command_line":"perl /usr/local/bin/plackup app.psgi"}}})", true},
    // `process.parent.name:java and not process.parent.executable:/u0*/*` is in the exclusions.
    SeedCase{"java_tomcat_excluded_outside_u0", R"({"process":{"parent":{"name":"java","executable":"/usr/lib/jvm/bin/java",
             "args":["java","org.apache.catalina.startup.Bootstrap","start"]}}})", false},
    SeedCase{"java_tomcat_under_u01", R"({"process":{"parent":{"name":"java","executable":"/u01/jdk/bin/java",
             "args":["java","org.apache.catalina.startup.Bootstrap","start"]}}})", true},
    SeedCase{"java_arg_prefix_pattern", R"({"process":{"parent":{"name":"java","executable":"/u01/jdk/bin/java",
             "args":["java","-Dcatalina.base=/opt/tomcat"]}}})", true},
    SeedCase{"java_without_server_args", R"({"process":{"parent":{"name":"java","executable":"/u01/jdk/bin/java",
             "args":["java","-jar","tool.jar"]}}})", false},
    SeedCase{"java_parent_executable_missing", R"({"process":{"parent":{"name":"java","executable":null,
             "args":["java","org.apache.catalina.startup.Bootstrap"]}}})", false},
    SeedCase{"missing_executable", R"({"process":{"executable":null}})", false},
    SeedCase{"missing_command_line", R"({"process":{"command_line":null}})", false},
    SeedCase{"empty_command_line_exists", R"({"process":{"command_line":""}})", true},
    SeedCase{"excluded_script_suffix", R"({"process":{"name":"payload.sh"}})", false},
    SeedCase{"excluded_hidden_name", R"({"process":{"name":".hidden"}})", false},
    SeedCase{"excluded_tmp_executable", R"({"process":{"executable":"/tmp/x"}})", false},
    SeedCase{"home_one_level_not_excluded", R"({"process":{"executable":"/home/x"}})", true},
    SeedCase{"home_two_levels_excluded", R"({"process":{"executable":"/home/user/x"}})", false},
    SeedCase{"quoted_ffmpeg_excluded", R"({"process":{"executable":"/usr/bin/ffmpeg"}})", false},
    SeedCase{"quoted_ffmpeg_exact_only", R"({"process":{"executable":"/usr/bin/ffmpeg2"}})", true},
    SeedCase{"oracle_working_directory_excluded", R"({"process":{"working_directory":"/u01/app/oracle/product/19c/db_1"}})", false},
    SeedCase{"excluded_args", R"({"process":{"args":["/usr/bin/rsvg-convert","-o","x"]}})", false},
    SeedCase{"excluded_command_line", R"({"process":{"command_line":"/opt/sc/bin/showvulns -x"}})", false}),
    [](const ::testing::TestParamInfo<SeedCase>& i) { return std::string(i.param.name); });

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every corpus query (with its filters and exception items) evaluates without crashing on a real
// event and on an empty one, and the Interpreter agrees with matches() rule by rule.
TEST(InterpCorpus, EveryQueryEvaluates) {
  const RuleSet set = load_rules({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules"});
  ASSERT_GE(set.rules.size(), 700u);
  std::vector<kql::NodePtr> asts;
  std::vector<RuleTrees> rules;
  for (const auto& r : set.rules) {
    auto p = kql::parse(r.query);
    if (!p) continue;  // EQL, ES|QL and the like are not KQL
    RuleTrees cr{p.ast.get(), r.filters_ast.get(), {}};
    for (const ExceptionItem* item : r.exception_items)
      if (item && item->ast) cr.exceptions.push_back(item->ast.get());
    asts.push_back(std::move(p.ast));
    rules.push_back(std::move(cr));
  }
  ASSERT_GE(rules.size(), 600u);

  const std::string raw = read_file(std::string(RULEC_SHARED_DIR) + "/events/linux-exec-event.json");
  ASSERT_FALSE(raw.empty());
  const std::string source = nlohmann::json::parse(raw)["_source"].dump();
  Interpreter interp(rules, test_schema());
  interp.set_now_ms(kNow);
  size_t hits_source = 0;
  for (const std::string& json : {raw, source, std::string("{}")}) {
    Doc d(json);
    ASSERT_TRUE(d.ok) << d.error;
    rt::RuleBits bits;
    interp.evaluate(d.ev, bits);
    ASSERT_EQ(bits.size(), rules.size());
    size_t hits = 0;
    for (size_t i = 0; i < rules.size(); ++i) {
      EXPECT_EQ(bits.test(i), matches(rules[i], d.ev, test_schema(), kNow)) << "rule " << i;
      hits += bits.test(i);
    }
    if (json == source) hits_source = hits;
    // Evaluating again on the same event (warm caches) gives the same bits.
    rt::RuleBits again;
    interp.evaluate(d.ev, again);
    for (size_t i = 0; i < rules.size(); ++i) EXPECT_EQ(bits.test(i), again.test(i));
  }
  // The exec of `ls` from an interactive bash is not an attack, but it is also not nothing: a sanity
  // bound that the event is actually looked at (most rules need other event types or hosts).
  EXPECT_LT(hits_source, rules.size() / 10);
}

}  // namespace rules_test
}  // namespace
}  // namespace rulec::interp::testing
