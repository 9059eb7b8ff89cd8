// Shared query semantics: a literal field name resolved against the schema.
#include "compiler/semantics/field_resolution.h"

namespace rulec::semantics {

FieldRef resolve_field(const Schema& schema, std::string_view name) {
  return rt::resolve_with([&](std::string_view n) { return schema.lookup(n); }, name);
}

}  // namespace rulec::semantics
