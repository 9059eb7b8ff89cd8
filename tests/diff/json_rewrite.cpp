// Rewrites of an event's JSON text that keep it valid JSON (see json_rewrite.h): a string-aware walk of the text.
#include "diff/json_rewrite.h"

#include <fmt/format.h>

namespace rulec::diff {

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  bool one_in(uint64_t n) { return next() % n == 0; }
};

// A string token of the text: [open, close] are its quotes.
struct Str {
  size_t open, close;
  bool key;
};

std::vector<Str> strings_of(std::string_view j) {
  std::vector<Str> out;
  for (size_t i = 0; i < j.size(); ++i) {
    if (j[i] != '"') continue;
    size_t k = i + 1;
    while (k < j.size() && j[k] != '"') k += j[k] == '\\' ? 2 : 1;
    if (k >= j.size()) break;
    size_t n = k + 1;
    while (n < j.size() && (j[n] == ' ' || j[n] == '\t' || j[n] == '\r' || j[n] == '\n')) ++n;
    out.push_back({i, k, n < j.size() && j[n] == ':'});
    i = k;
  }
  return out;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

const char* to_string(Rewrite r) {
  switch (r) {
    case Rewrite::UnicodeEscapes: return "unicode escapes";
    case Rewrite::SolidusEscapes: return "solidus escapes";
    case Rewrite::ValueCase: return "value case";
    case Rewrite::Whitespace: return "whitespace";
    case Rewrite::NonAscii: return "non-ASCII";
  }
  return "?";
}

std::string rewrite_json(std::string_view j, Rewrite how, uint64_t seed) {
  Rng rng{seed * 0x2545F4914F6CDD1Dull + static_cast<uint64_t>(how)};
  const std::vector<Str> strs = strings_of(j);
  std::string out;
  out.reserve(j.size() * 2);
  if (how == Rewrite::Whitespace) {
    static constexpr const char* kSpace[] = {" ", "  ", "\t", " \r ", "\t "};
    size_t s = 0;
    for (size_t i = 0; i < j.size(); ++i) {
      if (s < strs.size() && i == strs[s].open) {  // a string: copied as is
        out.append(j.substr(i, strs[s].close - i + 1));
        i = strs[s++].close;
        continue;
      }
      const char c = j[i];
      if (c == '}' || c == ']') out += kSpace[rng.next() % 5];
      out += c;
      if (c == '{' || c == '[' || c == ',' || c == ':') out += kSpace[rng.next() % 5];
    }
    return out;
  }
  std::vector<size_t> values;  // for NonAscii: the value strings
  for (size_t s = 0; s < strs.size(); ++s)
    if (!strs[s].key) values.push_back(s);
  const size_t chosen = values.empty() ? SIZE_MAX : values[rng.next() % values.size()];
  size_t from = 0;
  for (size_t s = 0; s < strs.size(); ++s) {
    const Str& st = strs[s];
    out.append(j.substr(from, st.open + 1 - from));
    std::string_view body = j.substr(st.open + 1, st.close - st.open - 1);
    bool replaced = false;
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (c == '\\') {  // an escape sequence: kept whole
        const size_t len = i + 1 < body.size() && body[i + 1] == 'u' ? 6 : 2;
        out.append(body.substr(i, len));
        i += len - 1;
        continue;
      }
      const auto u = static_cast<unsigned char>(c);
      switch (how) {
        case Rewrite::UnicodeEscapes:
          if (u >= 0x20 && u < 0x7f && rng.one_in(3)) out += rng.one_in(2) ? fmt::format("\\u{:04x}", u) : fmt::format("\\u{:04X}", u);
          else out += c;
          break;
        case Rewrite::SolidusEscapes: out += c == '/' ? "\\/" : std::string(1, c); break;
        case Rewrite::ValueCase:
          out += !st.key && is_alpha(c) && rng.one_in(2) ? static_cast<char>(c ^ 0x20) : c;
          break;
        case Rewrite::NonAscii:
          // Characters whose Java lowercase is ASCII: the KELVIN SIGN (k) and the dotted capital I (i).
          if (s == chosen && !replaced && (c == 'k' || c == 'K')) out += "\xE2\x84\xAA", replaced = true;
          else if (s == chosen && !replaced && (c == 'i' || c == 'I')) out += "\xC4\xB0", replaced = true;
          else out += c;
          break;
        case Rewrite::Whitespace: out += c; break;
      }
    }
    if (how == Rewrite::NonAscii && s == chosen && !replaced) out += "\xC3\xA9";  // é
    out += '"';
    from = st.close + 1;
  }
  out.append(j.substr(from));
  return out;
}

}  // namespace rulec::diff
