// `rulec check PATH...`: loads every rule below the paths and reports the ones that are not fine.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/driver/html_report.h"
#include "compiler/pipeline/loaded_rules.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"
#include "runtime/common/progress.h"
#include "runtime/sensor/stream_options.h"

namespace rulec::driver {

namespace {

struct CheckOptions {
  RuleSetOptions rules;
  bool verbose = false;
  bool quiet_warnings = false;
  bool strict = false;
  bool cost = false;
  double cost_threshold = 200;
  std::string report;  // --cost --report FILE: the costs as an HTML page
  bool json = false;
  std::vector<std::pair<std::string, std::string>> value_lists;  // --value-list: the ids given
};

// One diagnostic as `check --json` gives it.
nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
  nlohmann::ordered_json j;
  j["severity"] = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  j["code"] = d.code;
  j["message"] = d.message;
  if (d.pos.known()) j["line"] = d.pos.line, j["column"] = d.pos.column;
  return j;
}

// What a rule's cost is made of, for a reader: its tests by kind and its compile times.
std::string cost_parts(const pipeline::RuleCost& c) {
  std::string s = fmt::format("{} exact, {} wildcard", c.exact, c.patterns);
  if (c.pattern_fields) s += fmt::format(" on {} field{}", c.pattern_fields, c.pattern_fields > 1 ? "s" : "");
  s += fmt::format(", {} typed, {} on-demand tests; {} code units; compiled alone in {:.0f} ms", c.typed, c.on_demand,
                   c.code_units, c.total_ms());
  return s;
}

// `check --cost`: every runnable rule's estimated per-event cost, highest first; the ones over the
// threshold and the ones over a compile limit are findings.
int report_costs(const CheckOptions& o, const Schema& schema) {
  pipeline::LoadedRules loaded;
  loaded.limits = o.rules.limits;
  loaded.quiet = true;
  loaded.value_lists = rt::value_list_ids(o.value_lists);
  pipeline::load_runnable(o.rules.paths, schema, loaded);
  std::vector<size_t> order(loaded.infos.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return loaded.costs[a].worst() > loaded.costs[b].worst(); });
  size_t flagged = 0;
  fmt::print("{:>8} {:>8}  {}\n", "worst", "expected", "rule (estimated cost of one evaluation; one bit test = 1)");
  for (size_t i : order) {
    const pipeline::RuleCost& c = loaded.costs[i];
    const bool over = c.worst() > o.cost_threshold;
    flagged += over;
    fmt::print("{:>7.0f}{} {:>8.1f}  {} \"{}\": {}\n", c.worst(), over ? "!" : " ", c.per_event, loaded.infos[i].rule_id,
               loaded.infos[i].name, cost_parts(c));
  }
  for (size_t i : order) {
    if (loaded.costs[i].worst() <= o.cost_threshold) continue;
    const Rule& r = *loaded.rules[i];
    fmt::print("{}: warning [{}] rule {} \"{}\": estimated worst-case cost {:.0f} per event, over the threshold of {:.0f} "
               "(--cost-threshold): {}\n",
               rule_origin(r), diag::kCostly, r.rule_id, r.name, loaded.costs[i].worst(), o.cost_threshold,
               cost_parts(loaded.costs[i]));
  }
  for (const auto& [rule, why] : loaded.left_out) {
    const bool limit = std::any_of(loaded.over_limits.begin(), loaded.over_limits.end(),
                                   [&](const auto& p) { return p.first == rule; });
    if (!limit) continue;
    ++flagged;
    fmt::print("{}: error [{}] rule {} \"{}\": not compiled: {}\n", rule_origin(*rule), diag::kOverLimit,
               rule->rule_id, rule->name, why);
  }
  fmt::print("{} rules costed: {} over the threshold or a compile limit\n", loaded.infos.size() + loaded.over_limits.size(),
             flagged);
  if (!o.report.empty()) {
    Report rep;
    rep.title = fmt::format("rulec check --cost: {} rules", loaded.infos.size() + loaded.over_limits.size());
    rep.facts.push_back(fmt::format("{} over the threshold of {:.0f} (worst case, bit tests per event) or a compile limit",
                                    flagged, o.cost_threshold));
    rep.facts.push_back("worst = code units + 4 per field scanned with Hyperscan + 40 per on-demand test; expected = "
                        "weighted by how often short-circuit evaluation reaches each test");
    for (size_t i : order) {
      const pipeline::RuleCost& c = loaded.costs[i];
      ReportRule rr;
      rr.rule_id = loaded.infos[i].rule_id;
      rr.name = loaded.infos[i].name;
      rr.type = loaded.infos[i].type_name;
      rr.worst = c.worst();
      rr.expected = c.per_event;
      rr.flagged = c.worst() > o.cost_threshold;
      rr.note = cost_parts(c);
      rep.rules.push_back(std::move(rr));
    }
    for (const auto& [rule, cost] : loaded.over_limits) {
      ReportRule rr;
      rr.rule_id = rule->rule_id;
      rr.name = rule->name;
      rr.type = rule->type_name;
      rr.flagged = true;
      for (const auto& [left, why] : loaded.left_out)
        if (left == rule) rr.note = "not compiled: " + why;
      rep.rules.push_back(std::move(rr));
    }
    if (!write_report(o.report, render_html_report(rep))) return kExitFindings;
  }
  return flagged ? kExitFindings : kExitOk;
}

}  // namespace

Runner add_check_command(CLI::App& app) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Load rules and report every rule that is not fine");
  opts->rules.add_to(cmd, "paths", "Rule files or directories (TOML, Kibana JSON, export NDJSON)");
  cmd->add_flag("-v,--verbose", opts->verbose, "Show the query line and a caret under each error position");
  cmd->add_flag("--no-warnings", opts->quiet_warnings, "Do not print warnings");
  cmd->add_flag("--strict", opts->strict,
                "Warnings count as errors: a rule with a warning is an error and the exit status is 1 (default: off)");
  cmd->add_flag("--cost", opts->cost,
                "Estimate each runnable rule's per-event cost and compile it alone under the compile limits; "
                "flag the rules over --cost-threshold or over a limit");
  cmd->add_option("--cost-threshold", opts->cost_threshold,
                  "With --cost: the worst-case cost to flag (one bit test = 1, an on-demand test 40)")
      ->capture_default_str();
  cmd->add_option("--report", opts->report, "With --cost: also write the costs as a self-contained HTML page to FILE")
      ->type_name("FILE");
  rt::add_value_list_option(cmd, opts->value_lists);
  cmd->add_flag("--json", opts->json,
                "One JSON document on stdout: every rule (file, id, name, status, diagnostics), the files that gave "
                "no rule, and the totals (not with --cost)");
  cmd->footer(
      "Prints one line per rule that has an error, is unsupported, or has a warning, then\n"
      "`N rules: X ok, Y unsupported, Z errors`; --json gives every rule as JSON instead. On a terminal,\n"
      "stderr shows how many rules are checked. Exit status: 0 no errors, 1 some rule has an\n"
      "error (with --strict: or a warning) or no rule was found, 2 usage error. Rules of a type the\n"
      "engine does not run (eql, esql, machine_learning) are unsupported, never errors.\n"
      "A field in no loaded schema (built-in ECS and Elastic Defend, --schema) that is close to a\n"
      "schema field is a typo: warning [KQL209] with the field it probably means. Other fields in no\n"
      "schema (integration fields such as aws.cloudtrail.*, typed keyword) are counted after the\n"
      "summary; -v lists them per rule.\n"
      "Examples:\n"
      "  rulec check rules/\n"
      "  rulec check ../shared/corpus/detection-rules ../shared/corpus/kibana-export.ndjson\n"
      "  rulec check --schema my-fields.json -v my-rule.toml\n"
      "  rulec check --strict rules/          exit 1 on any warning too\n"
      "  rulec check --cost rules/            per-rule cost, highest first; exit 1 if some rule is flagged\n"
      "With --cost, the rules are also planned and (large wildcard sets) compiled one by one under\n"
      "the compile limits. Costs are in bit tests (an exact value, a typed test, a field's presence,\n"
      "folded 64 to a word): worst = its code units + 4 per field it scans with Hyperscan + 40 per\n"
      "on-demand test (text analysis, dates, nested, free text, patterns Hyperscan refused);\n"
      "expected = the optimizer's estimate, weighted by how often short-circuit evaluation reaches\n"
      "each test. Rules over --cost-threshold (worst) are flagged [RUL312], rules over a compile\n"
      "limit [RUL311].");
  return [opts]() {
    if (!opts->report.empty() && !opts->cost) {
      fmt::print(stderr, "rulec check: --report needs --cost\n");
      return kExitUsage;
    }
    if (opts->json && opts->cost) {
      fmt::print(stderr, "rulec check: --json and --cost cannot be combined\n");
      return kExitUsage;
    }
    auto schema = opts->rules.schema.load();
    if (!schema) return kExitFindings;

    RuleSet set = load_rules(opts->rules.paths);
    size_t ok = 0, unsupported = 0, errors = 0, warnings = 0, warned_rules = 0, strict_errors = 0;
    size_t unmapped = 0, unmapped_rules = 0;
    nlohmann::ordered_json json_files = nlohmann::ordered_json::array(), json_rules = nlohmann::ordered_json::array();
    for (const auto& fe : set.file_errors) {
      ++errors;
      if (opts->json) {
        auto j = diagnostic_json(fe.diag);
        j["file"] = fe.path;
        if (fe.line) j["ndjson_line"] = fe.line;
        json_files.push_back(std::move(j));
        continue;
      }
      std::string where = fe.path;
      if (fe.diag.pos.known()) where += fmt::format(":{}:{}", fe.diag.pos.line, fe.diag.pos.column);
      else if (fe.line) where += fmt::format(":{}", fe.line);
      fmt::print("{}: error [{}] {}\n", where, fe.diag.code, fe.diag.message);
    }
    rt::Progress progress;
    size_t checked = 0;
    infer_field_types(set.rules, *schema);
    for (const Rule& rule : set.rules) {
      if (progress.due() || checked == 0)
        progress.show(fmt::format("rulec check: {} of {} rules checked", checked, set.rules.size()));
      ++checked;
      AnalyzedRule a = analyze(rule, *schema, rt::value_list_ids(opts->value_lists));
      switch (a.status) {
        case RuleStatus::Ok: ++ok; break;
        case RuleStatus::Unsupported: ++unsupported; break;
        case RuleStatus::Error: ++errors; break;
      }
      if (a.status != RuleStatus::Unsupported) {
        const size_t w = std::count_if(a.diagnostics.begin(), a.diagnostics.end(),
                                       [](const RuleDiagnostic& rd) { return rd.diag.severity == Severity::Warning; });
        warnings += w;
        warned_rules += w > 0;
        if (opts->strict && w > 0 && a.status == RuleStatus::Ok) {
          --ok;
          ++errors;
          ++strict_errors;
          a.status = RuleStatus::Error;
        }
        unmapped += a.unmapped_fields.size();
        unmapped_rules += !a.unmapped_fields.empty();
      }
      if (opts->json) {
        nlohmann::ordered_json j;
        j["file"] = rule_origin(rule);
        j["rule_id"] = rule.rule_id;
        j["name"] = rule.name;
        j["status"] = to_string(a.status);
        if (a.status == RuleStatus::Unsupported) j["reason"] = a.unsupported_reason;
        auto& diags = j["diagnostics"] = nlohmann::ordered_json::array();
        for (const auto& rd : a.diagnostics) {
          if (rd.diag.severity != Severity::Error && opts->quiet_warnings) continue;
          auto d = diagnostic_json(rd.diag);
          d["part"] = to_string(rd.part);
          diags.push_back(std::move(d));
        }
        json_rules.push_back(std::move(j));
        continue;
      }
      progress.clear();
      if (a.status == RuleStatus::Unsupported) {
        fmt::print("{}: unsupported [{}] rule {} \"{}\": {}\n", rule_origin(rule), diag::kUnsupported, rule.rule_id,
                   rule.name, a.unsupported_reason);
        continue;
      }
      for (const auto& rd : a.diagnostics) {
        if (rd.diag.severity != Severity::Error && opts->quiet_warnings) continue;
        fmt::print("{}", format_rule_diagnostic(rule, rd, opts->verbose));
      }
      if (opts->verbose && !a.unmapped_fields.empty())
        fmt::print("{}: note [{}] rule {} \"{}\": in no loaded schema, typed keyword: {}\n", rule_origin(rule),
                   diag::kUnknownField, rule.rule_id, rule.name, fmt::join(a.unmapped_fields, ", "));
    }
    progress.clear();
    if (opts->json) {
      nlohmann::ordered_json doc;
      doc["rules"] = std::move(json_rules);
      doc["file_errors"] = std::move(json_files);
      doc["summary"] = {{"rules", ok + unsupported + errors}, {"ok", ok}, {"unsupported", unsupported}, {"errors", errors},
                        {"warnings", warnings}, {"strict", opts->strict}, {"unmapped_fields", unmapped}};
      fmt::print("{}\n", doc.dump(2));
    } else {
      fmt::print("{} rules: {} ok, {} unsupported, {} errors{}\n", ok + unsupported + errors, ok, unsupported, errors,
                 strict_errors ? fmt::format(" ({} for warnings, --strict)", strict_errors) : std::string());
      if (warnings)
        fmt::print("{} warnings in {} rules{}\n", warnings, warned_rules, opts->strict ? ", errors with --strict" : "");
      if (unmapped)
        fmt::print("{} fields in no loaded schema and close to none of its fields, in {} rules (integration fields, "
                   "typed keyword; -v lists them, --schema types them)\n",
                   unmapped, unmapped_rules);
    }
    if (set.rules.empty() && set.file_errors.empty()) {
      fmt::print(stderr, "rulec check: no rule found in {}\n", fmt::join(opts->rules.paths, ", "));
      return kExitFindings;
    }
    if (opts->cost) {
      const int costs = report_costs(*opts, *schema);
      if (costs != kExitOk) return costs;
    }
    return errors ? kExitFindings : kExitOk;
  };
}

}  // namespace rulec::driver
