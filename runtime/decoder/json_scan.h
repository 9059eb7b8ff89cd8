// Slow, exact scans that locate JSON problems simdjson reports without a position (error path only).
#pragma once

#include <cstddef>
#include <string_view>

namespace rulec::rt::json_scan {

// Byte offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF), or text.size() when all of it is valid.
size_t first_invalid_utf8(std::string_view text);

// Where a string goes wrong: the first unescaped control character (< 0x20) inside a string, or
// the opening quote of a string that is never closed. npos when neither occurs.
struct StringIssue {
  size_t offset = std::string_view::npos;
  bool unclosed = false;  // else: a control character
};
StringIssue find_string_issue(std::string_view text);

// Offset just past the bracket closing the container that starts at `text[first]`, or npos when it
// is never closed (brackets inside strings are skipped).
size_t container_end(std::string_view text, size_t first);

// True when `s` is a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
// (Not an error-path scan: every number of every document goes through it, so it is inline.)
inline bool is_json_number(std::string_view s) {
  size_t p = 0;
  const size_t n = s.size();
  auto digit = [&](size_t k) { return k < n && s[k] >= '0' && s[k] <= '9'; };
  if (p < n && s[p] == '-') ++p;
  if (!digit(p)) return false;
  if (s[p] == '0') {
    ++p;
  } else {
    while (digit(p)) ++p;
  }
  if (p < n && s[p] == '.') {
    ++p;
    if (!digit(p)) return false;
    while (digit(p)) ++p;
  }
  if (p < n && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < n && (s[p] == '+' || s[p] == '-')) ++p;
    if (!digit(p)) return false;
    while (digit(p)) ++p;
  }
  return p == n;
}

}  // namespace rulec::rt::json_scan
