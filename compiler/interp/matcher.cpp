// The reference evaluator's tree walk: fields, nesting, exists and free text over one indexed event.
#include "compiler/interp/matcher.h"

namespace rulec::interp {

Matcher::Matcher(const Schema& schema) : schema_(schema), walk_(*this) {}
Matcher::~Matcher() = default;

void Matcher::reset(const rt::Event& ev, int64_t now_ms) {
  walk_.reset(ev);
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
    case kql::NodeKind::Range:
    case kql::NodeKind::Regexp: return field_test(n, elem);
    case kql::NodeKind::Exists: return exists_test(n, elem);
    case kql::NodeKind::Nested: return nested_test(n, elem);
    case kql::NodeKind::FreeText: return free_text(n, elem);
    case kql::NodeKind::Script: return script_test(n);
  }
  return false;
}

const Prepared& Matcher::prepared(const kql::Node& n, const FieldInfo& info) {
  const PrepKey key{&n, info.type, info.lowercase};
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    it = prepared_.emplace(key, Prepared{}).first;
    if (n.kind == kql::NodeKind::Regexp) prepare_regexp(it->second, n, info);
    else prepare(it->second, n, info.type, info.lowercase, now_ms_);
  } else {
    rt::refresh_now(it->second, now_ms_);
  }
  return it->second;
}

bool Matcher::script_test(const kql::Node& n) {
  auto it = scripts_.find(&n);
  if (it == scripts_.end()) {
    auto s = std::make_unique<rt::EqlScript>();
    rt::ByteReader r(n.program);
    std::string why;
    if (!s->decode(r, why)) s.reset();
    it = scripts_.emplace(&n, std::move(s)).first;
  }
  return it->second && it->second->eval(walk_.index().event());
}

void Matcher::prepare_regexp(Prepared& p, const kql::Node& n, const FieldInfo& info) {
  p = Prepared{};
  if (rt::value_class(info.type) != rt::ValueClass::String) return;  // the front end refuses others
  auto it = regexes_.find(&n);
  if (it == regexes_.end())
    it = regexes_.emplace(&n, RegexPredicate::make(n.value.pattern.segments.front(), n.value.pattern.case_insensitive)).first;
  if (!it->second) return;
  p.mode = Prepared::Mode::Predicate;
  p.predicate = it->second.get();
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

std::span<const std::string_view> Matcher::multi_fields(std::string_view parent) {
  if (!multi_built_) {
    multi_built_ = true;
    kql::Pattern all;
    all.add_wildcard('*');
    for (auto& name : schema_.expand(all)) {
      const size_t dot = name.rfind('.');
      if (dot == std::string::npos || dot == 0) continue;
      const FieldInfo pi = schema_.lookup(std::string_view(name).substr(0, dot));
      if (pi.known && is_leaf_type(pi.type)) multi_names_.push_back(std::move(name));
    }
    for (const auto& name : multi_names_) multi_[name.substr(0, name.rfind('.'))].push_back(name);
  }
  auto it = multi_.find(parent);
  if (it == multi_.end()) return {};
  return it->second;
}

bool Matcher::test_field(const kql::Node& n, std::string_view name, uint32_t elem) {
  const FieldRef r = walk_.resolve(name);
  return walk_.test_field(prepared(n, r.info), r, name, elem);
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
  return walk_.any_path(e.glob, [&](std::string_view path) { return test_field(n, path, elem); });
}

bool Matcher::exists_test(const kql::Node& n, uint32_t elem) {
  if (!n.field.has_wildcard()) {
    name_.assign(prefix_);
    name_ += n.field.segments.front();
    return walk_.exists_field(name_, elem);
  }
  const Expansion& e = expansion(n);
  for (const auto& f : e.schema_fields)
    if (walk_.exists_field(f, elem)) return true;
  return walk_.any_path(e.glob, [&](std::string_view path) { return walk_.exists_field(path, elem); });
}

bool Matcher::nested_test(const kql::Node& n, uint32_t elem) {
  if (n.children.empty() || !n.children[0] || n.field.has_wildcard()) return false;
  const kql::Node& child = *n.children[0];
  const size_t old = prefix_.size();
  prefix_ += n.field.segments.front();
  const size_t path_len = prefix_.size();
  prefix_ += '.';
  const bool found = walk_.nested(prefix_, path_len, elem, [&](uint32_t e) { return eval(child, e); });
  prefix_.resize(old);
  return found;
}

bool Matcher::free_text(const kql::Node& n, uint32_t elem) {
  return walk_.any_field([&](std::string_view name) { return test_field(n, name, elem); });
}

}  // namespace rulec::interp
