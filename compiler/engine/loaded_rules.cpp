// Loading runnable rules and choosing the engine (shared by run, match, explain and bench).
#include "compiler/engine/loaded_rules.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "compiler/frontend/runtime_rule.h"
#include "runtime/common/dates.h"

namespace rulec::engine {

plan::RuleAsts plan_rule(const interp::CompiledRule& compiled, const rt::RuleInfo& info) {
  plan::RuleAsts r;
  r.name = info.name;
  r.query = compiled.query;
  r.filters = compiled.filters;
  r.exceptions = compiled.exceptions;
  r.extra_fields.push_back("@timestamp");
  if (!info.timestamp_field.empty()) r.extra_fields.push_back(info.timestamp_field);
  for (const auto& f : info.new_terms_fields) r.extra_fields.push_back(f.path);
  for (const auto& f : info.threshold_fields) r.extra_fields.push_back(f.path);
  if (!info.cardinality_field.empty()) r.extra_fields.push_back(info.cardinality_field);
  return r;
}

std::vector<plan::RuleAsts> LoadedRules::plan_rules() const {
  std::vector<plan::RuleAsts> out;
  for (size_t i = 0; i < compiled.size(); ++i) out.push_back(plan_rule(compiled[i], infos[i]));
  return out;
}

BuildOptions LoadedRules::build_options() const {
  BuildOptions bo;
  bo.strings.budget = set_budget(limits, infos.size());
  return bo;
}

bool load_runnable(const std::vector<std::string>& paths, const Schema& schema, LoadedRules& out) {
  out.set = load_rules(paths);
  for (const auto& fe : out.set.file_errors) fmt::print(stderr, "rulec: {}: skipped: {}\n", fe.path, fe.diag.message);
  for (const Rule& rule : out.set.rules) {
    const auto t0 = std::chrono::steady_clock::now();
    AnalyzedRule a = analyze(rule, schema);
    RuleCost cost;
    cost.analyze_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::string why;
    if (a.status == RuleStatus::Unsupported) why = a.unsupported_reason;
    if (a.status == RuleStatus::Error) why = "has errors (see `rulec check`)";
    std::optional<rt::RuleInfo> info;
    if (why.empty()) info = lower_rule_info(rule, schema, why);
    interp::CompiledRule c{a.query.get(), rule.filters_ast.get(), {}};
    for (const ExceptionItem* item : rule.exception_items)
      if (item->ast) c.exceptions.push_back(item->ast.get());
    if (info) {
      why = screen_rule(plan_rule(c, *info), schema, out.limits, cost);
      if (!why.empty()) out.over_limits.emplace_back(&rule, cost);
    }
    if (!why.empty()) info.reset();
    if (!info) {
      if (!out.quiet) fmt::print(stderr, "rulec: rule {} \"{}\" not run: {}\n", rule.rule_id, rule.name, why);
      out.left_out.emplace_back(&rule, why);
      continue;
    }
    out.compiled.push_back(std::move(c));
    out.costs.push_back(cost);
    out.rules.push_back(&rule);
    out.infos.push_back(std::move(*info));
    out.analyzed.push_back(std::move(a));
  }
  if (out.infos.empty()) {
    if (!out.quiet) fmt::print(stderr, "rulec: no rule to run\n");
    return false;
  }
  return true;
}

std::unique_ptr<ActiveEngine> ActiveEngine::create(const std::string& name, const std::vector<plan::RuleAsts>& rules,
                                                   const std::vector<interp::CompiledRule>& compiled,
                                                   const Schema& schema, const BuildOptions& opts) {
  auto e = std::make_unique<ActiveEngine>();
  if (name == "interp") {
    e->interp_ = std::make_unique<interp::Interpreter>(compiled, schema);
    return e;
  }
  std::string error;
  e->built_ = build(rules, schema, error, opts);
  if (!e->built_) {
    fmt::print(stderr, "rulec: cannot compile the rules: {}\n", error);
    return nullptr;
  }
  return e;
}

rt::Evaluator& ActiveEngine::evaluator() {
  if (interp_) return *interp_;
  return *built_->engine;
}

void ActiveEngine::set_now_ms(int64_t now_ms) {
  if (interp_) interp_->set_now_ms(now_ms);
  else built_->engine->set_now_ms(now_ms);
}

bool ActiveEngine::needs_now() const { return interp_ || built_->engine->needs_now(); }

const rt::FieldFilter* ActiveEngine::decode_filter() const { return built_ ? &built_->engine->filter() : nullptr; }

}  // namespace rulec::engine
