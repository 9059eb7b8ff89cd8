// Field-level KQL semantics over one indexed event, shared by the reference evaluator and the runtime's on-demand tests.
#include "runtime/eval/field_walk.h"

namespace rulec::rt {

bool is_leaf_type(FieldType t) { return t != FieldType::Object && t != FieldType::Nested; }

bool has_subfields(const FieldInfo& i) { return !i.known || !is_leaf_type(i.type) || i.type == FieldType::Flattened; }

bool FieldWalk::test_field(const Prepared& p, const FieldRef& r, std::string_view name, uint32_t elem) {
  if (p.mode == Prepared::Mode::Never) return false;
  const auto& leaves = index_.event().leaves;
  for (uint32_t i : index_.leaves(r.source)) {
    if (!index_.leaf_within(i, elem)) continue;
    if (test(p, r.info, leaves[i], scratch_)) return true;
  }
  if (r.info.type == FieldType::Flattened && r.source.size() == name.size()) {
    sub_.assign(name);
    sub_ += '.';
    for (const PathEntry& pe : index_.paths_with_prefix(sub_)) {
      for (uint32_t i : index_.leaves_of(pe))
        if (index_.leaf_within(i, elem) && test(p, r.info, leaves[i], scratch_)) return true;
    }
  }
  return false;
}

bool FieldWalk::leaf_indexed_anyhow(std::string_view path, uint32_t i) {
  const Leaf& leaf = index_.event().leaves[i];
  if (leaf.kind == ValueKind::Null) return false;
  if (indexed(facts_.lookup(path), leaf)) return true;
  // A value its own field does not index (over ignore_above, say) may still be indexed by a
  // multi-field (`X.text` has no ignore_above).
  for (std::string_view f : facts_.multi_fields(path))
    if (indexed(facts_.lookup(f), leaf)) return true;
  return false;
}

bool FieldWalk::exists_field(std::string_view name, uint32_t elem) {
  const FieldRef r = resolve(name);
  const auto& leaves = index_.event().leaves;
  for (uint32_t i : index_.leaves(r.source)) {
    if (index_.leaf_within(i, elem) && indexed(r.info, leaves[i])) return true;
  }
  // An object path: any sub-field with an indexed value.
  if (r.source.size() == name.size() && has_subfields(r.info)) {
    sub_.assign(name);
    sub_ += '.';
    for (const PathEntry& pe : index_.paths_with_prefix(sub_)) {
      for (uint32_t i : index_.leaves_of(pe))
        if (index_.leaf_within(i, elem) && leaf_indexed_anyhow(pe.path, i)) return true;
    }
  }
  return false;
}

bool FieldWalk::object_present(std::string_view path_dot, uint32_t elem) const {
  for (const PathEntry& pe : index_.paths_with_prefix(path_dot)) {
    for (uint32_t i : index_.leaves_of(pe))
      if (index_.leaf_within(i, elem)) return true;
  }
  return false;
}

}  // namespace rulec::rt
