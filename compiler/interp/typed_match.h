// Per-type value tests of the reference evaluator: preparing one query value for one field type.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/frontend/values.h"
#include "runtime/eval/value_tests.h"

namespace rulec::interp {

// What a document value is per type and how each prepared value is tested: runtime/eval/value_tests.h.
using rt::Prepared;
using rt::Scratch;
using rt::indexed;
using rt::test;

// The text of a query value: typed literals by their word, patterns with their wildcard characters.
std::string value_text(const kql::Value& v);

// Builds `p` for node `n` (Is, Range or FreeText) on a field of type `t` (with a lowercase
// normalizer when `lower`). Dates are computed against `now_ms`.
void prepare(Prepared& p, const kql::Node& n, FieldType t, bool lower, int64_t now_ms);

}  // namespace rulec::interp
