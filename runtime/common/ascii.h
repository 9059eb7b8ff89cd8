// ASCII character classes and case for the parsers and the prefilter (locale-free, unlike <cctype>).
#pragma once

#include <string>
#include <string_view>

namespace rulec {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace rulec
