// Optimizer pass 3: use counts, memo slots for shared sub-expressions, atom numbering, fields read.
#include <algorithm>
#include <set>

#include "compiler/interp/matcher.h"
#include "compiler/optimizer/plan.h"

namespace rulec::plan {

namespace {

// The document paths a generic atom's evaluation may read (mirrors the reference evaluator's lookups).
void fields_of(const kql::Node& n, const Schema& schema, std::set<std::string>& paths,
               std::set<std::string>& subtrees, bool& all) {
  switch (n.kind) {
    case kql::NodeKind::Is:
    case kql::NodeKind::Range:
    case kql::NodeKind::Exists: {
      if (n.field.has_wildcard()) {
        // Every path the pattern can match (and the parent a matching multi-field reads) lies
        // below its literal prefix up to the last dot before the first wildcard.
        const std::string& lit = n.field.segments.front();
        const size_t dot = lit.rfind('.');
        if (dot == std::string::npos || dot == 0) all = true;
        else subtrees.insert(lit.substr(0, dot));
        return;
      }
      const std::string& name = n.field.segments.front();
      const interp::FieldRef r = interp::resolve_field(schema, name);
      paths.emplace(r.source);
      const bool own = r.source.size() == name.size();
      if (own && (r.info.type == FieldType::Flattened || (n.kind == kql::NodeKind::Exists && interp::has_subfields(r.info))))
        subtrees.insert(name);
      return;
    }
    case kql::NodeKind::Nested:
      if (n.field.has_wildcard()) return;  // matches nothing
      subtrees.insert(n.field.segments.front());
      return;
    case kql::NodeKind::FreeText: all = true; return;
    case kql::NodeKind::MatchAll: return;
    case kql::NodeKind::And:
    case kql::NodeKind::Or:
    case kql::NodeKind::Not:
      for (const auto& c : n.children)
        if (c) fields_of(*c, schema, paths, subtrees, all);
      return;
  }
}

}  // namespace

void finalize(Plan& plan, const Schema& schema) {
  // Reachable expressions and their use counts (each parent counts once, each rule root once).
  std::vector<char> seen(plan.exprs.size(), 0);
  std::vector<uint32_t> stack;
  for (Expr& e : plan.exprs) e.uses = 0;
  for (uint32_t r : plan.roots) {
    ++plan.exprs[r].uses;
    stack.push_back(r);
  }
  while (!stack.empty()) {
    const uint32_t id = stack.back();
    stack.pop_back();
    if (seen[id]) continue;
    seen[id] = 1;
    for (uint32_t k : plan.exprs[id].kids) {
      ++plan.exprs[k].uses;
      stack.push_back(k);
    }
  }
  // Shared compound expressions get a memo slot: computed at most once per event.
  plan.memo_count = 0;
  for (size_t i = 0; i < plan.exprs.size(); ++i) {
    Expr& e = plan.exprs[i];
    e.memo = -1;
    if (seen[i] && e.uses >= 2 && (e.op == Op::And || e.op == Op::Or)) e.memo = static_cast<int32_t>(plan.memo_count++);
  }
  // Atoms still referenced, renumbered: string atoms (answered by the scans) first.
  std::vector<uint32_t> uses(plan.atoms.size(), 0);
  for (size_t i = 0; i < plan.exprs.size(); ++i)
    if (seen[i] && plan.exprs[i].op == Op::Atom) uses[plan.exprs[i].atom] += plan.exprs[i].uses;
  std::vector<uint32_t> order;
  for (int pass = 0; pass < 2; ++pass)
    for (uint32_t a = 0; a < plan.atoms.size(); ++a)
      if (uses[a] && (plan.atoms[a].kind == AtomKind::Generic) == (pass == 1)) order.push_back(a);
  std::vector<uint32_t> renum(plan.atoms.size(), UINT32_MAX);
  std::vector<Atom> atoms;
  plan.eager_count = 0;
  for (uint32_t a : order) {
    renum[a] = static_cast<uint32_t>(atoms.size());
    atoms.push_back(std::move(plan.atoms[a]));
    atoms.back().uses = uses[a];
    if (atoms.back().kind != AtomKind::Generic) ++plan.eager_count;
  }
  plan.atoms = std::move(atoms);
  for (Expr& e : plan.exprs)
    if (e.op == Op::Atom) e.atom = renum[e.atom];  // unreachable atoms' exprs keep UINT32_MAX
  // Fields read: string atoms' sources, generic atoms' lookups, and what the runtime reads.
  std::set<std::string> paths(plan.fields.paths.begin(), plan.fields.paths.end());
  std::set<std::string> subtrees;
  bool all = false;
  for (const Atom& a : plan.atoms) {
    if (a.kind != AtomKind::Generic) paths.insert(a.source);
    else if (a.node) fields_of(*a.node, schema, paths, subtrees, all);
  }
  plan.fields.paths.assign(paths.begin(), paths.end());
  plan.fields.subtrees.assign(subtrees.begin(), subtrees.end());
  plan.fields.all = all;
}

}  // namespace rulec::plan
