// The reference evaluator's tree walk: fields, nesting, exists and free text over one indexed event.
#include "compiler/interp/matcher.h"

namespace rulec::interp {

bool is_leaf_type(FieldType t) { return t != FieldType::Object && t != FieldType::Nested; }

bool has_subfields(const FieldInfo& i) { return !i.known || !is_leaf_type(i.type) || i.type == FieldType::Flattened; }

FieldRef resolve_field(const Schema& schema, std::string_view name) {
  FieldRef r{name, schema.lookup(name)};
  if (r.info.known) {
    const size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const std::string_view parent = name.substr(0, dot);
      const FieldInfo pi = schema.lookup(parent);
      if (pi.known && is_leaf_type(pi.type)) r.source = parent;  // a multi-field of `parent`
    }
  }
  return r;
}

Matcher::Matcher(const Schema& schema) : schema_(schema) {}
Matcher::~Matcher() = default;

void Matcher::reset(const rt::Event& ev, int64_t now_ms) {
  index_.reset(ev);
  now_ms_ = now_ms;
  prefix_.clear();
}

bool Matcher::eval(const kql::Node& n, uint32_t elem) {
  switch (n.kind) {
    case kql::NodeKind::MatchAll: return true;
    case kql::NodeKind::And:
      for (const auto& c : n.children)
        if (!c || !eval(*c, elem)) return false;
      return true;
    case kql::NodeKind::Or:
      for (const auto& c : n.children)
        if (c && eval(*c, elem)) return true;
      return false;
    case kql::NodeKind::Not:
      return !n.children.empty() && n.children[0] && !eval(*n.children[0], elem);
    case kql::NodeKind::Is:
    case kql::NodeKind::Range: return field_test(n, elem);
    case kql::NodeKind::Exists: return exists_test(n, elem);
    case kql::NodeKind::Nested: return nested_test(n, elem);
    case kql::NodeKind::FreeText: return free_text(n, elem);
  }
  return false;
}

FieldRef Matcher::resolve(std::string_view name) const { return resolve_field(schema_, name); }

const Prepared& Matcher::prepared(const kql::Node& n, const FieldInfo& info) {
  const PrepKey key{&n, info.type, info.lowercase};
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    it = prepared_.emplace(key, Prepared{}).first;
    prepare(it->second, n, info.type, info.lowercase, now_ms_);
  } else {
    refresh_now(it->second, n, now_ms_);
  }
  return it->second;
}

const Matcher::Expansion& Matcher::expansion(const kql::Node& n) {
  auto it = expansions_.find(&n);
  if (it != expansions_.end()) return it->second;
  kql::Pattern full = n.field;
  full.segments.front().insert(0, prefix_);
  full.quoted = false;
  Expansion e;
  e.glob = Glob(full, /*lower=*/false);
  e.schema_fields = schema_.expand(full);
  return expansions_.emplace(&n, std::move(e)).first->second;
}

const std::vector<std::string>* Matcher::multi_fields(std::string_view parent) {
  if (!multi_built_) {
    multi_built_ = true;
    kql::Pattern all;
    all.add_wildcard('*');
    for (auto& name : schema_.expand(all)) {
      const size_t dot = name.rfind('.');
      if (dot == std::string::npos || dot == 0) continue;
      const std::string_view p(name.data(), dot);
      const FieldInfo pi = schema_.lookup(p);
      if (pi.known && is_leaf_type(pi.type)) multi_[std::string(p)].push_back(name);
    }
  }
  auto it = multi_.find(parent);
  return it == multi_.end() ? nullptr : &it->second;
}

bool Matcher::test_field(const kql::Node& n, std::string_view name, uint32_t elem) {
  const FieldRef r = resolve(name);
  const Prepared& p = prepared(n, r.info);
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

bool Matcher::field_test(const kql::Node& n, uint32_t elem) {
  if (!n.field.has_wildcard()) {
    name_.assign(prefix_);
    name_ += n.field.segments.front();
    return test_field(n, name_, elem);
  }
  const Expansion& e = expansion(n);
  for (const auto& f : e.schema_fields)
    if (test_field(n, f, elem)) return true;
  for (const PathEntry& pe : index_.paths())
    if (e.glob.match(pe.path) && test_field(n, pe.path, elem)) return true;
  return false;
}

bool Matcher::leaf_indexed_anyhow(std::string_view path, uint32_t i) {
  const rt::Leaf& leaf = index_.event().leaves[i];
  if (leaf.kind == rt::ValueKind::Null) return false;
  if (indexed(schema_.lookup(path), leaf)) return true;
  // A value its own field does not index (over ignore_above, say) may still be indexed by a
  // multi-field (`X.text` has no ignore_above).
  if (const auto* m = multi_fields(path)) {
    for (const auto& f : *m)
      if (indexed(schema_.lookup(f), leaf)) return true;
  }
  return false;
}

bool Matcher::exists_field(std::string_view name, uint32_t elem) {
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

bool Matcher::exists_test(const kql::Node& n, uint32_t elem) {
  if (!n.field.has_wildcard()) {
    name_.assign(prefix_);
    name_ += n.field.segments.front();
    return exists_field(name_, elem);
  }
  const Expansion& e = expansion(n);
  for (const auto& f : e.schema_fields)
    if (exists_field(f, elem)) return true;
  for (const PathEntry& pe : index_.paths())
    if (e.glob.match(pe.path) && exists_field(pe.path, elem)) return true;
  return false;
}

bool Matcher::nested_test(const kql::Node& n, uint32_t elem) {
  if (n.children.empty() || !n.children[0] || n.field.has_wildcard()) return false;
  const kql::Node& child = *n.children[0];
  const size_t old = prefix_.size();
  prefix_ += n.field.segments.front();
  const size_t path_len = prefix_.size();
  prefix_ += '.';
  bool found = false, any_element = false;
  const auto& scopes = index_.event().scopes;
  for (uint32_t s = 1; s < scopes.size() && !found; ++s) {
    // prefix_ holds the same text again after each recursive call (which may reallocate it).
    if (s == elem || scopes[s].path != std::string_view(prefix_).substr(0, path_len) || !index_.within(s, elem)) continue;
    any_element = true;
    found = eval(child, s);
  }
  if (!found && !any_element) {
    // A single object: one element, if anything lies below it inside the current element.
    bool present = false;
    for (const PathEntry& pe : index_.paths_with_prefix(prefix_)) {
      for (uint32_t i : index_.leaves_of(pe)) {
        if (index_.leaf_within(i, elem)) {
          present = true;
          break;
        }
      }
      if (present) break;
    }
    if (present) found = eval(child, elem);
  }
  prefix_.resize(old);
  return found;
}

bool Matcher::free_text(const kql::Node& n, uint32_t elem) {
  for (const PathEntry& pe : index_.paths()) {
    if (test_field(n, pe.path, elem)) return true;
    if (const auto* m = multi_fields(pe.path)) {
      for (const auto& f : *m)
        if (test_field(n, f, elem)) return true;
    }
  }
  return false;
}

}  // namespace rulec::interp
