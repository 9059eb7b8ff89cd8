// The KQL AST builder: turns parser events into nodes (value lists, exists, typed literals, chains).
#include "compiler/frontend/kql_builder.h"

#include "compiler/frontend/kql_tokens.h"

namespace rulec::kql::detail {

using rulec::kqlgen::KqlParser;

void Builder::open_chain() { chains_.push_back(Chain{nodes_.size(), {}}); }

void Builder::chain_op(bool is_and) { chains_.back().is_and.push_back(is_and); }

// `and` binds tighter than `or`: runs of and-joined operands become And nodes, then the runs an Or.
void Builder::close_chain() {
  Chain chain = std::move(chains_.back());
  chains_.pop_back();
  std::vector<NodePtr> ors, run;
  run.push_back(std::move(nodes_[chain.base]));
  for (size_t i = 0; i < chain.is_and.size(); ++i) {
    if (!chain.is_and[i]) {
      ors.push_back(make_and(std::move(run)));
      run.clear();
    }
    run.push_back(std::move(nodes_[chain.base + 1 + i]));
  }
  ors.push_back(make_and(std::move(run)));
  nodes_.resize(chain.base);
  nodes_.push_back(make_or(std::move(ors)));
}

void Builder::begin_operand() { nots_.push_back(SourcePos{}); }

void Builder::negate(antlr4::Token* not_token) {
  nots_.back() = pos_.at(static_cast<const LeanToken*>(not_token)->begin());
}

void Builder::end_operand() {
  SourcePos p = nots_.back();
  nots_.pop_back();
  if (!p.known()) return;
  NodePtr n = make_not(std::move(nodes_.back()));
  n->pos = p;
  nodes_.back() = std::move(n);
}

void Builder::literal(antlr4::Token* t) {
  auto* tok = static_cast<const LeanToken*>(t);
  std::string_view raw = src_.substr(tok->begin(), tok->end() - tok->begin());
  Lit lit;
  lit.pos = pos_.at(tok->begin());
  if (raw.front() == '"') {
    lit.value.pattern = rulec::kql::literal(text::unquote(raw), true);
  } else {
    lit.value.pattern = text::unescape_unquoted(raw);
    // Kibana types the trimmed text of an unquoted literal that has no wildcard.
    const Pattern& p = lit.value.pattern;
    if (!p.has_wildcard()) {
      if (p.segments[0] == "true") lit.value.type = LiteralType::True;
      else if (p.segments[0] == "false") lit.value.type = LiteralType::False;
      else if (p.segments[0] == "null") lit.value.type = LiteralType::Null;
    }
  }
  lits_.push_back(std::move(lit));
}

Builder::Lit Builder::pop_lit() {
  Lit l = std::move(lits_.back());
  lits_.pop_back();
  return l;
}

NodePtr Builder::make_field_value(Pattern field, Value value, SourcePos pos) {
  NodePtr n;
  if (value.type == LiteralType::String && value.pattern.is_star()) {
    n = field.is_star() ? make_match_all() : make_exists(std::move(field));
  } else {
    n = make_is(std::move(field), std::move(value));
  }
  n->pos = pos;
  return n;
}

void Builder::field_value() {
  Lit value = pop_lit();
  Lit field = pop_lit();
  nodes_.push_back(make_field_value(std::move(field.value.pattern), std::move(value.value), field.pos));
}

void Builder::range_op(antlr4::Token* op) {
  switch (op->getType()) {
    case KqlParser::LT: op_ = RangeOp::Lt; break;
    case KqlParser::LE: op_ = RangeOp::Le; break;
    case KqlParser::GT: op_ = RangeOp::Gt; break;
    default: op_ = RangeOp::Ge; break;
  }
}

void Builder::range() {
  Lit value = pop_lit();
  Lit field = pop_lit();
  NodePtr n = make_range(std::move(field.value.pattern), op_, std::move(value.value));
  n->pos = field.pos;
  nodes_.push_back(std::move(n));
}

void Builder::free_text() {
  Lit value = pop_lit();
  NodePtr n = make_free_text(std::move(value.value));
  n->pos = value.pos;
  nodes_.push_back(std::move(n));
}

void Builder::begin_list() { list_fields_.push_back(pop_lit()); }

void Builder::list_value() {
  Lit value = pop_lit();
  nodes_.push_back(make_field_value(list_fields_.back().value.pattern, std::move(value.value), value.pos));
}

void Builder::end_list() { list_fields_.pop_back(); }

void Builder::nested() {
  NodePtr child = std::move(nodes_.back());
  nodes_.pop_back();
  Lit field = pop_lit();
  NodePtr n = make_nested(std::move(field.value.pattern), std::move(child));
  n->pos = field.pos;
  nodes_.push_back(std::move(n));
}

NodePtr Builder::finish() {
  if (nodes_.empty()) {
    NodePtr n = make_match_all();
    n->pos = pos_.at(0);
    return n;
  }
  return std::move(nodes_.back());
}

}  // namespace rulec::kql::detail
