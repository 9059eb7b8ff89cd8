// Typed query values read the way Elasticsearch reads them: numbers, IPs and CIDRs, dates and date math, booleans.
#include "compiler/frontend/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace rulec {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();

NumericTerm numeric_error(const char* why) { return {NumericOutcome::Error, false, 0, 0, why}; }
NumericTerm numeric_none(const char* why) { return {NumericOutcome::MatchNone, false, 0, 0, why}; }
NumericTerm numeric_int(int64_t v) { return {NumericOutcome::Value, true, v, static_cast<double>(v), {}}; }
NumericTerm numeric_double(double v) { return {NumericOutcome::Value, false, 0, v, {}}; }

// Inclusive limits of the small integer types.
bool int_limits(FieldType t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case FieldType::Byte: lo = -128; hi = 127; return true;
    case FieldType::Short: lo = -32768; hi = 32767; return true;
    case FieldType::Integer: lo = std::numeric_limits<int32_t>::min(); hi = std::numeric_limits<int32_t>::max(); return true;
    default: return false;
  }
}

// Java's (long) cast of a double: truncation toward zero, NaN -> 0, saturating.
int64_t java_long(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return kI64Max;
  if (d <= -9223372036854775808.0) return kI64Min;
  return static_cast<int64_t>(d);
}

// longRangeQuery's rounding of a bound `v` (already truncated toward zero) read from `n`.
NumericTerm adjust_int_bound(int64_t v, const Number& n, bool lower, bool inclusive, int64_t lo, int64_t hi) {
  const bool frac = n.has_fraction;
  if (lower) {
    if ((!frac && !inclusive) || (frac && n.d > 0)) {
      if (v >= hi) return numeric_none("is at the top of the field's range");
      ++v;
    }
  } else {
    if ((!frac && !inclusive) || (frac && n.d < 0)) {
      if (v <= lo) return numeric_none("is at the bottom of the field's range");
      --v;
    }
  }
  return numeric_int(v);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Numbers

NumType num_type_of(FieldType t) {
  switch (t) {
    case FieldType::Byte: return NumType::Byte;
    case FieldType::Short: return NumType::Short;
    case FieldType::Integer: return NumType::Integer;
    case FieldType::Long: return NumType::Long;
    case FieldType::UnsignedLong: return NumType::UnsignedLong;
    case FieldType::Float: return NumType::Float;
    case FieldType::HalfFloat: return NumType::HalfFloat;
    default: return NumType::Double;
  }
}

std::optional<double> parse_double(std::string_view text) {
  auto n = parse_number(text);
  if (!n) return std::nullopt;
  return n->d;
}

NumericTerm numeric_term(FieldType type, std::string_view text) {
  auto n = parse_number(text);
  if (!n) return numeric_error("is not a number");
  int64_t lo = 0, hi = 0;
  if (int_limits(type, lo, hi)) {
    if (n->has_fraction) return numeric_none("has a decimal part");
    if (!(n->d >= static_cast<double>(lo) && n->d <= static_cast<double>(hi))) return numeric_none("is out of the field's range");
    return numeric_int(java_long(n->d));
  }
  switch (type) {
    case FieldType::Long:
    case FieldType::UnsignedLong:
      if (n->has_fraction) return numeric_none("has a decimal part");
      if (!n->plain) return numeric_error("is not a plain decimal number");  // BigDecimal rejects it
      if (type == FieldType::UnsignedLong) {
        if (n->d < 0) return numeric_none("is negative");
        if (n->int_overflow) {
          if (n->d >= 18446744073709551616.0) return numeric_none("is out of the field's range");
          return numeric_double(n->d);
        }
        return numeric_int(n->i);
      }
      if (n->int_overflow) return numeric_none("is out of the field's range");
      return numeric_int(n->i);
    case FieldType::Double:
    case FieldType::ScaledFloat:  // the scaling factor is not in the schema: compared as a double
      if (!std::isfinite(n->d)) return numeric_none("is not finite");
      return numeric_double(n->d);
    case FieldType::Float:
    case FieldType::HalfFloat: {
      const float f = static_cast<float>(n->d);
      if (!std::isfinite(f)) return numeric_none("is not finite");
      return numeric_double(static_cast<double>(f));
    }
    default:
      return numeric_error("is not on a numeric field");
  }
}

NumericTerm numeric_range_bound(FieldType type, kql::RangeOp op, std::string_view text) {
  const bool lower = op == kql::RangeOp::Gt || op == kql::RangeOp::Ge;
  const bool inclusive = op == kql::RangeOp::Ge || op == kql::RangeOp::Le;
  auto n = parse_number(text);
  if (!n) return numeric_error("is not a number");
  int64_t lo = 0, hi = 0;
  if (int_limits(type, lo, hi)) {
    // INTEGER.parse(value, coerce=true): out of the int range throws; byte and short use it too.
    if (n->d < static_cast<double>(std::numeric_limits<int32_t>::min()) ||
        n->d > static_cast<double>(std::numeric_limits<int32_t>::max()))
      return numeric_error("is out of range for an integer");
    return adjust_int_bound(java_long(n->d), *n, lower, inclusive, std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int32_t>::max());
  }
  switch (type) {
    case FieldType::Long:
    case FieldType::UnsignedLong:
      // objectToLong(value, coerce=true): the double must be in range, then Numbers.toLong parses
      // the text exactly (BigDecimal) and truncates toward zero.
      if (n->d < -9223372036854775808.0 || (type == FieldType::Long && n->d > 9223372036854775807.0))
        return numeric_error("is out of range for a long");
      if (!n->plain) return numeric_error("is not a plain decimal number");
      if (n->int_overflow) {
        if (type == FieldType::Long) return numeric_error("is out of range for a long");
        if (lower) return numeric_double(n->d);
        return numeric_int(kI64Max);  // approximation: unsigned values above 2^63 are rare
      }
      return adjust_int_bound(n->i, *n, lower, inclusive, kI64Min, kI64Max);
    case FieldType::Double:
    case FieldType::ScaledFloat: {
      double d = n->d;
      if (!inclusive) d = std::nextafter(d, lower ? kInf : -kInf);
      return numeric_double(d);
    }
    case FieldType::Float:
    case FieldType::HalfFloat: {
      float f = static_cast<float>(n->d);
      if (!inclusive) f = std::nextafter(f, lower ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity());
      return numeric_double(static_cast<double>(f));
    }
    default:
      return numeric_error("is not on a numeric field");
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses

std::optional<Cidr> parse_cidr(std::string_view text) {
  // Java's String.split("/"): trailing empty parts are dropped; exactly two parts must remain.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  if (parts.size() != 2) return std::nullopt;
  auto ip = parse_ip(parts[0]);
  if (!ip) return std::nullopt;
  const bool v6_text = parts[0].find(':') != std::string_view::npos;
  if (v6_text && ip->is_v4()) return std::nullopt;  // IPv6-mapped IPv4 with a prefix is ambiguous
  // Integer.parseInt: optional sign, digits.
  std::string_view num = parts[1];
  if (!num.empty() && num[0] == '+') num.remove_prefix(1);
  int64_t prefix = -1;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), prefix);
  if (ec != std::errc() || ptr != num.data() + num.size()) return std::nullopt;
  const int64_t max = v6_text ? 128 : 32;
  if (prefix < 0 || prefix > max) return std::nullopt;
  Cidr c;
  c.prefix = static_cast<uint8_t>(v6_text ? prefix : prefix + 96);
  c.addr = *ip;
  for (unsigned bit = c.prefix; bit < 128; ++bit) c.addr.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return c;
}

// ---------------------------------------------------------------------------------------------
// Dates

namespace {

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

std::optional<DateInterval> date_range_bound(kql::RangeOp op, std::string_view text, int64_t now_ms) {
  const bool round_up = op == kql::RangeOp::Gt || op == kql::RangeOp::Le;
  auto v = parse_date_math(text, now_ms, round_up);
  if (!v) return std::nullopt;
  DateInterval r;
  switch (op) {
    case kql::RangeOp::Gt:
      if (*v == kI64Max) return DateInterval{1, 0};
      r.lo = *v + 1;
      break;
    case kql::RangeOp::Ge: r.lo = *v; break;
    case kql::RangeOp::Lt:
      if (*v == kI64Min) return DateInterval{1, 0};
      r.hi = *v - 1;
      break;
    case kql::RangeOp::Le: r.hi = *v; break;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Booleans

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

}  // namespace rulec
