// Text helpers shared by the reference evaluator and the runtime: lowercasing, glob patterns, standard tokenizer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/common/utf8.h"

namespace rulec {

// Lucene's LowerCaseFilter / the `lowercase` normalizer (Java Character.toLowerCase per code point),
// for ASCII and the one-to-one mappings of the common alphabets (Latin, Greek, Cyrillic, Armenian,
// Georgian, fullwidth). Replaces `out`. Invalid UTF-8 bytes are copied unchanged.
void lowercase(std::string_view in, std::string& out);

// A pattern flattened for matching: literal bytes, '*' (any sequence, empty and newlines included)
// and '?' (exactly one code point). Built once per query value; matching never allocates.
class Glob {
 public:
  Glob() = default;
  // `lower`: lowercase the literal parts (fields with a lowercase normalizer, text fields).
  // The pattern's case_insensitive flag (ES DSL) makes matching ASCII-case-insensitive, as
  // Elasticsearch's AutomatonQueries.toCaseInsensitiveChar does (code points above 128 stay exact).
  Glob(const std::vector<std::string>& segments, std::string_view wildcards, bool case_insensitive, bool lower);
  // Any pattern with `segments`, `wildcards` and `case_insensitive` (kql::Pattern).
  template <class P>
  Glob(const P& p, bool lower) : Glob(p.segments, p.wildcards, p.case_insensitive, lower) {}
  // From its flattened items (as items() gives them); nullopt when an item is not a byte or a wildcard.
  static std::optional<Glob> from_items(std::vector<int> items, bool ascii_ci);
  bool match(std::string_view text) const;
  bool empty() const { return items_.empty(); }
  const std::vector<int>& items() const { return items_; }
  bool ascii_ci() const { return ascii_ci_; }
  static constexpr int kStar = -1, kOne = -2;

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

}  // namespace rulec
