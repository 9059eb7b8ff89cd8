// Matcher planning: string atoms merged into one group (hash set + Hyperscan database) per field; typed tests.
#pragma once

#include <string>
#include <vector>

#include "compiler/matchers/bounded_compile.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/string_matcher.h"

struct hs_platform_info;

namespace rulec::matchers {

struct StringPlanStats {
  size_t exact = 0, patterns = 0, any = 0;
  size_t demoted = 0;       // patterns Hyperscan refused, left to the on-demand evaluator
  double compile_ms = 0;    // Hyperscan compile time
  std::vector<std::string> over_budget;  // groups whose database was over the budget (demoted whole)
};

struct StringPlanOptions {
  const hs_platform_info* platform = nullptr;  // the CPU tier databases are built for; nullptr: this host
  bool keep_databases = true;  // false: patterns are checked, but the sensor builds the databases (another arch)
  CompileBudget budget;        // per database; over it, the group's patterns are evaluated on demand
};

// Groups the plan's string atoms by (document path, normalization, ignore_above): exact values go
// to the group's hash table, patterns to its Hyperscan database (compiled and serialized here).
// A pattern Hyperscan refuses (too large, unsupported) turns its atom Generic in `plan`.
std::vector<rt::StringGroupSpec> plan_strings(plan::Plan& plan, StringPlanStats& stats,
                                             const StringPlanOptions& opts = {});

// The plan's typed atoms (numbers, ips, booleans) as the runtime's typed tests, with their slots.
std::vector<rt::TypedTestSpec> plan_typed(const plan::Plan& plan);

}  // namespace rulec::matchers
