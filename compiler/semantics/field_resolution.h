// Shared query semantics: a literal field name resolved against the schema (a multi-field reads its parent's values).
#pragma once

#include <string_view>

#include "compiler/frontend/schema.h"
#include "runtime/eval/field_walk.h"

namespace rulec::semantics {

using rt::FieldRef;
using rt::has_subfields;

// Where the values of field `name` live (rt::resolve_with over the schema).
FieldRef resolve_field(const Schema& schema, std::string_view name);

}  // namespace rulec::semantics
