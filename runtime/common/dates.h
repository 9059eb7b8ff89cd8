// Date parsing shared by the compiler and the runtime: Elasticsearch's default date format and event times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/decoder/event.h"

namespace rulec {

// ---------------------------------------------------------------------------------------------
// Dates: the default `date` mapping format strict_date_optional_time||epoch_millis, in UTC.
//   yyyy | yyyy-MM | yyyy-MM-dd [T [HH [:mm [:ss [(.|,)fraction 1-9 digits]]]] [Z | ±HH | ±HH:MM | ±HHMM]]
//   epoch millis: an optional '-', digits (any count but exactly four, which is a year), an
//   optional '.' and 1-6 sub-millisecond digits.
// Zone region names ("Europe/Paris") are not accepted.
enum class DateUnit : uint8_t { Year, Month, Week, Day, Hour, Minute, Second, Milli };
const char* to_string(DateUnit u);

struct ParsedDate {
  int64_t ms = 0;           // missing parts filled with their minimum: what gte/lt use
  // Elasticsearch's round-up parse (gt/lte): missing HOUR/MINUTE/SECOND/milli filled with 23/59/59/999
  // but missing MONTH and DAY with 1 (documented "missing date components"; elastic/elasticsearch#90605):
  // "2010-03-06" -> 2010-03-06T23:59:59.999, but "2010-03" -> 2010-03-01T23:59:59.999.
  int64_t round_up_ms = 0;
  DateUnit precision = DateUnit::Milli;  // the finest component written (Milli for epoch millis)
};

std::optional<ParsedDate> parse_date(std::string_view text);

// The time of an event from the value of its timestamp field (`@timestamp`, or a rule's
// timestamp_override such as `event.ingested`), as epoch milliseconds (UTC):
//   String  what parse_date accepts: ISO-8601 (strict_date_optional_time) or epoch-millis digits
//           (a four-digit string is a year, as in Elasticsearch);
//   Number  epoch milliseconds as written in JSON, a fraction allowed (rounded toward the earlier
//           millisecond); an exponent is accepted too.
// nullopt for other kinds, unparseable text and values outside the supported range.
std::optional<int64_t> event_time_ms(std::string_view text, rt::ValueKind kind);

// The event's @timestamp, or `fallback`: what `now` means in date math on a stream.
int64_t event_now(const rt::Event& ev, int64_t fallback);

// The wall clock, as epoch milliseconds (UTC).
int64_t wall_clock_ms();
// A monotonic clock in milliseconds (intervals: checkpoints, feed checks), unrelated to dates.
int64_t steady_clock_ms();

// ISO-8601 UTC with milliseconds ("2026-01-01T00:00:00.000Z"), as alerts and generators write it.
std::string iso8601_ms(int64_t ms);

// Proleptic Gregorian calendar helpers (as java.time uses), for date math.
constexpr int64_t kDayMs = 86400000;
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);  // days since 1970-01-01
bool is_leap_year(int64_t y);
unsigned days_in_month(int64_t y, unsigned m);  // m in 1..12

}  // namespace rulec
