// AST -> canonical KQL text (parse(print(ast)) == ast) and AST -> debug/JSON dumps.
#pragma once

#include <string>

#include "compiler/frontend/ast.h"

namespace rulec::kql {

// Canonical KQL: lowercase keywords, single spaces, minimal parentheses, values escaped so that
// parsing the text gives back an equal tree (kql::equal) for every tree kql::parse can produce.
//   - Ranges print as `field < value`; exists as `field:*`; MatchAll as `*:*`; nested as
//     `field:{...}`; an and/or tree of tests on one field prints as a value list
//     (`a:(b or not c)`, with `*` for exists).
//   - Unquoted literals escape `\ ( ) : < > " * { }` (a literal `*` is `\*`, a wildcard `*`), tab,
//     CR and LF as `\t \r \n`, other controls and non-space whitespace as `\uXXXX`; words the
//     lexer would read as keywords are escaped (`b \or c`, `can\u006Eot`, `\Not x`); the empty
//     unquoted value prints as `\t` (which trims to ""). Strings `true`/`false`/`null` are quoted.
//   - Quoted literals escape `"` and `\` (and controls as `\t \r \n \uXXXX`).
// Patterns KQL cannot write (a `?` wildcard, case-insensitive, a quoted pattern with wildcards;
// they come from ES DSL filters and exception items only) print in a form that is NOT KQL:
//   field:~wildcard("C:\\*.exe", case_insensitive)
// inside the quotes `*` and `?` are wildcards and `\*`, `\?`, `\\`, `\"` literal characters.
// Unquoted values with leading/trailing whitespace (the parser always trims those) print quoted.
std::string print(const Node& n);

// An indented tree, one node per line (for `rulec parse` and golden files), e.g.
//   or
//     is process.name q"apache2"
//     not
//       range a >= "5"
// Literal segments are JSON strings and wildcard markers bare between them (`"C:\\"*".exe"`,
// `*"*"` is a wildcard then a literal star); `q` marks a quoted literal, `/i` a case-insensitive
// one; typed literals are bare `true`, `false`, `null`. Simple field names print bare.
std::string dump(const Node& n);

// The tree as JSON (for `rulec parse --json`), one line:
//   {"kind":"is","field":{"segments":["a"],"wildcards":"","quoted":false},
//    "value":{"segments":["b",""],"wildcards":"*","quoted":false,"type":"string"},
//    "pos":{"line":1,"column":1,"offset":0}}
// and/or have "children", not/nested a "child", range an "op"; "case_insensitive":true appears
// only when set; "pos" only when known.
std::string to_json(const Node& n);

}  // namespace rulec::kql
