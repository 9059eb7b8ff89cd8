// EQL event filters -> KQL-family trees: query leaves mapped one to one, type checks, script leaves reported.
#include "compiler/frontend/eql_lower.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/frontend/eql_printer.h"
#include "compiler/frontend/lucene_regex.h"
#include "compiler/frontend/semantic.h"
#include "runtime/eval/eql_script.h"

namespace rulec::eql {

namespace {

// Thrown when a leaf is no query leaf: it becomes a script leaf (EqlScript).
struct NeedsScript {
  std::string why;
};
// Thrown when rulec cannot run a leaf at all: the filter is unsupported.
struct Unsupported {
  std::string why;
};
// Thrown when a function has the wrong number of arguments (EQL202; the filter is not lowered).
struct ArityError {
  std::string message;
  SourcePos pos;  // the call's
  std::string offending;
};

// Argument counts per function (eql.md §3): minimum, maximum (SIZE_MAX: any).
std::pair<size_t, size_t> function_arity(std::string_view fn) {
  if (fn == "between") return {3, 4};
  if (fn == "cidrMatch") return {2, SIZE_MAX};
  if (fn == "concat") return {1, SIZE_MAX};
  if (fn == "indexOf" || fn == "substring") return {2, 3};
  if (fn == "length" || fn == "string") return {1, 1};
  if (fn == "number") return {1, 2};
  return {2, 2};
}

bool string_like(FieldType t) {
  return !is_numeric(t) && !is_analyzed(t) && t != FieldType::Boolean && t != FieldType::Ip && t != FieldType::Date &&
         t != FieldType::DateNanos && t != FieldType::Object && t != FieldType::Nested;
}

const char* literal_type_name(const Literal& l) {
  switch (l.type) {
    case LitType::Null: return "null";
    case LitType::Bool: return "boolean";
    case LitType::Long: return "integer";
    case LitType::Double: return "double";
    case LitType::String: return "string";
  }
  return "?";
}

// A glob Pattern from an EQL wildcard string: `*` and `?` are wildcards, nothing escapes them.
kql::Pattern eql_glob(std::string_view s, bool case_insensitive) {
  kql::Pattern p;
  for (char c : s) {
    if (c == '*' || c == '?') p.add_wildcard(c);
    else p.segments.back() += c;
  }
  p.quoted = true;
  p.case_insensitive = case_insensitive;
  return p;
}

// A Lucene wildcard query's pattern: `*` `?` wildcards, `\` escapes the next character.
void add_lucene_wildcard(kql::Pattern& p, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) p.segments.back() += s[++i];
    else if (s[i] == '*' || s[i] == '?') p.add_wildcard(s[i]);
    else p.segments.back() += s[i];
  }
}

class Lowerer {
 public:
  Lowerer(const Schema& schema, LoweredFilter& out) : schema_(schema), out_(out) {}

  kql::NodePtr expr(const Expr& e) {
    switch (e.kind) {
      case ExprKind::And:
      case ExprKind::Or: {
        std::vector<kql::NodePtr> kids;
        for (const auto& k : e.kids) kids.push_back(expr(*k));
        return e.kind == ExprKind::And ? kql::make_and(std::move(kids)) : kql::make_or(std::move(kids));
      }
      case ExprKind::Not: {
        const Expr& k = *e.kids[0];
        if (k.kind == ExprKind::And || k.kind == ExprKind::Or || k.kind == ExprKind::Not)
          return at(kql::make_not(expr(k)), e);
        try {  // a query leaf's negation is must_not; a script leaf's stays inside the script
          return at(kql::make_not(leaf(k)), e);
        } catch (const NeedsScript&) {
          return script(e);
        }
      }
      case ExprKind::Compare:
      case ExprKind::In:
      case ExprKind::Match:
      case ExprKind::Function:
      case ExprKind::Field:
      case ExprKind::Arith:
      case ExprKind::Neg:
        try {
          return leaf(e);
        } catch (const NeedsScript&) {
          return script(e);
        }
      case ExprKind::Literal:
        if (e.lit.type == LitType::Bool) return e.lit.b ? kql::make_match_all() : kql::make_not(kql::make_match_all());
        error(diag::kEqlType, e, fmt::format("A {} constant is not a condition.", literal_type_name(e.lit)));
        return kql::make_match_all();
    }
    return kql::make_match_all();
  }

  // A leaf Elasticsearch runs as a query; NeedsScript when it runs as a script.
  kql::NodePtr leaf(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Compare: return compare(e);
      case ExprKind::In: return in(e);
      case ExprKind::Match: return match(e);
      case ExprKind::Function: return function(e);
      case ExprKind::Field:
        throw NeedsScript{fmt::format("a field alone as a condition ({}) needs script evaluation", print(e))};
      default: throw NeedsScript{fmt::format("{} needs script evaluation", print(e))};
    }
  }

  // A script leaf: `e` as an EqlScript (SQL null logic over value combinations).
  kql::NodePtr script(const Expr& e) {
    rt::EqlScript s;
    script_node(e, s);
    return at(kql::make_script(print(e), s.bytes()), e);
  }

  uint32_t script_node(const Expr& e, rt::EqlScript& s) {
    rt::ScriptNode n;
    using Op = rt::ScriptNode::Op;
    for (const auto& k : e.kids) n.kids.push_back(script_node(*k, s));
    switch (e.kind) {
      case ExprKind::Literal:
        switch (e.lit.type) {
          case LitType::Null: n.op = Op::Null; break;
          case LitType::Bool: n.op = Op::Bool, n.b = e.lit.b; break;
          case LitType::Long: n.op = Op::Long, n.i = e.lit.i; break;
          case LitType::Double: n.op = Op::Double, n.d = e.lit.d; break;
          case LitType::String: n.op = Op::String, n.s = e.lit.s; break;
        }
        break;
      case ExprKind::Field: {
        n.op = Op::Field;
        auto it = std::find_if(s.fields.begin(), s.fields.end(), [&](const rt::ScriptField& f) { return f.path == e.field; });
        if (it == s.fields.end()) {
          const FieldInfo info = schema_.lookup(e.field);
          rt::ScriptField f;
          f.path = e.field;
          f.cls = is_numeric(info.type)              ? rt::ScriptField::Class::Number
                  : info.type == FieldType::Boolean ? rt::ScriptField::Class::Bool
                                                     : rt::ScriptField::Class::String;
          s.fields.push_back(std::move(f));
          it = s.fields.end() - 1;
        }
        n.i = it - s.fields.begin();
        break;
      }
      case ExprKind::Not: n.op = Op::Not; break;
      case ExprKind::And: n.op = Op::And; break;
      case ExprKind::Or: n.op = Op::Or; break;
      case ExprKind::Compare: n.op = Op::Compare, n.sub = static_cast<uint8_t>(e.cmp); break;
      case ExprKind::In: n.op = Op::In, n.insensitive = e.insensitive, n.negated = e.negated; break;
      case ExprKind::Match:
        if (const char* what = not_a_string(*e.kids[0])) {
          const char* name = e.match == MatchOp::Seq ? ":" : e.match == MatchOp::Like ? "like" : "regex";
          error(diag::kEqlType, e, fmt::format("'{}' needs a string on its left; '{}' is {}.", name, print(*e.kids[0]), what));
        }
        n.op = Op::Match, n.sub = e.match == MatchOp::Seq ? 0 : 1, n.insensitive = e.insensitive;
        if (e.match == MatchOp::Regex) {
          // Items become their Hyperscan expressions (null: a regex no value matches), compiled
          // by the runtime when it decodes the script.
          n.sub = 2;
          for (size_t k = 1; k < n.kids.size(); ++k) {
            rt::ScriptNode& item = s.nodes[n.kids[k]];
            if (item.op != Op::String) continue;
            const RegexTranslation t = lucene_regex_to_hyperscan(item.s, e.insensitive);
            if (!t.error.empty())
              error(diag::kEqlRegex, *e.kids[k], fmt::format("Invalid regular expression: {}.", t.error));
            if (!t.unsupported.empty())
              throw Unsupported{fmt::format("regular expression {}: {}", quote(item.s), t.unsupported)};
            if (t.never) item = rt::ScriptNode{};
            else item.s = t.expression;
          }
        }
        break;
      case ExprKind::Function: {
        check_arity(e);
        n.op = Op::Function, n.insensitive = e.insensitive;
        n.sub = rt::script_function_id(e.fn);
        if (n.sub >= rt::ScriptNode::kFunctionCount) throw Unsupported{fmt::format("function {}", e.fn)};
        break;
      }
      case ExprKind::Arith: n.op = Op::Arith, n.sub = static_cast<uint8_t>(e.arith); break;
      case ExprKind::Neg: n.op = Op::Neg; break;
    }
    s.nodes.push_back(std::move(n));
    return static_cast<uint32_t>(s.nodes.size() - 1);
  }

  void error(std::string_view code, const Expr& at_expr, std::string message) {
    Diagnostic d;
    d.code = std::string(code);
    d.pos = at_expr.pos;
    d.message = std::move(message);
    d.offending = print(at_expr);
    out_.diagnostics.push_back(std::move(d));
  }

 private:
  static kql::NodePtr at(kql::NodePtr n, const Expr& e) {
    n->pos = e.pos;
    return n;
  }

  // The field a leaf tests, as the tree names it: a text field through its keyword multi-field.
  struct LeafField {
    std::string name;
    FieldInfo info;
  };
  LeafField leaf_field(const Expr& f) {
    LeafField lf{f.field, schema_.lookup(f.field)};
    if (lf.info.known && is_analyzed(lf.info.type)) {
      const std::string prefix = f.field + ".";
      for (auto it = schema_.fields().lower_bound(prefix); it != schema_.fields().end() && it->first.starts_with(prefix);
           ++it) {
        if (it->first.find('.', prefix.size()) == std::string::npos && string_like(it->second.type)) {
          lf.name = it->first;
          lf.info = it->second;
          return lf;
        }
      }
      error(diag::kEqlType, f,
            fmt::format("Field '{}' is {} and has no keyword sub-field to compare exactly.", f.field,
                        to_string(lf.info.type)));
    }
    return lf;
  }

  // A constant as a KQL value for a field of type `t`, after checking the two are compatible.
  kql::Value value_for(const Expr& lit, LeafField& lf, const Expr& whole) {
    const Literal& l = lit.lit;
    kql::Value v;
    if (!lf.info.known && lf.info.type == FieldType::Keyword && l.type != LitType::String && l.type != LitType::Null) {
      schema_.infer(lf.name, l.type == LitType::Bool ? FieldType::Boolean : FieldType::Double);
      lf.info = schema_.lookup(lf.name);
    }
    const FieldType t = lf.info.type;
    auto mismatch = [&] {
      error(diag::kEqlType, whole,
            fmt::format("Field '{}' is {} and cannot be compared with a {} constant.", lf.name, to_string(t),
                        literal_type_name(l)));
    };
    switch (l.type) {
      case LitType::String:
        if (is_numeric(t) || t == FieldType::Boolean) mismatch();
        v.pattern = kql::literal(l.s, true);
        break;
      case LitType::Long:
      case LitType::Double:
        if (!is_numeric(t) && t != FieldType::Date && t != FieldType::DateNanos) mismatch();
        v.pattern = kql::literal(l.type == LitType::Long ? std::to_string(l.i) : fmt::format("{}", l.d), true);
        break;
      case LitType::Bool:
        if (t != FieldType::Boolean) mismatch();
        v.type = l.b ? kql::LiteralType::True : kql::LiteralType::False;
        v.pattern = kql::literal(l.b ? "true" : "false");
        break;
      case LitType::Null: v.type = kql::LiteralType::Null; break;
    }
    return v;
  }

  const Expr* constant_or_error(const Expr& x, const Expr& whole) {
    if (x.kind == ExprKind::Literal) return &x;
    if (x.kind == ExprKind::Field) {
      error(diag::kEqlNotConstant, whole, "Comparing a field with another field is not supported by Elasticsearch's EQL.");
      return nullptr;
    }
    throw NeedsScript{fmt::format("comparing with an expression ({}) needs script evaluation", print(whole))};
  }

  kql::NodePtr compare(const Expr& e) {
    const Expr* field = e.kids[0].get();
    const Expr* other = e.kids[1].get();
    CmpOp op = e.cmp;
    if (field->kind != ExprKind::Field && other->kind == ExprKind::Field) {
      std::swap(field, other);
      switch (op) {  // 5 < f  ==  f > 5
        case CmpOp::Lt: op = CmpOp::Gt; break;
        case CmpOp::Le: op = CmpOp::Ge; break;
        case CmpOp::Gt: op = CmpOp::Lt; break;
        case CmpOp::Ge: op = CmpOp::Le; break;
        default: break;
      }
    }
    if (field->kind != ExprKind::Field)
      throw NeedsScript{fmt::format("a comparison of {} needs script evaluation", print(*field))};
    const Expr* c = constant_or_error(*other, e);
    if (!c) return kql::make_match_all();
    LeafField lf = leaf_field(*field);
    kql::Pattern fp = kql::literal(lf.name);
    if (c->lit.type == LitType::Null) {
      if (op == CmpOp::Eq) return at(kql::make_not(at(kql::make_exists(fp), e)), e);
      if (op == CmpOp::Ne) return at(kql::make_exists(fp), e);
      error(diag::kEqlType, e, "null can only be compared with == or !=.");
      return kql::make_match_all();
    }
    kql::Value v = value_for(*c, lf, e);
    switch (op) {
      case CmpOp::Eq: return at(kql::make_is(fp, std::move(v)), e);
      case CmpOp::Ne: return at(kql::make_not(at(kql::make_is(fp, std::move(v)), e)), e);
      case CmpOp::Lt: return at(kql::make_range(fp, RangeOp::Lt, std::move(v)), e);
      case CmpOp::Le: return at(kql::make_range(fp, RangeOp::Le, std::move(v)), e);
      case CmpOp::Gt: return at(kql::make_range(fp, RangeOp::Gt, std::move(v)), e);
      case CmpOp::Ge: return at(kql::make_range(fp, RangeOp::Ge, std::move(v)), e);
    }
    return kql::make_match_all();
  }

  const Expr& subject_field(const Expr& e, const char* what) {
    const Expr& s = *e.kids[0];
    if (s.kind != ExprKind::Field)
      throw NeedsScript{fmt::format("{} on {} needs script evaluation", what, print(s))};
    return s;
  }

  kql::NodePtr in(const Expr& e) {
    const Expr& f = subject_field(e, e.insensitive ? "in~" : "in");
    LeafField lf = leaf_field(f);
    if (e.insensitive && !string_like(lf.info.type))
      error(diag::kEqlType, e, fmt::format("in~ needs a string field; '{}' is {}.", lf.name, to_string(lf.info.type)));
    std::vector<kql::NodePtr> items;
    for (size_t i = 1; i < e.kids.size(); ++i) {
      const Expr* c = constant_or_error(*e.kids[i], e);
      if (!c || c->lit.type == LitType::Null) continue;  // null items are dropped
      kql::Value v = value_for(*c, lf, e);
      v.pattern.case_insensitive = e.insensitive;
      items.push_back(at(kql::make_is(kql::literal(lf.name), std::move(v)), *e.kids[i]));
    }
    kql::NodePtr any = items.empty() ? kql::make_not(kql::make_match_all()) : kql::make_or(std::move(items));
    if (!any->pos.known()) any->pos = e.pos;
    if (e.negated) return at(kql::make_not(std::move(any)), e);
    return any;
  }

  kql::NodePtr match(const Expr& e) {
    const char* name = e.match == MatchOp::Seq ? ":" : e.match == MatchOp::Like ? "like" : "regex";
    const Expr& f = subject_field(e, name);
    const LeafField lf = leaf_field(f);
    if (!string_like(lf.info.type) && !is_analyzed(lf.info.type))
      error(diag::kEqlType, e,
            fmt::format("'{}' needs a string field; '{}' is {}.", name, lf.name, to_string(lf.info.type)));
    std::vector<kql::NodePtr> items;
    for (size_t i = 1; i < e.kids.size(); ++i) {
      const Expr& c = *e.kids[i];
      if (c.lit.type != LitType::String) {
        error(diag::kEqlType, e, fmt::format("'{}' takes string constants, not {}.", name, literal_type_name(c.lit)));
        continue;
      }
      const std::string& s = c.lit.s;
      kql::Pattern fp = kql::literal(lf.name);
      if (e.match == MatchOp::Regex) {
        const RegexTranslation t = lucene_regex_to_hyperscan(s, e.insensitive);
        if (!t.error.empty()) error(diag::kEqlRegex, c, fmt::format("Invalid regular expression: {}.", t.error));
        if (!t.unsupported.empty())
          throw Unsupported{fmt::format("regular expression {}: {}", quote(s), t.unsupported)};
        items.push_back(at(kql::make_regexp(fp, s, e.insensitive), c));
        continue;
      }
      kql::Value v;
      const bool ci = e.match == MatchOp::Seq || e.insensitive;
      if (e.match == MatchOp::Like || s.find_first_of("*?") != std::string::npos) {
        v.pattern = eql_glob(s, ci);
      } else {
        v.pattern = kql::literal(s, true);
        v.pattern.case_insensitive = ci;
      }
      items.push_back(at(kql::make_is(fp, std::move(v)), c));
    }
    if (items.empty()) return at(kql::make_not(kql::make_match_all()), e);
    kql::NodePtr any = kql::make_or(std::move(items));
    if (!any->pos.known()) any->pos = e.pos;
    return any;
  }

  kql::NodePtr function(const Expr& e) {
    const bool pushdown = e.fn == "startsWith" || e.fn == "endsWith" || e.fn == "stringContains" || e.fn == "cidrMatch";
    if (!pushdown) throw NeedsScript{fmt::format("function {} needs script evaluation", e.fn)};
    check_arity(e);
    if (e.kids.empty() || e.kids[0]->kind != ExprKind::Field)
      throw NeedsScript{fmt::format("{} of an expression needs script evaluation", e.fn)};
    const LeafField lf = leaf_field(*e.kids[0]);
    std::vector<kql::NodePtr> items;
    for (size_t i = 1; i < e.kids.size(); ++i) {
      const Expr& c = *e.kids[i];
      if (c.kind != ExprKind::Literal)
        throw NeedsScript{fmt::format("{} with a computed argument needs script evaluation", e.fn)};
      if (c.lit.type == LitType::Null) continue;  // a null argument: the result is null, no match
      if (c.lit.type != LitType::String) {
        error(diag::kEqlFunction, e, fmt::format("{} takes string arguments, not {}.", e.fn, literal_type_name(c.lit)));
        continue;
      }
      kql::Value v;
      if (e.fn == "cidrMatch") {
        if (lf.info.known && lf.info.type != FieldType::Ip && !string_like(lf.info.type))
          error(diag::kEqlFunction, e, fmt::format("cidrMatch needs an ip field; '{}' is {}.", lf.name, to_string(lf.info.type)));
        v.pattern = kql::literal(c.lit.s, true);
      } else {
        if (!string_like(lf.info.type))
          error(diag::kEqlFunction, e,
                fmt::format("{} needs a string field; '{}' is {}.", e.fn, lf.name, to_string(lf.info.type)));
        if (e.fn == "startsWith") {
          v.pattern = kql::literal(c.lit.s, true);  // a prefix query: the text is literal
          v.pattern.add_wildcard('*');
        } else {
          // The wildcard query's text is "*" + c (+ "*"), parsed whole: a trailing `\` in c escapes the
          // closing star.
          v.pattern = kql::Pattern{};
          add_lucene_wildcard(v.pattern, "*" + c.lit.s + (e.fn == "stringContains" ? "*" : ""));
          v.pattern.quoted = true;
        }
        v.pattern.case_insensitive = e.insensitive;
      }
      items.push_back(at(kql::make_is(kql::literal(lf.name), std::move(v)), c));
    }
    if (items.empty()) return at(kql::make_not(kql::make_match_all()), e);
    kql::NodePtr any = kql::make_or(std::move(items));
    if (!any->pos.known()) any->pos = e.pos;
    return any;
  }

  // What a computed operand is when it cannot be a string (a number, a boolean), or null.
  // Elasticsearch's verifier refuses `:`, like and regex on those (eql.md §2, §3).
  static const char* not_a_string(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Arith:
      case ExprKind::Neg: return "a number";
      case ExprKind::Not:
      case ExprKind::And:
      case ExprKind::Or:
      case ExprKind::Compare:
      case ExprKind::In:
      case ExprKind::Match: return "a boolean";
      case ExprKind::Function:
        for (const char* fn : {"add", "subtract", "multiply", "divide", "modulo", "indexOf", "length", "number"})
          if (e.fn == fn) return "a number";
        for (const char* fn : {"cidrMatch", "startsWith", "endsWith", "stringContains"})
          if (e.fn == fn) return "a boolean";
        return nullptr;
      case ExprKind::Literal:
      case ExprKind::Field: return nullptr;  // checked where the leaf is built
    }
    return nullptr;
  }

  void check_arity(const Expr& e) {
    const size_t n = e.kids.size();
    const auto [lo, hi] = function_arity(e.fn);
    if (n >= lo && n <= hi) return;
    const std::string want = hi == SIZE_MAX ? fmt::format("at least {}", lo)
                             : lo == hi     ? std::to_string(lo)
                                            : fmt::format("{} to {}", lo, hi);
    throw ArityError{fmt::format("{} takes {} argument{}, not {}.", e.fn, want, lo == 1 && hi == 1 ? "" : "s", n), e.pos,
                     print(e)};
  }

  const Schema& schema_;
  LoweredFilter& out_;
};

}  // namespace

LoweredFilter lower_filter(const EventFilter& f, const Schema& schema, std::string_view category_field) {
  LoweredFilter out;
  Lowerer l(schema, out);
  kql::NodePtr cond;
  try {
    cond = f.condition ? l.expr(*f.condition) : kql::make_match_all();
  } catch (const Unsupported& s) {
    out.unsupported = s.why;
    return out;
  } catch (const ArityError& a) {
    Diagnostic d;
    d.code = std::string(diag::kEqlFunction);
    d.message = a.message;
    d.pos = a.pos.known() ? a.pos : f.pos;
    d.offending = a.offending;
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  std::vector<kql::NodePtr> parts;
  if (!f.any) {
    kql::Value v;
    v.pattern = kql::literal(f.category, true);
    auto cat = kql::make_is(kql::literal(std::string(category_field)), std::move(v));
    cat->pos = f.pos;
    parts.push_back(std::move(cat));
  }
  if (cond->kind != kql::NodeKind::MatchAll || parts.empty()) parts.push_back(std::move(cond));
  kql::NodePtr tree = kql::make_and(std::move(parts));
  // The value checks of the KQL tree (numbers, addresses, dates on typed fields); KQL206 is about
  // KQL's query_string splitting, which EQL never does.
  for (auto& d : check_semantics(*tree, schema, {}))
    if (d.code != diag::kWildcardSpaces) out.diagnostics.push_back(std::move(d));
  for (const auto& d : out.diagnostics)
    if (d.severity == Severity::Error) return out;
  out.tree = std::move(tree);
  return out;
}

}  // namespace rulec::eql
