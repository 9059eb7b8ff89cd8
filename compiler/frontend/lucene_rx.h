// The parsed form of a Lucene RegExp: code-point sets and operators, shared by its Hyperscan printer and its automaton.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rulec::lucene {

// Sorted, disjoint, non-adjacent [lo, hi] code point ranges.
using Ranges = std::vector<std::pair<char32_t, char32_t>>;
constexpr char32_t kMaxCodePoint = 0x10FFFF;

Ranges normalized(Ranges r);               // sorted and merged
Ranges complement(const Ranges& r);        // within [0, kMaxCodePoint]
Ranges ascii_case_closed(const Ranges& r);  // with the other case of every ASCII letter

struct Rx {
  enum class Kind {
    Set,       // one code point of `ranges`
    Eps,       // the empty string: `()`
    Concat,    // kids in order
    Union,     // any kid
    Inter,     // every kid (`&`)
    Compl,     // not kid[0] (`~`)
    Repeat,    // kid[0] min..max times (max < 0: unbounded)
    Group,     // kid[0] in parentheses or quotes (printing only)
    AnyString, // `@`
    Nothing,   // `#`: no string
  };
  Kind kind = Kind::Eps;
  Ranges ranges;
  std::vector<std::unique_ptr<Rx>> kids;
  int min = 0, max = -1;
  std::string text;  // Set, Repeat: its Hyperscan spelling ("" for a Set: printed from `ranges`)
};
using RxPtr = std::unique_ptr<Rx>;

// Does the tree use an operator Hyperscan has no equivalent for (`&`, `~`, `#`)?
bool needs_automaton(const Rx& rx);

// The tree as a Hyperscan expression (UTF-8 mode, DOTALL): for trees without `&`, `~`, `#`.
std::string print_hyperscan(const Rx& rx);

// The language of the tree as a Hyperscan expression built from its minimal-ish automaton
// (derivatives over code-point classes, then state elimination): any tree. `caseless` folds ASCII
// case into every set first (the caller then needs no caseless flag, though one changes nothing).
// Returns false with the reason when the automaton or the expression grows past the caps; sets
// `never` when the language is empty (no expression can say so to Hyperscan).
bool automaton_expression(const Rx& rx, bool caseless, std::string& expression, bool& never, std::string& why);

}  // namespace rulec::lucene
