// Rewrites of an event's JSON text that keep it valid JSON: escapes, case, whitespace (prefilter proof material).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::diff {

enum class Rewrite : uint8_t {
  UnicodeEscapes,  // some ASCII characters of strings (keys and values) written as \u00XX
  SolidusEscapes,  // every '/' inside strings written as \/
  ValueCase,       // the case of some ASCII letters of string values flipped (keys kept)
  Whitespace,      // spaces, tabs and CRs after structural characters
  NonAscii,        // a string value gets a non-ASCII character appended (é, or the KELVIN SIGN)
};
inline constexpr Rewrite kRewrites[] = {Rewrite::UnicodeEscapes, Rewrite::SolidusEscapes, Rewrite::ValueCase,
                                        Rewrite::Whitespace, Rewrite::NonAscii};
const char* to_string(Rewrite r);

// `json` (one valid JSON document) rewritten; the same seed gives the same text. A rewrite that
// finds nothing to change returns the text unchanged.
std::string rewrite_json(std::string_view json, Rewrite how, uint64_t seed);

}  // namespace rulec::diff
