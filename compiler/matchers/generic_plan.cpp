// Matcher planning for on-demand atoms: each Generic atom's AST node and the schema lowered into the runtime's GenericProgram.
#include "compiler/matchers/generic_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "compiler/semantics/field_resolution.h"
#include "compiler/semantics/query_values.h"

namespace rulec::matchers {

namespace {

using Kind = rt::GenericNode::Kind;

class Lowering {
 public:
  Lowering(const Schema& schema, rt::GenericProgram& out) : schema_(schema), out_(out) {}

  // The tree of `n` with field names under `prefix` (enclosing nested paths, each followed by '.').
  uint32_t lower(const kql::Node* n, const std::string& prefix) {
    if (!n) return constant(false);
    switch (n->kind) {
      case kql::NodeKind::MatchAll: return constant(true);
      case kql::NodeKind::And:
      case kql::NodeKind::Or: {
        rt::GenericNode g;
        g.kind = n->kind == kql::NodeKind::And ? Kind::And : Kind::Or;
        for (const auto& c : n->children) {
          if (c) g.kids.push_back(lower(c.get(), prefix));
          else if (g.kind == Kind::And) g.kids.push_back(constant(false));  // as the interpreter
        }
        return add(std::move(g));
      }
      case kql::NodeKind::Not: {
        if (n->children.empty() || !n->children[0]) return constant(false);
        rt::GenericNode g;
        g.kind = Kind::Not;
        g.kids.push_back(lower(n->children[0].get(), prefix));
        return add(std::move(g));
      }
      case kql::NodeKind::Nested: {
        if (n->children.empty() || !n->children[0] || n->field.has_wildcard()) return constant(false);
        rt::GenericNode g;
        g.kind = Kind::Nested;
        g.field = prefix + n->field.segments.front();
        g.kids.push_back(lower(n->children[0].get(), g.field + '.'));
        return add(std::move(g));
      }
      case kql::NodeKind::Is:
      case kql::NodeKind::Range:
      case kql::NodeKind::Exists: return field_node(*n, prefix);
      case kql::NodeKind::Script: {
        rt::GenericNode g;
        g.kind = Kind::Script;
        g.field = n->program;
        return add(std::move(g));
      }
      case kql::NodeKind::Regexp:
        // The runtime has no regex engine of its own: a regexp runs only as a Hyperscan pattern atom
        // (optimizer/lower.cpp); screen_patterns reports one it had to demote.
        return constant(false);
      case kql::NodeKind::FreeText: {
        whole_schema_ = true;
        rt::GenericNode g;
        g.kind = Kind::FreeText;
        for (const FieldInfo& i : all_infos()) g.values.push_back(value(*n, i));
        return add(std::move(g));
      }
    }
    return constant(false);
  }

  // The field table (sorted), and the expansions as indexes into it.
  void finish() {
    if (whole_schema_) add_prefix("");
    for (auto& [name, info] : table_) out_.fields.push_back(rt::GenericField{name, info});
    for (auto& [node, names] : expansions_) {
      for (const auto& name : names) {
        auto it = std::lower_bound(out_.fields.begin(), out_.fields.end(), name,
                                   [](const rt::GenericField& f, const std::string& n) { return f.name < n; });
        out_.nodes[node].expansion.push_back(static_cast<uint32_t>(it - out_.fields.begin()));
      }
    }
  }

 private:
  uint32_t add(rt::GenericNode g) {
    out_.nodes.push_back(std::move(g));
    return static_cast<uint32_t>(out_.nodes.size() - 1);
  }

  uint32_t constant(bool v) {
    rt::GenericNode g;
    g.kind = v ? Kind::And : Kind::Or;
    return add(std::move(g));
  }

  uint32_t field_node(const kql::Node& n, const std::string& prefix) {
    rt::GenericNode g;
    g.kind = n.kind == kql::NodeKind::Exists ? Kind::Exists : Kind::Test;
    std::vector<FieldInfo> infos;
    std::vector<std::string> expansion;
    if (!n.field.has_wildcard()) {
      g.field = prefix + n.field.segments.front();
      add_name(g.field);
      if (g.kind == Kind::Exists) add_prefix(g.field + '.');  // sub-fields of an object path
      infos.push_back(semantics::resolve_field(schema_, g.field).info);
    } else {
      kql::Pattern full = n.field;
      full.segments.front().insert(0, prefix);
      full.quoted = false;
      g.wildcard = true;
      g.glob = Glob(full, /*lower=*/false);
      expansion = schema_.expand(full);
      // Every known field the pattern or an event path it matches may look up starts with the
      // pattern's literal prefix (exists on such a path also reads the fields below it).
      add_prefix(full.segments.front());
      infos.push_back(FieldInfo{});  // event paths the schema does not know
      for (const auto& f : expansion) {
        add_name(f);
        infos.push_back(schema_.lookup(f));
      }
    }
    if (g.kind == Kind::Test) {
      std::set<std::pair<FieldType, bool>> seen;
      for (const FieldInfo& i : infos)
        if (seen.emplace(i.type, i.lowercase).second) g.values.push_back(value(n, i));
    }
    const uint32_t id = add(std::move(g));
    if (!expansion.empty()) expansions_.emplace_back(id, std::move(expansion));
    return id;
  }

  // `n`'s value prepared for fields like `i`, dates left to be computed against each `now`.
  uint32_t value(const kql::Node& n, const FieldInfo& i) {
    rt::GenericValue v;
    v.type = i.type;
    v.lower = i.lowercase;
    semantics::prepare(v.test, n, i.type, i.lowercase, 0);
    if (rt::value_class(i.type) == rt::ValueClass::Date && !v.test.text.empty()) {
      // Only date math on `now` depends on it; anything else was computed for good.
      v.test.date_uses_now = v.test.date_uses_now && v.test.text.compare(0, 3, "now") == 0;
    }
    out_.values.push_back(std::move(v));
    return static_cast<uint32_t>(out_.values.size() - 1);
  }

  // A representative of every (type, lowercase) a free-text test may meet.
  std::vector<FieldInfo> all_infos() {
    std::set<std::pair<FieldType, bool>> seen{{FieldType::Keyword, false}};
    std::vector<FieldInfo> out{FieldInfo{}};
    kql::Pattern all;
    all.add_wildcard('*');
    for (const auto& f : schema_.expand(all)) {
      const FieldInfo i = schema_.lookup(f);
      if (seen.emplace(i.type, i.lowercase).second) out.push_back(i);
    }
    return out;
  }

  // A known field and its parent (multi-field resolution reads the parent's facts).
  void add_name(const std::string& name) {
    const FieldInfo i = schema_.lookup(name);
    if (!i.known) return;
    table_.emplace(name, i);
    const size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) return;
    const std::string parent = name.substr(0, dot);
    const FieldInfo pi = schema_.lookup(parent);
    if (pi.known) table_.emplace(parent, pi);
  }

  void add_prefix(const std::string& prefix) {
    if (!prefixes_.insert(prefix).second) return;
    kql::Pattern pat;
    pat.segments.front() = prefix;
    pat.add_wildcard('*');
    for (const auto& f : schema_.expand(pat)) add_name(f);
  }

  const Schema& schema_;
  rt::GenericProgram& out_;
  std::map<std::string, FieldInfo> table_;
  std::set<std::string> prefixes_;
  bool whole_schema_ = false;
  std::vector<std::pair<uint32_t, std::vector<std::string>>> expansions_;
};

}  // namespace

rt::GenericProgram generic_program(const plan::Plan& plan, const Schema& schema) {
  rt::GenericProgram out;
  Lowering lw(schema, out);
  out.roots.assign(plan.atoms.size(), rt::GenericProgram::kNoNode);
  for (size_t a = 0; a < plan.atoms.size(); ++a) {
    if (plan.atoms[a].kind != plan::AtomKind::Generic) continue;
    out.roots[a] = lw.lower(plan.atoms[a].node, "");
  }
  lw.finish();
  return out;
}

rt::GenericProgram generic_program_of(const std::vector<const kql::Node*>& roots, const Schema& schema) {
  rt::GenericProgram out;
  Lowering lw(schema, out);
  for (const kql::Node* root : roots) out.roots.push_back(lw.lower(root, ""));
  lw.finish();
  return out;
}

}  // namespace rulec::matchers
