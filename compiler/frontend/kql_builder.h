// Builds the KQL AST from the parser's events with explicit stacks (no recursion per operand).
#pragma once

#include <string_view>
#include <vector>

#include "KqlParser.h"
#include "compiler/frontend/ast.h"
#include "compiler/frontend/kql_text.h"
#include "compiler/frontend/kql_tokens.h"

namespace rulec::kql::detail {

class Builder final : public rulec::kqlgen::KqlEvents {
 public:
  explicit Builder(std::string_view source) : pos_(source), src_(source) {}

  void open_chain() override;
  void chain_op(bool is_and) override;
  void close_chain() override;
  void begin_operand() override;
  void negate(antlr4::Token* not_token) override;
  void end_operand() override;
  void literal(antlr4::Token* t) override;
  void field_value() override;
  void range_op(antlr4::Token* op) override;
  void range() override;
  void free_text() override;
  void begin_list() override;
  void list_value() override;
  void end_list() override;
  void nested() override;

  // The whole query: the one node left, or MatchAll for a blank query.
  NodePtr finish();

 private:
  struct Lit {
    Value value;  // a field name uses value.pattern only
    SourcePos pos;
  };
  struct Chain {
    size_t base;               // index of the first operand in nodes_
    std::vector<bool> is_and;  // operator i sits between operands i and i+1
  };

  Lit pop_lit();
  // field:value, or Exists for `field:*`, or MatchAll for `*:*`.
  NodePtr make_field_value(Pattern field, Value value, SourcePos pos);

  text::PosCursor pos_;
  std::string_view src_;
  std::vector<NodePtr> nodes_;
  std::vector<Chain> chains_;
  std::vector<Lit> lits_;
  std::vector<Lit> list_fields_;
  std::vector<SourcePos> nots_;  // per open operand: the `not` position, or unknown
  RangeOp op_ = RangeOp::Lt;
};

}  // namespace rulec::kql::detail
