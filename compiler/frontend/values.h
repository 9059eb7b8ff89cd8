// Typed query values read the way Elasticsearch reads them: numbers, CIDR blocks, booleans (IP addresses, dates and date math: runtime/common).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/schema.h"
#include "runtime/common/date_math.h"
#include "runtime/common/dates.h"
#include "runtime/common/typed_values.h"

namespace rulec {

// ---------------------------------------------------------------------------------------------
// Numbers. Elasticsearch reads a numeric query value (`match`/`term`/`range` on a numeric field,
// which is what Kibana sends for `f:v` and `f < v`) with Java's Double.parseDouble: surrounding
// characters <= U+0020 are trimmed, then an optional sign, decimal digits with an optional point and
// exponent, an optional f/F/d/D suffix, or "NaN"/"Infinity". So `number:"1"` and `number:1.0e0`
// match 1. Hexadecimal floats (Java accepts "0x1p3") are not accepted here: such values are
// reported as errors rather than silently matched.

std::optional<double> parse_double(std::string_view text);

// What one numeric query value does on a field of a numeric type (NumberFieldMapper.termQuery /
// rangeQuery, read from the Elasticsearch source):
//   Error      Elasticsearch rejects the value and the whole search fails (not a number; for range
//              bounds also out of the type's range; for long fields also not BigDecimal syntax).
//   MatchNone  valid but can never match: a decimal part on an integer type (`pid:1.5`), a value
//              out of the type's range, a non-finite value on a floating type.
//   Value      compare with `i` when is_int (byte/short/integer/long/unsigned_long), else with `d`.
enum class NumericOutcome : uint8_t { Value, MatchNone, Error };

struct NumericTerm {
  NumericOutcome outcome = NumericOutcome::Error;
  bool is_int = false;
  int64_t i = 0;
  double d = 0;        // for float/half_float fields: the value rounded to float, as Elasticsearch queries it
  std::string reason;  // for MatchNone and Error: a short phrase ("has a decimal part")
};

// Equality (`f:v`) on a numeric field. Non-numeric `type`s give Error.
NumericTerm numeric_term(FieldType type, std::string_view text);

// One range bound (`f > v` ...) turned into an INCLUSIVE bound: for Gt/Ge the lowest matching
// value, for Lt/Le the highest. Integer types follow longRangeQuery: a bound with a decimal part
// is rounded inward (`pid > 1.5` is `pid >= 2`, `pid < -1.5` is `pid <= -2`); floating types step
// to the next representable value for Gt/Lt. MatchNone when no value can satisfy the bound.
NumericTerm numeric_range_bound(FieldType type, kql::RangeOp op, std::string_view text);

// ---------------------------------------------------------------------------------------------
// IP addresses are read by parse_ip (runtime/common/typed_values.h: InetAddresses.forString, the
// 16-byte form, so "::ffff:10.0.0.1" and "10.0.0.1" are the same address).
// `addr/prefix` (InetAddresses.parseCidr): prefix 0-32 for IPv4, 0-128 for IPv6; host bits may be
// set (they are ignored); an IPv4-mapped address written in IPv6 form is rejected, as in Elasticsearch.
std::optional<Cidr> parse_cidr(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Dates: DateUnit, ParsedDate and parse_date (the default date format) live in
// runtime/common/dates.h; date math and date query intervals in runtime/common/date_math.h, both
// shared with the runtime.

// ---------------------------------------------------------------------------------------------
// Booleans: exactly "true" or "false" (BooleanFieldMapper.indexedValueForSearch). Anything else,
// including "" (which old Elasticsearch versions read as false), "True" and "1", fails the search.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace rulec
