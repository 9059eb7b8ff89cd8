// Text helpers shared by the reference evaluator and the runtime: lowercasing, glob patterns, standard tokenizer.
#include "runtime/common/text_analysis.h"

#include "runtime/common/ascii.h"
#include "runtime/common/utf8.h"

namespace rulec {

namespace {

// ---------------------------------------------------------------------------------------------
// Word-break classes (UAX #29), simplified.
enum class WB : uint8_t {
  Other,         // separates words, dropped
  ALetter,
  Numeric,
  Katakana,
  ExtendNumLet,  // '_' and other connector punctuation
  MidLetter,     // ':' and friends: join letters only
  MidNumLet,     // '.', '\'' (Single_Quote behaves the same here): join letters or digits
  MidNum,        // ',', ';': join digits only
  Extend,        // combining marks, ZWJ/ZWNJ, variation selectors: stay with the previous character
  Single,        // CJK ideographs, Hiragana: one token per character
};

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

WB word_break(char32_t c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return WB::ALetter;
    if (c >= '0' && c <= '9') return WB::Numeric;
    if (c == '_') return WB::ExtendNumLet;
    if (c == ':') return WB::MidLetter;
    if (c == '.' || c == '\'') return WB::MidNumLet;
    if (c == ',' || c == ';') return WB::MidNum;
    return WB::Other;
  }
  // Middle characters and connectors first (some sit inside the punctuation blocks below).
  if (c == 0xB7 || c == 0x387 || c == 0x5F4 || c == 0x2027 || c == 0xFE13 || c == 0xFE55 || c == 0xFF1A)
    return WB::MidLetter;
  if (c == 0x2018 || c == 0x2019 || c == 0x2024 || c == 0xFE52 || c == 0xFF07 || c == 0xFF0E) return WB::MidNumLet;
  if (c == 0x37E || c == 0x589 || c == 0x60C || c == 0x60D || c == 0x66C || c == 0x7F8 || c == 0x2044 || c == 0xFE10 ||
      c == 0xFE14 || c == 0xFE50 || c == 0xFE54 || c == 0xFF0C || c == 0xFF1B)
    return WB::MidNum;
  if (c == 0x202F || c == 0x203F || c == 0x2040 || c == 0x2054 || c == 0xFE33 || c == 0xFE34 || in(c, 0xFE4D, 0xFE4F) ||
      c == 0xFF3F)
    return WB::ExtendNumLet;
  if (in(c, 0x300, 0x36F) || in(c, 0x483, 0x489) || in(c, 0x591, 0x5BD) || in(c, 0x610, 0x61A) || in(c, 0x64B, 0x65F) ||
      in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) || c == 0x200C || c == 0x200D || in(c, 0x20D0, 0x20FF) ||
      in(c, 0xFE00, 0xFE0F) || in(c, 0xFE20, 0xFE2F))
    return WB::Extend;
  // Digits of a few other scripts.
  if (in(c, 0x660, 0x669) || in(c, 0x6F0, 0x6F9) || in(c, 0x966, 0x96F) || in(c, 0xFF10, 0xFF19)) return WB::Numeric;
  // CJK.
  if (in(c, 0x3040, 0x309F) || in(c, 0x3400, 0x4DBF) || in(c, 0x4E00, 0x9FFF) || in(c, 0xF900, 0xFAFF) ||
      in(c, 0x20000, 0x3FFFF) || in(c, 0x3005, 0x3007) || in(c, 0x3021, 0x3029))
    return WB::Single;
  if (in(c, 0x30A0, 0x30FF) || in(c, 0x31F0, 0x31FF) || in(c, 0xFF66, 0xFF9F)) return c == 0x30FB ? WB::Other : WB::Katakana;
  // Punctuation, symbols, spaces, private use, emoji and invalid bytes separate words.
  if (in(c, 0x80, 0xBF)) return (c == 0xAA || c == 0xB5 || c == 0xBA) ? WB::ALetter : WB::Other;
  if (c == 0xD7 || c == 0xF7 || in(c, 0x2000, 0x206F) || in(c, 0x20A0, 0x20CF) || in(c, 0x2190, 0x2BFF) ||
      in(c, 0x3000, 0x303F) || in(c, 0xD800, 0xF8FF) || in(c, 0xFE30, 0xFE6F) || in(c, 0xFF00, 0xFF20) ||
      in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65) || in(c, 0xFFF0, 0xFFFF) || in(c, 0x1F000, 0x1FAFF) ||
      c > 0x10FFFF)
    return WB::Other;
  return WB::ALetter;
}

bool wordish(WB w) { return w == WB::ALetter || w == WB::Numeric || w == WB::Katakana || w == WB::ExtendNumLet; }

// May `next` follow `last` (the class of the token's last non-Extend character) directly?
bool joins(WB last, WB next) {
  switch (next) {
    case WB::ALetter:
    case WB::Numeric: return last == WB::ALetter || last == WB::Numeric || last == WB::ExtendNumLet;
    case WB::Katakana: return last == WB::Katakana || last == WB::ExtendNumLet;
    case WB::ExtendNumLet: return wordish(last);
    default: return false;
  }
}

constexpr size_t kMaxTokenChars = 255;

}  // namespace

void lowercase(std::string_view in_text, std::string& out) { utf8_lower(in_text, out); }


// ---------------------------------------------------------------------------------------------
// Glob


Glob::Glob(const std::vector<std::string>& segments, std::string_view wildcards, bool case_insensitive, bool lower)
    : ascii_ci_(case_insensitive) {
  std::string seg;
  for (size_t s = 0; s < segments.size(); ++s) {
    if (lower) {
      lowercase(segments[s], seg);
    } else {
      seg = segments[s];
    }
    for (char c : seg) items_.push_back(static_cast<unsigned char>(ascii_ci_ ? ascii_lower(c) : c));
    if (s < wildcards.size()) items_.push_back(wildcards[s] == '?' ? kOne : kStar);
  }
}

std::optional<Glob> Glob::from_items(std::vector<int> items, bool ascii_ci) {
  for (int v : items)
    if (v < kOne || v > 255) return std::nullopt;
  Glob g;
  g.items_ = std::move(items);
  g.ascii_ci_ = ascii_ci;
  return g;
}

bool Glob::match(std::string_view text) const {
  // Greedy two-pointer match, backtracking only to the last star.
  auto byte_eq = [&](int item, char c) {
    return item == static_cast<unsigned char>(ascii_ci_ ? ascii_lower(c) : c);
  };
  auto cp_len = [&](size_t i) {
    size_t n = 1;
    utf8_decode(text, i, n);
    return n;
  };
  size_t p = 0, t = 0, star = SIZE_MAX, mark = 0;
  while (t < text.size()) {
    if (p < items_.size() && items_[p] == kOne) {
      t += cp_len(t);
      ++p;
    } else if (p < items_.size() && items_[p] >= 0 && byte_eq(items_[p], text[t])) {
      ++t;
      ++p;
    } else if (p < items_.size() && items_[p] == kStar) {
      star = p++;
      mark = t;
    } else if (star != SIZE_MAX) {
      p = star + 1;
      mark += cp_len(mark);
      t = mark;
    } else {
      return false;
    }
  }
  while (p < items_.size() && items_[p] == kStar) ++p;
  return p == items_.size();
}

// ---------------------------------------------------------------------------------------------
// Standard tokenizer

void analyze(std::string_view text, std::string& buf, std::vector<std::string_view>& tokens) {
  lowercase(text, buf);
  tokens.clear();
  const std::string_view s = buf;
  size_t i = 0;
  while (i < s.size()) {
    size_t n = 1;
    const WB w = word_break(utf8_decode(s, i, n));
    if (w == WB::Single) {
      tokens.push_back(s.substr(i, n));
      i += n;
      continue;
    }
    if (!wordish(w)) {
      i += n;
      continue;
    }
    // A word starts here: extend it as far as the rules allow.
    const size_t start = i;
    WB last = w;
    bool has_core = w != WB::ExtendNumLet;
    i += n;
    size_t end = i;
    while (i < s.size()) {
      size_t m = 1;
      const WB c = word_break(utf8_decode(s, i, m));
      if (c == WB::Extend) {
        i += m;
        end = i;
        continue;
      }
      if (joins(last, c)) {
        last = c;
        has_core = has_core || c != WB::ExtendNumLet;
        i += m;
        end = i;
        continue;
      }
      const bool mid_letter = c == WB::MidLetter || c == WB::MidNumLet;
      const bool mid_num = c == WB::MidNum || c == WB::MidNumLet;
      if ((last == WB::ALetter && mid_letter) || (last == WB::Numeric && mid_num)) {
        // WB6/7 and WB11/12: the middle character joins only when the same kind follows it.
        size_t j = i + m, k = 1;
        WB after = WB::Other;
        while (j < s.size()) {
          after = word_break(utf8_decode(s, j, k));
          if (after != WB::Extend) break;
          j += k;
        }
        if (j < s.size() && after == last) {
          i = j + k;
          end = i;
          continue;
        }
      }
      break;
    }
    if (!has_core) continue;
    // max_token_length: longer words are split into pieces of 255 code points.
    size_t piece = start, count = 0;
    for (size_t q = start; q < end;) {
      size_t m = 1;
      utf8_decode(s, q, m);
      if (count == kMaxTokenChars) {
        tokens.push_back(s.substr(piece, q - piece));
        piece = q;
        count = 0;
      }
      ++count;
      q += m;
    }
    tokens.push_back(s.substr(piece, end - piece));
  }
}

}  // namespace rulec
