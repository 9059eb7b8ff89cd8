// Compile-time diagnostics as data: a stable code, a position, a message, and a caret rendering.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

// Position inside one source text (a query, a file). Line and column are 1-based; column counts
// Unicode code points; offset is the byte offset. A zero line means "no position".
struct SourcePos {
  uint32_t offset = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  bool known() const { return line != 0; }
  bool operator==(const SourcePos&) const = default;
};

enum class Severity : uint8_t { Error, Warning, Note };

// Stable diagnostic codes. Never renumber; add new ones at the end of their group.
//   KQL1xx  syntax            KQL2xx  semantic (schema/type)
//   RUL3xx  rule files        SCH4xx  schema files
//   EQL1xx  EQL syntax        EQL2xx  EQL semantic (schema/type/functions)
namespace diag {
inline constexpr std::string_view kSyntax = "KQL100";          // generic syntax error
inline constexpr std::string_view kBadEscape = "KQL101";       // backslash before a non-escapable char
inline constexpr std::string_view kUnterminatedQuote = "KQL102";
inline constexpr std::string_view kTooDeep = "KQL103";         // nesting beyond the limit
inline constexpr std::string_view kTooLong = "KQL104";         // query beyond the size limit
inline constexpr std::string_view kBadUtf8 = "KQL105";
inline constexpr std::string_view kNumericValue = "KQL200";    // non-numeric value on numeric field
inline constexpr std::string_view kNumericWildcard = "KQL201";
inline constexpr std::string_view kIpWildcard = "KQL202";
inline constexpr std::string_view kIpValue = "KQL203";
inline constexpr std::string_view kBooleanValue = "KQL204";
inline constexpr std::string_view kDateValue = "KQL205";
inline constexpr std::string_view kWildcardSpaces = "KQL206";  // warning: query_string splits it
inline constexpr std::string_view kRangeType = "KQL207";
inline constexpr std::string_view kNullValue = "KQL208";        // f:null (Elasticsearch rejects a null match)
inline constexpr std::string_view kUnknownField = "KQL209";     // warning: field in no loaded schema, close to one that is
inline constexpr std::string_view kRuleFile = "RUL300";        // unreadable / malformed file
inline constexpr std::string_view kRuleField = "RUL301";       // missing or mistyped rule key
inline constexpr std::string_view kRuleFilter = "RUL302";      // unsupported ES DSL filter
inline constexpr std::string_view kRuleException = "RUL303";   // bad exception item
inline constexpr std::string_view kUnsupported = "RUL310";     // rule type/language not run
inline constexpr std::string_view kOverLimit = "RUL311";       // rule over a compile limit (left out)
inline constexpr std::string_view kCostly = "RUL312";          // estimated per-event cost over the threshold
inline constexpr std::string_view kSchemaFile = "SCH400";
inline constexpr std::string_view kEqlSyntax = "EQL100";       // generic EQL syntax error
inline constexpr std::string_view kEqlBadEscape = "EQL101";    // a \u escape naming NUL, a surrogate, bad digits
inline constexpr std::string_view kEqlUnsupported = "EQL102";  // syntax Elasticsearch refuses (join, f[0], pipes)
inline constexpr std::string_view kEqlTooDeep = "EQL103";
inline constexpr std::string_view kEqlTooLong = "EQL104";
inline constexpr std::string_view kEqlBadUtf8 = "EQL105";
inline constexpr std::string_view kEqlStructure = "EQL106";    // sequence/sample rules: maxspan, runs, keys
inline constexpr std::string_view kEqlNotConstant = "EQL200";  // a field or expression where a constant is needed
inline constexpr std::string_view kEqlType = "EQL201";         // operand type the operator or field cannot take
inline constexpr std::string_view kEqlFunction = "EQL202";     // unknown function, wrong arity or argument
inline constexpr std::string_view kEqlRegex = "EQL203";        // invalid regular expression
inline constexpr std::string_view kEqlUnknownField = "EQL204"; // a field in no loaded schema (not `?f`)
}  // namespace diag

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;               // one of diag::k*
  SourcePos pos;                  // inside `source` (the query text), when known
  std::string message;            // one sentence, no trailing newline
  std::string offending;          // the offending text, when there is one
  std::vector<std::string> expected;  // what the parser expected there, when known
};

// "error[KQL100]: line L, column C: message" (no "line.." part without a position), then, when
// the position is known and `source` is given, the source line and a caret under the column.
std::string render(const Diagnostic& d, std::string_view source);

// A value as shown inside a one-line message: control characters escaped (\n, \t, \xNN) and
// anything past `max_chars` bytes cut with "...".
std::string printable(std::string_view value, size_t max_chars = 120);

// Line and column of a byte offset inside `source` (columns count code points).
SourcePos position_of(std::string_view source, uint32_t offset);

}  // namespace rulec
