// Screening one rule against the compile limits: its plan alone, its code size, its own pattern sets.
#include "compiler/pipeline/compile_limits.h"

#include <map>
#include <tuple>

#include <fmt/format.h>

#include "compiler/codegen/ir_emitter.h"
#include "compiler/optimizer/optimize.h"
#include "runtime/common/cpu_time.h"

namespace rulec::pipeline {

namespace {

// Compile limits count CPU time: a rule over them on a busy machine is over them on an idle one.
double ms_since(double cpu_ms) { return thread_cpu_ms() - cpu_ms; }

}  // namespace

std::string screen_rule(const plan::RuleAsts& rule, const Schema& schema, const CompileLimits& limits,
                        RuleCost& cost) {
  const auto over_time = [&] { return limits.max_compile_ms && cost.total_ms() > limits.max_compile_ms; };
  const auto time_reason = [&](const char* stage) {
    return fmt::format("over the compile-time limit of {} CPU ms per rule (--max-compile-ms) after {}: analysis "
                       "{:.0f} ms, planning {:.0f} ms, Hyperscan {:.0f} ms",
                       limits.max_compile_ms, stage, cost.analyze_ms, cost.plan_ms, cost.hyperscan_ms);
  };
  if (over_time()) return time_reason("analysis");

  const double t = thread_cpu_ms();
  std::string error;
  matchers::ScreenOptions unscreened;
  unscreened.enabled = false;  // its large pattern sets are compiled below, under the rule's budget
  const auto optimized = plan::optimize({rule}, schema, unscreened, error);
  cost.plan_ms = ms_since(t);
  if (!optimized) return error;
  const plan::Plan& p = *optimized->plan;
  if (over_time()) return time_reason("planning");

  cost.code_units = codegen::code_units(p, p.roots[0]);
  for (uint32_t id = 0; id < p.exprs.size(); ++id)
    if (p.exprs[id].memo >= 0) cost.code_units += codegen::code_units(p, id);
  cost.per_event = p.exprs[p.roots[0]].cost;
  std::map<std::tuple<std::string, bool, uint32_t>, std::vector<rt::StringGroupSpec::Pattern>> sets;
  for (uint32_t a = 0; a < p.atoms.size(); ++a) {
    const plan::Atom& at = p.atoms[a];
    switch (at.kind) {
      case plan::AtomKind::StrExact: ++cost.exact; break;
      case plan::AtomKind::StrAny: ++cost.any; break;
      case plan::AtomKind::Typed: ++cost.typed; break;
      case plan::AtomKind::Generic: ++cost.on_demand; break;
      case plan::AtomKind::StrPattern:
        ++cost.patterns;
        sets[{at.source, at.lower, at.ignore_above}].push_back({at.text, at.caseless, at.utf8, a});
        break;
    }
  }
  cost.pattern_fields = sets.size();
  if (limits.max_code_units && cost.code_units > limits.max_code_units)
    return fmt::format("its code would be {} units, over the limit of {} per rule (--max-code-units); "
                       "split the rule into smaller rules",
                       cost.code_units, limits.max_code_units);

  // Large pattern sets are compiled alone, under what is left of the rule's budget.
  if (cost.patterns >= limits.solo_patterns && limits.solo_patterns) {
    for (const auto& [key, patterns] : sets) {
      matchers::CompileBudget budget{0, limits.max_memory_mb};
      if (limits.max_compile_ms) budget.max_ms = static_cast<uint32_t>(std::max(1.0, limits.max_compile_ms - cost.total_ms()));
      const matchers::CompileResult r = matchers::compile_bounded(patterns, nullptr, budget);
      cost.hyperscan_ms += r.ms;
      const std::string& field = std::get<0>(key);
      if (r.outcome == matchers::CompileOutcome::TimedOut)
        return fmt::format("its {} wildcard patterns on {} did not compile within the limit of {} CPU ms per rule "
                           "(--max-compile-ms; analysis {:.0f} ms, planning {:.0f} ms)",
                           patterns.size(), field, limits.max_compile_ms, cost.analyze_ms, cost.plan_ms);
      if (r.outcome == matchers::CompileOutcome::OutOfMemory)
        return fmt::format("its {} wildcard patterns on {} need more than {} MB to compile (--max-compile-mb)",
                           patterns.size(), field, limits.max_memory_mb);
      // Refused patterns are evaluated on demand, as in the full build: not a reason to leave it out.
    }
    if (over_time()) return time_reason("Hyperscan");
  }
  return "";
}

matchers::CompileBudget set_budget(const CompileLimits& limits, size_t rules) {
  matchers::CompileBudget b;
  b.max_memory_mb = limits.max_memory_mb;
  if (limits.max_compile_ms) {
    const uint64_t ms = uint64_t{limits.max_compile_ms} * std::max<size_t>(rules, 1);
    b.max_ms = static_cast<uint32_t>(std::min<uint64_t>(ms, UINT32_MAX));
  }
  return b;
}

}  // namespace rulec::pipeline
