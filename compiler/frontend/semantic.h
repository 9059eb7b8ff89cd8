// Semantic checks of a KQL tree against the field schema (type errors and warnings).
#pragma once

#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/schema.h"

namespace rulec {

// Every type error (and warning) of the tree; positions are the nodes' positions in `query_text`.
// What is checked, per test on a field with a literal name (relative to the enclosing nested paths),
// mirroring what Elasticsearch does with the query Kibana's detection engine builds (values.h has
// the parsing rules). The engine hands Kibana no field types (get_filter.ts: `fields = []`), so
// `f:v` becomes match/match_phrase and every KQL wildcard a query_string query, whatever the type:
//   numeric fields   wildcard -> KQL201; not a number -> KQL200 error; a number that can never match
//                    (decimal part on an integer type, out of range) -> KQL200 warning
//   ip               wildcard -> KQL202; not an address (equality: nor a CIDR block) -> KQL203
//   boolean          wildcard, or anything but true/false -> KQL204
//   date, date_nanos wildcard, or not a date / date-math expression -> KQL205
//   other types      a KQL wildcard value containing whitespace -> KQL206 warning (query_string
//                    splits it; rulec matches the whole pattern), except on known keyword fields
//                    (a wildcard query, not split). Not for `?` or case-insensitive patterns,
//                    which only ES DSL filters and exception items make.
//   geo_point, binary ranges -> KQL207
//   null             equality -> KQL208 error (match rejects a null query); a null range bound ->
//                    KQL208 warning (an unbounded range: every document that has the field matches)
// Field names with wildcards (`process.*`) are not checked: Kibana expands them to every matching
// mapped field, and rulec does not guess which of those the author meant.
std::vector<Diagnostic> check_semantics(const kql::Node& ast, const Schema& schema, std::string_view query_text = {});

}  // namespace rulec
