// Matcher planning for on-demand atoms: each Generic atom's AST node and the schema lowered into the runtime's GenericProgram.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/generic_tests.h"

namespace rulec::matchers {

// Lowers the sealed plan's Generic atoms into the runtime's native on-demand tests: field names
// made full (nested prefixes), query values prepared per field type they may meet, field-name
// patterns expanded against the schema, and the schema facts the tests look up. Every kind of KQL
// leaf is representable, so every Generic atom gets a root.
rt::GenericProgram generic_program(const plan::Plan& plan, const Schema& schema);

// The same lowering for whole query trees, one atom per root (a null root never matches): what a
// threat_match rule's indicator selection (threat_query and threat_filters) becomes.
rt::GenericProgram generic_program_of(const std::vector<const kql::Node*>& roots, const Schema& schema);

}  // namespace rulec::matchers
