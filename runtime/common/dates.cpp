// Date parsing shared by the compiler and the runtime: Elasticsearch's default date format and event times.
#include "runtime/common/dates.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "runtime/common/ascii.h"

namespace rulec {

namespace {

// Reads exactly `width` digits at `p`.
bool read_digits(std::string_view s, size_t& p, size_t width, int64_t& out) {
  if (p + width > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < width; ++k) {
    if (!is_digit(s[p + k])) return false;
    out = out * 10 + (s[p + k] - '0');
  }
  p += width;
  return true;
}

std::optional<ParsedDate> parse_epoch_millis(std::string_view s) {
  size_t p = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) ++p;
  const size_t digits_start = p;
  while (p < s.size() && is_digit(s[p])) ++p;
  const size_t n_digits = p - digits_start;
  if (n_digits == 0 || n_digits > 19) return std::nullopt;
  bool frac_nonzero = false;
  if (p < s.size() && s[p] == '.') {
    const size_t frac_start = ++p;
    while (p < s.size() && is_digit(s[p])) frac_nonzero |= s[p++] != '0';
    if (p == frac_start || p - frac_start > 6) return std::nullopt;
  }
  if (p != s.size()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data() + digits_start, s.data() + digits_start + n_digits, v);
  if (ec != std::errc()) return std::nullopt;
  (void)ptr;
  if (neg) v = frac_nonzero ? -v - 1 : -v;  // the instant is below -v: its millisecond is floor()
  return ParsedDate{v, v, DateUnit::Milli};
}

std::optional<ParsedDate> parse_iso(std::string_view s) {
  size_t p = 0;
  int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0, offset_min = 0;
  DateUnit prec = DateUnit::Year;
  auto at = [&](char c) { return p < s.size() && s[p] == c; };
  auto two = [&](int64_t& out, int64_t lo, int64_t hi) { return read_digits(s, p, 2, out) && out >= lo && out <= hi; };
  if (!read_digits(s, p, 4, year)) return std::nullopt;
  do {  // each optional part needs the previous one
    if (!at('-')) break;
    ++p;
    if (!two(month, 1, 12)) return std::nullopt;
    prec = DateUnit::Month;
    if (!at('-')) break;
    ++p;
    if (!two(day, 1, days_in_month(year, static_cast<unsigned>(month)))) return std::nullopt;
    prec = DateUnit::Day;
    if (!at('T')) break;
    ++p;  // "2014-05-30T" alone is accepted, as Elasticsearch does
    if (p == s.size()) break;
    if (!two(hour, 0, 23)) return std::nullopt;
    prec = DateUnit::Hour;
    if (at(':')) {
      ++p;
      if (!two(minute, 0, 59)) return std::nullopt;
      prec = DateUnit::Minute;
      if (at(':')) {
        ++p;
        if (!two(second, 0, 59)) return std::nullopt;
        prec = DateUnit::Second;
        if (at('.') || at(',')) {
          const size_t frac_start = ++p;
          for (; p < s.size() && is_digit(s[p]); ++p)
            if (p - frac_start < 3) milli = milli * 10 + (s[p] - '0');
          const size_t n = p - frac_start;
          if (n == 0 || n > 9) return std::nullopt;
          for (size_t k = n; k < 3; ++k) milli *= 10;
          prec = DateUnit::Milli;
        }
      }
    }
    if (at('Z')) {
      ++p;
    } else if (at('+') || at('-')) {  // ±HH, ±HH:MM, ±HHMM
      const int64_t sign = s[p++] == '-' ? -1 : 1;
      int64_t oh = 0, om = 0;
      if (!two(oh, 0, 18)) return std::nullopt;
      if (at(':')) ++p;
      if ((p < s.size() && is_digit(s[p])) || s[p - 1] == ':') {
        if (!two(om, 0, 59)) return std::nullopt;
      }
      offset_min = sign * (oh * 60 + om);
    }
  } while (false);
  if (p != s.size()) return std::nullopt;
  const int64_t base = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kDayMs - offset_min * 60000;
  ParsedDate out;
  out.precision = prec;
  out.ms = base + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
  // Round-up parse: only the time fields get their maximum (month and day stay 1).
  const int64_t up_hour = prec < DateUnit::Hour ? 23 : hour;
  const int64_t up_minute = prec < DateUnit::Minute ? 59 : minute;
  const int64_t up_second = prec < DateUnit::Second ? 59 : second;
  const int64_t up_milli = prec < DateUnit::Milli ? 999 : milli;
  out.round_up_ms = base + ((up_hour * 60 + up_minute) * 60 + up_second) * 1000 + up_milli;
  return out;
}

// A JSON number as epoch milliseconds: floor of its value.
std::optional<int64_t> number_millis(std::string_view s) {
  size_t p = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) ++p;
  const size_t int_start = p;
  while (p < s.size() && is_digit(s[p])) ++p;
  const size_t int_end = p;
  if (int_end == int_start) return std::nullopt;
  bool frac_nonzero = false;
  if (p < s.size() && s[p] == '.') {
    const size_t frac_start = ++p;
    while (p < s.size() && is_digit(s[p])) frac_nonzero |= s[p++] != '0';
    if (p == frac_start) return std::nullopt;
  }
  if (p == s.size()) {  // plain decimal: exact
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data() + int_start, s.data() + int_end, v);
    if (ec != std::errc() || ptr != s.data() + int_end) return std::nullopt;
    return neg ? (frac_nonzero ? -v - 1 : -v) : v;
  }
  if (s[p] != 'e' && s[p] != 'E') return std::nullopt;
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  d = std::floor(d);
  if (!(d >= -9.2e18 && d <= 9.2e18)) return std::nullopt;
  return static_cast<int64_t>(d);
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's civil calendar algorithm (proleptic Gregorian, like java.time).
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

const char* to_string(DateUnit u) {
  static constexpr const char* kNames[] = {"year", "month", "week", "day", "hour", "minute", "second", "millisecond"};
  return kNames[static_cast<size_t>(u)];
}

std::optional<ParsedDate> parse_date(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // strict_date_optional_time first; its year has exactly four digits here, so every other run of
  // digits (and anything with a sign or a fraction) is left to epoch_millis.
  if (auto iso = parse_iso(text)) return iso;
  return parse_epoch_millis(text);
}

std::optional<int64_t> event_time_ms(std::string_view text, rt::ValueKind kind) {
  switch (kind) {
    case rt::ValueKind::String: {
      auto d = parse_date(text);
      if (!d) return std::nullopt;
      return d->ms;
    }
    case rt::ValueKind::Number: return number_millis(text);
    default: return std::nullopt;
  }
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t steady_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string iso8601_ms(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  // civil_from_days (H. Hinnant): days since 1970-01-01 -> y/m/d.
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3600000, rem / 60000 % 60,
                     rem / 1000 % 60, rem % 1000);
}

int64_t event_now(const rt::Event& ev, int64_t fallback) {
  for (const rt::Leaf& l : ev.leaves)
    if (l.path == "@timestamp")
      if (auto t = event_time_ms(l.text, l.kind)) return *t;
  return fallback;
}

}  // namespace rulec
