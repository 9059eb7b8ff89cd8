// The optimizer's typed IR: deduplicated atoms (leaf tests) and a hash-consed boolean DAG per rule set.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "runtime/eval/typed_tests.h"

namespace rulec::plan {

// How an atom is answered at run time.
//   StrExact:   some indexed value of `source` (normalized) equals `text`: one hash probe per value
//               answers every exact test on that source and normalization.
//   StrPattern: some indexed value matches the Hyperscan expression `regex`: one scan per value
//               answers every pattern on that source and normalization; the scan runs when the
//               first rule needs one of the group's patterns in an event (not before).
//   StrAny:     `source` has an indexed value (exists on a keyword field, unbounded ranges).
//   Generic:    anything else (numbers, ips, dates, text analysis, nested, free text, field-name
//               wildcards, object exists): evaluated on demand, once per event, by the evaluator
//               the engine is given (the reference evaluator on the compiler side).
//   Typed:      a number, ip or boolean test (`typed`): each value parsed once per event per type.
enum class AtomKind : uint8_t { StrExact, StrPattern, StrAny, Typed, Generic };

struct Atom {
  AtomKind kind = AtomKind::Generic;
  std::string key;              // canonical form, unique per atom (dedup across rules)
  std::string source;           // document path read (string kinds)
  bool lower = false;           // value lowercased before the test (lowercase normalizer)
  uint32_t ignore_above = 0;    // values longer than this (UTF-16 units) are not indexed; 0: none
  std::string text;             // StrExact: the normalized value; StrPattern: the regex
  bool caseless = false;        // StrPattern: ASCII case-insensitive (ES DSL case_insensitive)
  bool utf8 = false;            // StrPattern: `.` is one code point (pattern has '?')
  rt::TypedTestSpec typed;      // Typed (slot and atom are set by the matchers pass)
  const kql::Node* node = nullptr;  // the AST node (Generic evaluation, printing)
  std::string display;          // the test as KQL, for explain
  uint32_t uses = 0;            // references from the DAG
};

enum class Op : uint8_t { False, True, Atom, Not, And, Or };

struct Expr {
  Expr() = default;
  explicit Expr(Op o) : op(o) {}
  Op op = Op::False;
  uint32_t atom = 0;            // Op::Atom
  std::vector<uint32_t> kids;   // Not: one; And/Or: >= 2 (evaluation order after ordering)
  uint32_t uses = 0;            // parents + rule roots referencing it
  int32_t memo = -1;            // shared (uses >= 2, not an atom): its slot in the per-event memo
  double cost = 0;              // estimated cost of evaluating it (cheap atom = 1)
  double p_true = 0.5;          // estimated probability of being true
};

// A field the rule set reads and how: exact paths get slots; subtrees are read whole.
struct FieldsRead {
  std::vector<std::string> paths;     // exact document paths (slot = index)
  std::vector<std::string> subtrees;  // every leaf at or below these paths
  bool all = false;                   // free text or field-name wildcards: the whole document
};

struct Plan {
  std::vector<Atom> atoms;        // eager (string) atoms first, then Generic; see eager_count
  uint32_t eager_count = 0;
  std::vector<Expr> exprs;        // the DAG; kids before parents
  std::vector<uint32_t> roots;    // per rule: its expression
  std::vector<std::string> rule_names;
  uint32_t memo_count = 0;
  FieldsRead fields;
};

// Builds the plan of a rule set: each rule is its query AND its filters AND NOT each exception item.
struct RuleAsts {
  std::string name;
  const kql::Node* query = nullptr;
  const kql::Node* filters = nullptr;
  std::vector<const kql::Node*> exceptions;
  std::vector<std::string> extra_fields;  // fields the runtime reads besides the query's
};

// Pass 1 (lower.cpp): ASTs -> atoms + DAG (hash-consed across rules), `not` pushed down,
// constants folded, And/Or flattened and deduplicated.
Plan lower(const std::vector<RuleAsts>& rules, const Schema& schema);
// Pass 2 (order.cpp): cost and selectivity estimates; conjunctions cheapest-and-most-selective
// first, disjunctions cheapest-and-most-likely first.
void order(Plan& plan);
// Pass 3 (share.cpp): use counts, memo slots for shared sub-expressions, atoms renumbered eager
// first, the fields read.
void finalize(Plan& plan, const Schema& schema);

// All passes.
inline Plan build(const std::vector<RuleAsts>& rules, const Schema& schema) {
  Plan p = lower(rules, schema);
  order(p);
  finalize(p, schema);
  return p;
}

}  // namespace rulec::plan
