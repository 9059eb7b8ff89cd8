// The optimizer passes: atoms and their kinds, not pushed down, constants folded, sharing, order, fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "compiler/frontend/parser.h"
#include "compiler/optimizer/plan.h"

namespace rulec::plan {
namespace {

const Schema& schema() {
  static const Schema s = testing::load_builtin_schema();
  return s;
}

// Plans the queries as one rule set (one rule per query); keeps the ASTs alive.
struct Planned {
  std::vector<kql::NodePtr> asts;
  Plan plan;
  explicit Planned(const std::vector<std::string>& queries) {
    std::vector<RuleAsts> rules;
    for (const auto& q : queries) {
      auto p = kql::parse(q);
      EXPECT_TRUE(p) << q;
      asts.push_back(std::move(p.ast));
      rules.push_back(RuleAsts{q, asts.back().get(), nullptr, {}, {}});
    }
    plan = build(rules, schema());
  }
  const Expr& root(size_t r = 0) const { return plan.exprs[plan.roots[r]]; }
  const Expr& expr(uint32_t id) const { return plan.exprs[id]; }
  const Atom& atom_of(const Expr& e) const { return plan.atoms[e.atom]; }
};

TEST(Optimizer, AtomKindsFollowTheFieldType) {
  Planned p({"process.name:bash", "process.name:*sh", "process.name.caseless:BASH", "process.pid > 10",
             "source.ip:10.0.0.0/8", "message:hello", "process.executable:*"});
  EXPECT_EQ(p.atom_of(p.root(0)).kind, AtomKind::StrExact);
  EXPECT_EQ(p.atom_of(p.root(0)).text, "bash");
  const Atom& pat = p.atom_of(p.root(1));
  EXPECT_EQ(pat.kind, AtomKind::StrPattern);
  EXPECT_EQ(pat.text, "\\x73\\x68\\z");  // leading `*`: unanchored start; literal bytes escaped
  const Atom& ci = p.atom_of(p.root(2));  // a multi-field reads its parent, lowercased
  EXPECT_EQ(ci.kind, AtomKind::StrExact);
  EXPECT_EQ(ci.source, "process.name");
  EXPECT_TRUE(ci.lower);
  EXPECT_EQ(ci.text, "bash");
  EXPECT_EQ(p.atom_of(p.root(3)).kind, AtomKind::Typed);
  EXPECT_EQ(p.atom_of(p.root(4)).kind, AtomKind::Typed);
  EXPECT_EQ(p.atom_of(p.root(4)).typed.kind, rt::TypedTestSpec::Kind::IpCidr);
  EXPECT_EQ(p.atom_of(p.root(5)).kind, AtomKind::Generic);  // text analysis
  EXPECT_EQ(p.atom_of(p.root(6)).kind, AtomKind::StrAny);   // exists on a keyword
}

TEST(Optimizer, NotIsPushedDownToTheAtoms) {
  Planned p({"not (process.name:a and process.name:b)"});
  const Expr& r = p.root();
  ASSERT_EQ(r.op, Op::Or);
  ASSERT_EQ(r.kids.size(), 2u);
  for (uint32_t k : r.kids) {
    EXPECT_EQ(p.expr(k).op, Op::Not);
    EXPECT_EQ(p.expr(p.expr(k).kids[0]).op, Op::Atom);
  }
}

TEST(Optimizer, ConstantsAndComplementsFold) {
  Planned p({"process.name:a and not process.name:a", "process.name:a or not process.name:a",
             "process.name:a and process.name:a", "not (not process.name:a)", "process.pid:1.5 or process.name:x"});
  EXPECT_EQ(p.root(0).op, Op::False);
  EXPECT_EQ(p.root(1).op, Op::True);
  EXPECT_EQ(p.root(2).op, Op::Atom);  // a and a = a
  EXPECT_EQ(p.root(3).op, Op::Atom);
  EXPECT_EQ(p.root(4).op, Op::Atom);  // a decimal on a long field can never match: only x is left
  EXPECT_EQ(p.atom_of(p.root(4)).text, "x");
}

TEST(Optimizer, AtomsAndSubExpressionsAreSharedAcrossRules) {
  Planned p({"event.category:process and (process.name:a or process.name:b) and host.os.type:linux",
             "event.category:process and (process.name:a or process.name:b) and host.os.type:windows"});
  const auto count = std::count_if(p.plan.atoms.begin(), p.plan.atoms.end(),
                                   [](const Atom& a) { return a.display == "event.category:process"; });
  EXPECT_EQ(count, 1);
  EXPECT_EQ(p.plan.memo_count, 1u);  // the shared `or`, computed once per event
  const auto shared = std::find_if(p.plan.exprs.begin(), p.plan.exprs.end(), [](const Expr& e) { return e.memo >= 0; });
  ASSERT_NE(shared, p.plan.exprs.end());
  EXPECT_EQ(shared->op, Op::Or);
  EXPECT_EQ(shared->uses, 2u);
}

TEST(Optimizer, CheapTestsComeFirstInAConjunction) {
  Planned p({"message:hello and process.name:bash"});
  const Expr& r = p.root();
  ASSERT_EQ(r.op, Op::And);
  EXPECT_EQ(p.atom_of(p.expr(r.kids[0])).kind, AtomKind::StrExact);
  EXPECT_EQ(p.atom_of(p.expr(r.kids[1])).kind, AtomKind::Generic);
}

TEST(Optimizer, FieldsReadAreExactPathsOrSubtrees) {
  Planned p({"process.name.caseless:x", "azure.auditlogs.properties.target_resources.*.display_name:y",
             "process.parent:*"});
  const auto& f = p.plan.fields;
  EXPECT_TRUE(std::count(f.paths.begin(), f.paths.end(), "process.name"));
  EXPECT_TRUE(std::count(f.subtrees.begin(), f.subtrees.end(), "azure.auditlogs.properties.target_resources"));
  EXPECT_TRUE(std::count(f.subtrees.begin(), f.subtrees.end(), "process.parent"));  // exists on an object
  EXPECT_FALSE(f.all);
  Planned free({"hello"});
  EXPECT_TRUE(free.plan.fields.all);  // free text reads every field
}

}  // namespace
}  // namespace rulec::plan
