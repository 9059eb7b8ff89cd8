// AST -> canonical KQL text (parse(print(ast)) == ast) and AST -> debug/JSON dumps.
#pragma once

#include <string>

#include "compiler/frontend/ast.h"

namespace rulec::kql {

// Canonical KQL: lowercase keywords, single spaces, minimal parentheses, values escaped so that
// parsing the text gives back an equal tree.
std::string print(const Node& n);

// An indented S-expression-like tree, one node per line (for `rulec parse` and golden files).
std::string dump(const Node& n);

// The tree as JSON (for `rulec parse --json`).
std::string to_json(const Node& n);

}  // namespace rulec::kql
