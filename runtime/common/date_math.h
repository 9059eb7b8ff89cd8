// Date math and date query intervals (JavaDateMathParser, DateFieldType.rangeQuery), shared by the compiler and the runtime.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "runtime/common/dates.h"
#include "runtime/common/field_types.h"

namespace rulec {

// A date-math expression as JavaDateMathParser reads it: `now` or `<date>||` followed by any number of
// `+N<unit>`, `-N<unit>`, `/<unit>` (N defaults to 1; units y M w d h H m s; rounding happens in UTC),
// or a plain date. With round_up, a plain date uses its round_up_ms and each `/unit` rounds to the
// last millisecond of the unit; without, to the first. The date before `||` is never rounded up.
std::optional<int64_t> parse_date_math(std::string_view text, int64_t now_ms, bool round_up);

// Inclusive millisecond interval; empty when lo > hi.
struct DateInterval {
  int64_t lo = INT64_MIN;
  int64_t hi = INT64_MAX;
  bool empty() const { return lo > hi; }
};

// `f:v` on a date field: Kibana sends range {gte: v, lte: v}, so the interval runs from v rounded down
// to v rounded up (`f:2010-03-06` is that whole day, `f:now/d` today).
std::optional<DateInterval> date_equality(std::string_view text, int64_t now_ms);

// `f < v` etc. (DateFieldType.rangeQuery): gt rounds up then excludes, gte rounds down, lt rounds down
// then excludes, lte rounds up. So `f > 2014-11-18||/M` starts at 2014-12-01, `f < now/d` ends
// yesterday at 23:59:59.999.
std::optional<DateInterval> date_range_bound(RangeOp op, std::string_view text, int64_t now_ms);

}  // namespace rulec
