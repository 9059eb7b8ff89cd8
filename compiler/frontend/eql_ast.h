// The EQL syntax tree: expressions, event filters, sequences and samples as the EQL parser builds them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/diagnostic.h"

namespace rulec::eql {

// A constant as written, after unescaping. Integers that fit a long are Long, others Double.
enum class LitType : uint8_t { Null, Bool, Long, Double, String };

struct Literal {
  LitType type = LitType::Null;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  bool operator==(const Literal&) const = default;
};

enum class CmpOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
// `:` (case-insensitive equality, wildcards when the value has `*` or `?`), like, regex.
enum class MatchOp : uint8_t { Seq, Like, Regex };
enum class ArithOp : uint8_t { Add, Sub, Mul, Div, Mod };

enum class ExprKind : uint8_t {
  Literal,   // lit
  Field,     // field (dotted path), optional (`?f`)
  Not,       // kids[0]
  And,       // kids (>= 2)
  Or,        // kids (>= 2)
  Compare,   // kids[0] cmp kids[1]
  In,        // kids[0] (not)? in(~) kids[1..]
  Match,     // kids[0] (:|like|regex)(~)? kids[1..] (constants)
  Function,  // fn(kids...), insensitive for `fn~`
  Arith,     // kids[0] arith kids[1]
  Neg,       // -kids[0]
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::Literal;
  Literal lit;
  std::string field;          // Field: the path, segments joined with '.'
  bool optional = false;      // Field: `?f`
  CmpOp cmp = CmpOp::Eq;
  MatchOp match = MatchOp::Seq;
  ArithOp arith = ArithOp::Add;
  bool insensitive = false;   // in~, like~, regex~, fn~
  bool negated = false;       // In: `not in`
  std::string fn;             // Function: the canonical name (e.g. "startsWith")
  std::vector<ExprPtr> kids;
  SourcePos pos;

  ExprPtr clone() const;
};

// `category where condition`; `any where` has no category.
struct EventFilter {
  bool any = false;
  std::string category;
  ExprPtr condition;
  SourcePos pos;
  EventFilter clone() const;
};

// One `[filter] by keys with runs=N` of a sequence or sample; `![…]` is a missing event.
struct Term {
  EventFilter filter;
  std::vector<ExprPtr> keys;  // the term's own keys (the sequence's keys are not repeated here)
  int64_t runs = 1;
  bool missing = false;
  SourcePos pos;
  Term clone() const;
};

enum class QueryKind : uint8_t { Event, Sequence, Sample };

struct Pipe {
  bool head = false;  // head N, else tail N
  int64_t count = 0;
};

struct Query {
  QueryKind kind = QueryKind::Event;
  EventFilter event;                // Event
  std::vector<ExprPtr> keys;        // Sequence / Sample: `by` keys shared by every term
  std::optional<int64_t> maxspan_ms;
  std::string maxspan_text;         // as written, e.g. "5m"
  std::vector<Term> terms;          // Sequence / Sample (runs not expanded)
  std::optional<Term> until;        // Sequence
  std::vector<Pipe> pipes;
};

// Constructors used by the builder and tests.
ExprPtr make_literal(Literal lit);
ExprPtr make_field(std::string path, bool optional = false);
ExprPtr make_bool(ExprKind kind, std::vector<ExprPtr> kids);  // And / Or, flattening the same kind
ExprPtr make_not(ExprPtr e);

const char* to_string(CmpOp op);
const char* to_string(ArithOp op);
const char* to_string(ExprKind k);

// The canonical name of a function (names are case-insensitive: "cidrmatch" -> "cidrMatch"), or
// empty when EQL has no such function.
std::string canonical_function(std::string_view name);

}  // namespace rulec::eql
