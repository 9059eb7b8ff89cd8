// The optimizer passes: atoms and their kinds, not pushed down, constants folded, sharing, order, fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "compiler/frontend/parser.h"
#include "compiler/optimizer/optimize.h"
#include "compiler/optimizer/plan.h"
#include "pipeline/planned_queries.h"

namespace rulec::plan {
namespace {
namespace optimizer_test {

using testing::Planned;

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

// Hyperscan's verdict is part of the pass sequence: a pattern it refuses is an on-demand atom
// before the costs are estimated, so the conjunction tests the cheap exact value first.
TEST(Optimizer, PatternsHyperscanRefusesAreCostedAsOnDemand) {
  const std::string huge = "process.command_line:*" + std::string(70000, 'a') + "*";
  Planned p({huge + " and process.name:bash"});
  const Expr& r = p.root();
  ASSERT_EQ(r.op, Op::And);
  EXPECT_EQ(p.atom_of(p.expr(r.kids[0])).kind, AtomKind::StrExact);
  EXPECT_EQ(p.atom_of(p.expr(r.kids[1])).kind, AtomKind::Generic);  // refused: evaluated on demand
  EXPECT_EQ(p.expr(r.kids[1]).cost, 40);
  for (const auto& g : p.groups) EXPECT_TRUE(g.patterns.empty());  // no database holds it
}

TEST(Optimizer, BitAtomsAreNumberedFirstAndEveryAtomIsReached) {
  Planned p({"message:hello or process.name:bash", "process.pid >= 10 and not process.name:*sh"});
  ASSERT_EQ(p.plan.atoms.size(), 4u);
  EXPECT_EQ(p.plan.atoms.back().kind, AtomKind::Generic);
  for (size_t a = 0; a + 1 < p.plan.atoms.size(); ++a) EXPECT_NE(p.plan.atoms[a].kind, AtomKind::Generic);
  std::vector<uint32_t> all = atoms_reached(p.plan, 0);
  const std::vector<uint32_t> second = atoms_reached(p.plan, 1);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(second.size(), 2u);
  all.insert(all.end(), second.begin(), second.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(rules_reaching(p.plan, {3}), std::vector<uint32_t>{0});  // only the first rule has text
}

TEST(Optimizer, RangeOperatorsReachTheTypedTests) {
  Planned p({"process.pid > 10", "process.pid <= 10", "source.ip < 10.0.0.1", "process.name >= m"});
  // Numeric bounds are made inclusive: `> 10` is `>= 11` on a long.
  EXPECT_EQ(p.atom_of(p.root(0)).typed.op, RangeOp::Ge);
  EXPECT_EQ(p.atom_of(p.root(0)).typed.i, 11);
  EXPECT_EQ(p.atom_of(p.root(1)).typed.op, RangeOp::Le);
  EXPECT_EQ(p.atom_of(p.root(2)).typed.op, RangeOp::Lt);
  EXPECT_EQ(p.atom_of(p.root(3)).typed.op, RangeOp::Ge);
  EXPECT_EQ(p.atom_of(p.root(3)).typed.kind, rt::TypedTestSpec::Kind::StrRange);
}

}  // namespace optimizer_test
}  // namespace
}  // namespace rulec::plan
