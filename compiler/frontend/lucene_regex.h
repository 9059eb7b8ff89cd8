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
//   - `<n-m>` is the decimal numbers n..m (zero padded to one width when n and m are written
//     with as many digits, otherwise with any number of leading zeros).
// Operators Hyperscan has no equivalent for, `&` (intersection), `~` (complement) and `#` (the
// empty language), are compiled by us: the regex becomes an automaton (lucene_automaton.cpp) whose
// language is then written as an expression Hyperscan takes; `case_insensitive` (regex~) folds
// ASCII case into that automaton. Such a regex is `unsupported` only when its automaton grows past
// the caps; `<name>` (named automata) is unsupported. A regex whose language is empty sets `never`
// (no expression: the test is false for every value).
// A malformed regex gives `error` (what Elasticsearch's RegExp parser would reject).
struct RegexTranslation {
  std::string expression;  // set when both reasons are empty and `never` is false
  std::string error;
  std::string unsupported;
  bool never = false;
  bool ok() const { return error.empty() && unsupported.empty(); }
};

RegexTranslation lucene_regex_to_hyperscan(std::string_view regex, bool case_insensitive = false);

}  // namespace rulec
