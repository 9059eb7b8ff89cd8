// Optimizer pass 4: use counts of the reachable expressions and a memo slot per shared And/Or.
#include "compiler/optimizer/passes.h"

namespace rulec::plan {

void share_subexpressions(Plan& plan) {
  // Each parent counts once per reference, each rule root once.
  const std::vector<char> live = reachable_exprs(plan);
  for (Expr& e : plan.exprs) e.uses = 0;
  for (uint32_t r : plan.roots) ++plan.exprs[r].uses;
  for (size_t i = 0; i < plan.exprs.size(); ++i)
    if (live[i])
      for (uint32_t k : plan.exprs[i].kids) ++plan.exprs[k].uses;
  // Shared compound expressions get a memo slot: computed at most once per event.
  plan.memo_count = 0;
  for (size_t i = 0; i < plan.exprs.size(); ++i) {
    Expr& e = plan.exprs[i];
    e.memo = -1;
    if (live[i] && e.uses >= 2 && (e.op == Op::And || e.op == Op::Or)) e.memo = static_cast<int32_t>(plan.memo_count++);
  }
}

}  // namespace rulec::plan
