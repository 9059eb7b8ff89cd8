// EQL syntax tree -> canonical text: precedence-aware parentheses, quoted strings and field names.
#include "compiler/frontend/eql_printer.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace rulec::eql {

namespace {

// Binding strength, loosest first; a child printed below its parent's level gets parentheses.
enum Level : int { kOr = 1, kAnd, kNot, kCompare, kAdd, kMul, kNeg, kPrimary };

int level_of(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Or: return kOr;
    case ExprKind::And: return kAnd;
    case ExprKind::Not: return kNot;
    case ExprKind::Compare: return kCompare;
    case ExprKind::Arith: return e.arith == ArithOp::Add || e.arith == ArithOp::Sub ? kAdd : kMul;
    case ExprKind::Neg: return kNeg;
    case ExprKind::In:
    case ExprKind::Match: return kNeg;  // a predicate binds to its primary, inside unary minus
    case ExprKind::Literal: return (e.lit.type == LitType::Long && e.lit.i < 0) ||
                                           (e.lit.type == LitType::Double && std::signbit(e.lit.d))
                                       ? kNeg
                                       : kPrimary;
    case ExprKind::Field:
    case ExprKind::Function: return kPrimary;
  }
  return kPrimary;
}

bool is_keyword(std::string_view s) {
  static constexpr const char* kWords[] = {"and",   "any",   "by",    "false",  "in",       "join", "like",
                                           "maxspan", "not", "null",  "of",     "or",       "regex", "sample",
                                           "sequence", "true", "until", "where", "with"};
  for (const char* w : kWords)
    if (s == w) return true;
  return false;
}

bool plain_identifier(std::string_view s) {
  if (s.empty() || is_keyword(s)) return false;
  const auto c0 = static_cast<unsigned char>(s[0]);
  if (!std::isalpha(c0) && c0 != '_' && c0 != '@') return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_' && c != '@') return false;
  return s.find('@', 1) == std::string_view::npos;
}

std::string field_name(const std::string& path) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string_view seg = std::string_view(path).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (start) out += '.';
    if (plain_identifier(seg)) {
      out += seg;
    } else {
      out += '`';
      for (char c : seg) {
        if (c == '`') out += '`';
        out += c;
      }
      out += '`';
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string literal_text(const Literal& l) {
  switch (l.type) {
    case LitType::Null: return "null";
    case LitType::Bool: return l.b ? "true" : "false";
    case LitType::Long: return std::to_string(l.i);
    case LitType::Double: {
      std::string s = fmt::format("{}", l.d);
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // stays a double
      return s;
    }
    case LitType::String: return quote(l.s);
  }
  return "null";
}

void print_into(std::string& out, const Expr& e, int min_level);

void list_into(std::string& out, const std::vector<ExprPtr>& kids, size_t from) {
  for (size_t i = from; i < kids.size(); ++i) {
    if (i > from) out += ", ";
    print_into(out, *kids[i], kOr);
  }
}

void print_into(std::string& out, const Expr& e, int min_level) {
  const int level = level_of(e);
  const bool parens = level < min_level;
  if (parens) out += '(';
  switch (e.kind) {
    case ExprKind::Literal: out += literal_text(e.lit); break;
    case ExprKind::Field:
      if (e.optional) out += '?';
      out += field_name(e.field);
      break;
    case ExprKind::Not:
      out += "not ";
      print_into(out, *e.kids[0], kNot);
      break;
    case ExprKind::And:
    case ExprKind::Or:
      for (size_t i = 0; i < e.kids.size(); ++i) {
        if (i) out += e.kind == ExprKind::And ? " and " : " or ";
        print_into(out, *e.kids[i], level + 1);  // a same-kind child was flattened; any other binds tighter
      }
      break;
    case ExprKind::Compare:
      print_into(out, *e.kids[0], kAdd);
      out += fmt::format(" {} ", to_string(e.cmp));
      print_into(out, *e.kids[1], kAdd);
      break;
    case ExprKind::Arith:
      print_into(out, *e.kids[0], level);
      out += fmt::format(" {} ", to_string(e.arith));
      print_into(out, *e.kids[1], level + 1);
      break;
    case ExprKind::Neg:
      out += '-';
      print_into(out, *e.kids[0], kPrimary);
      break;
    case ExprKind::In:
      print_into(out, *e.kids[0], kPrimary);
      out += e.negated ? " not in" : " in";
      if (e.insensitive) out += '~';
      out += " (";
      list_into(out, e.kids, 1);
      out += ')';
      break;
    case ExprKind::Match: {
      print_into(out, *e.kids[0], kPrimary);
      const char* op = e.match == MatchOp::Seq ? " :" : e.match == MatchOp::Like ? " like" : " regex";
      out += op;
      if (e.insensitive) out += '~';
      if (e.kids.size() == 2) {
        out += ' ';
        print_into(out, *e.kids[1], kOr);
      } else {
        out += " (";
        list_into(out, e.kids, 1);
        out += ')';
      }
      break;
    }
    case ExprKind::Function:
      out += e.fn;
      if (e.insensitive) out += '~';
      out += '(';
      list_into(out, e.kids, 0);
      out += ')';
      break;
  }
  if (parens) out += ')';
}

std::string filter_text(const EventFilter& f) {
  std::string out;
  if (f.any) out = "any";
  else out = plain_identifier(f.category) ? f.category : quote(f.category);
  out += " where ";
  if (f.condition) print_into(out, *f.condition, kOr);
  return out;
}

std::string keys_text(const std::vector<ExprPtr>& keys) {
  std::string out;
  if (keys.empty()) return out;
  out += " by ";
  list_into(out, keys, 0);
  return out;
}

std::string term_text(const Term& t) {
  std::string out = t.missing ? "![" : "[";
  out += filter_text(t.filter);
  out += ']';
  out += keys_text(t.keys);
  if (t.runs != 1) out += fmt::format(" with runs={}", t.runs);
  return out;
}

}  // namespace

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\0': out += '\0'; break;  // as written: an escape cannot name NUL (EQL101)
      default:
        if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{{{:02X}}}", c);
        else out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string print(const Expr& e) {
  std::string out;
  print_into(out, e, kOr);
  return out;
}

std::string print(const Query& q) {
  std::string out;
  switch (q.kind) {
    case QueryKind::Event: out = filter_text(q.event); break;
    case QueryKind::Sequence:
    case QueryKind::Sample:
      out = q.kind == QueryKind::Sequence ? "sequence" : "sample";
      out += keys_text(q.keys);
      if (q.maxspan_ms) out += " with maxspan=" + q.maxspan_text;
      for (const Term& t : q.terms) out += " " + term_text(t);
      if (q.until) out += " until " + term_text(*q.until);
      break;
  }
  for (const Pipe& p : q.pipes) out += fmt::format(" | {} {}", p.head ? "head" : "tail", p.count);
  return out;
}

}  // namespace rulec::eql
