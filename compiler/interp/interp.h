// The reference evaluator: walks each rule's AST over a decoded event (the oracle, not the fast path).
#pragma once

#include <memory>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "compiler/semantics/rule_trees.h"
#include "runtime/eval/evaluator.h"

namespace rulec::interp {

// Semantics (kql.md §2 and what Elasticsearch does with the query Kibana's detection engine builds).
// Where each decision lives:
//   matcher.h       the tree walk: field-name wildcards, nested paths
//   runtime/eval/field_walk.h   field lookup, multi-fields, exists (object paths), nested elements,
//                   free text (shared with the runtime's on-demand tests)
//   compiler/semantics/  preparing each query value for a field type, resolving field names
//                   (shared with the optimizer and the planner of the on-demand tests)
//   runtime/eval/value_tests.h  what a document value is per field type (ignore_above, coerce,
//                   booleans, ips, dates) and how each query value is tested (keyword, text, numeric, ...)
//   runtime/common/text_analysis.h the standard-analyzer approximation, glob patterns, case folding
// Values Elasticsearch would reject (not a number on a numeric field, a wildcard on an ip, `f:null`)
// make that test match nothing; the front end reports them as errors beforehand.
//
// Module layout: interp.cpp (entry points) -> matcher.cpp (tree walk) -> compiler/semantics (value
// preparation); runtime/eval/event_index.cpp indexes an event's leaves by path.

class Matcher;  // matcher.h

// Does `ast` match `ev` under the spec's semantics (kql.md §2), with field types from `schema`?
// `now_ms` anchors date math (`now-1d`). Never throws (false if memory runs out).
bool matches(const kql::Node& ast, const rt::Event& ev, const Schema& schema, int64_t now_ms);
// The whole rule: query AND filters AND NOT each exception item.
bool matches(const RuleTrees& rule, const rt::Event& ev, const Schema& schema, int64_t now_ms);

// The interpreter behind the runtime's Evaluator interface. The ASTs and the schema must outlive it
// and the ASTs must not change (per-node work is cached by node address). evaluate() indexes the
// event's leaves once for all rules; after warm-up it does not allocate, and it never throws.
class Interpreter final : public rt::Evaluator {
 public:
  Interpreter(std::vector<RuleTrees> rules, const Schema& schema);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;
  ~Interpreter() override;
  size_t rule_count() const override { return rules_.size(); }
  void evaluate(const rt::Event& ev, rt::RuleBits& matched) override;
  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  std::vector<RuleTrees> rules_;
  const Schema& schema_;
  std::unique_ptr<Matcher> matcher_;
  int64_t now_ms_ = 0;
};

}  // namespace rulec::interp
