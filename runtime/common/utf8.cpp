// UTF-8 decoding and encoding, and the simple lowercase mapping shared by the front end and evaluators.
#include "runtime/common/utf8.h"

namespace rulec {

// Decodes the code point at s[i]; `n` gets its byte length (1 for an invalid byte, read as U+FFFD).
char32_t utf8_decode(std::string_view s, size_t i, size_t& n) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    n = 1;
    return b;
  }
  size_t len = (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    n = 1;
    return kReplacementChar;
  }
  char32_t c = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto cb = static_cast<unsigned char>(s[i + k]);
    if ((cb & 0xC0) != 0x80) {
      n = 1;
      return kReplacementChar;
    }
    c = (c << 6) | (cb & 0x3F);
  }
  n = len;
  return c;
}

void utf8_encode(char32_t c, std::string& out) {
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = kReplacementChar;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

char32_t simple_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7) || (c >= 0x391 && c <= 0x3AB && c != 0x3A2) || (c >= 0x410 && c <= 0x42F) ||
      (c >= 0xFF21 && c <= 0xFF3A))
    return c + 32;
  if (c == 0x130) return 'i';
  if (c == 0x178) return 0xFF;
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177) ||
      (c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F) ||
      (c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF))
    return (c % 2 == 0) ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x531 && c <= 0x556) return c + 48;
  if (c >= 0x10A0 && c <= 0x10C5) return c + 7264;
  if (c >= 0x2160 && c <= 0x216F) return c + 16;
  if (c >= 0x24B6 && c <= 0x24CF) return c + 26;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  return c;
}

void utf8_lower(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size();) {
    size_t n;
    char32_t c = utf8_decode(s, i, n);
    if (c == kReplacementChar && n == 1 && static_cast<unsigned char>(s[i]) >= 0x80)
      out += s[i];  // an invalid byte stays as it is
    else
      utf8_encode(simple_lower(c), out);
    i += n;
  }
}

size_t utf16_length(std::string_view s) {
  size_t len = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    const char32_t c = utf8_decode(s, i, n);
    len += c >= 0x10000 ? 2 : 1;
    i += n;
  }
  return len;
}

}  // namespace rulec
