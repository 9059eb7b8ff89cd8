// The typed KQL syntax tree: what the parser builds, the printer prints and later stages lower.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compiler/frontend/diagnostic.h"
#include "runtime/common/field_types.h"

namespace rulec::kql {

// A literal as written in a query, after unescaping: literal segments separated by wildcard
// markers. `wildcards[i]` sits between `segments[i]` and `segments[i+1]`, so
// `segments.size() == wildcards.size() + 1`. KQL only makes `*` (any sequence, empty and newlines
// included); `?` (exactly one character) and `case_insensitive` come only from ES DSL filters and
// exception items, never from KQL text (where `?` is always a literal character). A quoted KQL value
// never has wildcards (`*` inside quotes is literal).
struct Pattern {
  std::vector<std::string> segments{std::string()};
  std::string wildcards;          // each '*' or '?'
  bool quoted = false;
  bool case_insensitive = false;  // ES DSL only

  bool has_wildcard() const { return !wildcards.empty(); }
  // Segments joined with their wildcard characters (a literal `*` in a segment is not
  // distinguishable here: for display and messages only).
  std::string joined() const;
  // True when the pattern is exactly one unquoted `*`.
  bool is_star() const { return !quoted && wildcards == "*" && segments[0].empty() && segments[1].empty(); }
  // Appends a wildcard marker (starting a new, empty segment).
  void add_wildcard(char w = '*') {
    wildcards += w;
    segments.emplace_back();
  }
  bool operator==(const Pattern&) const = default;
};

// Typed literals: exactly `true`, `false`, `null` unquoted (after trim) are typed; everything else,
// numbers included, stays a string (`070` stays "070").
enum class LiteralType : uint8_t { String, True, False, Null };

struct Value {
  Pattern pattern;
  LiteralType type = LiteralType::String;
  bool operator==(const Value&) const = default;
};

// The text of a query value: typed literals by their word, patterns with their wildcard characters.
std::string value_text(const Value& v);

using RangeOp = rulec::RangeOp;

enum class NodeKind : uint8_t {
  MatchAll,  // empty query, `*:*`
  Is,        // field:value (value may be a wildcard pattern)
  Range,     // field < value, <=, >, >=
  Exists,    // field:*
  Nested,    // field:{ child }
  FreeText,  // a value with no field
  And,       // n-ary
  Or,        // n-ary
  Not,       // one child
  Regexp,    // field matches a Lucene regular expression (EQL regex): value.pattern.segments[0] is
             // the regex as written, value.pattern.case_insensitive for regex~; never from KQL text
  Script,    // an EQL script leaf (runtime/eval/eql_script.h): `program` holds it encoded,
             // value.pattern.segments[0] its EQL text (for display); never from KQL text
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

// One node; which members are meaningful depends on `kind`:
//   Is:       field, value          Range:  field, op, value       Exists: field
//   Regexp:   field, value (the regex)
//   Nested:   field, children[0]     FreeText: value
//   And/Or:   children (>= 2)        Not: children[0]              MatchAll: nothing
// Inside Nested, field names are relative to the nested path (as written).
struct Node {
  NodeKind kind = NodeKind::MatchAll;
  Pattern field;  // field name; may hold wildcards (`process.*`), may be quoted
  Value value;
  RangeOp op = RangeOp::Lt;
  std::vector<NodePtr> children;
  std::string program;  // Script: the encoded rt::EqlScript
  SourcePos pos;  // where the node starts in the query (not part of equality)

  NodePtr clone() const;
};

// Structural equality, ignoring positions.
bool equal(const Node& a, const Node& b);

// Constructors used by the parser, the filter/exception translators and tests.
NodePtr make_match_all();
NodePtr make_is(Pattern field, Value value);
NodePtr make_range(Pattern field, RangeOp op, Value value);
NodePtr make_exists(Pattern field);
NodePtr make_regexp(Pattern field, std::string regex, bool case_insensitive);
NodePtr make_script(std::string eql_text, std::string program);
NodePtr make_nested(Pattern field, NodePtr child);
NodePtr make_free_text(Value value);
NodePtr make_not(NodePtr child);
// And/Or of the given children; one child returns it unchanged, children of the same kind are
// flattened into the new node (chains are n-ary).
NodePtr make_and(std::vector<NodePtr> children);
NodePtr make_or(std::vector<NodePtr> children);

// A literal field name or value (no wildcard) as a Pattern.
Pattern literal(std::string text, bool quoted = false);

// Visits each field a query names (Is, Range, Exists and Nested nodes), in source order, with its
// full path: enclosing nested paths joined with '.'. `wild`: the field or an enclosing nested path
// has a wildcard, or an enclosing nested path's visit answered false (its fields are dealt with).
void for_each_field(const Node& root,
                    const std::function<bool(const Node& n, const std::string& field, bool wild)>& visit);

const char* to_string(NodeKind k);
const char* to_string(RangeOp op);

}  // namespace rulec::kql
