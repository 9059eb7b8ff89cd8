// KQL text -> AST, through the ANTLR grammar in grammar/; errors come back as data.
#pragma once

#include <optional>
#include <string_view>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"

namespace rulec::kql {

struct ParseLimits {
  size_t max_bytes = 16u << 20;  // larger queries are refused (KQL104)
  size_t max_depth = 512;        // ( ) and { } nesting deeper than this is refused (KQL103)
};

// Either a tree or one syntax error (Kibana stops at the first error too).
struct ParseResult {
  NodePtr ast;                     // null on error
  std::optional<Diagnostic> error; // set on error; positions are inside the query text
  explicit operator bool() const { return ast != nullptr; }
};

// Parses one query exactly as Kibana's KQL grammar does (../shared/spec/kql.md §1).
// Blank queries give MatchAll. Never throws; never recurses deeper than the limits allow.
[[nodiscard]] ParseResult parse(std::string_view query, const ParseLimits& limits = {});

}  // namespace rulec::kql
