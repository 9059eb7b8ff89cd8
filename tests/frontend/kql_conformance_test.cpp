// KQL syntax conformance: one ctest case per query of spec §1 (Kibana's grammar), valid and invalid.
#include "frontend/kql_cases.h"

#include <gtest/gtest.h>

#include <set>

#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"

namespace {
namespace kql_conformance_test {

using kql_cases::Case;

class KqlConformance : public ::testing::TestWithParam<Case> {};

TEST_P(KqlConformance, Parses) {
  const Case& c = GetParam();
  rulec::kql::ParseResult r = rulec::kql::parse(c.query);
  if (c.tree) {
    ASSERT_TRUE(r) << "query: " << c.query << "\n" << rulec::render(*r.error, c.query);
    rulec::kql::NodePtr want = c.tree();
    EXPECT_TRUE(rulec::kql::equal(*r.ast, *want))
        << "query: " << c.query << "\n got:\n" << rulec::kql::dump(*r.ast) << " want:\n" << rulec::kql::dump(*want);
  } else {
    ASSERT_FALSE(r) << "query: " << c.query << " parsed as\n" << rulec::kql::dump(*r.ast);
    EXPECT_EQ(r.error->code, c.error) << rulec::render(*r.error, c.query);
    EXPECT_TRUE(r.error->pos.known());
  }
}

INSTANTIATE_TEST_SUITE_P(Spec, KqlConformance, ::testing::ValuesIn(kql_cases::cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.name); });

TEST(KqlConformanceTable, HasEnoughDistinctCases) {
  EXPECT_GE(kql_cases::cases().size(), 160u);
  std::set<std::string> names;
  for (const auto& c : kql_cases::cases()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
}

// Node positions: line and column of each node's first character.
TEST(KqlConformancePositions, NodesCarryTheirStart) {
  auto r = rulec::kql::parse("a:b or\n  not c:(d or e) and f < 2");
  ASSERT_TRUE(r);
  const auto& root = *r.ast;  // or(is a b, and(not(or(is c d, is c e)), range f))
  EXPECT_EQ(root.pos, (rulec::SourcePos{0, 1, 1}));
  EXPECT_EQ(root.children[0]->pos, (rulec::SourcePos{0, 1, 1}));
  const auto& conj = *root.children[1];
  EXPECT_EQ(conj.pos, (rulec::SourcePos{9, 2, 3}));                  // the `not`
  EXPECT_EQ(conj.children[0]->pos, (rulec::SourcePos{9, 2, 3}));
  const auto& list = *conj.children[0]->children[0];
  EXPECT_EQ(list.children[0]->pos, (rulec::SourcePos{16, 2, 10}));   // value d
  EXPECT_EQ(list.children[1]->pos, (rulec::SourcePos{21, 2, 15}));   // value e
  EXPECT_EQ(conj.children[1]->pos, (rulec::SourcePos{28, 2, 22}));   // field f
}

TEST(KqlConformancePositions, ColumnsCountCodePoints) {
  auto r = rulec::kql::parse("\xC3\xA9:x or b:y");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.ast->children[1]->pos, (rulec::SourcePos{8, 1, 8}));  // é is 2 bytes, 1 column
}

}  // namespace kql_conformance_test
}  // namespace
