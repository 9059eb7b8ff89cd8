// Optimizer pass 1: rule ASTs -> deduplicated atoms and a hash-consed, negation-normal boolean DAG.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/frontend/lucene_regex.h"
#include "compiler/frontend/printer.h"
#include "compiler/frontend/values.h"
#include "compiler/optimizer/passes.h"
#include "compiler/semantics/field_resolution.h"
#include "compiler/semantics/query_values.h"
#include "runtime/common/utf8.h"

namespace rulec::plan {

namespace {

// A Hyperscan expression for a glob over the whole value: every literal byte escaped, `*` as `.*`
// (DOTALL: newlines too), `?` as one code point (`.` in UTF-8 mode); anchored with \A and \z
// (not ^ and $, which also match before a final newline) except where a `*` starts or ends it.
// In UTF-8 mode non-ASCII bytes stay raw (an escaped \xHH would name the code point U+00HH).
std::string glob_regex(const kql::Pattern& p, bool lower, bool utf8) {
  std::string re, seg;
  const bool star_first = !p.wildcards.empty() && p.wildcards.front() == '*' && p.segments.front().empty();
  const bool star_last = !p.wildcards.empty() && p.wildcards.back() == '*' && p.segments.back().empty();
  if (!star_first) re += "\\A";
  for (size_t s = 0; s < p.segments.size(); ++s) {
    if (lower) utf8_lower(p.segments[s], seg);
    else seg = p.segments[s];
    for (unsigned char c : seg) {
      if (utf8 && c >= 0x80) re += static_cast<char>(c);
      else re += fmt::format("\\x{:02x}", c);
    }
    if (s >= p.wildcards.size()) break;
    const bool edge = (s == 0 && star_first) || (s + 1 == p.wildcards.size() && star_last);
    if (p.wildcards[s] == '?') re += '.';
    else if (!edge) re += ".*";
  }
  if (!star_last) re += "\\z";
  return re;
}

bool all_stars(const kql::Pattern& p) {
  if (p.wildcards.find('?') != std::string::npos) return false;
  return std::all_of(p.segments.begin(), p.segments.end(), [](const std::string& s) { return s.empty(); });
}

// Types the query semantics treat as plain strings (rt::ValueClass::String: the keyword family,
// unknown fields and every type with no better model).
bool string_class(FieldType t) {
  return !is_numeric(t) && !is_analyzed(t) && t != FieldType::Boolean && t != FieldType::Ip &&
         t != FieldType::Date && t != FieldType::DateNanos && t != FieldType::Flattened;
}

class Builder {
 public:
  Builder(Plan& p, const Schema& s) : plan_(p), schema_(s) {
    false_ = intern(Expr(Op::False));
    true_ = intern(Expr(Op::True));
  }

  uint32_t rule(const RuleAsts& r) {
    std::vector<uint32_t> parts;
    parts.push_back(r.query ? node(*r.query) : false_);
    if (r.filters) parts.push_back(node(*r.filters));
    for (const kql::Node* e : r.exceptions)
      if (e) parts.push_back(negate(node(*e)));
    return conj(Op::And, std::move(parts));
  }

 private:
  uint32_t node(const kql::Node& n) {
    switch (n.kind) {
      case kql::NodeKind::MatchAll: return true_;
      case kql::NodeKind::And:
      case kql::NodeKind::Or: {
        std::vector<uint32_t> kids;
        for (const auto& c : n.children) kids.push_back(c ? node(*c) : false_);
        return conj(n.kind == kql::NodeKind::And ? Op::And : Op::Or, std::move(kids));
      }
      case kql::NodeKind::Not: return negate(n.children.empty() || !n.children[0] ? false_ : node(*n.children[0]));
      case kql::NodeKind::Is:
      case kql::NodeKind::Range:
      case kql::NodeKind::Exists: return leaf(n);
      case kql::NodeKind::Regexp: return regexp(n);
      case kql::NodeKind::Nested:
      case kql::NodeKind::FreeText:
      case kql::NodeKind::Script: return generic(n);
    }
    return false_;
  }

  // A field test outside any nested query: a string atom when the field and value allow it.
  uint32_t leaf(const kql::Node& n) {
    if (n.field.has_wildcard()) return generic(n);
    const std::string name = n.field.segments.front();
    const semantics::FieldRef r = semantics::resolve_field(schema_, name);
    if (!string_class(r.info.type)) return typed(n, name, r);
    Atom a;
    a.source = std::string(r.source);
    a.lower = r.info.lowercase;
    a.ignore_above = r.info.ignore_above;
    a.node = &n;
    a.display = kql::print(n);
    const std::string group = fmt::format("{}|{}|{}", a.source, a.lower ? 1 : 0, a.ignore_above);
    if (n.kind == kql::NodeKind::Exists) {
      if (r.source.size() == name.size() && semantics::has_subfields(r.info)) return generic(n);  // object path
      a.kind = AtomKind::StrAny;
      a.key = "A|" + group;
      return atom(std::move(a));
    }
    semantics::Prepared p;
    semantics::prepare(p, n, r.info.type, r.info.lowercase, 0);
    using Mode = semantics::Prepared::Mode;
    switch (p.mode) {
      case Mode::Never: return false_;
      case Mode::Any:
        a.kind = AtomKind::StrAny;
        a.key = "A|" + group;
        return atom(std::move(a));
      case Mode::Exact:
        a.literal = p.text;
        a.literal_caseless = a.lower || p.ascii_ci;
        if (p.ascii_ci) {
          kql::Pattern lit = kql::literal(p.text);
          a.kind = AtomKind::StrPattern;
          a.text = glob_regex(lit, false, false);
          a.caseless = true;
          a.key = "P|" + group + "|i|" + a.text;
        } else {
          a.kind = AtomKind::StrExact;
          a.text = p.text;
          a.key = "E|" + group + "|" + a.text;
        }
        return atom(std::move(a));
      case Mode::Pattern: {
        const kql::Pattern& pat = n.value.pattern;
        if (all_stars(pat)) {
          a.kind = AtomKind::StrAny;
          a.key = "A|" + group;
          return atom(std::move(a));
        }
        a.kind = AtomKind::StrPattern;
        for (const std::string& seg : pat.segments)  // the longest literal piece
          if (seg.size() > a.literal.size()) a.literal = seg;
        if (a.lower) utf8_lower(std::string(a.literal), a.literal);
        a.literal_caseless = a.lower || pat.case_insensitive;
        a.utf8 = pat.wildcards.find('?') != std::string::npos;
        a.text = glob_regex(pat, a.lower, a.utf8);
        a.caseless = pat.case_insensitive;
        a.key = fmt::format("P|{}|{}{}|{}", group, a.caseless ? "i" : "", a.utf8 ? "u" : "", a.text);
        return atom(std::move(a));
      }
      case Mode::StrRange: {
        Atom t;
        t.kind = AtomKind::Typed;
        t.source = a.source;
        t.node = &n;
        t.display = a.display;
        rt::TypedTestSpec& s = t.typed;
        s.cls = rt::TypedTestSpec::Class::String;
        s.kind = rt::TypedTestSpec::Kind::StrRange;
        s.op = n.op;
        s.text = p.text;
        s.lower = a.lower;
        s.ignore_above = a.ignore_above;
        t.key = fmt::format("R|{}|{}|{}", group, kql::to_string(s.op), s.text);
        return atom(std::move(t));
      }
      default: return generic(n);
    }
  }

  // A Lucene regex on a string field: a Hyperscan pattern atom (the front end allows regexps on
  // string fields only, and only those it could translate).
  uint32_t regexp(const kql::Node& n) {
    const std::string name = n.field.segments.front();
    const semantics::FieldRef r = semantics::resolve_field(schema_, name);
    const RegexTranslation t =
        lucene_regex_to_hyperscan(n.value.pattern.segments.front(), n.value.pattern.case_insensitive);
    if (!t.ok() || t.never || !string_class(r.info.type)) return false_;
    Atom a;
    a.kind = AtomKind::StrPattern;
    a.source = std::string(r.source);
    a.lower = r.info.lowercase;
    a.ignore_above = r.info.ignore_above;
    a.node = &n;
    a.display = kql::print(n);
    a.text = t.expression;
    a.caseless = n.value.pattern.case_insensitive;
    a.utf8 = true;
    a.key = fmt::format("X|{}|{}|{}|{}|{}", a.source, a.lower ? 1 : 0, a.ignore_above, a.caseless ? "i" : "", a.text);
    return atom(std::move(a));
  }

  // A test on a numeric, ip or boolean field: evaluated by the runtime's typed tests.
  uint32_t typed(const kql::Node& n, const std::string& name, const semantics::FieldRef& r) {
    using Class = rt::TypedTestSpec::Class;
    using Kind = rt::TypedTestSpec::Kind;
    const FieldType t = r.info.type;
    Atom a;
    a.kind = AtomKind::Typed;
    a.source = std::string(r.source);
    a.node = &n;
    a.display = kql::print(n);
    rt::TypedTestSpec& s = a.typed;
    if (is_numeric(t)) s.cls = Class::Number, s.num_type = num_type_of(t);
    else if (t == FieldType::Ip) s.cls = Class::Ip;
    else if (t == FieldType::Boolean) s.cls = Class::Bool;
    else return generic(n);  // text, dates, flattened
    if (n.kind == kql::NodeKind::Exists) {
      if (r.source.size() == name.size() && semantics::has_subfields(r.info)) return generic(n);
      s.kind = Kind::Indexed;
    } else {
      semantics::Prepared p;
      semantics::prepare(p, n, t, r.info.lowercase, 0);
      using Mode = semantics::Prepared::Mode;
      switch (p.mode) {
        case Mode::Never: return false_;
        case Mode::Any: s.kind = Kind::Indexed; break;
        case Mode::NumEqual:
        case Mode::NumRange:
          s.kind = p.mode == Mode::NumEqual ? Kind::NumEqual : Kind::NumRange;
          s.is_int = p.num.is_int, s.i = p.num.i, s.d = p.num.d;
          s.op = is_lower_bound(n.op) ? RangeOp::Ge : RangeOp::Le;  // prepare made the bound inclusive
          break;
        case Mode::IpEqual: s.kind = Kind::IpEqual, s.ip = p.ip; break;
        case Mode::IpCidr: s.kind = Kind::IpCidr, s.ip = p.cidr.addr, s.prefix = p.cidr.prefix; break;
        case Mode::IpRange: s.kind = Kind::IpRange, s.ip = p.ip, s.op = n.op; break;
        case Mode::BoolEqual: s.kind = Kind::BoolEqual, s.flag = p.flag; break;
        case Mode::BoolRange: s.kind = Kind::BoolRange, s.flag = p.flag, s.op = n.op; break;
        default: return generic(n);
      }
    }
    if (s.kind == Kind::Indexed) a.key = fmt::format("T|{}|{}|indexed", a.source, static_cast<int>(t));
    else a.key = fmt::format("T|{}|{}|{}", a.source, static_cast<int>(t), kql::dump(n));
    return atom(std::move(a));
  }

  uint32_t generic(const kql::Node& n) {
    Atom a;
    a.kind = AtomKind::Generic;
    a.node = &n;
    a.display = kql::print(n);
    a.key = "G|" + kql::dump(n);
    return atom(std::move(a));
  }

  uint32_t atom(Atom a) {
    auto it = atom_ids_.find(a.key);
    uint32_t id;
    if (it != atom_ids_.end()) {
      id = it->second;
    } else {
      id = static_cast<uint32_t>(plan_.atoms.size());
      atom_ids_.emplace(a.key, id);
      plan_.atoms.push_back(std::move(a));
    }
    Expr e(Op::Atom);
    e.atom = id;
    return intern(std::move(e));
  }

  // not x, pushed down to the atoms (De Morgan); constants folded; double negation removed.
  uint32_t negate(uint32_t x) {
    const Expr& e = plan_.exprs[x];
    switch (e.op) {
      case Op::False: return true_;
      case Op::True: return false_;
      case Op::Not: return e.kids[0];
      case Op::Atom: {
        Expr n(Op::Not);
        n.kids = {x};
        return intern(std::move(n));
      }
      case Op::And:
      case Op::Or: {
        const Op dual = e.op == Op::And ? Op::Or : Op::And;
        std::vector<uint32_t> kids;
        for (uint32_t k : std::vector<uint32_t>(e.kids)) kids.push_back(negate(k));
        return conj(dual, std::move(kids));
      }
    }
    return false_;
  }

  // An n-ary And/Or: nested ones of the same kind flattened, neutral constants dropped,
  // absorbing constants and complementary pairs folded, duplicates removed.
  uint32_t conj(Op op, std::vector<uint32_t> in) {
    const uint32_t absorbing = op == Op::And ? false_ : true_;
    const uint32_t neutral = op == Op::And ? true_ : false_;
    std::vector<uint32_t> kids;
    for (uint32_t k : in) {
      if (k == absorbing) return absorbing;
      if (k == neutral) continue;
      if (plan_.exprs[k].op == op) {
        const auto& sub = plan_.exprs[k].kids;
        kids.insert(kids.end(), sub.begin(), sub.end());
      } else {
        kids.push_back(k);
      }
    }
    std::sort(kids.begin(), kids.end());
    kids.erase(std::unique(kids.begin(), kids.end()), kids.end());
    for (uint32_t k : kids) {
      const Expr& e = plan_.exprs[k];
      if (e.op == Op::Not && std::binary_search(kids.begin(), kids.end(), e.kids[0])) return absorbing;
    }
    if (kids.empty()) return neutral;
    if (kids.size() == 1) return kids[0];
    Expr e(op);
    e.kids = std::move(kids);
    return intern(std::move(e));
  }

  uint32_t intern(Expr e) {
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf), "{}:{}", static_cast<int>(e.op), e.op == Op::Atom ? e.atom : 0);
    for (uint32_t k : e.kids) fmt::format_to(std::back_inserter(buf), ",{}", k);
    std::string key = fmt::to_string(buf);
    auto it = expr_ids_.find(key);
    if (it != expr_ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(plan_.exprs.size());
    plan_.exprs.push_back(std::move(e));
    expr_ids_.emplace(std::move(key), id);
    return id;
  }

  Plan& plan_;
  const Schema& schema_;
  uint32_t false_ = 0, true_ = 0;
  std::unordered_map<std::string, uint32_t> atom_ids_;
  std::unordered_map<std::string, uint32_t> expr_ids_;
};

}  // namespace

Plan lower(const std::vector<RuleAsts>& rules, const Schema& schema) {
  Plan plan;
  Builder b(plan, schema);
  for (const RuleAsts& r : rules) {
    plan.roots.push_back(b.rule(r));
    plan.rule_names.push_back(r.name);
    for (const auto& f : r.extra_fields) plan.fields.paths.push_back(f);
  }
  return plan;
}

}  // namespace rulec::plan
