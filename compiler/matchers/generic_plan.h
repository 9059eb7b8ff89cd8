// Matcher planning for on-demand atoms: each Generic atom's AST node and the schema lowered into the runtime's GenericProgram.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/generic_tests.h"

namespace rulec::matchers {

struct GenericPlan {
  rt::GenericProgram program;           // every representable Generic atom (roots per atom)
  std::vector<uint32_t> fallback_atoms;  // Generic atoms left to the reference evaluator (sorted)
};

// Lowers the plan's Generic atoms (after plan_strings, which may demote patterns to Generic):
// field names made full (nested prefixes), query values prepared per field type they may meet,
// field-name patterns expanded against the schema, and the schema facts the tests look up. Every
// kind of KQL leaf is representable, so fallback_atoms is empty for every plan built from ASTs.
GenericPlan plan_generic(const plan::Plan& plan, const Schema& schema);

// The rules (indexes into plan.roots) whose expression reaches one of `atoms`.
std::vector<uint32_t> rules_reaching(const plan::Plan& plan, const std::vector<uint32_t>& atoms);

}  // namespace rulec::matchers
