// ASCII character classes for the parsers of dates, numbers and date math (locale-free, unlike <cctype>).
#pragma once

namespace rulec {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace rulec
