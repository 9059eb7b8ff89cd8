// The optimizer's typed IR: deduplicated atoms (leaf tests) and a hash-consed boolean DAG per rule set.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/semantics/rule_trees.h"
#include "runtime/eval/typed_tests.h"

namespace rulec::plan {

// How an atom is answered at run time.
//   StrExact:   some indexed value of `source` (normalized) equals `text`: one hash probe per value
//               answers every exact test on that source and normalization.
//   StrPattern: some indexed value matches the Hyperscan expression `text`: one scan per value
//               answers every pattern on that source and normalization; the scan runs when the
//               first rule needs one of the group's patterns in an event (not before).
//   StrAny:     `source` has an indexed value (exists on a keyword field, unbounded ranges).
//   Typed:      a number, ip, boolean or keyword-range test (`typed`): each value parsed once per
//               event per type.
//   Generic:    anything else (dates, text analysis, nested, free text, field-name wildcards,
//               object exists, patterns Hyperscan refuses): evaluated on demand, at most once per
//               event, by the runtime's native on-demand tests (runtime/eval/generic_tests.h).
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
  rt::TypedTestSpec typed;      // Typed (slot and atom are set when the runtime's tables are made)
  const kql::Node* node = nullptr;  // the AST node (Generic evaluation, printing)
  std::string display;          // the test as KQL, for explain
  uint32_t uses = 0;            // references from the DAG
  // String tests: bytes every value the test accepts contains (unescaped; empty: none), ASCII
  // case-insensitive when `literal_caseless` (see prefilter.h). Kept when screening makes the atom
  // Generic: the test's meaning does not change.
  std::string literal;
  bool literal_caseless = false;
};

enum class Op : uint8_t { False, True, Atom, Not, And, Or };

struct Expr {
  Expr() = default;
  explicit Expr(Op o) : op(o) {}
  Op op = Op::False;
  uint32_t atom = 0;            // Op::Atom
  std::vector<uint32_t> kids;   // Not: one; And/Or: >= 2 (evaluation order after ordering)
  uint32_t uses = 0;            // parents + rule roots referencing it
  int32_t memo = -1;            // a shared And/Or (uses >= 2): its slot in the per-event memo; -1 otherwise
  double cost = 0;              // estimated cost of evaluating it (cheap atom = 1)
  double p_true = 0.5;          // estimated probability of being true
};

// A field the rule set reads and how: exact paths get slots; subtrees are read whole.
struct FieldsRead {
  std::vector<std::string> paths;     // exact document paths (slot = index)
  std::vector<std::string> subtrees;  // every leaf at or below these paths
  bool all = false;                   // free text or field-name wildcards: the whole document
};

// The optimized plan of a rule set. The passes (passes.h) build it; once `optimize` (optimize.h)
// returns it is sealed: every later stage (matchers, code generation, explain) reads it as const.
struct Plan {
  std::vector<Atom> atoms;        // after number_atoms: bit atoms (string and typed) first, then Generic
  std::vector<Expr> exprs;        // the DAG; kids before parents
  std::vector<uint32_t> roots;    // per rule: its expression
  std::vector<std::string> rule_names;
  uint32_t memo_count = 0;
  FieldsRead fields;
};

// One rule as the optimizer takes it: its trees, ANDed (each exception item negated).
struct RuleAsts : RuleTrees {
  std::string name;
  std::vector<std::string> extra_fields;  // fields the runtime reads besides the query's
};

// The atoms rule `rule`'s expression reaches (sorted, each once).
std::vector<uint32_t> atoms_reached(const Plan& plan, uint32_t rule);

// The rules (indexes into plan.roots) whose expression reaches one of `atoms`.
std::vector<uint32_t> rules_reaching(const Plan& plan, const std::vector<uint32_t>& atoms);

}  // namespace rulec::plan
