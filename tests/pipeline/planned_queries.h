// KQL queries planned as one rule set by the optimizer (one rule per query), for the optimizer's and the prefilter's tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "compiler/frontend/parser.h"
#include "compiler/optimizer/optimize.h"
#include "compiler/optimizer/plan.h"

namespace rulec::testing {

// Plans the queries against the built-in schema; keeps the ASTs alive.
struct Planned {
  using Plan = plan::Plan;
  using Expr = plan::Expr;
  using Atom = plan::Atom;
  std::vector<kql::NodePtr> asts;
  Plan plan;
  std::vector<rt::StringGroupSpec> groups;
  explicit Planned(const std::vector<std::string>& queries, const matchers::ScreenOptions& screen = {}) {
    std::vector<plan::RuleAsts> rules;
    for (const auto& q : queries) {
      auto p = kql::parse(q);
      EXPECT_TRUE(p) << q;
      asts.push_back(std::move(p.ast));
      rules.push_back(plan::RuleAsts{{asts.back().get(), nullptr, {}}, q, {}});
    }
    std::string error;
    auto optimized = plan::optimize(rules, builtin_schema(), screen, error);
    EXPECT_TRUE(optimized) << error;
    if (optimized) plan = *optimized->plan, groups = optimized->groups;
  }
  const Expr& root(size_t r = 0) const { return plan.exprs[plan.roots[r]]; }
  const Expr& expr(uint32_t id) const { return plan.exprs[id]; }
  const Atom& atom_of(const Expr& e) const { return plan.atoms[e.atom]; }
};

}  // namespace rulec::testing
