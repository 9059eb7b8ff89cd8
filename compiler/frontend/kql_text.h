// Character-level KQL helpers shared by the parser and the printer: UTF-8, whitespace, unescaping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"

namespace rulec::kql::text {

// Kibana's `Space`: space, tab, CR, LF and NBSP (whitespace around tokens and keywords).
inline bool is_kql_space(char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0; }

// What JavaScript's String.prototype.trim removes (Kibana trims unquoted literals with it):
// tab, LF, VT, FF, CR, space, NBSP, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000 and U+FEFF.
bool is_js_space(char32_t c);

// Decodes the code point starting at s[i] (s must be valid UTF-8) and advances i past it.
char32_t decode(std::string_view s, size_t& i);
// Appends the UTF-8 encoding of c (a surrogate or a value beyond U+10FFFF becomes U+FFFD).
void encode(std::string& out, char32_t c);

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and values beyond
// U+10FFFF are invalid), or nullopt when `s` is valid. `ascii` tells whether every byte is < 0x80.
std::optional<size_t> find_invalid_utf8(std::string_view s, bool* ascii = nullptr);

// The text of a quoted string token (quotes included) with Kibana's escapes resolved: \" \\ \t
// \r \n \uXXXX; any other backslash stays as written.
std::string unquote(std::string_view token);

// An unquoted literal as written (escapes, `*`, inner whitespace), unescaped into a Pattern:
// every unescaped `*` is a wildcard marker, then the result is trimmed (JavaScript trim) at both
// ends. The text must consist of what the lexer accepts in an unquoted literal.
Pattern unescape_unquoted(std::string_view raw);

// Line/column of increasing byte offsets in one text in amortised O(1) per call (a smaller offset
// than the previous one restarts from the beginning). Same numbering as rulec::position_of.
class PosCursor {
 public:
  explicit PosCursor(std::string_view src) : src_(src) {}
  SourcePos at(size_t offset);

 private:
  std::string_view src_;
  SourcePos cur_{0, 1, 1};
};

}  // namespace rulec::kql::text
