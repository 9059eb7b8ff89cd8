// Lucene regular expressions (Elasticsearch's regexp query, every optional operator on) -> Hyperscan expressions.
#pragma once

#include <string>
#include <string_view>

namespace rulec {

// The translation of one Lucene RegExp (whole-value match) to a Hyperscan expression for UTF-8
// mode with DOTALL, anchored `\A … \z`. Lucene's syntax, not PCRE's:
//   - `. ? * + {n} {n,} {n,m} | ( ) [ ] [^ ]` as usual, but a quantifier applies to the whole
//     expression before it, so `a+?` is `(a+)?` (not PCRE's lazy `+?`), and `()` is the empty string;
//   - `\c` is the character c for any c, except the classes `\d \D \s \S \w \W`;
//   - `"…"` is a literal string; `@` any string; `^` and `$` are ordinary characters; `{` with no
//     atom before it is an ordinary character, as in Lucene's parser;
//   - the empty regex matches the empty value.
// Operators Hyperscan cannot express give `unsupported` with the reason: `&` (intersection), `~`
// (complement), `#` (the empty language), `<n-m>` (numeric intervals) and `<name>`.
// A malformed regex gives `error` (what Elasticsearch's RegExp parser would reject).
struct RegexTranslation {
  std::string expression;  // set when both reasons are empty
  std::string error;
  std::string unsupported;
  bool ok() const { return error.empty() && unsupported.empty(); }
};

RegexTranslation lucene_regex_to_hyperscan(std::string_view regex);

}  // namespace rulec
