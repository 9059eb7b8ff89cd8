// Character-level KQL helpers: UTF-8 decoding and validation, JavaScript trim, unescaping.
#include "compiler/frontend/kql_text.h"

#include "runtime/common/utf8.h"

namespace rulec::kql::text {

bool is_js_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

char32_t decode(std::string_view s, size_t& i) {
  size_t n;
  char32_t c = utf8_decode(s, i, n);
  i += n;
  return c;
}

void encode(std::string& out, char32_t c) { utf8_encode(c, out); }

std::optional<size_t> find_invalid_utf8(std::string_view s, bool* ascii) {
  bool all_ascii = true;
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    all_ascii = false;
    size_t len;
    char32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, min = 0x10000;
    } else {
      return i;
    }
    for (size_t k = 1; k < len; ++k)
      if (!cont(i + k)) return i;
    size_t j = i;
    char32_t cp = decode(s, j);
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i = j;
  }
  if (ascii) *ascii = all_ascii;
  return std::nullopt;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `\uXXXX` at s[i]: the code unit, or -1.
long unicode_escape_at(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  long v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    int h = hex_value(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Resolves the `\uXXXX` escape at s[i] (known to be one) and advances i. A UTF-16 surrogate pair
// written as two adjacent escapes is one code point, as in JavaScript; a lone surrogate becomes
// U+FFFD (what Elasticsearch makes of it when it encodes the string as UTF-8).
void append_unicode_escape(std::string& out, std::string_view s, size_t& i) {
  long unit = unicode_escape_at(s, i);
  i += 6;
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    long low = unicode_escape_at(s, i);
    if (low >= 0xDC00 && low <= 0xDFFF) {
      i += 6;
      encode(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      return;
    }
  }
  encode(out, static_cast<char32_t>(unit));
}

void trim_front(std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    if (!is_js_space(decode(s, j))) break;
    i = j;
  }
  s.erase(0, i);
}

void trim_back(std::string& s) {
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t j = start;
    if (!is_js_space(decode(s, j))) break;
    s.resize(start);
  }
}

}  // namespace

std::string unquote(std::string_view token) {
  std::string_view s = token.substr(1, token.size() >= 2 ? token.size() - 2 : 0);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      ++i;
      continue;
    }
    char d = s[i + 1];
    if (d == 't' || d == 'r' || d == 'n') {
      out += d == 't' ? '\t' : d == 'r' ? '\r' : '\n';
      i += 2;
    } else if (unicode_escape_at(s, i) >= 0) {
      append_unicode_escape(out, s, i);
    } else if (d == '\\' || d == '"') {
      out += d;
      i += 2;
    } else {
      out += '\\';  // any other backslash is kept; the next character is read normally
      ++i;
    }
  }
  return out;
}

Pattern unescape_unquoted(std::string_view s) {
  Pattern p;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '*') {
      p.add_wildcard('*');
      ++i;
      continue;
    }
    std::string& seg = p.segments.back();
    if (c != '\\' || i + 1 >= s.size()) {
      seg += c;
      ++i;
      continue;
    }
    char d = s[i + 1];
    switch (d) {
      case 't': seg += '\t'; i += 2; break;
      case 'r': seg += '\r'; i += 2; break;
      case 'n': seg += '\n'; i += 2; break;
      case 'u': append_unicode_escape(seg, s, i); break;
      case 'o': case 'O':  // \or: the keyword's text as written
        seg.append(s.substr(i + 1, 2));
        i += 3;
        break;
      case 'a': case 'A': case 'N':  // \and, \Not
        seg.append(s.substr(i + 1, 3));
        i += 4;
        break;
      default:  // one of \ ( ) : < > " * { }
        seg += d;
        i += 2;
        break;
    }
  }
  trim_front(p.segments.front());
  trim_back(p.segments.back());
  return p;
}

SourcePos PosCursor::at(size_t offset) {
  if (offset > src_.size()) offset = src_.size();
  if (offset < cur_.offset) cur_ = SourcePos{0, 1, 1};
  for (size_t i = cur_.offset; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(src_[i]);
    if (c == '\n') {
      ++cur_.line;
      cur_.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++cur_.column;
    }
  }
  cur_.offset = static_cast<uint32_t>(offset);
  return cur_;
}

}  // namespace rulec::kql::text
