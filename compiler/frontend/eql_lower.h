// EQL event filters -> the KQL tree family, where Elasticsearch runs them as query leaves; type checks against the schema.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/eql_ast.h"
#include "compiler/frontend/schema.h"

namespace rulec::eql {

// Elasticsearch compiles an EQL filter to a Lucene query (../shared/spec/eql.md §2): each leaf that
// compares a field with constants is a term/terms/wildcard/prefix/regexp/range/exists query, and
// `not`, `!=` and `not in` are bool.must_not, which is true when the field is missing. Those are
// exactly the KQL tree's semantics (Is with exact or case-insensitive patterns, Range, Exists,
// Not), plus Regexp for Lucene regular expressions, so such filters lower to that tree and run
// through the same interpreter, optimizer, Hyperscan groups and generated code as KQL rules:
//   cat where c              event.category (or event_category_override) == "cat" and c
//   f == v, f != v           Is(f, v) exact and case-sensitive (`*` literal); Not(Is)
//   f == null, f != null     Not(Exists f); Exists f
//   f < v, <=, >, >=         Range (the constant on the left flips the operator)
//   f in (…), in~, not in    Or of Is (exact / ASCII case-insensitive), null items dropped; Not(Or)
//   f : v                    case-insensitive Is; a value with `*` or `?` is a wildcard
//   f like v, like~          wildcard `*` `?`, no escape (`\` is literal); like~ case-insensitive
//   f regex v, regex~        Regexp (Lucene syntax, whole value)
//   startsWith(f, "c")       prefix `c*` (literal c); `~` case-insensitive
//   endsWith / stringContains(f, "c")   wildcard `*c` / `*c*` built without escaping, so `*` `?`
//                            and `\` in c are wildcard syntax (Elasticsearch's pushdown does this)
//   cidrMatch(f, "a/n"…)     Or of Is(f, cidr) on an ip field
// A text field is compared through its keyword multi-field (Elasticsearch uses `.keyword`-like
// exact sub-fields); with none, EQL201. Leaves Elasticsearch evaluates as Painless scripts
// (arithmetic, other functions, a function's result compared) are not lowered yet: `unsupported`
// names the first one.
struct LoweredFilter {
  kql::NodePtr tree;                    // null on errors or when unsupported
  std::vector<Diagnostic> diagnostics;  // EQL2xx (and the KQL2xx value checks), positions in the query
  std::string unsupported;              // why rulec cannot run this filter yet
};

LoweredFilter lower_filter(const EventFilter& f, const Schema& schema, std::string_view category_field);

}  // namespace rulec::eql
