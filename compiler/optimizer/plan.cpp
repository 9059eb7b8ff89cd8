// Queries over a plan's DAG: which expressions the rules reach, which atoms a rule reaches, which rules reach atoms.
#include <algorithm>

#include "compiler/optimizer/passes.h"
#include "compiler/optimizer/plan.h"

namespace rulec::plan {

std::vector<char> reachable_exprs(const Plan& plan) {
  std::vector<char> live(plan.exprs.size(), 0);
  for (uint32_t r : plan.roots) live[r] = 1;
  for (size_t i = plan.exprs.size(); i-- > 0;)  // parents come after their kids
    if (live[i])
      for (uint32_t k : plan.exprs[i].kids) live[k] = 1;
  return live;
}

std::vector<uint32_t> atoms_reached(const Plan& plan, uint32_t rule) {
  std::vector<uint32_t> atoms, stack{plan.roots[rule]};
  std::vector<char> seen(plan.exprs.size(), 0);
  while (!stack.empty()) {
    const uint32_t id = stack.back();
    stack.pop_back();
    if (seen[id]) continue;
    seen[id] = 1;
    const Expr& e = plan.exprs[id];
    if (e.op == Op::Atom) atoms.push_back(e.atom);
    stack.insert(stack.end(), e.kids.begin(), e.kids.end());
  }
  std::sort(atoms.begin(), atoms.end());
  atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
  return atoms;
}

std::vector<uint32_t> rules_reaching(const Plan& plan, const std::vector<uint32_t>& atoms) {
  std::vector<char> wanted(plan.atoms.size(), 0);
  for (uint32_t a : atoms)
    if (a < wanted.size()) wanted[a] = 1;
  std::vector<char> hit(plan.exprs.size(), 0);
  for (size_t e = 0; e < plan.exprs.size(); ++e) {  // kids come before parents
    const Expr& x = plan.exprs[e];
    if (x.op == Op::Atom) hit[e] = x.atom < wanted.size() && wanted[x.atom];
    for (uint32_t k : x.kids) hit[e] = hit[e] || hit[k];
  }
  std::vector<uint32_t> rules;
  for (size_t r = 0; r < plan.roots.size(); ++r)
    if (hit[plan.roots[r]]) rules.push_back(static_cast<uint32_t>(r));
  return rules;
}

}  // namespace rulec::plan
