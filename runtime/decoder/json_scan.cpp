// Slow, exact scans that locate JSON problems simdjson reports without a position (error path only).
#include "runtime/decoder/json_scan.h"

#include <cstdint>

namespace rulec::rt::json_scan {

size_t first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0, min = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return n;
}

StringIssue find_string_issue(std::string_view text) {
  bool in_string = false;
  size_t open = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!in_string) {
      if (c == '"') {
        in_string = true;
        open = i;
      }
      continue;
    }
    if (c == '\\') {
      ++i;  // the escaped character (checked by the unescaper, not here)
      if (i < text.size() && static_cast<unsigned char>(text[i]) < 0x20) return {i, false};
    } else if (c == '"') {
      in_string = false;
    } else if (c < 0x20) {
      return {i, false};
    }
  }
  if (in_string) return {open, true};
  return {};
}

size_t container_end(std::string_view text, size_t first) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = first; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace rulec::rt::json_scan
