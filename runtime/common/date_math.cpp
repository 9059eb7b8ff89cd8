// Date math and date query intervals (JavaDateMathParser, DateFieldType.rangeQuery), shared by the compiler and the runtime.
#include "runtime/common/date_math.h"

#include <algorithm>
#include <limits>

#include "runtime/common/ascii.h"

namespace rulec {

namespace {

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

constexpr int64_t kMaxYear = 200000000;  // keeps every millisecond count inside int64

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Civil {
  int64_t y = 1970;
  unsigned m = 1, d = 1;
  int64_t tod = 0;  // milliseconds into the day
};

Civil civil_from_ms(int64_t ms) {
  int64_t z = floor_div(ms, kDayMs);
  Civil c;
  c.tod = ms - z * kDayMs;
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.m = mp < 10 ? mp + 3 : mp - 9;
  c.y = static_cast<int64_t>(yoe) + era * 400 + (c.m <= 2);
  return c;
}

std::optional<int64_t> ms_from_civil(const Civil& c) {
  if (c.y > kMaxYear || c.y < -kMaxYear) return std::nullopt;
  return days_from_civil(c.y, c.m, c.d) * kDayMs + c.tod;
}

// ZonedDateTime.plusMonths: the day of month is clamped to the new month's length.
std::optional<int64_t> add_months(int64_t ms, int64_t months) {
  Civil c = civil_from_ms(ms);
  if (months > 12 * kMaxYear || months < -12 * kMaxYear) return std::nullopt;
  const int64_t total = c.y * 12 + (c.m - 1) + months;
  c.y = floor_div(total, 12);
  c.m = static_cast<unsigned>(total - c.y * 12) + 1;
  c.d = std::min(c.d, days_in_month(c.y, c.m));
  return ms_from_civil(c);
}

std::optional<int64_t> add_ms(int64_t ms, int64_t n, int64_t unit) {
  int64_t delta = 0, out = 0;
  if (__builtin_mul_overflow(n, unit, &delta) || __builtin_add_overflow(ms, delta, &out)) return std::nullopt;
  if (out > kMaxYear * 366 * kDayMs || out < -kMaxYear * 366 * kDayMs) return std::nullopt;
  return out;
}

std::optional<int64_t> apply_date_math(std::string_view math, int64_t t, bool round_up) {
  size_t i = 0;
  while (i < math.size()) {
    const char c = math[i++];
    const bool round = c == '/';
    int64_t sign = 1;
    if (c == '-') sign = -1;
    else if (c != '+' && c != '/') return std::nullopt;  // "operator not supported"
    if (i >= math.size()) return std::nullopt;            // "truncated date math"
    int64_t num = 1;
    if (is_digit(math[i])) {
      num = 0;
      while (i < math.size() && is_digit(math[i])) {
        num = num * 10 + (math[i++] - '0');
        if (num > std::numeric_limits<int32_t>::max()) return std::nullopt;  // Integer.parseInt
      }
      if (i >= math.size()) return std::nullopt;
    }
    if (round && num != 1) return std::nullopt;  // "rounding `/` can only be used on single unit types"
    const int64_t n = sign * num;
    std::optional<int64_t> next;
    switch (math[i++]) {
      case 'y':
      case 'M': {
        const int64_t months = math[i - 1] == 'y' ? 12 : 1;
        if (round) {
          Civil cv = civil_from_ms(t);
          if (months == 12) cv.m = 1;
          cv.d = 1;
          cv.tod = 0;
          next = ms_from_civil(cv);
          if (next && round_up) next = add_months(*next, months);
        } else {
          next = add_months(t, months * n);
        }
        break;
      }
      case 'w':
        if (round) {
          const int64_t day = floor_div(t, kDayMs);
          const int64_t since_monday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
          next = (day - since_monday) * kDayMs;
          if (round_up) next = add_ms(*next, 7, kDayMs);
        } else {
          next = add_ms(t, n, 7 * kDayMs);
        }
        break;
      case 'd':
      case 'h':
      case 'H':
      case 'm':
      case 's': {
        const char u = math[i - 1];
        const int64_t unit = u == 'd' ? kDayMs : (u == 'm' ? 60000 : (u == 's' ? 1000 : 3600000));
        if (round) {
          next = floor_div(t, unit) * unit;
          if (round_up) next = add_ms(*next, 1, unit);
        } else {
          next = add_ms(t, n, unit);
        }
        break;
      }
      default:
        return std::nullopt;  // "unit not supported for date math"
    }
    if (!next) return std::nullopt;
    t = *next;
    if (round && round_up) --t;  // the last millisecond of the rounded unit
  }
  return t;
}

}  // namespace

std::optional<int64_t> parse_date_math(std::string_view text, int64_t now_ms, bool round_up) {
  if (text.substr(0, 3) == "now") return apply_date_math(text.substr(3), now_ms, round_up);
  const size_t bars = text.find("||");
  if (bars == std::string_view::npos) {
    auto d = parse_date(text);
    if (!d) return std::nullopt;
    return round_up ? d->round_up_ms : d->ms;
  }
  auto d = parse_date(text.substr(0, bars));
  if (!d) return std::nullopt;
  return apply_date_math(text.substr(bars + 2), d->ms, round_up);
}

std::optional<DateInterval> date_equality(std::string_view text, int64_t now_ms) {
  auto lo = parse_date_math(text, now_ms, false);
  auto hi = parse_date_math(text, now_ms, true);
  if (!lo || !hi) return std::nullopt;
  return DateInterval{*lo, *hi};
}

std::optional<DateInterval> date_range_bound(RangeOp op, std::string_view text, int64_t now_ms) {
  const bool round_up = op == RangeOp::Gt || op == RangeOp::Le;
  auto v = parse_date_math(text, now_ms, round_up);
  if (!v) return std::nullopt;
  DateInterval r;
  switch (op) {
    case RangeOp::Gt:
      if (*v == kI64Max) return DateInterval{1, 0};
      r.lo = *v + 1;
      break;
    case RangeOp::Ge: r.lo = *v; break;
    case RangeOp::Lt:
      if (*v == kI64Min) return DateInterval{1, 0};
      r.hi = *v - 1;
      break;
    case RangeOp::Le: r.hi = *v; break;
  }
  return r;
}

}  // namespace rulec
