// Typed values for the event synthesizer: its own model of how each field type indexes and tests a value.
#include "diff/synth_values.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/frontend/values.h"
#include "runtime/common/dates.h"

namespace rulec::diff {

namespace {

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool tok_letter(unsigned char c) { return is_alpha(c) || c >= 0x80 || c == '_'; }

// An approximation of the standard analyzer: ASCII-lowercased runs of letters, digits and `_`;
// `.` `'` `:` join two letters, `.` `,` `;` `'` join two digits.
std::vector<std::string> tokenize(std::string_view s) {
  const std::string low = ascii_lower(s);
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur.find_first_not_of('_') != std::string::npos) out.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < low.size(); ++i) {
    const unsigned char c = low[i];
    if (tok_letter(c) || is_digit(c)) {
      cur += static_cast<char>(c);
      continue;
    }
    if (!cur.empty() && i + 1 < low.size()) {
      const unsigned char p = low[i - 1], n = low[i + 1];
      const bool letters = tok_letter(p) && tok_letter(n) && (c == '.' || c == '\'' || c == ':');
      const bool digits = is_digit(p) && is_digit(n) && (c == '.' || c == ',' || c == ';' || c == '\'');
      if (letters || digits) {
        cur += static_cast<char>(c);
        continue;
      }
    }
    flush();
  }
  flush();
  return out;
}

size_t utf16_len(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? (c >= 0xF0 ? 2 : 1) : 0;
  return n;
}

kql::Pattern lowered(kql::Pattern p) {
  for (auto& s : p.segments) s = ascii_lower(s);
  return p;
}

struct DocNum {
  bool ok = false;
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
};

DocNum doc_number(FieldType t, const JVal& v) {
  if (v.kind != rt::ValueKind::Number && v.kind != rt::ValueKind::String) return {};
  const auto n = parse_number(v.text);
  if (!n || !std::isfinite(n->d) || n->int_overflow) return {};
  if (t == FieldType::Float || t == FieldType::HalfFloat) return {true, false, 0, static_cast<double>(static_cast<float>(n->d))};
  if (t == FieldType::Double || t == FieldType::ScaledFloat) return {true, false, 0, n->d};
  if (!n->is_int && !(n->d > -9.2e18 && n->d < 9.2e18)) return {};
  const int64_t i = n->is_int ? n->i : static_cast<int64_t>(n->d);
  int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  if (t == FieldType::Byte) lo = -128, hi = 127;
  if (t == FieldType::Short) lo = -32768, hi = 32767;
  if (t == FieldType::Integer) lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (t == FieldType::UnsignedLong) lo = 0;
  if (i < lo || i > hi) return {};
  return {true, true, i, static_cast<double>(i)};
}

int cmp_num(const DocNum& a, const NumericTerm& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const double x = a.is_int ? static_cast<double>(a.i) : a.d, y = b.is_int ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

int doc_bool(const JVal& v) {
  if (v.kind == rt::ValueKind::True) return 1;
  if (v.kind == rt::ValueKind::False) return 0;
  if (v.kind != rt::ValueKind::String) return -1;
  return v.text == "true" ? 1 : (v.text == "false" || v.text.empty()) ? 0 : -1;
}

std::optional<int64_t> doc_date(const JVal& v) {
  if (v.kind != rt::ValueKind::String && v.kind != rt::ValueKind::Number) return std::nullopt;
  const auto d = parse_date(v.text);
  return d ? std::optional<int64_t>(d->ms) : std::nullopt;
}

bool model_range_ok(int c, kql::RangeOp op) {
  switch (op) {
    case kql::RangeOp::Lt: return c < 0;
    case kql::RangeOp::Le: return c <= 0;
    case kql::RangeOp::Gt: return c > 0;
    case kql::RangeOp::Ge: return c >= 0;
  }
  return false;
}
bool lower_bound(kql::RangeOp op) { return op == kql::RangeOp::Gt || op == kql::RangeOp::Ge; }

}  // namespace

std::string literal_text(const kql::Value& v) {
  switch (v.type) {
    case kql::LiteralType::True: return "true";
    case kql::LiteralType::False: return "false";
    case kql::LiteralType::Null: return "null";
    case kql::LiteralType::String: break;
  }
  return v.pattern.joined();
}

// A KQL wildcard on a text field: split on whitespace (query_string), each piece lowercased.
std::vector<kql::Pattern> text_pieces(const kql::Pattern& pat) {
  std::vector<kql::Pattern> parts;
  if (pat.case_insensitive || pat.wildcards.find('?') != std::string::npos) return {pat};
  kql::Pattern cur;
  bool used = false;
  auto flush = [&] {
    if (used) parts.push_back(std::move(cur));
    cur = kql::Pattern{};
    used = false;
  };
  for (size_t s = 0; s < pat.segments.size(); ++s) {
    for (char c : pat.segments[s]) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        flush();
        continue;
      }
      cur.segments.back() += c;
      used = true;
    }
    if (s < pat.wildcards.size()) cur.add_wildcard(pat.wildcards[s]), used = true;
  }
  flush();
  return parts;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

VClass value_class(FieldType t) {
  if (is_numeric(t)) return VClass::Numeric;
  if (is_analyzed(t)) return VClass::Text;
  if (t == FieldType::Boolean) return VClass::Boolean;
  if (t == FieldType::Ip) return VClass::Ip;
  if (t == FieldType::Date || t == FieldType::DateNanos) return VClass::Date;
  return VClass::String;
}

bool value_indexed(const FieldInfo& info, const JVal& v) {
  if (v.kind == rt::ValueKind::Null) return false;
  switch (value_class(info.type)) {
    case VClass::Numeric: return doc_number(info.type, v).ok;
    case VClass::Boolean: return doc_bool(v) >= 0;
    case VClass::Ip: return parse_ip(v.text).has_value();
    case VClass::Date: return doc_date(v).has_value();
    case VClass::Text: return true;
    case VClass::String: return info.ignore_above == 0 || utf16_len(v.text) <= info.ignore_above;
  }
  return false;
}

bool value_satisfies(const kql::Node& atom, const FieldInfo& info, const JVal& v, int64_t now_ms) {
  if (v.kind == rt::ValueKind::Null) return false;
  if (atom.kind == kql::NodeKind::Exists) return value_indexed(info, v);
  const bool range = atom.kind == kql::NodeKind::Range;
  const kql::Value& qv = atom.value;
  if (qv.type == kql::LiteralType::Null) return range && value_indexed(info, v);
  const bool wild = !range && qv.pattern.has_wildcard();
  const std::string q = literal_text(qv);
  switch (value_class(info.type)) {
    case VClass::Numeric: {
      const DocNum d = doc_number(info.type, v);
      if (wild || !d.ok) return false;
      const NumericTerm t = range ? numeric_range_bound(info.type, atom.op, q) : numeric_term(info.type, q);
      if (t.outcome != NumericOutcome::Value) return false;
      const int c = cmp_num(d, t);
      return range ? (lower_bound(atom.op) ? c >= 0 : c <= 0) : c == 0;
    }
    case VClass::Boolean: {
      const auto b = wild ? std::nullopt : parse_bool(q);
      const int d = doc_bool(v);
      if (!b || d < 0) return false;
      return range ? model_range_ok(d - static_cast<int>(*b), atom.op) : d == static_cast<int>(*b);
    }
    case VClass::Ip: {
      const auto ip = parse_ip(v.text);
      if (wild || !ip) return false;
      if (range) {
        const auto b = parse_ip(q);
        if (!b) return false;
        const auto c = *ip <=> *b;
        return model_range_ok(c < 0 ? -1 : c > 0 ? 1 : 0, atom.op);
      }
      if (q.find('/') != std::string::npos) {
        const auto c = parse_cidr(q);
        return c && c->contains(*ip);
      }
      const auto b = parse_ip(q);
      return b && *b == *ip;
    }
    case VClass::Date: {
      const auto ms = doc_date(v);
      if (wild || !ms) return false;
      const auto iv = range ? date_range_bound(atom.op, q, now_ms) : date_equality(q, now_ms);
      return iv && *ms >= iv->lo && *ms <= iv->hi;
    }
    case VClass::Text: {
      const auto toks = tokenize(v.text);
      if (range) return std::any_of(toks.begin(), toks.end(), [&](const std::string& t) { return model_range_ok(t.compare(q), atom.op); });
      if (wild || qv.pattern.case_insensitive) {
        for (const auto& piece : text_pieces(qv.pattern)) {
          const auto pl = lowered(piece);
          const auto pt = piece.has_wildcard() ? std::vector<std::string>{} : tokenize(piece.segments.front());
          for (const auto& t : toks)
            if (piece.has_wildcard() ? glob_match(pl, t) : std::find(pt.begin(), pt.end(), t) != pt.end()) return true;
        }
        return false;
      }
      const auto qt = tokenize(q);
      if (qt.empty()) return false;
      if (!qv.pattern.quoted) {
        for (const auto& t : toks)
          if (std::find(qt.begin(), qt.end(), t) != qt.end()) return true;
        return false;
      }
      for (size_t i = 0; i + qt.size() <= toks.size(); ++i)
        if (std::equal(qt.begin(), qt.end(), toks.begin() + static_cast<std::ptrdiff_t>(i))) return true;
      return false;
    }
    case VClass::String: {
      if (!value_indexed(info, v)) return false;
      const std::string d = info.lowercase ? ascii_lower(v.text) : v.text;
      if (range) return model_range_ok(d.compare(info.lowercase ? ascii_lower(q) : q), atom.op);
      if (wild) return glob_match(info.lowercase ? lowered(qv.pattern) : qv.pattern, d);
      const std::string want = info.lowercase ? ascii_lower(q) : q;
      return qv.pattern.case_insensitive ? ascii_lower(d) == ascii_lower(want) : d == want;
    }
  }
  return false;
}

}  // namespace rulec::diff
