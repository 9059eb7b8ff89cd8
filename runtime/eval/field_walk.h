// Field-level KQL semantics over one indexed event (lookup, multi-fields, flattened, exists on objects, nested elements, free text), shared by the reference evaluator and the runtime's on-demand tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/common/field_types.h"
#include "runtime/eval/event_index.h"
#include "runtime/eval/value_tests.h"

namespace rulec::rt {

// Field lookup: a field's values are the leaves whose path equals its name (nulls ignored). A
// multi-field in the schema (`X.caseless`, `X.text`: a known field whose parent is a known leaf
// field) reads X's values and indexes them its own way (normalizer, analyzer, ignore_above).
// A flattened field's root also reads every leaf below it, as keywords.
//
// Exists (`f:*`): some value of f is indexed (not null, within ignore_above, valid for the type).
// On an object path (a name the schema does not map as a leaf field, e.g. `process:*`) it is true
// when any sub-field has an indexed value, as Elasticsearch's exists query rewrites an object
// field to all of `f.*` (ExistsQueryBuilder.newObjectFieldExistsQuery).
//
// Nested (`p:{ q }`): true when one element of p satisfies q using only that element's leaves (its
// scope and the scopes inside it). Elements are the array-of-objects scopes with path p inside the
// current element; when p is a single object (no such scope), that object is the one element, if
// any leaf lies below it.
//
// Free text (no field): the value tested as `f:value` on every leaf path of the event and on the
// schema's multi-fields of those paths.

// Where a field's values live and how they are indexed.
struct FieldRef {
  std::string_view source;  // the document path (the parent of a multi-field)
  FieldInfo info;           // the field's own facts
};

// Types whose fields hold values (an object or nested field only holds sub-fields).
bool is_leaf_type(FieldType t);
// May the document hold this field's values below its path? Objects (and unknown names, which
// Elasticsearch maps dynamically as objects when the document has sub-fields there), and flattened
// fields, whose root field indexes every leaf below it as a keyword.
bool has_subfields(const FieldInfo& i);

// Resolves a literal field name with `lookup(name) -> FieldInfo`: a multi-field (a known field
// whose parent is a known leaf field) reads its parent's values; anything else reads its own path.
template <class Lookup>
FieldRef resolve_with(const Lookup& lookup, std::string_view name) {
  FieldRef r{name, lookup(name)};
  if (r.info.known) {
    const size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const std::string_view parent = name.substr(0, dot);
      const FieldInfo pi = lookup(parent);
      if (pi.known && is_leaf_type(pi.type)) r.source = parent;  // a multi-field of `parent`
    }
  }
  return r;
}

// The schema facts the walk needs (the reference evaluator's Schema, or the runtime's field table).
class FieldFacts {
 public:
  virtual ~FieldFacts() = default;
  virtual FieldInfo lookup(std::string_view name) const = 0;
  // The multi-fields of `parent` (known fields `parent.X` of a known leaf field `parent`).
  virtual std::span<const std::string_view> multi_fields(std::string_view parent) = 0;
};

// One event at a time. After warm-up, nothing allocates.
class FieldWalk {
 public:
  explicit FieldWalk(FieldFacts& facts) : facts_(facts) {}
  void reset(const Event& ev) { index_.reset(ev); }
  const EventIndex& index() const { return index_; }

  FieldRef resolve(std::string_view name) const {
    return resolve_with([this](std::string_view n) { return facts_.lookup(n); }, name);
  }
  std::span<const std::string_view> multi_fields(std::string_view parent) { return facts_.multi_fields(parent); }

  // Does some value of the field `name` (resolved as `r`) inside element `elem` satisfy `p`?
  bool test_field(const Prepared& p, const FieldRef& r, std::string_view name, uint32_t elem);
  // Does the field named `name` have an indexed value inside `elem`?
  bool exists_field(std::string_view name, uint32_t elem);

  // Calls `f(path)` for every leaf path of the event matching `glob` until it returns true.
  template <class F>
  bool any_path(const Glob& glob, F&& f) const {
    for (const PathEntry& pe : index_.paths())
      if (glob.match(pe.path) && f(pe.path)) return true;
    return false;
  }

  // Free text: `f(name)` on every leaf path of the event and its multi-fields until one is true.
  template <class F>
  bool any_field(F&& f) {
    for (const PathEntry& pe : index_.paths()) {
      if (f(pe.path)) return true;
      for (std::string_view m : facts_.multi_fields(pe.path))
        if (f(m)) return true;
    }
    return false;
  }

  // Nested query on the path held by prefix[0, path_len) (followed by '.' in prefix): true when
  // `child(element)` is true for one element. `prefix` is re-read after each call of `child`
  // (which may grow and shrink it).
  template <class F>
  bool nested(const std::string& prefix, size_t path_len, uint32_t elem, F&& child) {
    bool found = false, any_element = false;
    const auto& scopes = index_.event().scopes;
    for (uint32_t s = 1; s < scopes.size() && !found; ++s) {
      if (s == elem || scopes[s].path != std::string_view(prefix).substr(0, path_len) || !index_.within(s, elem)) continue;
      any_element = true;
      found = child(s);
    }
    if (!found && !any_element && object_present(std::string_view(prefix).substr(0, path_len + 1), elem))
      found = child(elem);
    return found;
  }

 private:
  // Does any leaf below `path_dot` (a path followed by '.') lie inside `elem`?
  bool object_present(std::string_view path_dot, uint32_t elem) const;
  // Does leaf `i` (at `path`) give that path, or one of its multi-fields, an indexed value?
  bool leaf_indexed_anyhow(std::string_view path, uint32_t i);

  FieldFacts& facts_;
  EventIndex index_;
  std::string sub_;  // scratch: a path followed by '.'
  Scratch scratch_;
};

}  // namespace rulec::rt
