// Per-rule compile limits and cost: a rule that would blow up compilation is left out with the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/frontend/schema.h"
#include "compiler/matchers/bounded_compile.h"
#include "compiler/optimizer/plan.h"

namespace rulec::pipeline {

// What one rule may cost the compiler. The whole rule set is never refused for one rule: a rule
// over a limit is left out (and reported), the others compile.
struct CompileLimits {
  uint32_t max_compile_ms = 10000;  // CPU time of its analysis, planning and own Hyperscan pattern set; 0: none
  uint32_t max_code_units = 20000;  // the code emitted for it (codegen::code_units); 0: none
  uint32_t max_memory_mb = 2048;    // address space of each Hyperscan compile; 0: none
  size_t solo_patterns = 64;        // a rule with this many patterns has them compiled alone first
};

// A rule's cost to the compiler and, estimated, per event.
struct RuleCost {
  double analyze_ms = 0;      // analysis (measured by the caller); every time here is CPU time
  double plan_ms = 0;         // planning the rule alone
  double hyperscan_ms = 0;    // compiling its own pattern sets (only for large sets)
  size_t code_units = 0;      // code size (its expression and its shared sub-expressions)
  size_t exact = 0, patterns = 0, any = 0, typed = 0, on_demand = 0;  // its tests by kind
  size_t pattern_fields = 0;  // fields whose values it may scan with Hyperscan
  double per_event = 0;       // the optimizer's expected cost of one evaluation (one bit test = 1)
  // Worst case of one evaluation, every test reached: its code units, 40 per on-demand test, 4 per
  // field it scans with Hyperscan (the calibration of the optimizer's order_by_cost pass).
  double worst() const { return static_cast<double>(code_units) + 40.0 * on_demand + 4.0 * pattern_fields; }
  double total_ms() const { return analyze_ms + plan_ms + hyperscan_ms; }
};

// Plans `rule` alone, measures it and checks it against `limits` (the time budget includes
// `cost.analyze_ms`, set by the caller). Returns the reason it is over a limit, or "" when within.
std::string screen_rule(const plan::RuleAsts& rule, const Schema& schema, const CompileLimits& limits,
                        RuleCost& cost);

// The budget of one merged Hyperscan database of a set of `rules` screened rules: each rule was
// compiled within its own budget, so the set gets the sum (a net against blow-ups by combination).
matchers::CompileBudget set_budget(const CompileLimits& limits, size_t rules);

}  // namespace rulec::pipeline
