// UTF-8 decoding and encoding, and the simple lowercase mapping shared by the front end and evaluators.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rulec {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// The code point at s[i]; `n` gets its length in bytes. An invalid or truncated sequence reads as
// U+FFFD of length 1, so every byte is consumed exactly once.
char32_t utf8_decode(std::string_view s, size_t i, size_t& n);

// Appends `c` as UTF-8 (surrogates and values past U+10FFFF become U+FFFD).
void utf8_encode(char32_t c, std::string& out);

// Java's Character.toLowerCase for ASCII and the one-to-one mappings of the common alphabets
// (Latin, Greek, Cyrillic, Armenian, Georgian, full-width); other code points are unchanged.
char32_t simple_lower(char32_t c);

// `out` = `s` with every code point lowercased by simple_lower; invalid bytes are kept as they
// are. `out` is cleared first and reused (no allocation once it is large enough).
void utf8_lower(std::string_view s, std::string& out);

// The length of `s` as Java's String.length() counts it (UTF-16 code units): what Elasticsearch
// compares with a keyword field's ignore_above. Invalid bytes count one each.
size_t utf16_length(std::string_view s);

}  // namespace rulec
