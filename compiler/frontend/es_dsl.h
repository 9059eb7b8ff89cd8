// Kibana filters (Elasticsearch query DSL) -> KQL AST, for the `filters` key of detection rules.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"

namespace rulec {

// How the supported constructs map (anything else is a RUL302 error naming the construct):
//   match_phrase {f: v | {query: v, slop: 0}}      -> Is(f, "v") quoted (exact phrase)
//   match {f: v | {query, type, operator, ...}}     -> Is(f, v) unquoted, like KQL `f:v`;
//       type "phrase" -> as match_phrase; operator "and" only for values without whitespace
//       (where it cannot differ from "or"); fuzziness, analyzer, ... -> RUL302
//   term {f: v | {value, case_insensitive}}          -> Is(f, "v") quoted (exact), case flag kept
//   terms {f: [v...]}                                -> Or of Is; an empty list matches nothing
//   wildcard {f: pat | {value|wildcard, case_insensitive}} -> Is(f, Pattern) with `*`/`?` markers
//   prefix {f: p | {value, case_insensitive}}        -> Is(f, "p*")
//   exists {field: f}                                -> Exists(f)
//   range {f: {gt, gte, lt, lte | from, to, include_lower, include_upper}} -> And of Range
//   match_all -> MatchAll; match_none -> Not(MatchAll)
//   bool: must + filter -> And; must_not -> Not each; should -> Or when at least one must
//       match (the default without must/filter, or minimum_should_match 1), And when all must,
//       ignored when minimum_should_match resolves to 0 with must/filter present (Elasticsearch
//       7+ in filter context); other counts -> RUL302
//   nested {path, query} -> Nested(path, query with field names made relative to path)
//   constant_score {filter} -> the filter
// Non-string values: booleans become typed `true`/`false` literals, numbers their JSON text.
// `boost` and `_name` are accepted and ignored everywhere (they do not change what matches).

// ES wildcard syntax -> Pattern: `*` any sequence, `?` one character, `\` makes the next
// character literal (a trailing `\` is literal), as Lucene's WildcardQuery reads it.
kql::Pattern parse_es_wildcard(std::string_view text, bool case_insensitive = false);

// One query DSL object (e.g. {"bool": {...}}). Returns null after adding RUL302 diagnostics when
// something cannot be translated. `where` prefixes messages ("filter 2").
kql::NodePtr translate_es_query(const nlohmann::json& query, std::vector<Diagnostic>& diags,
                                std::string_view where = "query");

// One Kibana filter: {meta: {negate, disabled, ...}, query: {...}} or, in older shapes, the DSL
// beside `meta` ({meta, exists: {...}}). A disabled filter gives null with no diagnostic and sets
// *disabled; a negated one is wrapped in Not. `index` is 1-based, for messages.
kql::NodePtr translate_filter(const nlohmann::json& filter, size_t index, std::vector<Diagnostic>& diags,
                              bool* disabled = nullptr);

// The AND of every enabled filter of a rule's `filters` (null or an array). Null when there is no
// enabled filter, and also when any filter failed to translate (then `diags` has a RUL302 error).
kql::NodePtr translate_filters(const nlohmann::json& filters, std::vector<Diagnostic>& diags);

}  // namespace rulec
