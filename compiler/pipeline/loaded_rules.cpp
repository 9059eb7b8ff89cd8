// Loading runnable rules: analysed, screened against the compile limits, lowered for the optimizer.
#include "compiler/pipeline/loaded_rules.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "compiler/frontend/parser.h"
#include "compiler/frontend/runtime_rule.h"
#include "compiler/matchers/generic_plan.h"
#include "runtime/common/byte_io.h"
#include "runtime/common/cpu_time.h"
#include "runtime/common/progress.h"

namespace rulec::pipeline {

plan::RuleAsts plan_rule(const RuleTrees& trees, const rt::RuleInfo& info) {
  plan::RuleAsts r;
  static_cast<RuleTrees&>(r) = trees;
  r.name = info.name;
  r.extra_fields.push_back("@timestamp");
  if (!info.timestamp_field.empty()) r.extra_fields.push_back(info.timestamp_field);
  for (const auto& f : info.new_terms_fields) r.extra_fields.push_back(f.path);
  for (const auto& f : info.threshold_fields) r.extra_fields.push_back(f.path);
  if (!info.cardinality_field.empty()) r.extra_fields.push_back(info.cardinality_field);
  for (const auto& mapping : info.threat_mapping)
    for (const auto& e : mapping) r.extra_fields.push_back(e.field);
  for (const auto& item : info.value_list_items)
    for (const auto& e : item) r.extra_fields.push_back(e.field);
  for (const auto& term : info.sequence.terms)
    for (const auto& k : term.keys) r.extra_fields.push_back(k.path);
  for (const auto& k : info.sequence.until.keys) r.extra_fields.push_back(k.path);
  return r;
}

std::vector<plan::RuleAsts> LoadedRules::plan_rules() const {
  std::vector<plan::RuleAsts> out;
  for (size_t i = 0; i < trees.size(); ++i) out.push_back(plan_rule(trees[i], infos[i]));
  return out;
}

size_t LoadedRules::sequence_terms() const {
  return static_cast<size_t>(std::count_if(infos.begin(), infos.end(), [](const rt::RuleInfo& i) {
    return i.kind == rt::DetectionKind::SequenceTerm;
  }));
}

std::string LoadedRules::rules_text() const {
  const size_t terms = sequence_terms();
  if (!terms) return fmt::format("{} rules", infos.size());
  return fmt::format("{} rules (+{} EQL sequence terms)", infos.size() - terms, terms);
}

BuildOptions LoadedRules::build_options() const {
  BuildOptions bo;
  bo.strings.budget = set_budget(limits, infos.size());
  return bo;
}

namespace {

// A threat_match rule's indicator selection (threat_query AND threat_filters) as the program the
// runtime evaluates on each indicator document of a feed. Empty, or why the rule cannot run.
std::string lower_threat_selector(const Rule& rule, const Schema& schema, rt::RuleInfo& info) {
  std::vector<kql::NodePtr> parts;
  const std::string_view text = part_text(rule, RulePart::ThreatQuery);
  if (text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    auto parsed = kql::parse(text);
    if (!parsed) return fmt::format("threat_query: {}", parsed.error->message);
    parts.push_back(std::move(parsed.ast));
  }
  if (rule.threat_filters_ast) parts.push_back(rule.threat_filters_ast->clone());
  kql::NodePtr root = parts.empty() ? kql::make_match_all() : kql::make_and(std::move(parts));
  rt::ByteWriter w;
  rt::encode_generic(w, matchers::generic_program_of({root.get()}, schema));
  info.threat_selector = w.take();
  return {};
}

}  // namespace

bool load_runnable(const std::vector<std::string>& paths, const Schema& schema, LoadedRules& out) {
  out.set = load_rules(paths);
  for (const auto& fe : out.set.file_errors) fmt::print(stderr, "rulec: {}: skipped: {}\n", fe.path, fe.diag.message);
  infer_field_types(out.set.rules, schema);
  size_t done = 0;
  for (const Rule& rule : out.set.rules) {
    if (out.on_rule) out.on_rule(done++, out.set.rules.size());
    const double t0 = thread_cpu_ms();
    AnalyzedRule a = analyze(rule, schema, out.value_lists);
    RuleCost cost;
    cost.analyze_ms = thread_cpu_ms() - t0;
    std::string why;
    if (a.status == RuleStatus::Unsupported) why = a.unsupported_reason;
    if (a.status == RuleStatus::Error) {
      const auto first = std::find_if(a.diagnostics.begin(), a.diagnostics.end(),
                                      [](const auto& rd) { return rd.diag.severity == Severity::Error; });
      why = first == a.diagnostics.end() ? std::string("has errors (see `rulec check`)")
                                         : fmt::format("[{}] {} (see `rulec check`)", first->diag.code, first->diag.message);
    }
    std::optional<rt::RuleInfo> info;
    if (why.empty()) info = lower_rule_info(rule, schema, why);
    if (info && info->kind == rt::DetectionKind::ThreatMatch) why = lower_threat_selector(rule, schema, *info);
    RuleTrees c{a.query.get(), rule.filters_ast.get(), {}};
    for (const ExceptionItem* item : rule.exception_items)
      if (item->ast) c.exceptions.push_back(item->ast.get());
    if (info) {
      why = screen_rule(plan_rule(c, *info), schema, out.limits, cost);
      if (!why.empty()) out.over_limits.emplace_back(&rule, cost);
    }
    // An EQL sequence: its terms become rules of their own (SequenceTerm) right after it.
    std::vector<AnalyzedRule> term_rules;
    std::vector<RuleTrees> term_trees;
    std::vector<rt::RuleInfo> term_infos;
    std::vector<RuleCost> term_costs;
    if (info && why.empty() && a.eql_sequence) {
      lower_sequence(*a.eql_sequence, schema, *info);
      const auto owner = static_cast<uint32_t>(out.infos.size());
      for (size_t k = 0; k < a.sequence_terms.size() && why.empty(); ++k) {
        AnalyzedRule t;
        t.rule = &rule;
        t.query = std::move(a.sequence_terms[k]);
        RuleTrees tc{t.query.get(), rule.filters_ast.get(), c.exceptions};
        rt::RuleInfo ti = sequence_term_info(*info, owner, static_cast<uint32_t>(k));
        RuleCost tcost;
        why = screen_rule(plan_rule(tc, ti), schema, out.limits, tcost);
        if (!why.empty()) out.over_limits.emplace_back(&rule, tcost);
        term_rules.push_back(std::move(t));
        term_trees.push_back(std::move(tc));
        term_infos.push_back(std::move(ti));
        term_costs.push_back(tcost);
      }
    }
    if (!why.empty()) info.reset();
    if (!info) {
      rt::Progress::clear_shown();  // a progress line (on a terminal) is drawn again after the message
      if (!out.quiet) fmt::print(stderr, "rulec: rule {} \"{}\" not run: {}\n", rule.rule_id, rule.name, why);
      out.left_out.emplace_back(&rule, why);
      continue;
    }
    out.trees.push_back(std::move(c));
    out.costs.push_back(cost);
    out.rules.push_back(&rule);
    out.infos.push_back(std::move(*info));
    out.analyzed.push_back(std::move(a));
    for (size_t k = 0; k < term_rules.size(); ++k) {
      out.trees.push_back(std::move(term_trees[k]));
      out.costs.push_back(term_costs[k]);
      out.rules.push_back(&rule);
      out.infos.push_back(std::move(term_infos[k]));
      out.analyzed.push_back(std::move(term_rules[k]));
    }
  }
  if (out.on_rule) out.on_rule(out.set.rules.size(), out.set.rules.size());
  if (out.infos.empty()) {
    if (!out.quiet) fmt::print(stderr, "rulec: no rule to run\n");
    return false;
  }
  return true;
}

}  // namespace rulec::pipeline
