// The runtime's tables of a sealed plan: string groups (hash set + Hyperscan database per field) and typed tests.
#pragma once

#include <string>
#include <vector>

#include "compiler/matchers/pattern_screen.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/string_matcher.h"
#include "runtime/eval/typed_tests.h"

namespace rulec::matchers {

// Groups the plan's string atoms by (document path, normalization, ignore_above): exact values go
// to the group's hash table, patterns to its Hyperscan database, which `screen` compiled (its
// atoms renumbered). Counts the atoms by kind into `stats`. False with `error` when the plan's
// patterns are not the ones screened (an internal error).
[[nodiscard]] bool string_groups(const plan::Plan& plan, const PatternScreen& screen, std::vector<rt::StringGroupSpec>& out,
                                 StringPlanStats& stats, std::string& error);

// The plan's typed atoms (numbers, ips, booleans, keyword ranges) as the runtime's typed tests, with their slots.
std::vector<rt::TypedTestSpec> typed_tests(const plan::Plan& plan);

}  // namespace rulec::matchers
