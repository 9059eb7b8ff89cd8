// Per-type value tests of the reference evaluator: one query value against one document value.
#include "compiler/interp/typed_match.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rulec::interp {

namespace {

using Mode = Prepared::Mode;

enum class Class : uint8_t { String, Text, Numeric, Boolean, Ip, Date };

Class class_of(FieldType t) {
  if (is_numeric(t)) return Class::Numeric;
  if (is_analyzed(t)) return Class::Text;
  switch (t) {
    case FieldType::Boolean: return Class::Boolean;
    case FieldType::Ip: return Class::Ip;
    case FieldType::Date:
    case FieldType::DateNanos: return Class::Date;
    default: return Class::String;  // keyword family, unknown fields, and types with no better model
  }
}

bool range_ok(int cmp, kql::RangeOp op) {
  switch (op) {
    case kql::RangeOp::Lt: return cmp < 0;
    case kql::RangeOp::Le: return cmp <= 0;
    case kql::RangeOp::Gt: return cmp > 0;
    case kql::RangeOp::Ge: return cmp >= 0;
  }
  return false;
}

bool is_lower_bound(kql::RangeOp op) { return op == kql::RangeOp::Gt || op == kql::RangeOp::Ge; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Is the keyword-like value within the field's ignore_above?
bool keyword_indexed(const FieldInfo& info, const rt::Leaf& leaf) {
  return info.ignore_above == 0 || leaf.text.size() <= info.ignore_above || utf16_length(leaf.text) <= info.ignore_above;
}

int compare_num(const DocNum& a, const NumericTerm& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  const double x = a.is_int ? static_cast<double>(a.i) : a.d;
  const double y = b.is_int ? static_cast<double>(b.i) : b.d;
  return x < y ? -1 : x > y ? 1 : 0;
}

std::optional<int64_t> doc_date(const rt::Leaf& leaf) {
  if (leaf.kind != rt::ValueKind::String && leaf.kind != rt::ValueKind::Number) return std::nullopt;
  const auto d = parse_date(leaf.text);
  if (!d) return std::nullopt;
  return d->ms;
}

bool is_query_string_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A KQL wildcard on a text field goes through query_string, which splits it on whitespace into
// terms ORed together: wildcard terms are lowercased and matched against each token, the others
// analysed. ES DSL patterns (`?`, case_insensitive) are one wildcard query, never split.
void prepare_pieces(Prepared& p, const kql::Pattern& pat) {
  const bool dsl = pat.case_insensitive || pat.wildcards.find('?') != std::string::npos;
  std::vector<kql::Pattern> parts;
  if (dsl) {
    parts.push_back(pat);
  } else {
    kql::Pattern cur;
    bool used = false;
    auto flush = [&] {
      if (used) parts.push_back(std::move(cur));
      cur = kql::Pattern{};
      used = false;
    };
    for (size_t s = 0; s < pat.segments.size(); ++s) {
      const std::string& seg = pat.segments[s];
      for (size_t i = 0; i < seg.size(); ++i) {
        if (is_query_string_space(seg[i])) {
          flush();
          continue;
        }
        if (seg.compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000, the ideographic space, splits too
          i += 2;
          flush();
          continue;
        }
        cur.segments.back() += seg[i];
        used = true;
      }
      if (s < pat.wildcards.size()) {
        cur.add_wildcard(pat.wildcards[s]);
        used = true;
      }
    }
    flush();
  }
  std::string buf;
  std::vector<std::string_view> toks;
  for (const auto& part : parts) {
    Prepared::Piece piece;
    if (part.has_wildcard()) {
      piece.wildcard = true;
      piece.glob = Glob(part, /*lower=*/true);
    } else {
      analyze(part.segments.front(), buf, toks);
      if (toks.empty()) continue;
      piece.tokens.assign(toks.begin(), toks.end());
    }
    p.pieces.push_back(std::move(piece));
  }
  p.mode = p.pieces.empty() ? Mode::Never : Mode::Pieces;
}

// p.text holds the value; recomputing with another `now` does not allocate.
void prepare_date(Prepared& p, const kql::Node& n, int64_t now_ms) {
  const auto iv =
      n.kind == kql::NodeKind::Range ? date_range_bound(n.op, p.text, now_ms) : date_equality(p.text, now_ms);
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

std::string value_text(const kql::Value& v) {
  switch (v.type) {
    case kql::LiteralType::True: return "true";
    case kql::LiteralType::False: return "false";
    case kql::LiteralType::Null: return "null";
    case kql::LiteralType::String: break;
  }
  return v.pattern.joined();
}

void prepare(Prepared& p, const kql::Node& n, FieldType t, bool lower, int64_t now_ms) {
  p = Prepared{};
  const kql::Value& v = n.value;
  const bool range = n.kind == kql::NodeKind::Range;
  p.op = n.op;
  if (v.type == kql::LiteralType::Null) {
    // `f:null` fails the search in Elasticsearch (semantic error KQL208): matches nothing here.
    // A null range bound is unbounded: every document with an indexed value matches.
    p.mode = range ? Mode::Any : Mode::Never;
    return;
  }
  const bool wild = !range && v.pattern.has_wildcard();
  const std::string text = value_text(v);
  switch (class_of(t)) {
    case Class::Numeric: {
      if (wild) return;  // KQL201: Elasticsearch fails the search
      p.num = range ? numeric_range_bound(t, n.op, text) : numeric_term(t, text);
      if (p.num.outcome == NumericOutcome::Value) p.mode = range ? Mode::NumRange : Mode::NumEqual;
      return;
    }
    case Class::Boolean: {
      const auto b = wild ? std::nullopt : parse_bool(text);
      if (!b) return;
      p.flag = *b;
      p.mode = range ? Mode::BoolRange : Mode::BoolEqual;
      return;
    }
    case Class::Ip: {
      if (wild) return;
      if (range) {
        if (auto ip = parse_ip(text)) p.ip = *ip, p.mode = Mode::IpRange;
      } else if (text.find('/') != std::string::npos) {
        if (auto c = parse_cidr(text)) p.cidr = *c, p.mode = Mode::IpCidr;
      } else if (auto ip = parse_ip(text)) {
        p.ip = *ip;
        p.mode = Mode::IpEqual;
      }
      return;
    }
    case Class::Date:
      if (wild) return;
      p.text = text;
      prepare_date(p, n, now_ms);
      return;
    case Class::Text: {
      if (range) {
        p.text = text;  // range bounds are not analysed: compared with each token as bytes
        p.mode = Mode::TextRange;
      } else if (wild || v.pattern.case_insensitive) {
        prepare_pieces(p, v.pattern);
      } else {
        std::string buf;
        std::vector<std::string_view> toks;
        analyze(text, buf, toks);
        p.tokens.assign(toks.begin(), toks.end());
        p.mode = p.tokens.empty() ? Mode::Never : (v.pattern.quoted ? Mode::Phrase : Mode::Match);
      }
      return;
    }
    case Class::String: {
      if (range) {
        if (lower) lowercase(text, p.text);
        else p.text = text;
        p.mode = Mode::StrRange;
      } else if (wild) {
        p.glob = Glob(v.pattern, lower);
        p.mode = Mode::Pattern;
      } else {
        if (lower) lowercase(text, p.text);
        else p.text = text;
        p.ascii_ci = v.pattern.case_insensitive;
        p.mode = Mode::Exact;
      }
      return;
    }
  }
}

void refresh_now(Prepared& p, const kql::Node& n, int64_t now_ms) {
  if (p.date_uses_now && p.date_now != now_ms) prepare_date(p, n, now_ms);
}

bool indexed(const FieldInfo& info, const rt::Leaf& leaf) {
  if (leaf.kind == rt::ValueKind::Null) return false;
  switch (class_of(info.type)) {
    case Class::Numeric: return doc_number(num_type_of(info.type), leaf).ok;
    case Class::Boolean: return doc_bool(leaf) >= 0;
    case Class::Ip: return parse_ip(leaf.text).has_value();
    case Class::Date: return doc_date(leaf).has_value();
    case Class::Text: return true;  // "" has no tokens but still exists (docs: exists query)
    case Class::String: return keyword_indexed(info, leaf);
  }
  return false;
}

bool test(const Prepared& p, const FieldInfo& info, const rt::Leaf& leaf, Scratch& s) {
  if (leaf.kind == rt::ValueKind::Null) return false;
  switch (p.mode) {
    case Mode::Never: return false;
    case Mode::Any: return indexed(info, leaf);
    case Mode::Exact:
    case Mode::Pattern:
    case Mode::StrRange: {
      if (!keyword_indexed(info, leaf)) return false;
      std::string_view v = leaf.text;
      if (info.lowercase) {
        lowercase(v, s.lower);
        v = s.lower;
      }
      if (p.mode == Mode::Exact) return p.ascii_ci ? ascii_iequal(v, p.text) : v == p.text;
      if (p.mode == Mode::Pattern) return p.glob.match(v);
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

}  // namespace rulec::interp
