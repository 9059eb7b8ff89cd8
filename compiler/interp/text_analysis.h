// Text helpers of the reference evaluator: lowercasing, UTF-16 length, glob patterns, standard tokenizer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"

namespace rulec::interp {

// Lucene's LowerCaseFilter / the `lowercase` normalizer (Java Character.toLowerCase per code point),
// for ASCII and the one-to-one mappings of the common alphabets (Latin, Greek, Cyrillic, Armenian,
// Georgian, fullwidth). Replaces `out`. Invalid UTF-8 bytes are copied unchanged.
void lowercase(std::string_view in, std::string& out);

// The length of `s` as Java's String.length() counts it (UTF-16 code units): what Elasticsearch
// compares with a keyword field's ignore_above. Invalid bytes count one each.
size_t utf16_length(std::string_view s);

// A pattern flattened for matching: literal bytes, '*' (any sequence, empty and newlines included)
// and '?' (exactly one code point). Built once per query value; matching never allocates.
class Glob {
 public:
  Glob() = default;
  // `lower`: lowercase the literal parts (fields with a lowercase normalizer, text fields).
  // The pattern's case_insensitive flag (ES DSL) makes matching ASCII-case-insensitive, as
  // Elasticsearch's AutomatonQueries.toCaseInsensitiveChar does (code points above 128 stay exact).
  Glob(const kql::Pattern& p, bool lower);
  bool match(std::string_view text) const;
  bool empty() const { return items_.empty(); }

 private:
  std::vector<int> items_;  // >= 0: a byte; kStar; kOne
  bool ascii_ci_ = false;
};

// Elasticsearch's `standard` analyzer (standard tokenizer + lowercase filter) on `text`.
// `buf` receives the lowercased text and `tokens` views into it (both are replaced).
//
// The tokenizer follows the Unicode word-break rules (UAX #29) that Lucene's StandardTokenizer
// implements, simplified:
//  - letters (ASCII letters and every non-ASCII code point not listed below) and ASCII/fullwidth
//    digits form words; letters and digits join (WB9/WB10: "abc123def", "v1");
//  - `_` and the other ExtendNumLet characters join letters, digits and each other (WB13a/b:
//    "__init__", "foo_bar"); a run of only underscores is not a token;
//  - between two letters, `.` `'` `:` U+2019 (and the other MidLetter/MidNumLet characters) join
//    (WB6/WB7: "example.com", "don't", "a:b"); between two digits `.` `,` `;` `'` join
//    (WB11/WB12: "3.14", "1,000", "10.0.0.1"); "v1.2" is one token (digit . digit);
//  - every other character (whitespace, `-`, `/`, `\`, brackets, symbols, emoji) separates words
//    and is dropped ("wi-fi" -> wi, fi);
//  - CJK ideographs and Hiragana are one token per character; Katakana runs form one token;
//  - combining marks and ZWJ/ZWNJ stay with the preceding character;
//  - tokens longer than 255 code points are split every 255 (max_token_length).
// Not modelled: emoji tokens, Hebrew/Thai/other script-specific rules, dictionary segmentation.
void analyze(std::string_view text, std::string& buf, std::vector<std::string_view>& tokens);

}  // namespace rulec::interp
