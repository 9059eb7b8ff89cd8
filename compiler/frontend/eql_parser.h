// EQL text -> EQL syntax tree, through the ANTLR grammar in grammar/; errors come back as data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/eql_ast.h"

namespace rulec::eql {

struct ParseLimits {
  size_t max_bytes = 16u << 20;  // larger queries are refused (EQL104)
  size_t max_depth = 256;        // ( ) nesting deeper than this is refused (EQL103)
};

// Either a query or one error (Elasticsearch stops at the first too).
struct ParseResult {
  std::optional<Query> query;
  std::optional<Diagnostic> error;  // positions are inside the query text
  explicit operator bool() const { return query.has_value(); }
};

// Parses one EQL statement as Elasticsearch does (../shared/spec/eql.md §1): the syntax, then the
// structural rules of §1 (maxspan after `by`, its unit, `runs` in 1..100, the same key count in
// every term, missing terms need maxspan and a positive term, only head/tail pipes). `join`,
// `child of`, `f[0]`, '…' and ?"…" strings are refused as Elasticsearch refuses them. Never throws.
[[nodiscard]] ParseResult parse(std::string_view text, const ParseLimits& limits = {});

// A string token's value: "…" with EQL's escapes resolved, or """…""" raw. nullopt (with the reason)
// for an escape naming NUL or a surrogate, or a \u escape that is not 2-8 hex digits.
std::optional<std::string> unquote(std::string_view token, std::string* why);

}  // namespace rulec::eql
