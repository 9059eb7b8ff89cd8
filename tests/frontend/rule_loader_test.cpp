// Tests of load_rules: the 729-rule corpus, the Kibana export, fixtures, broken files, durations.
#include <gtest/gtest.h>

#include "common/test_util.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "compiler/frontend/rule.h"

namespace rulec {
namespace {
namespace rule_loader_test {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;
using namespace rulec::testing;

const std::string kCorpus = RULEC_SHARED_DIR "/corpus/detection-rules";
const std::string kExport = RULEC_SHARED_DIR "/corpus/kibana-export.ndjson";
const std::string kData = RULEC_SOURCE_DIR "/tests/data/rules";

// The corpus is loaded once for all corpus tests.
const RuleSet& corpus() {
  static const RuleSet set = load_rules({kCorpus});
  return set;
}

Strings ids(const RuleSet& s) {
  Strings out;
  for (const auto& r : s.rules) out.push_back(r.rule_id);
  return out;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = fs::temp_directory_path() / ("rulec-rules-test-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, std::string_view content) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// Writes the files into a fresh directory and loads that directory.
RuleSet load_dir(std::initializer_list<std::pair<std::string, std::string>> files) {
  TempDir d;
  for (const auto& [name, content] : files) d.write(name, content);
  return load_rules({d.path()});
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// --- The detection-rules corpus --------------------------------------------------------------

TEST(Corpus, All729RulesLoadWithoutErrors) {
  const RuleSet& s = corpus();
  EXPECT_EQ(s.rules.size(), 729u);
  EXPECT_TRUE(s.file_errors.empty()) << all_messages(s);
  size_t rul301 = 0, errors = 0;
  for (const auto& r : s.rules) {
    rul301 += count_diags(r, "RUL301");
    errors += std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                            [](const Diagnostic& d) { return d.severity == Severity::Error; });
  }
  EXPECT_EQ(rul301, 0u);
  EXPECT_EQ(errors, 0u) << all_messages(s);
}

TEST(Corpus, TypeCounts) {
  std::map<RuleType, size_t> n;
  for (const auto& r : corpus().rules) {
    ++n[r.type];
    EXPECT_EQ(r.type_name, to_string(r.type));
    EXPECT_EQ(r.language, "kuery") << r.rule_id;
    EXPECT_FALSE(r.query.empty()) << r.rule_id;
  }
  EXPECT_EQ(n[RuleType::Query], 454u);
  EXPECT_EQ(n[RuleType::NewTerms], 241u);
  EXPECT_EQ(n[RuleType::Threshold], 28u);
  EXPECT_EQ(n[RuleType::ThreatMatch], 6u);
}

TEST(Corpus, EveryRuleHasTimestampOverrideAndIds) {
  for (const auto& r : corpus().rules) {
    ASSERT_TRUE(r.timestamp_override.has_value()) << r.origin.path;
    EXPECT_EQ(*r.timestamp_override, "event.ingested");
    EXPECT_EQ(r.rule_id.size(), 36u) << r.origin.path;
    EXPECT_FALSE(r.name.empty());
    EXPECT_TRUE(r.origin.path.ends_with(".toml"));
    EXPECT_EQ(r.origin.line, 0u);
  }
}

TEST(Corpus, SeedRule) {
  const Rule* r = find(corpus(), "b2f0ea08-2b60-4a2d-93d7-fe996a30031a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "Unusual Child Execution via Web Server");
  EXPECT_TRUE(r->origin.path.ends_with("rules/linux/persistence_webserver_unusual_child_execution.toml"));
  EXPECT_EQ(r->type, RuleType::NewTerms);
  ASSERT_TRUE(r->new_terms);
  EXPECT_EQ(r->new_terms->fields, (Strings{"process.command_line", "host.id", "process.executable"}));
  EXPECT_EQ(r->new_terms->history_window_start, "now-7d");
  EXPECT_EQ(r->from, "now-9m");
  EXPECT_EQ(r->to, "now");
  EXPECT_EQ(r->interval, "5m");
  EXPECT_EQ(r->max_signals, 100);
  EXPECT_EQ(r->severity, "medium");
  EXPECT_EQ(r->risk_score, 47);
  EXPECT_EQ(r->index, (Strings{"logs-endpoint.events.process*"}));
  EXPECT_EQ(r->version, 1);
  EXPECT_FALSE(r->threshold);
  EXPECT_EQ(r->filters_ast, nullptr);
  EXPECT_TRUE(r->diagnostics.empty());
  EXPECT_TRUE(r->threat.is_array() && !r->threat.empty());
  EXPECT_TRUE(has(r->note, "Triage and analysis"));
  EXPECT_NE(std::find(r->tags.begin(), r->tags.end(), "OS: Linux"), r->tags.end());
}

TEST(Corpus, RawIsApiShape) {
  const Rule* r = find(corpus(), "b2f0ea08-2b60-4a2d-93d7-fe996a30031a");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->raw.contains("new_terms"));
  EXPECT_EQ(r->raw["new_terms_fields"], nlohmann::json({"process.command_line", "host.id", "process.executable"}));
  EXPECT_EQ(r->raw["history_window_start"], "now-7d");
  EXPECT_EQ(r->raw["author"], nlohmann::json({"Elastic"}));
  EXPECT_EQ(r->raw["license"], "Elastic License v2");
  EXPECT_EQ(r->raw["rule_id"], r->rule_id);
}

TEST(Corpus, NewTermsShapes) {
  std::map<size_t, size_t> by_count;
  std::map<std::string, size_t> windows;
  for (const auto& r : corpus().rules) {
    if (r.type != RuleType::NewTerms) {
      EXPECT_FALSE(r.new_terms);
      continue;
    }
    ASSERT_TRUE(r.new_terms) << r.origin.path;
    ++by_count[r.new_terms->fields.size()];
    ++windows[r.new_terms->history_window_start];
    auto ms = parse_now_offset_ms(r.new_terms->history_window_start);
    ASSERT_TRUE(ms);
    EXPECT_LE(*ms, -43'200'000LL);  // the shortest corpus window is now-12h
    EXPECT_GE(*ms, -30 * 86'400'000LL);
  }
  EXPECT_EQ(by_count[1], 95u);
  EXPECT_EQ(by_count[2], 106u);
  EXPECT_EQ(by_count[3], 40u);
  EXPECT_EQ(windows["now-7d"], 101u);
  EXPECT_EQ(windows["now-5d"], 87u);
  EXPECT_EQ(windows["now-10d"], 35u);
}

TEST(Corpus, Thresholds) {
  size_t with_cardinality = 0;
  for (const auto& r : corpus().rules) {
    if (r.type != RuleType::Threshold) continue;
    ASSERT_TRUE(r.threshold) << r.origin.path;
    EXPECT_GE(r.threshold->value, 1);
    if (!r.threshold->cardinality.empty()) ++with_cardinality;
  }
  EXPECT_EQ(with_cardinality, 18u);
}

TEST(Corpus, FiltersTranslated) {
  size_t with_filters = 0;
  for (const auto& r : corpus().rules) {
    if (r.filters.empty()) {
      EXPECT_EQ(r.filters_ast, nullptr);
      continue;
    }
    ++with_filters;
    ASSERT_TRUE(r.filters_ast) << r.origin.path << "\n" << all_messages(corpus());
    EXPECT_EQ(count_diags(r, "RUL302"), 0u);
  }
  EXPECT_EQ(with_filters, 18u);
}

TEST(Corpus, EndpointListReferencesWarn) {
  size_t warned = 0;
  for (const auto& r : corpus().rules) {
    if (r.exceptions_list.empty()) continue;
    EXPECT_EQ(r.exceptions_list[0].list_id, "endpoint_list");
    EXPECT_EQ(r.exceptions_list[0].namespace_type, "agnostic");
    EXPECT_EQ(count_diags(r, "RUL303", Severity::Warning), 1u);
    EXPECT_TRUE(r.exception_items.empty());
    ++warned;
  }
  EXPECT_EQ(warned, 9u);
}

TEST(Corpus, LoadOrderIsSortedByPath) {
  const RuleSet& s = corpus();
  for (size_t i = 1; i < s.rules.size(); ++i) EXPECT_LT(s.rules[i - 1].origin.path, s.rules[i].origin.path);
}

// --- The Kibana export -----------------------------------------------------------------------

const RuleSet& exported() {
  static const RuleSet set = load_rules({kExport});
  return set;
}

TEST(Export, LoadsNineRulesAndSkipsConnectorsAndDetails) {
  const RuleSet& s = exported();
  // Counted by hand: lines 1-9 are rules (3 query, eql, esql, new_terms, threat_match, threshold,
  // machine_learning), 10-13 two exception lists with one item each, 14-15 connectors, 16 details.
  EXPECT_EQ(s.rules.size(), 9u);
  EXPECT_TRUE(s.file_errors.empty()) << all_messages(s);
  EXPECT_EQ(s.exception_lists.size(), 2u);
  EXPECT_EQ(s.exception_items.size(), 2u);
  std::vector<std::string> types;
  for (size_t i = 0; i < s.rules.size(); ++i) {
    types.push_back(s.rules[i].type_name);
    EXPECT_EQ(s.rules[i].origin.line, i + 1);
    EXPECT_EQ(count_diags(s.rules[i], "RUL301"), 0u) << all_messages(s);
  }
  EXPECT_EQ(types, (Strings{"query", "query", "query", "eql", "esql", "new_terms", "threat_match", "threshold",
                            "machine_learning"}));
}

TEST(Export, RuleKeys) {
  const RuleSet& s = exported();
  const Rule* nt = find(s, "2390c9dd-ad90-4af6-97a4-1d607ba0f092");
  ASSERT_TRUE(nt && nt->new_terms);
  EXPECT_EQ(std::tie(nt->new_terms->fields, nt->new_terms->history_window_start),
            std::make_tuple(Strings{"user.id", "source.ip"}, "now-30d"));
  const Rule* th = find(s, "d46a29ca-9b5b-4cbd-b11f-35c6b59f207b");
  ASSERT_TRUE(th && th->threshold);
  EXPECT_EQ(std::tie(th->threshold->fields, th->threshold->value, th->from, th->interval),
            std::make_tuple(Strings{"source.ip"}, 20, "now-3m", "2m"));
  EXPECT_TRUE(th->threshold->cardinality.empty());
  const Rule* q = find(s, "742feb36-ac4c-45e0-b8a5-3b3cfa66b6d2");
  ASSERT_TRUE(q);
  EXPECT_EQ(std::tie(q->from, q->interval), std::make_tuple("now-70m", "1h"));
  EXPECT_EQ(q->alert_suppression["group_by"], nlohmann::json({"process.parent.name"}));
  const Rule* ml = find(s, "8a3296e2-4a74-4d51-b819-8d4e58377bf7");
  ASSERT_TRUE(ml);
  EXPECT_EQ(std::tie(ml->type, ml->language), std::make_tuple(RuleType::MachineLearning, ""));
  EXPECT_TRUE(ml->raw.contains("machine_learning_job_id"));
  EXPECT_TRUE(find(s, "4c589d81-2622-4036-8cc7-372ea8f0e038")->raw.contains("threat_mapping"));
}

TEST(Export, FiltersOfTheQueryRules) {
  size_t n = 0;
  for (const auto& r : exported().rules) {
    if (r.type != RuleType::Query) continue;
    ASSERT_TRUE(r.filters_ast) << r.rule_id;
    EXPECT_EQ(r.filters_ast->kind, kql::NodeKind::Is);
    EXPECT_EQ(r.filters_ast->field.joined(), "event.action");
    EXPECT_EQ(r.filters_ast->value.pattern, kql::literal("Process Create (rule: ProcessCreate)", true));
    ++n;
  }
  EXPECT_EQ(n, 3u);
}

// --- Fixtures --------------------------------------------------------------------------------

TEST(Fixtures, DefaultsWhenKeysAreMissing) {
  RuleSet s = load_rules({kData + "/minimal.json"});
  ASSERT_EQ(s.rules.size(), 1u);
  const Rule& r = s.rules[0];
  EXPECT_TRUE(r.diagnostics.empty()) << all_messages(s);
  EXPECT_EQ(std::tie(r.rule_id, r.type, r.language, r.from, r.to, r.interval),
            std::make_tuple("min-1", RuleType::Query, "kuery", "now-6m", "now", "5m"));
  EXPECT_EQ(std::tie(r.max_signals, r.version, r.risk_score), std::make_tuple(100, 1, 21));  // risk_score is required, as Kibana requires it
  EXPECT_TRUE(r.index.empty() && r.tags.empty() && r.exceptions_list.empty());
  EXPECT_TRUE(r.threat.is_array() && r.threat.empty());
  EXPECT_TRUE(r.filters.is_array() && r.filters.empty());
  EXPECT_TRUE(r.alert_suppression.is_null());
  EXPECT_FALSE(r.timestamp_override);
  EXPECT_FALSE(r.new_terms || r.threshold);
  EXPECT_EQ(r.origin.line, 0u);
}

TEST(Fixtures, ApiShapeNewTermsRule) {
  RuleSet s = load_rules({kData + "/api_new_terms.json"});
  ASSERT_EQ(s.rules.size(), 1u);
  const Rule& r = s.rules[0];
  ASSERT_TRUE(r.new_terms);
  EXPECT_EQ(std::tie(r.type, r.new_terms->fields, r.new_terms->history_window_start),
            std::make_tuple(RuleType::NewTerms, Strings{"user.id", "source.ip"}, "now-30d"));
  EXPECT_EQ(std::tie(r.from, r.interval, r.max_signals, r.risk_score, r.severity, r.version, r.building_block_type),
            std::make_tuple("now-10m", "2m", 50, 73, "high", 7, "default"));
  EXPECT_EQ(r.index.size(), 2u);
  EXPECT_EQ(r.threat[0]["tactic"]["id"], "TA0003");
  EXPECT_EQ(r.alert_suppression["group_by"][0], "user.id");
  ASSERT_EQ(r.exceptions_list.size(), 1u);
  const ExceptionListRef& ref = r.exceptions_list[0];
  EXPECT_EQ(std::tie(ref.list_id, ref.id, ref.type, ref.namespace_type),
            std::make_tuple("L1", "so-1", "detection", "single"));
  // the disabled filter (an unsupported query_string) is dropped; the other one is the AST
  ASSERT_TRUE(r.filters_ast);
  EXPECT_EQ(r.filters_ast->kind, kql::NodeKind::Is);
  EXPECT_EQ(r.filters.size(), 2u);
  // L1 is not loaded: a warning, and no error
  EXPECT_EQ(count_diags(r, "RUL303", Severity::Warning), 1u);
  EXPECT_EQ(r.diagnostics.size(), 1u) << all_messages(s);
}

TEST(Fixtures, ApiShapeThresholdWithStringField) {
  RuleSet s = load_rules({kData + "/api_threshold.json"});
  ASSERT_EQ(s.rules.size(), 1u);
  const Rule& r = s.rules[0];
  ASSERT_TRUE(r.threshold) << all_messages(s);
  ASSERT_EQ(r.threshold->cardinality.size(), 1u);
  const ThresholdCardinality& c = r.threshold->cardinality[0];
  EXPECT_EQ(std::tie(r.threshold->fields, r.threshold->value, c.field, c.value),
            std::make_tuple(Strings{"source.ip"}, 20, "destination.port", 10));
}

TEST(Fixtures, TomlThresholdFiltersAndSuppression) {
  RuleSet s = load_rules({kData + "/toml_threshold.toml"});
  ASSERT_EQ(s.rules.size(), 1u);
  const Rule& r = s.rules[0];
  EXPECT_TRUE(r.diagnostics.empty()) << all_messages(s);
  ASSERT_TRUE(r.threshold && r.threshold->cardinality.size() == 1);
  EXPECT_EQ(std::tie(r.threshold->fields, r.threshold->value, r.threshold->cardinality[0].value),
            std::make_tuple(Strings{"destination.ip", "source.ip"}, 5, 250));
  EXPECT_EQ(r.alert_suppression["duration"]["unit"], "h");
  ASSERT_TRUE(r.filters_ast);
  ASSERT_EQ(r.filters_ast->kind, kql::NodeKind::Not);
  const kql::Node& w = *r.filters_ast->children[0];
  EXPECT_EQ(w.field.joined(), "process.executable");
  EXPECT_EQ(w.value.pattern.segments, (Strings{"C:\\Windows\\", ""}));
  EXPECT_TRUE(w.value.pattern.case_insensitive);
}

TEST(Fixtures, DirectoryRecursionWithABrokenFile) {
  RuleSet s = load_rules({kData + "/tree"});
  EXPECT_EQ(ids(s), (Strings{"tree-a", "tree-c", "tree-d1", "tree-d2"}));  // sorted by path
  ASSERT_EQ(s.file_errors.size(), 1u) << all_messages(s);                  // hidden files and readme.txt are skipped
  const FileError& e = s.file_errors[0];
  EXPECT_TRUE(e.path.ends_with("tree/b_broken.toml")) << e.path;
  EXPECT_EQ(e.diag.code, "RUL300");
  EXPECT_EQ(e.line, 4u);
  EXPECT_EQ(e.diag.pos.line, 4u);
  EXPECT_GT(e.diag.pos.column, 1u);
  EXPECT_TRUE(has(e.diag.message, "invalid TOML"));
}

// Files that give no rule: one RUL300 FileError each, with the position and the reason.
TEST(Fixtures, FilesThatYieldNoRule) {
  struct Case {
    const char* file;
    uint32_t line;
    const char* reason;
  };
  for (const Case& c : {Case{"truncated.toml", 9, "end-of-file"},  // the ''' string opened on line 8 never ends
                        Case{"array.json", 1, "found array"}, Case{"no_id_no_name.toml", 1, "no rule_id or name"}}) {
    RuleSet s = load_rules({kData + "/" + c.file});
    EXPECT_TRUE(s.rules.empty()) << c.file;
    ASSERT_EQ(s.file_errors.size(), 1u) << c.file;
    const FileError& e = s.file_errors[0];
    EXPECT_EQ(std::tie(e.diag.code, e.line, e.diag.pos.line), std::make_tuple("RUL300", c.line, c.line)) << c.file;
    EXPECT_TRUE(has(e.diag.message, c.reason)) << e.diag.message;
    EXPECT_TRUE(e.path.ends_with(c.file));
  }
}

TEST(Fixtures, RuleWithoutQueryIsReportedByIdAndName) {
  RuleSet s = load_rules({kData + "/no_query.toml"});
  ASSERT_EQ(s.rules.size(), 1u);
  EXPECT_TRUE(s.file_errors.empty());
  const Rule& r = s.rules[0];
  EXPECT_EQ(r.rule_id, "noq-1");
  EXPECT_EQ(r.name, "No query here");
  ASSERT_EQ(count_diags(r, "RUL301"), 1u);
  EXPECT_TRUE(mentions(r, "RUL301", "'query' is missing"));
}

TEST(Fixtures, NdjsonWithOneBadLine) {
  RuleSet s = load_rules({kData + "/bad_line.ndjson"});
  EXPECT_EQ(ids(s), (Strings{"nd-1", "nd-2", "nd-4"}));
  EXPECT_EQ(s.rules[2].origin.line, 4u);
  ASSERT_EQ(s.file_errors.size(), 1u);
  EXPECT_EQ(s.file_errors[0].line, 3u);
  EXPECT_EQ(s.file_errors[0].diag.pos.line, 3u);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "line 3"));
}

TEST(Fixtures, MistypedKeysAreNamed) {
  RuleSet s = load_rules({kData + "/bad_keys.toml"});
  ASSERT_EQ(s.rules.size(), 1u);
  const Rule& r = s.rules[0];
  for (const char* key : {"'interval'", "'from'", "'risk_score'", "'severity'", "'max_signals'", "'tags'",
                          "'new_terms_fields'", "'history_window_start'"})
    EXPECT_TRUE(mentions(r, "RUL301", key)) << key << "\n" << all_messages(s);
  EXPECT_TRUE(mentions(r, "RUL301", "(line 6)"));  // interval is on line 6
  EXPECT_FALSE(r.new_terms);
  EXPECT_EQ(r.interval, "5m");  // bad values leave the defaults
  EXPECT_EQ(r.from, "now-6m");
}

// --- Broken inputs made on the fly -----------------------------------------------------------

TEST(Broken, BinaryGarbage) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919 + 13) & 0xFF);
  RuleSet s = load_dir({{"garbage.toml", bytes}, {"garbage.json", bytes}, {"garbage.ndjson", bytes}});
  EXPECT_TRUE(s.rules.empty());
  EXPECT_GE(s.file_errors.size(), 3u);
  for (const auto& e : s.file_errors) {
    EXPECT_EQ(e.diag.code, "RUL300") << e.diag.message;
    EXPECT_TRUE(e.diag.pos.known()) << e.path;
  }
}

TEST(Broken, EmptyFiles) {
  RuleSet s = load_dir({{"a.toml", ""}, {"b.json", "  \n"}, {"c.ndjson", "\n\n"}});
  EXPECT_TRUE(s.rules.empty());
  ASSERT_EQ(s.file_errors.size(), 3u);
  for (const auto& e : s.file_errors) EXPECT_TRUE(has(e.diag.message, "empty")) << e.diag.message;
}

TEST(Broken, NotAnObjectAndInvalidJson) {
  RuleSet s = load_dir({{"a.json", "42"}, {"b.json", "{\"severity\": \"low\", \"risk_score\": 21, \"rule_id\": \"x\",\n  \"name\": }"}});
  ASSERT_EQ(s.file_errors.size(), 2u);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "found number"));
  EXPECT_EQ(s.file_errors[1].line, 2u);
  EXPECT_EQ(s.file_errors[1].diag.pos.column, 11u);
}

TEST(Broken, MissingPathAndWrongExtension) {
  TempDir d;
  std::string txt = d.write("rule.txt", "x");
  RuleSet s = load_rules({d.path() + "/nope.toml", txt});
  ASSERT_EQ(s.file_errors.size(), 2u);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "no such file"));
  EXPECT_TRUE(has(s.file_errors[1].diag.message, "not a rule file"));
}

TEST(Broken, OversizeFileIsRefused) {
  TempDir d;
  std::string p = d.write("huge.ndjson", "");
  fs::resize_file(p, (64ull << 20) + 1);  // sparse: cheap to make
  RuleSet s = load_rules({p});
  ASSERT_EQ(s.file_errors.size(), 1u);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "64 MB"));
}

TEST(Broken, SymlinkLoopsAreErrors) {
  TempDir d;
  d.write("sub/ok.json", R"({"severity":"low","risk_score":21,"rule_id": "ok", "name": "ok", "type": "query", "query": "a:b"})");
  fs::create_directory_symlink(d.path() + "/sub", d.path() + "/sub/again");  // directory cycle
  fs::create_symlink(d.path() + "/self.toml", d.path() + "/self.toml");      // file loop
  RuleSet s = load_rules({d.path()});
  ASSERT_EQ(s.rules.size(), 1u);
  ASSERT_EQ(s.file_errors.size(), 2u) << all_messages(s);
  bool dir_loop = false, file_loop = false;
  for (const auto& e : s.file_errors) {
    dir_loop |= e.diag.message.find("symbolic link loop") != std::string::npos;
    file_loop |= e.diag.message.find("symbolic link") != std::string::npos && e.path.ends_with("self.toml");
  }
  EXPECT_TRUE(dir_loop && file_loop) << all_messages(s);
}

TEST(Broken, UnreadableFile) {
  TempDir d;
  std::string p = d.write("secret.toml", "[rule]\nseverity = \"low\"\nrisk_score = 21\nrule_id = \"x\"\nname = \"x\"\n");
  fs::permissions(p, fs::perms::none);
  if (std::ifstream(p).good()) {  // privileged: read errors come from /proc/self/mem (EIO at offset 0) instead
    fs::remove(p);
    fs::create_symlink("/proc/self/mem", d.path() + "/mem.toml");
  }
  RuleSet s = load_rules({d.path()});
  ASSERT_EQ(s.file_errors.size(), 1u) << all_messages(s);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "cannot")) << s.file_errors[0].diag.message;
}

TEST(Broken, FifoIsNotReadNorHanging) {
  TempDir d;
  std::string p = d.path() + "/pipe.toml";
  ASSERT_EQ(mkfifo(p.c_str(), 0600), 0);
  RuleSet s = load_rules({d.path()});
  ASSERT_EQ(s.file_errors.size(), 1u);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "not a regular file"));
}

TEST(Broken, DeepNestingIsRefusedNotCrashing) {
  const std::string prefix = "{\"severity\": \"low\", \"risk_score\": 21, \"rule_id\": \"deep\", \"name\": \"D\", \"filters\": ";
  RuleSet s = load_dir({{"deep.json", prefix + std::string(200000, '[') + std::string(200000, ']') + "}"},
                        {"deep.ndjson", std::string(100000, '{') + "\n"},
                        {"deep.toml", "[rule]\nx = " + std::string(100000, '[') + std::string(100000, ']') + "\n"}});
  EXPECT_TRUE(s.rules.empty());
  ASSERT_EQ(s.file_errors.size(), 3u) << all_messages(s);
  EXPECT_TRUE(has(s.file_errors[0].diag.message, "nested deeper")) << s.file_errors[0].diag.message;
  // the outer '{' is level 1, so the 512th '[' is the first one past the 512-level limit
  EXPECT_EQ(s.file_errors[0].diag.pos.column, prefix.size() + 512);
}

TEST(Broken, MixedGoodAndBadInOneDirectory) {
  RuleSet s = load_dir(
      {{"1.toml", "[rule]\nseverity = \"low\"\nrisk_score = 21\nrule_id = \"t1\"\nname = \"T1\"\ntype = \"query\"\nquery = \"a:b\"\n"},
       {"2.toml", "[rule\nrule_id = "},
       {"3.ndjson", "{\"severity\": \"low\", \"risk_score\": 21, \"rule_id\": \"n1\", \"name\": \"N1\", \"type\": \"query\", \"query\": \"a\"}\r\nnot json\r\n"},
       {"4.json", "{\"severity\": \"low\", \"risk_score\": 21, \"rule_id\": \"j1\", \"name\": \"J1\", \"type\": \"query\", \"query\": \"a\"}"}});
  EXPECT_EQ(ids(s), (Strings{"t1", "n1", "j1"}));
  ASSERT_EQ(s.file_errors.size(), 2u);
  EXPECT_EQ(s.file_errors[1].line, 2u);  // the NDJSON line with CRLF endings
}

TEST(Broken, UnknownTypeAndUnsupportedFilter) {
  RuleSet s = load_dir({{"a.json", R"({"severity":"low","risk_score":21,"rule_id": "u1", "name": "U", "type": "graph", "query": "a"})"},
                        {"b.json", R"({"severity":"low","risk_score":21,"rule_id": "f1", "name": "F", "type": "query", "query": "a",
                        "filters": [{"meta": {}, "query": {"query_string": {"query": "x:y"}}}]})"}});
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0].type, RuleType::Unknown);
  EXPECT_EQ(s.rules[0].type_name, "graph");
  EXPECT_TRUE(mentions(s.rules[0], "RUL301", "unknown rule type 'graph'"));
  EXPECT_EQ(s.rules[1].filters_ast, nullptr);
  EXPECT_TRUE(mentions(s.rules[1], "RUL302", "query_string"));
}

TEST(Broken, DuplicateRuleIdsAreAnError) {
  RuleSet s = load_dir({{"a.json", R"({"severity":"low","risk_score":21,"rule_id": "dup", "name": "A", "type": "query", "query": "a"})"},
                        {"b.json", R"({"severity":"low","risk_score":21,"rule_id": "dup", "name": "B", "type": "query", "query": "b"})"}});
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_TRUE(s.rules[0].diagnostics.empty());
  EXPECT_EQ(count_diags(s.rules[1], "RUL301", Severity::Error), 1u);  // Kibana refuses a second rule with one rule_id
  EXPECT_EQ(count_diags(s.rules[1], "RUL301", Severity::Warning), 0u);
}

TEST(Broken, HistoryWindowMustPrecedeFrom) {
  RuleSet s = load_dir({{"a.json", R"({"severity":"low","risk_score":21,"rule_id": "h", "name": "H", "type": "new_terms", "query": "a",
      "from": "now-10m", "new_terms_fields": ["host.id"], "history_window_start": "now-5m"})"}});
  ASSERT_EQ(s.rules.size(), 1u);
  EXPECT_TRUE(mentions(s.rules[0], "RUL301", "'history_window_start'"));
  EXPECT_FALSE(s.rules[0].new_terms);
}

// --- Durations and date math ----------------------------------------------------------------

TEST(Durations, ParseIntervalMs) {
  EXPECT_EQ(parse_interval_ms("5m"), 300'000);
  EXPECT_EQ(parse_interval_ms("30s"), 30'000);
  EXPECT_EQ(parse_interval_ms("1h"), 3'600'000);
  EXPECT_EQ(parse_interval_ms("2d"), 172'800'000);
  EXPECT_EQ(parse_interval_ms("0s"), 0);
  for (const char* bad : {"", "m", "5", "5x", "-5m", "5 m", "5mm", "1.5h", "now-5m", "5M", "99999999999999999999s"})
    EXPECT_FALSE(parse_interval_ms(bad)) << bad;
}

TEST(Durations, ParseNowOffsetMs) {
  EXPECT_EQ(parse_now_offset_ms("now"), 0);
  EXPECT_EQ(parse_now_offset_ms("now-6m"), -360'000);
  EXPECT_EQ(parse_now_offset_ms("now-9m"), -540'000);
  EXPECT_EQ(parse_now_offset_ms("now-7d"), -604'800'000);
  EXPECT_EQ(parse_now_offset_ms("now+1h"), 3'600'000);
  EXPECT_EQ(parse_now_offset_ms("now-1w"), -604'800'000);
  EXPECT_EQ(parse_now_offset_ms("now-1d-2h"), -93'600'000);
  EXPECT_EQ(parse_now_offset_ms("now-120s"), -120'000);
  for (const char* bad : {"", "now-", "now-6", "now6m", "now-6x", "now/d", "now-1M", "now-1y", "yesterday",
                          "2024-01-01", "Now-6m", "now-6m ", "now-99999999999999999999d"})
    EXPECT_FALSE(parse_now_offset_ms(bad)) << bad;
}

TEST(RuleTypes, NamesRoundTrip) {
  for (auto t : {RuleType::Query, RuleType::NewTerms, RuleType::Threshold, RuleType::ThreatMatch, RuleType::Eql,
                 RuleType::Esql, RuleType::MachineLearning, RuleType::Saved})
    EXPECT_EQ(rule_type_from(to_string(t)), t);
  EXPECT_EQ(rule_type_from("Query"), RuleType::Unknown);
  EXPECT_EQ(rule_type_from(""), RuleType::Unknown);
}

}  // namespace rule_loader_test
}  // namespace
}  // namespace rulec
