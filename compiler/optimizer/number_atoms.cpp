// Optimizer pass 5: the reachable atoms renumbered, bit atoms first, with their use counts.
#include "compiler/optimizer/passes.h"

namespace rulec::plan {

std::vector<uint32_t> number_atoms(Plan& plan) {
  const std::vector<char> live = reachable_exprs(plan);
  std::vector<uint32_t> uses(plan.atoms.size(), 0);
  for (size_t i = 0; i < plan.exprs.size(); ++i)
    if (live[i] && plan.exprs[i].op == Op::Atom) uses[plan.exprs[i].atom] += plan.exprs[i].uses;
  // Atoms answered by a bit (string scans, typed tests) first, then the on-demand ones; each part
  // keeps the order lower() gave it.
  std::vector<uint32_t> order;
  for (int pass = 0; pass < 2; ++pass)
    for (uint32_t a = 0; a < plan.atoms.size(); ++a)
      if (uses[a] && (plan.atoms[a].kind == AtomKind::Generic) == (pass == 1)) order.push_back(a);
  std::vector<uint32_t> renumbered(plan.atoms.size(), UINT32_MAX);
  std::vector<Atom> atoms;
  atoms.reserve(order.size());
  for (uint32_t a : order) {
    renumbered[a] = static_cast<uint32_t>(atoms.size());
    atoms.push_back(std::move(plan.atoms[a]));
    atoms.back().uses = uses[a];
  }
  plan.atoms = std::move(atoms);
  for (Expr& e : plan.exprs)
    if (e.op == Op::Atom) e.atom = renumbered[e.atom];  // unreachable atoms' exprs keep UINT32_MAX
  return renumbered;
}

}  // namespace rulec::plan
