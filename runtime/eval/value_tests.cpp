// Per-type value tests shared by the reference evaluator and the runtime's on-demand tests: one prepared query value against one document value.
#include "runtime/eval/value_tests.h"

#include <algorithm>

#include "runtime/common/ascii.h"

namespace rulec::rt {

namespace {

using Mode = Prepared::Mode;

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Is the keyword-like value within the field's ignore_above?
bool keyword_indexed(const FieldInfo& info, const Leaf& leaf) {
  return info.ignore_above == 0 || leaf.text.size() <= info.ignore_above || utf16_length(leaf.text) <= info.ignore_above;
}

int compare_num(const DocNum& a, const NumValue& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const double x = a.is_int ? static_cast<double>(a.i) : a.d;
  const double y = b.is_int ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

std::optional<int64_t> doc_date(const Leaf& leaf) {
  if (leaf.kind != ValueKind::String && leaf.kind != ValueKind::Number) return std::nullopt;
  const auto d = parse_date(leaf.text);
  if (!d) return std::nullopt;
  return d->ms;
}

bool token_in(std::string_view t, const std::vector<std::string>& set) {
  return std::any_of(set.begin(), set.end(), [&](const std::string& q) { return q == t; });
}

bool text_test(const Prepared& p, const std::vector<std::string_view>& toks) {
  switch (p.mode) {
    case Mode::Match:
      return std::any_of(toks.begin(), toks.end(), [&](std::string_view t) { return token_in(t, p.tokens); });
    case Mode::Phrase: {
      const size_t k = p.tokens.size();
      for (size_t i = 0; i + k <= toks.size(); ++i) {
        size_t j = 0;
        while (j < k && toks[i + j] == p.tokens[j]) ++j;
        if (j == k) return true;
      }
      return false;
    }
    case Mode::Pieces:
      for (const auto& piece : p.pieces) {
        for (std::string_view t : toks) {
          if (piece.wildcard ? piece.glob.match(t) : token_in(t, piece.tokens)) return true;
        }
      }
      return false;
    case Mode::TextRange:
      return std::any_of(toks.begin(), toks.end(), [&](std::string_view t) { return range_ok(t.compare(p.text), p.op); });
    default: return false;
  }
}

}  // namespace

ValueClass value_class(FieldType t) {
  if (is_numeric(t)) return ValueClass::Numeric;
  if (is_analyzed(t)) return ValueClass::Text;
  switch (t) {
    case FieldType::Boolean: return ValueClass::Boolean;
    case FieldType::Ip: return ValueClass::Ip;
    case FieldType::Date:
    case FieldType::DateNanos: return ValueClass::Date;
    default: return ValueClass::String;  // keyword family, unknown fields, and types with no better model
  }
}

void prepare_date(Prepared& p, int64_t now_ms) {
  const auto iv = p.date_range ? date_range_bound(p.op, p.text, now_ms) : date_equality(p.text, now_ms);
  p.date_now = now_ms;
  if (!iv || iv->empty()) {
    p.mode = Mode::Never;
    p.date_uses_now = iv.has_value();  // not a date: never; an empty interval: recheck with the next now
    return;
  }
  p.mode = Mode::DateIn;
  p.date_uses_now = true;
  p.dates = *iv;
}

bool indexed(const FieldInfo& info, const Leaf& leaf) {
  if (leaf.kind == ValueKind::Null) return false;
  switch (value_class(info.type)) {
    case ValueClass::Numeric: return doc_number(num_type_of(info.type), leaf).ok;
    case ValueClass::Boolean: return doc_bool(leaf) >= 0;
    case ValueClass::Ip: return parse_ip(leaf.text).has_value();
    case ValueClass::Date: return doc_date(leaf).has_value();
    case ValueClass::Text: return true;  // "" has no tokens but still exists (docs: exists query)
    case ValueClass::String: return keyword_indexed(info, leaf);
  }
  return false;
}

bool test(const Prepared& p, const FieldInfo& info, const Leaf& leaf, Scratch& s) {
  if (leaf.kind == ValueKind::Null) return false;
  switch (p.mode) {
    case Mode::Never: return false;
    case Mode::Any: return indexed(info, leaf);
    case Mode::Exact:
    case Mode::Pattern:
    case Mode::Predicate:
    case Mode::StrRange: {
      if (!keyword_indexed(info, leaf)) return false;
      std::string_view v = leaf.text;
      if (info.lowercase) {
        lowercase(v, s.lower);
        v = s.lower;
      }
      if (p.mode == Mode::Exact) return p.ascii_ci ? ascii_iequal(v, p.text) : v == p.text;
      if (p.mode == Mode::Pattern) return p.glob.match(v);
      if (p.mode == Mode::Predicate) return p.predicate && p.predicate->match(v);
      return range_ok(v.compare(p.text), p.op);
    }
    case Mode::Match:
    case Mode::Phrase:
    case Mode::Pieces:
    case Mode::TextRange:
      analyze(leaf.text, s.analysed, s.tokens);
      return text_test(p, s.tokens);
    case Mode::NumEqual:
    case Mode::NumRange: {
      const DocNum d = doc_number(num_type_of(info.type), leaf);
      if (!d.ok) return false;
      const int c = compare_num(d, p.num);
      if (p.mode == Mode::NumEqual) return c == 0;
      return is_lower_bound(p.op) ? c >= 0 : c <= 0;  // the bound is inclusive (values.h)
    }
    case Mode::BoolEqual:
    case Mode::BoolRange: {
      const int b = doc_bool(leaf);
      if (b < 0) return false;
      if (p.mode == Mode::BoolEqual) return b == static_cast<int>(p.flag);
      return range_ok(b - static_cast<int>(p.flag), p.op);
    }
    case Mode::IpEqual:
    case Mode::IpCidr:
    case Mode::IpRange: {
      const auto ip = parse_ip(leaf.text);
      if (!ip) return false;
      if (p.mode == Mode::IpEqual) return *ip == p.ip;
      if (p.mode == Mode::IpCidr) return p.cidr.contains(*ip);
      const auto c = *ip <=> p.ip;
      return range_ok(c < 0 ? -1 : c > 0 ? 1 : 0, p.op);
    }
    case Mode::DateIn: {
      const auto ms = doc_date(leaf);
      return ms && *ms >= p.dates.lo && *ms <= p.dates.hi;
    }
  }
  return false;
}

}  // namespace rulec::rt
