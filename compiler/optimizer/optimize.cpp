// The optimizer's pass sequence; the plan it returns is sealed (const) for every later stage.
#include "compiler/optimizer/optimize.h"

#include <chrono>

#include "compiler/matchers/string_plan.h"
#include "compiler/optimizer/passes.h"

namespace rulec::plan {

std::optional<Optimized> optimize(const std::vector<RuleAsts>& rules, const Schema& schema,
                                  const matchers::ScreenOptions& screen, std::string& error) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  Plan p = lower(rules, schema);
  matchers::PatternScreen screened = screen_patterns(p, screen);
  order_by_cost(p);
  share_subexpressions(p);
  screened.renumber(number_atoms(p));
  collect_fields_read(p, schema);

  Optimized out;
  out.strings = screened.stats;
  out.plan_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count() - screened.stats.compile_ms;
  if (screen.enabled && !matchers::string_groups(p, screened, out.groups, out.strings, error)) return std::nullopt;
  out.plan = std::make_shared<const Plan>(std::move(p));
  return out;
}

}  // namespace rulec::plan
