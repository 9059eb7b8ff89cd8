// The EQL syntax tree: constructors, copies and names.
#include "compiler/frontend/eql_ast.h"

#include <array>
#include <cctype>

namespace rulec::eql {

ExprPtr Expr::clone() const {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->lit = lit;
  e->field = field;
  e->optional = optional;
  e->cmp = cmp;
  e->match = match;
  e->arith = arith;
  e->insensitive = insensitive;
  e->negated = negated;
  e->fn = fn;
  e->pos = pos;
  for (const auto& k : kids) e->kids.push_back(k ? k->clone() : nullptr);
  return e;
}

EventFilter EventFilter::clone() const {
  EventFilter f;
  f.any = any;
  f.category = category;
  f.condition = condition ? condition->clone() : nullptr;
  f.pos = pos;
  return f;
}

Term Term::clone() const {
  Term t;
  t.filter = filter.clone();
  for (const auto& k : keys) t.keys.push_back(k->clone());
  t.runs = runs;
  t.missing = missing;
  t.pos = pos;
  return t;
}

ExprPtr make_literal(Literal lit) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Literal;
  e->lit = std::move(lit);
  return e;
}

ExprPtr make_field(std::string path, bool optional) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Field;
  e->field = std::move(path);
  e->optional = optional;
  return e;
}

ExprPtr make_bool(ExprKind kind, std::vector<ExprPtr> kids) {
  if (kids.size() == 1) return std::move(kids[0]);
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  for (auto& k : kids) {
    if (k->kind == kind) {
      for (auto& g : k->kids) e->kids.push_back(std::move(g));
    } else {
      e->kids.push_back(std::move(k));
    }
  }
  if (!e->kids.empty()) e->pos = e->kids.front()->pos;
  return e;
}

ExprPtr make_not(ExprPtr x) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Not;
  e->pos = x->pos;
  e->kids.push_back(std::move(x));
  return e;
}

const char* to_string(CmpOp op) {
  switch (op) {
    case CmpOp::Eq: return "==";
    case CmpOp::Ne: return "!=";
    case CmpOp::Lt: return "<";
    case CmpOp::Le: return "<=";
    case CmpOp::Gt: return ">";
    case CmpOp::Ge: return ">=";
  }
  return "?";
}

const char* to_string(ArithOp op) {
  switch (op) {
    case ArithOp::Add: return "+";
    case ArithOp::Sub: return "-";
    case ArithOp::Mul: return "*";
    case ArithOp::Div: return "/";
    case ArithOp::Mod: return "%";
  }
  return "?";
}

const char* to_string(ExprKind k) {
  switch (k) {
    case ExprKind::Literal: return "Literal";
    case ExprKind::Field: return "Field";
    case ExprKind::Not: return "Not";
    case ExprKind::And: return "And";
    case ExprKind::Or: return "Or";
    case ExprKind::Compare: return "Compare";
    case ExprKind::In: return "In";
    case ExprKind::Match: return "Match";
    case ExprKind::Function: return "Function";
    case ExprKind::Arith: return "Arith";
    case ExprKind::Neg: return "Neg";
  }
  return "?";
}

std::string canonical_function(std::string_view name) {
  static constexpr std::array<const char*, 16> kNames = {
      "add",     "between", "cidrMatch", "concat",    "divide", "endsWith",  "indexOf",  "length",   "modulo",
      "multiply", "number",  "startsWith", "string", "stringContains", "substring", "subtract"};
  for (const char* n : kNames) {
    std::string_view c(n);
    if (c.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < c.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(c[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return std::string(c);
  }
  return {};
}

}  // namespace rulec::eql
