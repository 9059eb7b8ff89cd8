// The raw-line prefilter: one Hyperscan literal scan of an event's JSON text names the rules that can match it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/eval/evaluator.h"

struct hs_database;
struct hs_scratch;

namespace rulec::rt {

// What the compiler proved (its optimizer's prefilter pass): for each rule, a set of byte
// literals one of which occurs in the JSON text of every event the rule matches, unless the text
// hides characters behind escapes. The literals are in their JSON-escaped form (`"` as \", `\` as
// \\, control characters as \n, \t... or \u00XX), so that they are found in the text as written.
//
// Sound by construction: a rule without literals (`always`) is a candidate of every line, and a
// line whose text could hide a literal is a candidate of every rule:
// - a \u escape or an escaped solidus (\/) outside an escaped backslash: any character may be
//   written so;
// - any byte >= 0x80 when some literal is caseless: Java's lowercase maps non-ASCII code points to
//   ASCII letters (KELVIN SIGN to k, dotted capital I to i), and Hyperscan's caseless mode is ASCII.
struct PrefilterSpec {
  struct Literal {
    std::string bytes;            // as written in JSON text (escaped)
    bool caseless = false;        // ASCII case-insensitive
    std::vector<uint32_t> rules;  // the rules it is a literal of (sorted)
  };
  bool enabled = false;            // false: no prefilter (every line goes to every rule)
  uint32_t rule_count = 0;
  std::vector<Literal> literals;
  std::vector<uint32_t> always;    // rules without a literal: candidates of every line (sorted)
};

class LinePrefilter {
 public:
  // nullptr with `error` when the spec is inconsistent (a rule out of range, an empty literal) or
  // Hyperscan refuses it; nullptr without error when the spec is not enabled.
  static std::unique_ptr<LinePrefilter> create(const PrefilterSpec& spec, std::string& error);
  // Another prefilter on the same database (read-only, shared) with scratch of its own: one per
  // thread. nullptr with `error` when the scratch cannot be allocated.
  std::unique_ptr<LinePrefilter> share(std::string& error) const;
  ~LinePrefilter();
  LinePrefilter(const LinePrefilter&) = delete;
  LinePrefilter& operator=(const LinePrefilter&) = delete;

  // Can any rule match the event written as `line`? (The first literal found ends the scan.)
  bool any(std::string_view line);
  // May `line` be left undecoded? No rule can match it, and it is shaped as one JSON object
  // (`{` ... `}`, blanks aside): a line that is not (pretty-printed JSON, an array, binary data, a
  // truncated write) is decoded, so that it is still reported. Its content is not validated.
  bool passes_over(std::string_view line);
  // The rules that can match it: `out` (sized to the rule count) gets their bits; the rest cleared.
  void candidates(std::string_view line, RuleBits& out);
  // Was the last scan's line one whose escapes or bytes could hide a literal (every rule a candidate)?
  bool fell_back() const { return fell_back_; }
  const PrefilterSpec& spec() const { return spec_; }

 private:
  LinePrefilter() = default;
  bool could_hide(std::string_view line) const;  // a hiding escape, or non-ASCII with caseless literals
  PrefilterSpec spec_;
  std::shared_ptr<hs_database> db_;
  hs_scratch* scratch_ = nullptr;
  bool always_any_ = false;  // some rule has no literal
  bool caseless_ = false;    // some literal is caseless
  bool fell_back_ = false;
};

}  // namespace rulec::rt
