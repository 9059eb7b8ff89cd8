// The optimizer's passes, in the order optimize() runs them; each takes the plan the previous one left.
#pragma once

#include <string>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/matchers/pattern_screen.h"
#include "compiler/optimizer/plan.h"

namespace rulec::plan {

// 1. ASTs -> atoms + DAG, hash-consed across rules: `not` pushed down to the atoms, constants and
//    complementary pairs folded, And/Or flattened and deduplicated (lower.cpp).
Plan lower(const std::vector<RuleAsts>& rules, const Schema& schema);

// 2. Hyperscan screening: the reachable pattern atoms of each string group are compiled; a pattern
//    Hyperscan refuses, or every pattern of a group over its budget, becomes a Generic atom (so the
//    costs of pass 3 are the true ones). The databases are kept for the matchers (screen_patterns.cpp).
matchers::PatternScreen screen_patterns(Plan& plan, const matchers::ScreenOptions& opts);

// 3. Cost and selectivity estimates; conjunctions cheapest-and-most-selective first, disjunctions
//    cheapest-and-most-likely first (order_by_cost.cpp).
void order_by_cost(Plan& plan);

// 4. Use counts of the reachable expressions; a memo slot per shared And/Or, computed at most once
//    per event (share_subexpressions.cpp).
void share_subexpressions(Plan& plan);

// 5. Atoms still reachable, renumbered: bit atoms (string and typed) first, then Generic; each
//    atom's use count (number_atoms.cpp).
std::vector<uint32_t> number_atoms(Plan& plan);  // returns the new id of each old atom (UINT32_MAX: dropped)

// 6. The document paths and subtrees the rule set reads: string and typed atoms' sources, what the
//    on-demand atoms look up, and the rules' extra fields (fields_read.cpp).
void collect_fields_read(Plan& plan, const Schema& schema);

// Which expressions the rules' roots reach (kids come before parents in plan.exprs).
std::vector<char> reachable_exprs(const Plan& plan);

}  // namespace rulec::plan
