// The optimizer: rule ASTs through every pass (passes.h) to a sealed plan and the string groups of its atoms.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/matchers/pattern_screen.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/string_matcher.h"

namespace rulec::plan {

struct Optimized {
  std::shared_ptr<const Plan> plan;          // sealed: nothing after the passes changes it
  std::vector<rt::StringGroupSpec> groups;   // its string groups, with the databases the screening compiled
  matchers::StringPlanStats strings;
  double plan_ms = 0;                        // the passes but the Hyperscan screening
};

// Runs lower, screen_patterns, order_by_cost, share_subexpressions, number_atoms and
// collect_fields_read. With `screen.enabled` false there is no Hyperscan compile and no string
// group (costing a rule alone). nullopt with `error` on an internal error.
std::optional<Optimized> optimize(const std::vector<RuleAsts>& rules, const Schema& schema,
                                  const matchers::ScreenOptions& screen, std::string& error);

}  // namespace rulec::plan
