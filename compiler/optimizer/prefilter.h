// The raw-line prefilter of a sealed plan: per rule, byte literals one of which every event it matches contains.
#pragma once

#include <string>
#include <vector>

#include "compiler/optimizer/plan.h"
#include "runtime/eval/line_prefilter.h"

namespace rulec::plan {

// Per rule, what the prefilter knows: its literals (as written in JSON text), or why it has none.
struct RulePrefilter {
  std::vector<std::string> literals;  // escaped; caseless ones shown as `i"..."` by explain
  std::vector<bool> caseless;
  std::string why_none;               // empty when it has literals
};

struct Prefilter {
  rt::PrefilterSpec spec;
  std::vector<RulePrefilter> rules;
};

// A literal set is derived bottom-up over the DAG (a necessary condition of each expression):
// - a string atom: its literal, JSON-escaped; caseless for lowercase normalizers and
//   case-insensitive tests; wildcard patterns give their longest literal piece;
// - number, ip, boolean, range, exists, on-demand (text, dates, nested...) and negated tests: none;
// - `and`: the child's set of least estimated cost, the share of lines it lets through plus the
//   scan's cost per literal (the share from the literals' lengths; a literal of an enumerated field
//   such as event.category, or found in a field name (`exec` in `executable`), is in most lines);
//   none only when no child has one;
// - `or`: the union of its children's sets; none when one child has none (or over 64 literals).
// A rule without a set is always a candidate. The spec is enabled when some rule has literals.
// `field_names`: the schema's field paths (their dot-separated words are in every event's text).
Prefilter build_prefilter(const Plan& plan, const std::vector<std::string>& field_names = {});

// `s` as it appears inside a JSON string written with the usual escapes (nlohmann's): \" \\ \b \f
// \n \r \t, other control characters as \u00XX (lowercase hex), everything else as is.
std::string json_escaped(std::string_view s);

}  // namespace rulec::plan
