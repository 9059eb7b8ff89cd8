// Shared query semantics: preparing one query value for one field type.
#include "compiler/semantics/query_values.h"


namespace rulec::semantics {

namespace {

using Mode = Prepared::Mode;
using rt::ValueClass;

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

}  // namespace

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
  const std::string text = kql::value_text(v);
  switch (rt::value_class(t)) {
    case ValueClass::Numeric: {
      if (wild) return;  // KQL201: Elasticsearch fails the search
      const NumericTerm num = range ? numeric_range_bound(t, n.op, text) : numeric_term(t, text);
      if (num.outcome != NumericOutcome::Value) return;
      p.num = rt::NumValue{num.is_int, num.i, num.d};
      p.mode = range ? Mode::NumRange : Mode::NumEqual;
      return;
    }
    case ValueClass::Boolean: {
      const auto b = wild ? std::nullopt : parse_bool(text);
      if (!b) return;
      p.flag = *b;
      p.mode = range ? Mode::BoolRange : Mode::BoolEqual;
      return;
    }
    case ValueClass::Ip: {
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
    case ValueClass::Date:
      if (wild) return;
      p.text = text;
      p.date_range = range;
      rt::prepare_date(p, now_ms);
      return;
    case ValueClass::Text: {
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
    case ValueClass::String: {
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

}  // namespace rulec::semantics
