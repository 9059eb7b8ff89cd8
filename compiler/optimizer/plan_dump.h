// A sealed plan as deterministic text (`rulec explain --emit plan`, the plan golden files): rules, atoms, DAG, fields, groups.
#pragma once

#include <string>
#include <vector>

#include "compiler/optimizer/plan.h"
#include "runtime/eval/string_matcher.h"

namespace rulec::plan {

// Every rule's root, every atom (kind, source, normalization, test, uses), every reachable
// expression (kids in evaluation order, cost, probability, uses, memo slot), the fields read and
// the string groups. Identical plans give identical text; nothing depends on time or addresses.
std::string dump_plan(const Plan& plan, const std::vector<rt::StringGroupSpec>& groups);

}  // namespace rulec::plan
