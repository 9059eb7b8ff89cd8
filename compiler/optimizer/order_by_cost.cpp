// Optimizer pass 3: cost and selectivity estimates; And/Or children ordered to fail or succeed fast.
#include <algorithm>

#include "compiler/optimizer/passes.h"

namespace rulec::plan {

namespace {

// Estimates per atom kind: string atoms are one bit test (their scans are paid once per event for
// all rules); generic atoms run the on-demand tests. Equality on a value is assumed
// rare, a pattern a little less so, presence common.
void estimate_atom(const Atom& a, Expr& e) {
  switch (a.kind) {
    case AtomKind::StrExact: e.cost = 1, e.p_true = 0.05; break;
    case AtomKind::StrPattern: e.cost = 4, e.p_true = 0.1; break;  // a scan on first use
    case AtomKind::StrAny: e.cost = 1, e.p_true = 0.6; break;
    case AtomKind::Typed: e.cost = 1, e.p_true = 0.1; break;
    case AtomKind::Generic: e.cost = 40, e.p_true = 0.3; break;
  }
}

}  // namespace

void order_by_cost(Plan& plan) {
  // Children are interned before their parents, so one pass in id order sees kids first.
  for (Expr& e : plan.exprs) {
    switch (e.op) {
      case Op::False: e.cost = 0, e.p_true = 0; break;
      case Op::True: e.cost = 0, e.p_true = 1; break;
      case Op::Atom: estimate_atom(plan.atoms[e.atom], e); break;
      case Op::Not: {
        const Expr& k = plan.exprs[e.kids[0]];
        e.cost = k.cost, e.p_true = 1 - k.p_true;
        break;
      }
      case Op::And:
      case Op::Or: {
        const bool conj = e.op == Op::And;
        // Optimal order for independent tests: ascending cost / P(stop here).
        auto rank = [&](uint32_t id) {
          const Expr& k = plan.exprs[id];
          const double stop = conj ? 1 - k.p_true : k.p_true;
          return k.cost / std::max(stop, 1e-6);
        };
        std::stable_sort(e.kids.begin(), e.kids.end(), [&](uint32_t a, uint32_t b) { return rank(a) < rank(b); });
        double reach = 1, cost = 0;
        for (uint32_t id : e.kids) {
          const Expr& k = plan.exprs[id];
          cost += reach * k.cost;
          reach *= conj ? k.p_true : 1 - k.p_true;
        }
        e.cost = cost;
        e.p_true = conj ? reach : 1 - reach;
        break;
      }
    }
  }
}

}  // namespace rulec::plan
