// One rule's syntax trees as every evaluator takes them: the query AND the filters AND NOT each exception item.
#pragma once

#include <vector>

#include "compiler/frontend/ast.h"

namespace rulec {

// The trees are owned elsewhere (the loaded rule set) and must outlive every evaluator built on them.
struct RuleTrees {
  const kql::Node* query = nullptr;          // required
  const kql::Node* filters = nullptr;        // may be null
  std::vector<const kql::Node*> exceptions;  // each item's tree (not negated); may be empty
};

}  // namespace rulec
