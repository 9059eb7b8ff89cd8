// The reference evaluator: walks each rule's AST over a decoded event (the oracle, not the fast path).
#pragma once

#include <memory>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "runtime/eval/evaluator.h"

namespace rulec::interp {

// One rule as the interpreter runs it: the query AND the filters AND NOT each exception item.
struct CompiledRule {
  const kql::Node* query = nullptr;            // required
  const kql::Node* filters = nullptr;          // may be null
  std::vector<const kql::Node*> exceptions;    // each item's AST (not negated); may be empty
};

// Does `ast` match `ev` under the spec's semantics (kql.md §2), with field types from `schema`?
// `now_ms` anchors date math (`now-1d`).
bool matches(const kql::Node& ast, const rt::Event& ev, const Schema& schema, int64_t now_ms);

// The interpreter behind the runtime's Evaluator interface. The ASTs and the schema must outlive it.
class Interpreter final : public rt::Evaluator {
 public:
  Interpreter(std::vector<CompiledRule> rules, const Schema& schema);
  ~Interpreter() override;
  size_t rule_count() const override { return rules_.size(); }
  void evaluate(const rt::Event& ev, rt::RuleBits& matched) override;
  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }

 private:
  std::vector<CompiledRule> rules_;
  const Schema& schema_;
  int64_t now_ms_ = 0;
};

}  // namespace rulec::interp
