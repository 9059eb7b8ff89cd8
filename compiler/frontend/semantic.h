// Semantic checks of a KQL tree against the field schema (type errors and warnings).
#pragma once

#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/schema.h"

namespace rulec {

// Every type error (and warning) of the tree; positions are the nodes' positions in `query_text`.
std::vector<Diagnostic> check_semantics(const kql::Node& ast, const Schema& schema, std::string_view query_text = {});

}  // namespace rulec
