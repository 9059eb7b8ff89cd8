// Tests of the unknown-field checks: edit distance, field verdicts, and KQL209 in every part of a rule.
#include "compiler/frontend/unknown_fields.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/frontend/analyze.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/rule.h"

namespace rulec {
namespace {
namespace unknown_fields_test {

namespace fs = std::filesystem;

const Schema& schema() {
  static const Schema s = rulec::testing::load_builtin_schema();
  return s;
}

TEST(EditDistance, InsertDeleteSubstituteSwap) {
  EXPECT_EQ(edit_distance("process.name", "process.name", 2), 0u);
  EXPECT_EQ(edit_distance("proces.name", "process.name", 2), 1u);    // deletion
  EXPECT_EQ(edit_distance("processs.name", "process.name", 2), 1u);  // insertion
  EXPECT_EQ(edit_distance("procesz.name", "process.name", 2), 1u);   // substitution
  EXPECT_EQ(edit_distance("porcess.name", "process.name", 2), 1u);   // adjacent swap
  EXPECT_EQ(edit_distance("prcess.nme", "process.name", 2), 2u);
  EXPECT_EQ(edit_distance("user.id", "process.name", 2), 3u);  // capped at max + 1
  EXPECT_EQ(edit_distance("", "abc", 5), 3u);
  EXPECT_EQ(edit_distance("abc", "", 1), 2u);
}

// The whole optimal-string-alignment table, without a band or an early exit: the reference the
// banded distance must agree with, capped at max + 1.
size_t full_table_distance(const std::string& a, const std::string& b, size_t max) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return std::min(d[a.size()][b.size()], max + 1);
}

TEST(EditDistance, BandedTableAgreesWithTheFullTable) {
  // Strings over a three-letter alphabet, so that near misses, swaps and long runs are common;
  // lengths up to 300 reach the heap rows past 256.
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  size_t checked = 0;
  for (int round = 0; round < 3000; ++round) {
    const size_t long_case = round % 100 == 0 ? 290 : 0;
    std::string a(long_case + next() % 14, 'a'), b;
    for (char& c : a) c = static_cast<char>('a' + next() % 3);
    b = a;
    for (size_t edits = next() % 5; edits > 0 && !b.empty(); --edits) {
      const size_t at = next() % b.size();
      switch (next() % 4) {
        case 0: b.erase(at, 1); break;
        case 1: b.insert(at, 1, static_cast<char>('a' + next() % 3)); break;
        case 2: b[at] = static_cast<char>('a' + next() % 3); break;
        default:
          if (at + 1 < b.size()) std::swap(b[at], b[at + 1]);
      }
    }
    if (next() % 8 == 0) b = std::string(next() % 14, 'c');
    const size_t max = next() % 5;
    ASSERT_EQ(edit_distance(a, b, max), full_table_distance(a, b, max)) << a << " / " << b << " max " << max;
    ++checked;
  }
  EXPECT_EQ(checked, 3000u);
}

TEST(FieldVerdicts, SchemaFieldsAndWhatLeadsToThemAreKnown) {
  for (const char* f : {"process.name", "process.name.text", "process.name.caseless", "@timestamp", "message",
                        "process.parent", "process", "host.os", "_id", "_index",
                        "labels.environment",          // key under the object field `labels`
                        "container.labels.app_name"})  // and under `container.labels`
    EXPECT_EQ(check_field_name(schema(), f).verdict, FieldVerdict::Known) << f;
}

TEST(FieldVerdicts, TyposGetTheClosestSchemaField) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"proces.name", "process.name"},                          // typo in the namespace
      {"process.nmae", "process.name"},                         // swapped letters
      {"Process.Name", "process.name"},                         // case only
      {"event.catgory", "event.category"},                      //
      {"process.parent.executabel", "process.parent.executable"},
      {"user.nam", "user.name"},                                // short name: one edit
      {"destination.prot", "destination.port"},
  };
  for (const auto& [typo, meant] : cases) {
    const FieldCheck c = check_field_name(schema(), typo);
    EXPECT_EQ(c.verdict, FieldVerdict::Typo) << typo;
    EXPECT_EQ(c.suggestion, meant) << typo;
  }
}

TEST(FieldVerdicts, IntegrationFieldsAreUnmappedNotTypos) {
  for (const char* f : {"aws.cloudtrail.user_identity.arn", "okta.event_type", "azure.signinlogs.properties.user_principal_name",
                        "winlog.event_data.TargetUserName", "o365.audit.Operation", "powershell.file.script_block_text",
                        "github.category", "gcp.audit.method_name", "user.name.keyword"})
    EXPECT_EQ(check_field_name(schema(), f).verdict, FieldVerdict::Unmapped) << f;
  // Short names allow one edit only: two edits away from user.id is not a suggestion.
  EXPECT_EQ(check_field_name(schema(), "usr.i").verdict, FieldVerdict::Unmapped);
}

TEST(FieldVerdicts, UserSchemaMakesAFieldKnown) {
  Schema s = schema();
  EXPECT_EQ(check_field_name(s, "okta.event_type").verdict, FieldVerdict::Unmapped);
  s.set("okta.event_type", FieldInfo{FieldType::Keyword, 0, false, true});
  EXPECT_EQ(check_field_name(s, "okta.event_type").verdict, FieldVerdict::Known);
  // and a typo of it is now a typo
  const FieldCheck c = check_field_name(s, "okta.evnt_type");
  EXPECT_EQ(c.verdict, FieldVerdict::Typo);
  EXPECT_EQ(c.suggestion, "okta.event_type");
}

std::vector<Diagnostic> query_warnings(std::string_view q, std::vector<std::string>* unmapped = nullptr) {
  auto parsed = kql::parse(q);
  EXPECT_TRUE(parsed) << q;
  if (!parsed) return {};
  std::vector<std::string> local;
  return check_field_names(*parsed.ast, schema(), q, unmapped ? *unmapped : local);
}

TEST(QueryFields, TypoWarnsWithPositionAndSuggestion) {
  const auto d = query_warnings("event.category:process and\n  proces.name:bash");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "KQL209");
  EXPECT_EQ(d[0].severity, Severity::Warning);
  EXPECT_EQ(d[0].message, "unknown field 'proces.name' (in no loaded schema); did you mean 'process.name'?");
  EXPECT_EQ(d[0].pos.line, 2u);
  EXPECT_EQ(d[0].pos.column, 3u);
}

TEST(QueryFields, EveryKindOfTestIsChecked) {
  // equality, range, exists, nested path, and inside not / or
  const auto d = query_warnings(
      "proces.name:a or process.pidd > 3 or not user.nam:* or dns.answrs:{ name:x } or dns.answers:{ nmae:y }");
  std::vector<std::string> fields;
  for (const auto& x : d) fields.push_back(x.offending);
  // A misspelt nested path is reported once, not again for each field below it.
  EXPECT_EQ(fields, (std::vector<std::string>{"proces.name", "process.pidd", "user.nam", "dns.answrs", "dns.answers.nmae"}));
  ASSERT_EQ(d.size(), 5u);
  EXPECT_NE(d[1].message.find("did you mean 'process.pid'?"), std::string::npos) << d[1].message;
  EXPECT_NE(d[4].message.find("did you mean 'dns.answers.name'?"), std::string::npos) << d[4].message;
}

TEST(QueryFields, CorrectFieldsWildcardNamesAndIntegrationFieldsDoNotWarn) {
  std::vector<std::string> unmapped;
  EXPECT_TRUE(query_warnings("process.name:bash and process.* : x and proc*.name:y and host.os.type:linux and "
                             "_id:abc and labels.team:red and aws.cloudtrail.event_type:x and okta.event_type:y",
                             &unmapped)
                  .empty());
  EXPECT_EQ(unmapped, (std::vector<std::string>{"aws.cloudtrail.event_type", "okta.event_type"}));
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = fs::temp_directory_path() / ("rulec-unknown-fields-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, std::string_view content) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  fs::path path_;
};

// The KQL209 diagnostics of the only rule of `ndjson` (a Kibana export), as "part: message".
std::vector<std::string> rule_warnings(const std::string& ndjson, std::vector<std::string>* unmapped = nullptr) {
  TempDir d;
  const RuleSet set = load_rules({d.write("r.ndjson", ndjson)});
  EXPECT_EQ(set.rules.size(), 1u) << rulec::testing::all_messages(set);
  if (set.rules.size() != 1) return {};
  const AnalyzedRule a = analyze(set.rules[0], schema());
  EXPECT_EQ(a.status, RuleStatus::Ok) << rulec::testing::all_messages(set);
  if (unmapped) *unmapped = a.unmapped_fields;
  std::vector<std::string> out;
  for (const auto& rd : a.diagnostics)
    if (rd.diag.code == "KQL209") out.push_back(std::string(to_string(rd.part)) + ": " + rd.diag.message);
  return out;
}

std::string rule_json(const std::string& extra, const std::string& query = "event.category:process") {
  return R"({"rule_id":"r1","name":"R","type":"query","language":"kuery","severity":"low","risk_score":21,"query":")" +
         query + "\"" + extra + "}\n";
}

TEST(RuleFields, TypoInQuery) {
  EXPECT_EQ(rule_warnings(rule_json("", "porcess.name:bash")),
            (std::vector<std::string>{"query: unknown field 'porcess.name' (in no loaded schema); did you mean 'process.name'?"}));
}

TEST(RuleFields, TypoInFilter) {
  const std::string filters =
      R"(,"filters":[{"meta":{"negate":false,"disabled":false},"query":{"match_phrase":{"event.acton":"exec"}}}])";
  EXPECT_EQ(rule_warnings(rule_json(filters)),
            (std::vector<std::string>{"filters: unknown field 'event.acton' (in no loaded schema); did you mean 'event.action'?"}));
}

TEST(RuleFields, TypoInExceptionEntryAndNestedEntry) {
  const std::string rule = rule_json(R"(,"exceptions_list":[{"id":"so-L1","list_id":"L1","type":"detection","namespace_type":"single"}])");
  const std::string list = R"({"id":"so-L1","list_id":"L1","type":"detection","namespace_type":"single","name":"L","description":""})" "\n";
  const std::string item =
      R"({"id":"i1-so","item_id":"i1","list_id":"L1","type":"simple","name":"known tools","namespace_type":"single",)"
      R"("os_types":["windows"],"entries":[)"
      R"({"type":"match","field":"process.executabel","value":"C:\\a.exe","operator":"included"},)"
      R"({"type":"nested","field":"process.Ext.code_signature","entries":[{"type":"match","field":"subject_nmae","value":"Acme","operator":"included"}]},)"
      R"({"type":"exists","field":"aws.cloudtrail.user_identity.arn","operator":"included"}]})" "\n";
  std::vector<std::string> unmapped;
  EXPECT_EQ(rule_warnings(rule + list + item, &unmapped),
            (std::vector<std::string>{
                "exceptions: exception item 'known tools' (i1), entry 1: unknown field 'process.executabel' (in no loaded "
                "schema); did you mean 'process.executable'?",
                "exceptions: exception item 'known tools' (i1), entry 2, entry 1: unknown field "
                "'process.Ext.code_signature.subject_nmae' (in no loaded schema); did you mean "
                "'process.Ext.code_signature.subject_name'?"}));
  // os_types adds host.os.name.caseless to the item's tree: not the author's field, not reported.
  EXPECT_EQ(unmapped, (std::vector<std::string>{"aws.cloudtrail.user_identity.arn"}));
}

TEST(RuleFields, TypoInNewTermsFields) {
  const std::string rule =
      R"({"rule_id":"r1","name":"R","type":"new_terms","language":"kuery","severity":"low","risk_score":21,)"
      R"("query":"event.category:process","new_terms_fields":["host.id","user.nmae"],"history_window_start":"now-7d"})"
      "\n";
  EXPECT_EQ(rule_warnings(rule), (std::vector<std::string>{"new_terms_fields: unknown field 'user.nmae' (in no loaded "
                                                           "schema); did you mean 'user.name'?"}));
}

TEST(RuleFields, TypoInThresholdFieldAndCardinality) {
  const std::string rule =
      R"({"rule_id":"r1","name":"R","type":"threshold","language":"kuery","severity":"low","risk_score":21,)"
      R"("query":"event.category:network","threshold":{"field":["source.ip","destination.ipp"],"value":5,)"
      R"("cardinality":[{"field":"destnation.port","value":3}]}})"
      "\n";
  EXPECT_EQ(rule_warnings(rule),
            (std::vector<std::string>{
                "threshold: field: unknown field 'destination.ipp' (in no loaded schema); did you mean 'destination.ip'?",
                "threshold: cardinality field: unknown field 'destnation.port' (in no loaded schema); did you mean "
                "'destination.port'?"}));
}

TEST(RuleFields, TypoInOverridesMappingsAndSuppression) {
  const std::string rule =
      R"({"rule_id":"r1","name":"R","type":"query","language":"kuery","severity":"low","risk_score":21,)"
      R"("query":"event.category:process","timestamp_override":"event.ingestd","rule_name_override":"rule.nmae",)"
      R"("severity_mapping":[{"field":"event.severity","operator":"equals","value":"9","severity":"high"},)"
      R"({"field":"host.nmae","operator":"equals","value":"db","severity":"critical"}],)"
      R"("risk_score_mapping":[{"field":"event.risk_scor","operator":"equals","value":""}],)"
      R"("alert_suppression":{"group_by":["host.name","user.nmae"],"missing_fields_strategy":"suppress"}})"
      "\n";
  EXPECT_EQ(rule_warnings(rule),
            (std::vector<std::string>{
                "rule: timestamp_override: unknown field 'event.ingestd' (in no loaded schema); did you mean 'event.ingested'?",
                "rule: rule_name_override: unknown field 'rule.nmae' (in no loaded schema); did you mean 'rule.name'?",
                "rule: severity_mapping entry 2: unknown field 'host.nmae' (in no loaded schema); did you mean 'host.name'?",
                "rule: risk_score_mapping entry 1: unknown field 'event.risk_scor' (in no loaded schema); did you mean "
                "'event.risk_score'?",
                "rule: alert_suppression.group_by: unknown field 'user.nmae' (in no loaded schema); did you mean 'user.name'?"}));
}

TEST(RuleFields, CleanRuleAndIntegrationFieldsGetNone) {
  std::vector<std::string> unmapped;
  EXPECT_TRUE(rule_warnings(rule_json("", "event.dataset:okta.system and okta.event_type:user.session.start and "
                                          "process.parent.name:bash"),
                            &unmapped)
                  .empty());
  EXPECT_EQ(unmapped, (std::vector<std::string>{"okta.event_type"}));
}

}  // namespace unknown_fields_test
}  // namespace
}  // namespace rulec
