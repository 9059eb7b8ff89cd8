// EQL script leaves: encoding, validation and the three-valued evaluator over value combinations.
#include "runtime/eval/eql_script.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>
#include <hs/hs.h>

#include "runtime/common/text_analysis.h"
#include "runtime/common/typed_values.h"
#include "runtime/common/utf8.h"
#include "runtime/eval/value_regex.h"

namespace rulec::rt {

namespace {

// Does `value` match the regex item? The scratch is this thread's.
bool regex_matches(const ValueRegex& re, std::string_view value) {
  struct Scratch {
    hs_scratch_t* s = nullptr;
    ~Scratch() { hs_free_scratch(s); }
  };
  thread_local Scratch scratch;  // grown to fit each database it scans
  return re.matches(value, scratch.s);
}

constexpr std::array<std::string_view, ScriptNode::kFunctionCount> kFunctionNames = {
    "add",        "between", "cidrMatch", "concat",         "divide",    "endsWith",  "indexOf", "length", "modulo",
    "multiply",   "number",  "startsWith", "string",        "stringContains", "substring", "subtract"};

// A script value: SQL null, a boolean, a number or a string.
struct SVal {
  enum class T : uint8_t { Null, Bool, Long, Double, Str } t = T::Null;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  static SVal null() { return {}; }
  static SVal boolean(bool v) {
    SVal x;
    x.t = T::Bool, x.b = v;
    return x;
  }
  static SVal integer(int64_t v) {
    SVal x;
    x.t = T::Long, x.i = v;
    return x;
  }
  static SVal real(double v) {
    SVal x;
    x.t = T::Double, x.d = v;
    return x;
  }
  static SVal str(std::string v) {
    SVal x;
    x.t = T::Str, x.s = std::move(v);
    return x;
  }
  bool is_null() const { return t == T::Null; }
  bool num() const { return t == T::Long || t == T::Double; }
  double as_double() const { return t == T::Long ? static_cast<double>(i) : d; }
};

std::string to_text(const SVal& v) {
  switch (v.t) {
    case SVal::T::Null: return "null";
    case SVal::T::Bool: return v.b ? "true" : "false";
    case SVal::T::Long: return std::to_string(v.i);
    case SVal::T::Double: return fmt::format("{}", v.d);
    case SVal::T::Str: return v.s;
  }
  return {};
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Code points of a UTF-8 string, for index arithmetic (Java counts UTF-16 units; they agree
// below U+10000).
std::vector<size_t> code_point_starts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  starts.push_back(s.size());
  return starts;
}

std::optional<Cidr> cidr_of(std::string_view text) {
  const size_t slash = text.find('/');
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  int bits = ip->is_v4() ? 32 : 128;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    int v = -1;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || v < 0 || v > bits) return std::nullopt;
    bits = v;
  }
  Cidr c;
  c.addr = *ip;
  c.prefix = static_cast<uint8_t>(ip->is_v4() ? bits + 96 : bits);
  return c;
}

// -1, 0, 1, or nullopt when the two cannot be compared (a null, or a string against a number).
std::optional<int> compare(const SVal& a, const SVal& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.num() && b.num()) {
    if (a.t == SVal::T::Long && b.t == SVal::T::Long) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    const double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.t == SVal::T::Str && b.t == SVal::T::Str) {
    const int c = a.s.compare(b.s);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.t == SVal::T::Bool && b.t == SVal::T::Bool) return static_cast<int>(a.b) - static_cast<int>(b.b);
  return std::nullopt;
}

class ScriptEvaluator {
 public:
  ScriptEvaluator(const EqlScript& s, const std::vector<const Leaf*>& values) : s_(s), values_(values) {}
  SVal eval(uint32_t n) {
    const ScriptNode& x = s_.nodes[n];
    switch (x.op) {
      case ScriptNode::Op::Null: return SVal::null();
      case ScriptNode::Op::Bool: return SVal::boolean(x.b);
      case ScriptNode::Op::Long: return SVal::integer(x.i);
      case ScriptNode::Op::Double: return SVal::real(x.d);
      case ScriptNode::Op::String: return SVal::str(x.s);
      case ScriptNode::Op::Field: return field(static_cast<size_t>(x.i));
      case ScriptNode::Op::Not: {
        SVal v = eval(x.kids[0]);
        return v.t == SVal::T::Bool ? SVal::boolean(!v.b) : SVal::null();
      }
      case ScriptNode::Op::And:
      case ScriptNode::Op::Or: {
        const bool is_and = x.op == ScriptNode::Op::And;
        bool unknown = false;
        for (uint32_t k : x.kids) {
          SVal v = eval(k);
          if (v.t != SVal::T::Bool) unknown = true;
          else if (v.b != is_and) return SVal::boolean(!is_and);
        }
        return unknown ? SVal::null() : SVal::boolean(is_and);
      }
      case ScriptNode::Op::Compare: {
        const SVal a = eval(x.kids[0]), b = eval(x.kids[1]);
        const auto c = compare(a, b);
        if (!c) return SVal::null();
        switch (x.sub) {
          case 0: return SVal::boolean(*c == 0);
          case 1: return SVal::boolean(*c != 0);
          case 2: return SVal::boolean(*c < 0);
          case 3: return SVal::boolean(*c <= 0);
          case 4: return SVal::boolean(*c > 0);
          default: return SVal::boolean(*c >= 0);
        }
      }
      case ScriptNode::Op::In: {
        const SVal a = eval(x.kids[0]);
        if (a.is_null()) return SVal::null();
        bool found = false;
        for (size_t k = 1; k < x.kids.size() && !found; ++k) {
          const SVal b = eval(x.kids[k]);
          if (b.is_null()) continue;  // null items are dropped
          if (x.insensitive && a.t == SVal::T::Str && b.t == SVal::T::Str) found = lower_ascii(a.s) == lower_ascii(b.s);
          else found = compare(a, b) == 0;
        }
        return SVal::boolean(found != x.negated);
      }
      case ScriptNode::Op::Match: {
        const SVal a = eval(x.kids[0]);
        if (a.t != SVal::T::Str) return SVal::null();
        for (size_t k = 1; k < x.kids.size(); ++k) {
          if (x.sub == 2) {  // regex: the item's database, compiled at decode
            const ValueRegex* re = x.kids[k] < s_.regexes.size() ? s_.regexes[x.kids[k]].get() : nullptr;
            if (re && regex_matches(*re, a.s)) return SVal::boolean(true);
            continue;
          }
          const SVal p = eval(x.kids[k]);
          if (p.t != SVal::T::Str) continue;
          const bool ci = x.insensitive || x.sub == 0;
          const bool wild = x.sub == 1 || p.s.find_first_of("*?") != std::string::npos;
          if (!wild) {
            if (ci ? lower_ascii(a.s) == lower_ascii(p.s) : a.s == p.s) return SVal::boolean(true);
            continue;
          }
          std::vector<std::string> segments{std::string()};
          std::string wildcards;
          for (char c : p.s) {
            if (c == '*' || c == '?') wildcards += c, segments.emplace_back();
            else segments.back() += c;
          }
          if (Glob(segments, wildcards, ci, false).match(a.s)) return SVal::boolean(true);
        }
        return SVal::boolean(false);
      }
      case ScriptNode::Op::Arith: return arith(x);
      case ScriptNode::Op::Neg: {
        const SVal v = eval(x.kids[0]);
        if (v.t == SVal::T::Long) return v.i == INT64_MIN ? SVal::null() : SVal::integer(-v.i);
        if (v.t == SVal::T::Double) return SVal::real(-v.d);
        return SVal::null();
      }
      case ScriptNode::Op::Function: return function(x);
    }
    return SVal::null();
  }

 private:
  SVal field(size_t f) {
    const Leaf* l = values_[f];
    if (!l) return SVal::null();
    switch (s_.fields[f].cls) {
      case ScriptField::Class::Number: {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(l->text.data(), l->text.data() + l->text.size(), v);
        if (ec == std::errc() && end == l->text.data() + l->text.size()) return SVal::integer(v);
        const std::string t(l->text);
        char* stop = nullptr;
        errno = 0;
        const double d = std::strtod(t.c_str(), &stop);
        if (stop == t.c_str() || *stop || errno == ERANGE) return SVal::null();
        return SVal::real(d);
      }
      case ScriptField::Class::Bool:
        if (l->kind == ValueKind::True || l->text == "true") return SVal::boolean(true);
        if (l->kind == ValueKind::False || l->text == "false") return SVal::boolean(false);
        return SVal::null();
      case ScriptField::Class::String: return SVal::str(std::string(l->text));
    }
    return SVal::null();
  }

  SVal arith(const ScriptNode& x) {
    const SVal a = eval(x.kids[0]), b = eval(x.kids[1]);
    return arith_of(x.sub, a, b);
  }

  static SVal arith_of(uint8_t op, const SVal& a, const SVal& b) {
    if (!a.num() || !b.num()) return SVal::null();
    if (a.t == SVal::T::Long && b.t == SVal::T::Long) {
      int64_t r = 0;
      switch (op) {
        case 0: if (__builtin_add_overflow(a.i, b.i, &r)) return SVal::null(); return SVal::integer(r);
        case 1: if (__builtin_sub_overflow(a.i, b.i, &r)) return SVal::null(); return SVal::integer(r);
        case 2: if (__builtin_mul_overflow(a.i, b.i, &r)) return SVal::null(); return SVal::integer(r);
        case 3: if (b.i == 0 || (a.i == INT64_MIN && b.i == -1)) return SVal::null(); return SVal::integer(a.i / b.i);
        default: if (b.i == 0 || b.i == -1) return b.i == 0 ? SVal::null() : SVal::integer(0); return SVal::integer(a.i % b.i);
      }
    }
    const double x = a.as_double(), y = b.as_double();
    switch (op) {
      case 0: return SVal::real(x + y);
      case 1: return SVal::real(x - y);
      case 2: return SVal::real(x * y);
      case 3: return SVal::real(x / y);
      default: return SVal::real(std::fmod(x, y));
    }
  }

  SVal function(const ScriptNode& x) {
    std::vector<SVal> args;
    args.reserve(x.kids.size());
    for (uint32_t k : x.kids) args.push_back(eval(k));
    auto any_null = [&](size_t n) {
      for (size_t k = 0; k < n && k < args.size(); ++k)
        if (args[k].is_null()) return true;
      return false;
    };
    const bool ci = x.insensitive;
    auto str_arg = [&](size_t k) { return ci ? lower_ascii(to_text(args[k])) : to_text(args[k]); };
    switch (x.sub) {
      case ScriptNode::kAdd: return arith_of(0, args[0], args[1]);
      case ScriptNode::kSubtract: return arith_of(1, args[0], args[1]);
      case ScriptNode::kMultiply: return arith_of(2, args[0], args[1]);
      case ScriptNode::kDivide: return arith_of(3, args[0], args[1]);
      case ScriptNode::kModulo: return arith_of(4, args[0], args[1]);
      case ScriptNode::kLength: {
        if (args[0].t != SVal::T::Str) return SVal::null();
        return SVal::integer(static_cast<int64_t>(utf16_length(args[0].s)));
      }
      case ScriptNode::kStartsWith:
      case ScriptNode::kEndsWith:
      case ScriptNode::kStringContains: {
        if (any_null(2)) return SVal::null();
        const std::string s = str_arg(0), p = str_arg(1);
        if (x.sub == ScriptNode::kStringContains)
          return SVal::boolean(!s.empty() && !p.empty() && s.find(p) != std::string::npos);
        if (p.size() > s.size()) return SVal::boolean(false);
        return SVal::boolean(x.sub == ScriptNode::kStartsWith ? s.compare(0, p.size(), p) == 0
                                                              : s.compare(s.size() - p.size(), p.size(), p) == 0);
      }
      case ScriptNode::kConcat: {
        if (any_null(args.size())) return SVal::null();
        std::string out;
        for (const auto& a : args) out += to_text(a);
        return SVal::str(std::move(out));
      }
      case ScriptNode::kString: return args[0].is_null() ? SVal::null() : SVal::str(to_text(args[0]));
      case ScriptNode::kSubstring: {
        if (args[0].t != SVal::T::Str || args[1].t != SVal::T::Long || (args.size() > 2 && args[2].t != SVal::T::Long))
          return SVal::null();
        const auto cps = code_point_starts(args[0].s);
        const auto n = static_cast<int64_t>(cps.size() - 1);
        auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + n : v, 0, n); };  // Python slices
        const int64_t a = clamp(args[1].i), b = args.size() > 2 ? clamp(args[2].i) : n;
        if (a >= b) return SVal::str("");
        return SVal::str(args[0].s.substr(cps[static_cast<size_t>(a)], cps[static_cast<size_t>(b)] - cps[static_cast<size_t>(a)]));
      }
      case ScriptNode::kIndexOf: {
        if (any_null(2) || (args.size() > 2 && args[2].is_null())) return SVal::null();
        const std::string s = str_arg(0), p = str_arg(1);
        const auto cps = code_point_starts(s);
        const auto n = static_cast<int64_t>(cps.size() - 1);
        int64_t start = args.size() > 2 && args[2].t == SVal::T::Long ? args[2].i : 0;
        if (start < 0) start = 0;
        if (start > n) return SVal::null();
        const size_t at = s.find(p, cps[static_cast<size_t>(start)]);
        if (at == std::string::npos) return SVal::null();
        return SVal::integer(static_cast<int64_t>(std::lower_bound(cps.begin(), cps.end(), at) - cps.begin()));
      }
      case ScriptNode::kBetween: {
        if (any_null(3)) return SVal::null();
        const std::string orig = to_text(args[0]);
        const std::string s = str_arg(0), l = str_arg(1), r = str_arg(2);
        const bool greedy = args.size() > 3 && args[3].t == SVal::T::Bool && args[3].b;
        if (s.empty() || l.empty() || r.empty()) return SVal::str(orig);
        const size_t a = s.find(l);
        if (a == std::string::npos) return SVal::str("");
        const size_t from = a + l.size();
        const size_t b = greedy ? s.rfind(r) : s.find(r, from);
        if (b == std::string::npos || b < from) return SVal::str("");
        return SVal::str(orig.substr(from, b - from));
      }
      case ScriptNode::kNumber: {
        if (args[0].is_null()) return SVal::null();
        if (args[0].num()) return args[0];
        std::string t = to_text(args[0]);
        int base = args.size() > 1 && args[1].t == SVal::T::Long ? static_cast<int>(args[1].i) : 10;
        if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t = t.substr(2), base = 16;
        if (base < 2 || base > 36) return SVal::null();
        int64_t v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
        if (ec == std::errc() && end == t.data() + t.size()) return SVal::integer(v);
        if (base != 10) return SVal::null();
        char* stop = nullptr;
        const double d = std::strtod(t.c_str(), &stop);
        if (t.empty() || *stop) return SVal::null();  // Elasticsearch fails the search: no match here
        return SVal::real(d);
      }
      case ScriptNode::kCidrMatch: {
        if (args[0].t != SVal::T::Str) return SVal::null();
        auto ip = parse_ip(args[0].s);
        if (!ip) return SVal::boolean(false);
        for (size_t k = 1; k < args.size(); ++k)
          if (args[k].t == SVal::T::Str)
            if (auto c = cidr_of(args[k].s); c && c->contains(*ip)) return SVal::boolean(true);
        return SVal::boolean(false);
      }
      default: return SVal::null();
    }
  }

  const EqlScript& s_;
  const std::vector<const Leaf*>& values_;
};

// Argument counts per function: minimum and maximum.
constexpr std::array<std::pair<uint8_t, uint8_t>, ScriptNode::kFunctionCount> kArity = {{
    {2, 2}, {3, 4}, {2, 255}, {1, 255}, {2, 2}, {2, 2}, {2, 3}, {1, 1}, {2, 2}, {2, 2}, {1, 2},
    {2, 2}, {1, 1}, {2, 2}, {2, 3}, {2, 2}}};

}  // namespace

uint8_t script_function_id(std::string_view name) {
  for (size_t i = 0; i < kFunctionNames.size(); ++i)
    if (kFunctionNames[i] == name) return static_cast<uint8_t>(i);
  return ScriptNode::kFunctionCount;
}

void EqlScript::encode(ByteWriter& w) const {
  w.u32(static_cast<uint32_t>(fields.size()));
  for (const auto& f : fields) w.str(f.path), w.u8(static_cast<uint8_t>(f.cls));
  w.u32(static_cast<uint32_t>(nodes.size()));
  for (const auto& n : nodes) {
    w.u8(static_cast<uint8_t>(n.op)), w.u8(n.sub), w.boolean(n.insensitive), w.boolean(n.negated), w.boolean(n.b);
    w.i64(n.i), w.f64(n.d), w.str(n.s);
    w.u32(static_cast<uint32_t>(n.kids.size()));
    for (uint32_t k : n.kids) w.u32(k);
  }
}

std::string EqlScript::bytes() const {
  ByteWriter w;
  encode(w);
  return w.take();
}

bool EqlScript::decode(ByteReader& r, std::string& error) {
  fields.assign(r.count(5), {});
  for (auto& f : fields) {
    f.path = r.str();
    const uint8_t c = r.u8();
    if (r.ok() && c > 2) r.fail("a script field of unknown class");
    f.cls = static_cast<ScriptField::Class>(c);
  }
  nodes.assign(r.count(28), {});
  for (size_t idx = 0; idx < nodes.size() && r.ok(); ++idx) {
    ScriptNode& n = nodes[idx];
    const uint8_t op = r.u8();
    n.sub = r.u8(), n.insensitive = r.boolean(), n.negated = r.boolean(), n.b = r.boolean();
    n.i = r.i64(), n.d = r.f64(), n.s = r.str();
    n.kids.assign(r.count(4), 0);
    for (auto& k : n.kids) k = r.u32();
    if (!r.ok()) break;
    if (op > static_cast<uint8_t>(ScriptNode::Op::Neg)) {
      r.fail("a script node of unknown kind");
      break;
    }
    n.op = static_cast<ScriptNode::Op>(op);
    for (uint32_t k : n.kids)
      if (k >= idx) r.fail("a script node refers to a node after it");
    using Op = ScriptNode::Op;
    size_t lo = 0, hi = 0;
    switch (n.op) {
      case Op::Null: case Op::Bool: case Op::Long: case Op::Double: case Op::String: case Op::Field: break;
      case Op::Not: case Op::Neg: lo = hi = 1; break;
      case Op::And: case Op::Or: lo = 1, hi = SIZE_MAX; break;
      case Op::Compare: lo = hi = 2; if (n.sub > 5) r.fail("a script comparison of unknown kind"); break;
      case Op::Arith: lo = hi = 2; if (n.sub > 4) r.fail("a script operation of unknown kind"); break;
      case Op::In: case Op::Match:
        lo = 1, hi = SIZE_MAX;
        if (n.sub > (n.op == Op::Match ? 2 : 1)) r.fail("a script match of unknown kind");
        break;
      case Op::Function:
        if (n.sub >= ScriptNode::kFunctionCount) {
          r.fail("a script function of unknown kind");
          break;
        }
        lo = kArity[n.sub].first, hi = kArity[n.sub].second == 255 ? SIZE_MAX : kArity[n.sub].second;
        break;
    }
    if (r.ok() && (n.kids.size() < lo || n.kids.size() > hi)) r.fail("a script node with the wrong number of operands");
    if (r.ok() && n.op == Op::Field && (n.i < 0 || static_cast<size_t>(n.i) >= fields.size()))
      r.fail("a script field index out of range");
  }
  if (r.ok() && nodes.empty()) r.fail("an empty script");
  // A regex's items: constants (a Hyperscan expression, or null for a regex no value matches),
  // each compiled here for this host.
  regexes.assign(nodes.size(), nullptr);
  for (size_t idx = 0; idx < nodes.size() && r.ok(); ++idx) {
    const ScriptNode& n = nodes[idx];
    if (n.op != ScriptNode::Op::Match || n.sub != 2) continue;
    for (size_t k = 1; k < n.kids.size() && r.ok(); ++k) {
      const ScriptNode& item = nodes[n.kids[k]];
      if (item.op == ScriptNode::Op::Null) continue;
      if (item.op != ScriptNode::Op::String) {
        r.fail("a script regex item that is not a constant");
        break;
      }
      std::string why;
      std::shared_ptr<const ValueRegex> re = ValueRegex::compile(item.s, n.insensitive, why);
      if (!re) {
        r.fail(fmt::format("a script regex Hyperscan refuses: {}", why));
        break;
      }
      regexes[n.kids[k]] = std::move(re);
    }
  }
  if (!r.ok()) error = r.error();
  return r.ok();
}

bool EqlScript::eval(const Event& ev) const {
  // Every value of each field (one Leaf each; none: null), then every combination.
  std::vector<std::vector<const Leaf*>> values(fields.size());
  for (size_t f = 0; f < fields.size(); ++f) {
    for (const Leaf& l : ev.leaves)
      if (l.path == fields[f].path && l.kind != ValueKind::Null) values[f].push_back(&l);
    if (values[f].empty()) values[f].push_back(nullptr);
  }
  std::vector<size_t> idx(fields.size(), 0);
  std::vector<const Leaf*> combo(fields.size());
  for (uint32_t budget = kMaxCombinations; budget > 0; --budget) {
    for (size_t f = 0; f < fields.size(); ++f) combo[f] = values[f][idx[f]];
    ScriptEvaluator e(*this, combo);
    const SVal v = e.eval(static_cast<uint32_t>(nodes.size() - 1));
    if (v.t == SVal::T::Bool && v.b) return true;
    size_t f = fields.size();
    while (f > 0) {
      --f;
      if (++idx[f] < values[f].size()) break;
      idx[f] = 0;
      if (f == 0) return false;
    }
    if (fields.empty()) return false;
  }
  return false;
}

}  // namespace rulec::rt
