// Shared query semantics: one query value prepared for one field type (the interpreter, the optimizer and the on-demand tests' planner all use it).
#pragma once

#include <cstdint>
#include <string>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/frontend/values.h"
#include "runtime/eval/value_tests.h"

namespace rulec::semantics {

// What a document value is per type and how each prepared value is tested: runtime/eval/value_tests.h.
using rt::Prepared;
using rt::Scratch;
using rt::indexed;
using rt::test;

// Builds `p` for node `n` (Is, Range or FreeText) on a field of type `t` (with a lowercase
// normalizer when `lower`). Dates are computed against `now_ms`.
void prepare(Prepared& p, const kql::Node& n, FieldType t, bool lower, int64_t now_ms);

}  // namespace rulec::semantics
