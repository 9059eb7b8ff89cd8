// Typed values for the event synthesizer: witnesses of a predicate, any value of a type, near-miss edits.
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "compiler/frontend/values.h"
#include "diff/synth_values.h"
#include "runtime/common/dates.h"

namespace rulec::diff {

namespace {

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool lower_bound(kql::RangeOp op) { return op == kql::RangeOp::Gt || op == kql::RangeOp::Ge; }

// The number as JSON text; sometimes a numeric string (coerce), as ECS producers write them.
JVal format_int(int64_t i, Rng& rng) {
  std::string t = std::to_string(i);
  if (rng.chance(20)) return jstring(t);
  if (rng.chance(4)) t += ".0";
  return jnumber(t);
}
JVal format_double(double d, FieldType t, Rng& rng) {
  std::string s = (t == FieldType::Float || t == FieldType::HalfFloat) ? fmt::format("{}", static_cast<float>(d))
                                                                       : fmt::format("{}", d);
  if (s.find_first_of("in") != std::string::npos) s = "0";  // inf / nan: never written
  return rng.chance(20) ? jstring(s) : jnumber(s);
}
JVal format_date(int64_t ms, Rng& rng) {
  constexpr int64_t kMax = 253402300799999;  // 9999-12-31T23:59:59.999Z
  const std::string digits = std::to_string(ms);
  const bool iso_ok = ms >= 0 && ms <= kMax;
  const unsigned r = static_cast<unsigned>(rng.below(100));
  if (iso_ok && r < 65) {
    std::string iso = iso8601_ms(ms);
    if (ms % 1000 == 0 && rng.chance(30)) iso.erase(iso.size() - 5, 4);  // no fraction
    return jstring(iso);
  }
  if (digits.size() != 4 && r < 90) return jstring(digits);  // a four-digit string is a year
  return jnumber(digits);
}

std::optional<IpAddr> ip_step(IpAddr a, int delta) {
  for (int i = 15; i >= 0; --i) {
    const int v = a.bytes[i] + delta;
    if (v >= 0 && v <= 255) {
      a.bytes[i] = static_cast<uint8_t>(v);
      return a;
    }
    a.bytes[i] = static_cast<uint8_t>(v & 0xFF);
  }
  return std::nullopt;  // wrapped around
}
JVal format_ip(const IpAddr& a, Rng& rng) {
  if (a.is_v4() && rng.chance(10)) return jstring("::ffff:" + a.to_string());
  return jstring(a.to_string());
}

std::string flip_some_case(std::string s, Rng& rng) {
  const unsigned mode = static_cast<unsigned>(rng.below(3));
  for (char& c : s) {
    if (!is_alpha(static_cast<unsigned char>(c))) continue;
    if (mode == 0 || (mode == 2 && rng.chance(50))) c = static_cast<char>(c ^ 0x20);
    else if (mode == 1) c = static_cast<char>(c & ~0x20);  // upper
  }
  return s;
}

// Some extra words around a text value (analysed fields match on tokens, not the whole value).
std::string surround(const std::string& core, Rng& rng) {
  std::string s;
  for (int i = static_cast<int>(rng.below(3)); i > 0; --i) {
    s += random_word(rng, 2 + rng.below(6));
    s += ' ';
  }
  s += core;
  for (int i = static_cast<int>(rng.below(3)); i > 0; --i) {
    s += ' ';
    s += random_word(rng, 2 + rng.below(6));
  }
  return s;
}

}  // namespace

std::string instantiate(const kql::Pattern& p, Rng& rng, bool flip_case) {
  std::string out;
  for (size_t s = 0; s < p.segments.size(); ++s) {
    out += flip_case && rng.chance(50) ? flip_some_case(p.segments[s], rng) : p.segments[s];
    if (s >= p.wildcards.size()) break;
    if (p.wildcards[s] == '?') {
      out += rng.chance(90) ? std::string(1, static_cast<char>('a' + rng.below(26))) : std::string("\xC3\xA9");
    } else if (!rng.chance(30)) {
      out += random_word(rng, 1 + rng.below(6));
    }
  }
  return out;
}

JVal any_value(const FieldInfo& info, Rng& rng, int64_t now_ms) {
  switch (value_class(info.type)) {
    case VClass::Numeric: return format_int(rng.range(0, info.type == FieldType::Byte ? 127 : 65535), rng);
    case VClass::Boolean: return rng.chance(85) ? jbool(rng.chance(50)) : jstring(rng.chance(50) ? "true" : "false");
    case VClass::Ip: {
      if (rng.chance(15)) return jstring(fmt::format("fe80::{:x}:{:x}", rng.below(65536), rng.below(65536)));
      return jstring(fmt::format("{}.{}.{}.{}", rng.pick(std::vector<int>{10, 172, 192, 8, 100}), rng.below(256),
                                 rng.below(256), 1 + rng.below(254)));
    }
    case VClass::Date: return format_date(now_ms - rng.range(0, 7 * kDayMs), rng);
    case VClass::Text: return jstring(random_word(rng, 3 + rng.below(6)) + " " + random_word(rng, 2 + rng.below(8)));
    case VClass::String: break;
  }
  std::string w = random_word(rng, 3 + rng.below(8));
  if (rng.chance(20)) w = flip_some_case(w, rng);
  if (rng.chance(15)) w += rng.pick(std::vector<std::string>{".exe", ".dll", "/bin", " -c", ".sh"});
  return jstring(w);
}

JVal witness(const kql::Node& atom, const FieldInfo& info, Rng& rng, int64_t now_ms) {
  if (atom.kind == kql::NodeKind::Exists) return any_value(info, rng, now_ms);
  const bool range = atom.kind == kql::NodeKind::Range;
  const kql::Value& qv = atom.value;
  if (qv.type == kql::LiteralType::Null) return any_value(info, rng, now_ms);
  const std::string q = literal_text(qv);
  const kql::RangeOp op = atom.op;
  switch (value_class(info.type)) {
    case VClass::Numeric: {
      const NumericTerm t = range ? numeric_range_bound(info.type, op, q) : numeric_term(info.type, q);
      if (t.outcome != NumericOutcome::Value) return jstring(q);
      const int64_t step = !range || rng.chance(50) ? 0 : rng.range(1, 1000);
      if (t.is_int) {
        int64_t i = t.i;
        if (lower_bound(op) && i <= std::numeric_limits<int64_t>::max() - step) i += step;
        if (range && !lower_bound(op) && i >= std::numeric_limits<int64_t>::min() + step) i -= step;
        if (!value_indexed(info, jnumber(std::to_string(i)))) i = t.i;
        return format_int(i, rng);
      }
      const double d = t.d + (range ? (lower_bound(op) ? 1.0 : -1.0) * static_cast<double>(step) : 0.0);
      return format_double(d, info.type, rng);
    }
    case VClass::Boolean: {
      auto b = parse_bool(q);
      if (!b) return jstring(q);
      bool flag = *b;
      if (range && op == kql::RangeOp::Gt) flag = true;
      if (range && op == kql::RangeOp::Lt) flag = false;
      if (rng.chance(80)) return jbool(flag);
      return jstring(!flag && rng.chance(10) ? "" : (flag ? "true" : "false"));
    }
    case VClass::Ip: {
      if (range) {
        const auto b = parse_ip(q);
        if (!b) return jstring(q);
        const int delta = op == kql::RangeOp::Gt ? 1 : op == kql::RangeOp::Lt ? -1 : 0;
        const auto s = ip_step(*b, delta);
        return s ? format_ip(*s, rng) : jstring(q);
      }
      if (q.find('/') != std::string::npos) {
        const auto c = parse_cidr(q);
        if (!c) return jstring(q);
        IpAddr a = c->addr;
        for (int bit = c->prefix; bit < 128; ++bit)
          if (rng.chance(50)) a.bytes[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
        return format_ip(a, rng);
      }
      const auto a = parse_ip(q);
      if (!a || rng.chance(30)) return jstring(q);
      return format_ip(*a, rng);
    }
    case VClass::Date: {
      const auto iv = range ? date_range_bound(op, q, now_ms) : date_equality(q, now_ms);
      if (!iv || iv->empty()) return jstring(q);
      int64_t lo = iv->lo, hi = iv->hi;
      if (lo == std::numeric_limits<int64_t>::min()) lo = std::min(hi, std::max<int64_t>(hi - 30 * kDayMs, 0));
      if (hi == std::numeric_limits<int64_t>::max()) hi = std::max(lo, std::min<int64_t>(lo + 30 * kDayMs, 253402300799999));
      const unsigned r = static_cast<unsigned>(rng.below(3));
      return format_date(r == 0 ? lo : r == 1 ? hi : lo + static_cast<int64_t>(rng.below(static_cast<uint64_t>(hi - lo) + 1)), rng);
    }
    case VClass::Text: {
      if (range) {
        const std::string b = ascii_lower(q);
        if (lower_bound(op)) return jstring(surround(rng.chance(50) ? "zzzz" : b + random_word(rng, 2), rng));
        return jstring(surround(rng.chance(50) ? "0" : (b.size() > 1 ? utf8_prefix(b, b.size() - 1) : "0"), rng));
      }
      if (qv.pattern.has_wildcard() || qv.pattern.case_insensitive) {
        const auto pieces = text_pieces(qv.pattern);
        if (pieces.empty()) return jstring(q);
        return jstring(surround(instantiate(rng.pick(pieces), rng, true), rng));
      }
      return jstring(surround(rng.chance(40) ? flip_some_case(q, rng) : q, rng));
    }
    case VClass::String: break;
  }
  const bool flip = info.lowercase || qv.pattern.case_insensitive;
  if (!range) {
    if (qv.type != kql::LiteralType::String && rng.chance(30)) return jbool(qv.type == kql::LiteralType::True);
    return jstring(instantiate(qv.pattern, rng, flip));
  }
  std::string b = info.lowercase ? ascii_lower(q) : q;
  switch (op) {
    case kql::RangeOp::Gt: b += random_word(rng, 1 + rng.below(3)); break;
    case kql::RangeOp::Ge: if (rng.chance(50)) b += random_word(rng, 1 + rng.below(3)); break;
    case kql::RangeOp::Lt: b = utf8_prefix(b, rng.below(b.size())); break;
    case kql::RangeOp::Le: if (!b.empty() && rng.chance(50)) b = utf8_prefix(b, rng.below(b.size())); break;
  }
  return jstring(flip && rng.chance(50) ? flip_some_case(b, rng) : b);
}

std::optional<JVal> change_one_char(const JVal& v, const FieldInfo& info, Rng& rng) {
  if (v.kind == rt::ValueKind::True || v.kind == rt::ValueKind::False) return jbool(v.kind == rt::ValueKind::False);
  if (v.kind == rt::ValueKind::Null) return std::nullopt;
  std::string s = v.text;
  std::vector<size_t> ascii;
  for (size_t i = 0; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) < 0x80 && (v.kind == rt::ValueKind::String || is_digit(s[i]))) ascii.push_back(i);
  const VClass cls = value_class(info.type);
  const unsigned how = (v.kind == rt::ValueKind::Number || cls == VClass::Numeric || cls == VClass::Ip || ascii.empty())
                           ? 0 : static_cast<unsigned>(rng.below(3));
  if (how == 1) {  // insert a character at a code point boundary
    std::vector<size_t> at;
    for (size_t i = 0; i <= s.size(); ++i)
      if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) at.push_back(i);
    s.insert(rng.pick(at), 1, static_cast<char>('a' + rng.below(26)));
    return JVal{v.kind, s};
  }
  if (ascii.empty()) return s.empty() ? std::optional<JVal>(JVal{v.kind, "x"}) : std::nullopt;
  const size_t i = rng.pick(ascii);
  if (how == 2) {
    s.erase(i, 1);
    return JVal{v.kind, s};
  }
  const unsigned char c = s[i];
  if (is_digit(c)) s[i] = static_cast<char>('0' + (c - '0' + 1 + rng.below(9)) % 10);
  else if (is_alpha(c)) s[i] = static_cast<char>(((c | 0x20) - 'a' + 1 + rng.below(25)) % 26 + 'a');
  else s[i] = c == 'x' ? 'y' : 'x';
  if (v.kind == rt::ValueKind::Number) {  // JSON numbers have no leading zero
    const size_t p = s[0] == '-' ? 1 : 0;
    if (p + 1 < s.size() && s[p] == '0' && is_digit(s[p + 1])) s[p] = '1';
  }
  return JVal{v.kind, s};
}

std::optional<JVal> change_case(const JVal& v, Rng& rng) {
  if (v.kind != rt::ValueKind::String) return std::nullopt;
  std::vector<size_t> letters;
  for (size_t i = 0; i < v.text.size(); ++i)
    if (is_alpha(static_cast<unsigned char>(v.text[i]))) letters.push_back(i);
  if (letters.empty()) return std::nullopt;
  std::string s = v.text;
  if (rng.chance(50)) {
    s[rng.pick(letters)] ^= 0x20;
  } else {
    const bool up = rng.chance(50);
    for (size_t i : letters) s[i] = static_cast<char>(up ? (s[i] & ~0x20) : (s[i] | 0x20));
    if (s == v.text) s[letters.front()] ^= 0x20;
  }
  return jstring(s);
}

std::optional<JVal> cross_bound(const kql::Node& atom, const FieldInfo& info, int64_t now_ms) {
  const bool range = atom.kind == kql::NodeKind::Range;
  if ((atom.kind != kql::NodeKind::Is && !range) || atom.value.type == kql::LiteralType::Null) return std::nullopt;
  const std::string q = literal_text(atom.value);
  const bool low = range && lower_bound(atom.op);
  switch (value_class(info.type)) {
    case VClass::Numeric: {
      const NumericTerm t = range ? numeric_range_bound(info.type, atom.op, q) : numeric_term(info.type, q);
      if (t.outcome != NumericOutcome::Value) return std::nullopt;
      if (t.is_int) {
        if ((low || !range) ? t.i == std::numeric_limits<int64_t>::min() : t.i == std::numeric_limits<int64_t>::max())
          return std::nullopt;
        return jnumber(std::to_string((low || !range) ? t.i - 1 : t.i + 1));
      }
      const bool f = info.type == FieldType::Float || info.type == FieldType::HalfFloat;
      const double inf = (low || !range) ? -INFINITY : INFINITY;
      const double d = f ? static_cast<double>(std::nextafter(static_cast<float>(t.d), static_cast<float>(inf))) : std::nextafter(t.d, inf);
      return jnumber(f ? fmt::format("{}", static_cast<float>(d)) : fmt::format("{}", d));
    }
    case VClass::Date: {
      const auto iv = range ? date_range_bound(atom.op, q, now_ms) : date_equality(q, now_ms);
      if (!iv || iv->empty()) return std::nullopt;
      if ((low || !range) && iv->lo > 0) return jstring(iso8601_ms(iv->lo - 1));
      if (!low && iv->hi < 253402300799999) return jstring(iso8601_ms(iv->hi + 1));
      return std::nullopt;
    }
    case VClass::Ip: {
      const auto b = parse_ip(q);
      if (!range || !b) return std::nullopt;
      const int delta = atom.op == kql::RangeOp::Ge ? -1 : atom.op == kql::RangeOp::Le ? 1 : 0;
      const auto s = ip_step(*b, delta);
      return s ? std::optional<JVal>(jstring(s->to_string())) : std::nullopt;
    }
    case VClass::Boolean: {
      const auto b = parse_bool(q);
      if (!b || !range) return std::nullopt;
      if (atom.op == kql::RangeOp::Gt || atom.op == kql::RangeOp::Lt) return jbool(*b);
      return jbool(!*b);
    }
    case VClass::String: {
      if (!range) return std::nullopt;
      const std::string b = info.lowercase ? ascii_lower(q) : q;
      if (atom.op == kql::RangeOp::Gt || atom.op == kql::RangeOp::Lt) return jstring(b);
      if (atom.op == kql::RangeOp::Le) return jstring(b + "a");
      return b.empty() ? std::nullopt : std::optional<JVal>(jstring(utf8_prefix(b, b.size() - 1)));
    }
    case VClass::Text: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace rulec::diff
