// Typed values for the event synthesizer: its own model of one value test, witnesses and near-miss edits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "diff/synth_rng.h"
#include "runtime/decoder/event.h"

namespace rulec::diff {

// One JSON scalar as it will be written: a string's contents, a number's JSON text as written,
// or "true" / "false" / "null".
struct JVal {
  rt::ValueKind kind = rt::ValueKind::String;
  std::string text;
  bool operator==(const JVal&) const = default;
};

inline JVal jstring(std::string s) { return JVal{rt::ValueKind::String, std::move(s)}; }
inline JVal jnumber(std::string s) { return JVal{rt::ValueKind::Number, std::move(s)}; }
inline JVal jbool(bool b) { return JVal{b ? rt::ValueKind::True : rt::ValueKind::False, b ? "true" : "false"}; }
inline JVal jnull() { return JVal{rt::ValueKind::Null, "null"}; }

// How a field type indexes and compares values (the synthesizer's own, simpler model of
// compiler/semantics/query_values.h: it is NOT the oracle, only a guide for generation).
enum class VClass : uint8_t { String, Text, Numeric, Boolean, Ip, Date };
VClass value_class(FieldType t);

// Does field `info` index `v` (what `f:*` sees)?
bool value_indexed(const FieldInfo& info, const JVal& v);

// Does `v` on a field `info` satisfy the test of `atom` (Is, Range, Exists or FreeText)?
bool value_satisfies(const kql::Node& atom, const FieldInfo& info, const JVal& v, int64_t now_ms);

// A value meant to satisfy `atom` on a field `info` (random choices vary between calls; the
// caller checks it with value_satisfies and retries). Typed as the field type wants (numbers,
// numeric strings, ECS ip and date formats).
JVal witness(const kql::Node& atom, const FieldInfo& info, Rng& rng, int64_t now_ms);

// Some indexed value of the field's type.
JVal any_value(const FieldInfo& info, Rng& rng, int64_t now_ms);

// Near-miss edits of one value. Each returns nullopt when it does not apply to the value.
std::optional<JVal> change_one_char(const JVal& v, const FieldInfo& info, Rng& rng);
std::optional<JVal> change_case(const JVal& v, Rng& rng);
// A value just outside the range bound of `atom` (a Range node), or next to an equality value.
std::optional<JVal> cross_bound(const kql::Node& atom, const FieldInfo& info, int64_t now_ms);

// The text of a query value: typed literals by their word, patterns with their wildcards.
std::string literal_text(const kql::Value& v);
// A KQL wildcard on a text field, split on whitespace as query_string does (ES DSL patterns stay whole).
std::vector<kql::Pattern> text_pieces(const kql::Pattern& p);

// The first `n` bytes of `s`, fewer when byte n is inside a UTF-8 sequence (never cuts a character).
inline std::string utf8_prefix(std::string_view s, size_t n) {
  if (n >= s.size()) return std::string(s);
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// Lowercase ASCII letters only (the synthesizer never relies on non-ASCII case mappings).
std::string ascii_lower(std::string_view s);
// A pattern's text with `*` filled with random text and `?` with one character; `flip_case`
// changes the case of some ASCII letters of the literal parts.
std::string instantiate(const kql::Pattern& p, Rng& rng, bool flip_case);

}  // namespace rulec::diff
