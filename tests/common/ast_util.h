// Helpers for tests that compare syntax trees: build lists of nodes, compare with a readable diff.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/printer.h"

namespace rulec::testing {

inline std::string show(const kql::Node* n) { return n ? kql::dump(*n) : "<null>"; }

template <typename... T>
std::vector<kql::NodePtr> list(T&&... n) {
  std::vector<kql::NodePtr> v;
  (v.push_back(std::forward<T>(n)), ...);
  return v;
}

}  // namespace rulec::testing

// Both sides are NodePtr expressions; on mismatch, both trees are printed.
#define EXPECT_TREE(actual, expected)                                                                  \
  do {                                                                                                 \
    ::rulec::kql::NodePtr a_ = (actual);                                                               \
    ::rulec::kql::NodePtr e_ = (expected);                                                             \
    ASSERT_TRUE(a_ != nullptr);                                                                        \
    EXPECT_TRUE(::rulec::kql::equal(*a_, *e_)) << "actual:\n"                                           \
                                               << ::rulec::testing::show(a_.get()) << "expected:\n"   \
                                               << ::rulec::testing::show(e_.get());                   \
  } while (0)
