// Golden files per stage: the syntax trees of tricky queries, each rule's diagnostics, optimized plan and LLVM IR, the alerts.
//
// A change to the parser, the checks, lowering, ordering or code generation shows up as a diff of
// the files under tests/golden/expected/. When the change is intended, rewrite them with
//   scripts/update-golden
// (RULEC_UPDATE_GOLDEN=1 and this binary) and review the diff like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/test_util.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "compiler/frontend/eql_printer.h"
#include "compiler/frontend/lucene_regex.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"
#include "compiler/optimizer/plan_dump.h"
#include "compiler/pipeline/loaded_rules.h"

namespace rulec::testing {
namespace {
namespace golden_test {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(RULEC_SOURCE_DIR) / "tests" / "golden";

bool updating() {
  const char* e = std::getenv("RULEC_UPDATE_GOLDEN");
  return e && *e && std::string(e) != "0";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares `got` with the golden file `name` (under expected/), or rewrites it when updating.
void expect_golden(const std::string& name, const std::string& got) {
  const fs::path file = kDir / "expected" / name;
  if (updating()) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file << " is missing: run scripts/update-golden and review it";
  const std::string want = slurp(file);
  if (want == got) return;
  // The first differing line, with its neighbours, is enough to see what changed.
  std::istringstream a(want), b(got);
  std::string la, lb;
  size_t line = 1;
  std::vector<std::string> before;
  while (true) {
    const bool ea = !std::getline(a, la), eb = !std::getline(b, lb);
    if (ea && eb) break;
    if (ea || eb || la != lb) {
      std::string ctx;
      for (const auto& l : before) ctx += "   " + l + "\n";
      FAIL() << name << " differs from its golden file at line " << line << ":\n"
             << ctx << " - " << (ea ? "(end of file)" : la) << "\n + " << (eb ? "(end of file)" : lb)
             << "\nIf the change is intended: scripts/update-golden, then review `git diff tests/golden`.";
    }
    before.push_back(la);
    if (before.size() > 3) before.erase(before.begin());
    ++line;
  }
}

const Schema& schema() {
  static const Schema s = load_builtin_schema();
  return s;
}

// The rule files of the golden set, in name order.
std::vector<fs::path> rule_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDir / "rules")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// A path as the golden files show it: relative to tests/golden.
std::string relative(std::string text) {
  const std::string abs = kDir.string() + "/";
  for (size_t pos; (pos = text.find(abs)) != std::string::npos;) text.erase(pos, abs.size());
  return text;
}

// Stage 1, the syntax tree: each line of grammar.kql, its tree or its error with a caret.
TEST(Golden, SyntaxTrees) {
  std::ifstream in(kDir / "grammar.kql");
  ASSERT_TRUE(in) << "tests/golden/grammar.kql";
  std::string out, query;
  while (std::getline(in, query)) {
    out += "== " + query + "\n";
    auto r = kql::parse(query);
    if (r) out += kql::dump(*r.ast) + "-- canonical: " + kql::print(*r.ast) + "\n";
    else out += render(*r.error, query) + "\n";
  }
  expect_golden("grammar.ast", out);
}

// Each Regexp leaf's translation: the Hyperscan expression both engines compile.
void hyperscan_of_regexps(const kql::Node& n, std::string& out) {
  if (n.kind == kql::NodeKind::Regexp) {
    const RegexTranslation t =
        lucene_regex_to_hyperscan(n.value.pattern.segments.front(), n.value.pattern.case_insensitive);
    out += "-- hyperscan: " + (t.never ? std::string("(no value matches)") : t.expression) + "\n";
  }
  for (const auto& k : n.children) hyperscan_of_regexps(*k, out);
}

// Stage 1 for EQL: each line of grammar.eql, its canonical text and each filter as it is lowered
// to the KQL tree family (query leaves, Regexp leaves with their Hyperscan expression, script
// leaves), or its error with a caret.
TEST(Golden, EqlSyntaxAndLowering) {
  std::ifstream in(kDir / "grammar.eql");
  ASSERT_TRUE(in) << "tests/golden/grammar.eql";
  std::string out, query;
  auto lowered = [&](const std::string& label, const eql::EventFilter& f) {
    const eql::LoweredFilter l = eql::lower_filter(f, schema(), "event.category");
    out += "-- " + label + ": ";
    if (l.tree) out += kql::print(*l.tree) + "\n" + kql::dump(*l.tree);
    if (l.tree) hyperscan_of_regexps(*l.tree, out);
    else if (!l.unsupported.empty()) out += "unsupported: " + l.unsupported + "\n";
    else out += "(no tree)\n";
    for (const auto& d : l.diagnostics) out += render(d, query) + "\n";
  };
  while (std::getline(in, query)) {
    out += "== " + query + "\n";
    const eql::ParseResult r = eql::parse(query);
    if (!r) {
      out += render(*r.error, query) + "\n";
      continue;
    }
    const eql::Query& q = *r.query;
    out += "-- canonical: " + eql::print(q) + "\n";
    if (q.kind == eql::QueryKind::Event) lowered("filter", q.event);
    for (size_t i = 0; i < q.terms.size(); ++i) lowered(fmt::format("term {}", i + 1), q.terms[i].filter);
    if (q.until) lowered("until", q.until->filter);
  }
  expect_golden("grammar.eql.out", out);
}

// Stage 2, the diagnostics: each rule file as `rulec check -v` reports it, then each rule's verdict.
TEST(Golden, Diagnostics) {
  for (const auto& file : rule_files()) {
    const RuleSet set = load_rules({file.string()});
    std::string out;
    for (const auto& fe : set.file_errors) out += fmt::format("{}: error [{}] {}\n", fe.path, fe.diag.code, fe.diag.message);
    for (const Rule& rule : set.rules) {
      const AnalyzedRule a = analyze(rule, schema());
      for (const auto& rd : a.diagnostics) out += format_rule_diagnostic(rule, rd, /*verbose=*/true);
      out += fmt::format("rule {} \"{}\": {}{}\n", rule.rule_id, rule.name, to_string(a.status),
                         a.unsupported_reason.empty() ? "" : ": " + a.unsupported_reason);
    }
    expect_golden(file.stem().string() + ".diag", relative(out));
  }
}

// Stages 3 and 4, the optimized plan and the LLVM IR of the rules in `paths`.
void expect_plan_and_ir(const std::vector<std::string>& paths, const std::string& name, bool ir) {
  pipeline::LoadedRules loaded;
  loaded.quiet = true;
  loaded.limits.max_compile_ms = 0;  // the plan must not depend on the machine's speed
  if (!pipeline::load_runnable(paths, schema(), loaded)) return;  // nothing runnable: diagnostics only
  pipeline::BuildOptions bo = loaded.build_options();
  bo.jit = false;
  bo.keep_ir = ir;
  std::string error;
  auto built = pipeline::build(loaded.plan_rules(), schema(), error, bo);
  ASSERT_TRUE(built) << name << ": " << error;
  expect_golden(name + ".plan", plan::dump_plan(*built->plan, built->groups));
  if (ir) expect_golden(name + ".ll", built->ir);
}

TEST(Golden, PlansAndIr) {
  for (const auto& file : rule_files()) expect_plan_and_ir({file.string()}, file.stem().string(), true);
}

// The golden rules as one rule set: atoms, groups and sub-expressions shared across rules.
TEST(Golden, RuleSetPlan) { expect_plan_and_ir({(kDir / "rules").string()}, "all_rules", false); }

// The alert documents: one alert of each rule type (query, new_terms, threshold) from the rules of
// tests/golden/alerts/rules, on the shared sample event (an Elasticsearch hit, made one line) then
// tests/golden/alerts/events.ndjson; --alert-time event keeps the bytes stable.
TEST(Golden, Alerts) {
  const fs::path work = fs::temp_directory_path() / ("rulec-golden-alerts-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  const auto hit = nlohmann::ordered_json::parse(slurp(fs::path(RULEC_SHARED_DIR) / "events" / "linux-exec-event.json"));
  std::ofstream(work / "events.ndjson", std::ios::binary) << hit.dump() << "\n" << slurp(kDir / "alerts" / "events.ndjson");
  const std::string alerts = (work / "alerts.ndjson").string();
  const CmdResult r = run_rulec("run " + quote((kDir / "alerts" / "rules").string()) + " -e " +
                                quote((work / "events.ndjson").string()) + " --alerts " + quote(alerts) + " --alert-time event" +
                                " --indicators " + quote((kDir / "alerts" / "indicators.ndjson").string()));
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string got = slurp(alerts);
  fs::remove_all(work);
  size_t query = 0, new_terms = 0, threshold = 0, threat_match = 0;
  for (const auto& line : nonempty_lines(got)) {
    const auto type = nlohmann::json::parse(line)["kibana.alert.rule.type"];
    query += type == "query", new_terms += type == "new_terms", threshold += type == "threshold";
    threat_match += type == "threat_match";
  }
  EXPECT_EQ(query, 1u);
  EXPECT_EQ(new_terms, 1u);
  EXPECT_EQ(threshold, 1u);
  EXPECT_EQ(threat_match, 1u);  // the ls event: its executable is an indicator of the feed
  expect_golden("alerts.ndjson", got);
}

}  // namespace golden_test
}  // namespace
}  // namespace rulec::testing
