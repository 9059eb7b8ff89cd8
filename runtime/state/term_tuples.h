// Event time, term values and term tuples of an event for a rule: what the local and the shared detector both read.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/common/dates.h"
#include "runtime/common/hash128.h"
#include "runtime/common/utf8.h"
#include "runtime/decoder/event.h"
#include "runtime/eval/rule_info.h"
#include "runtime/state/rule_state.h"

namespace rulec::rt::terms {

inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The event's time for a rule: the override field if readable, else @timestamp.
inline std::optional<int64_t> event_time(const Event& ev, const std::string& override_field) {
  std::optional<int64_t> ts;
  for (const Leaf& l : ev.leaves) {
    if (!override_field.empty() && l.path == override_field) {
      if (auto t = event_time_ms(l.text, l.kind)) return t;
    } else if (!ts && l.path == "@timestamp") {
      ts = event_time_ms(l.text, l.kind);
    }
  }
  return ts;
}


// Values of a term field: string/number/bool leaves by their text; null and over-long values are missing.
// A value repeated in one document counts once (as a terms aggregation buckets it once). Small
// lists are de-duplicated by a linear search; past kLinearDedupe values, through `seen` (a reused
// set), so an event with a 200,000-element array costs linear time, not quadratic (40 s before).
constexpr size_t kLinearDedupe = 32;

inline void field_values(const Event& ev, std::string_view path, uint32_t ignore_above, std::vector<std::string_view>& out,
                         std::unordered_set<std::string_view>& seen) {
  out.clear();
  bool hashed = false;
  for (const Leaf& l : ev.leaves) {
    if (l.path != path || l.kind == ValueKind::Null) continue;
    if (ignore_above && l.kind == ValueKind::String && utf16_length(l.text) > ignore_above) continue;
    if (!hashed && out.size() == kLinearDedupe) {
      seen.clear();
      seen.insert(out.begin(), out.end());
      hashed = true;
    }
    if (hashed ? seen.insert(l.text).second : std::find(out.begin(), out.end(), l.text) == out.end())
      out.push_back(l.text);
  }
}

inline void field_values(const Event& ev, const TermField& f, std::vector<std::string_view>& out,
                         std::unordered_set<std::string_view>& seen) {
  field_values(ev, f.path, f.ignore_above, out, seen);
}

inline Key128 key_of(std::pair<uint64_t, uint64_t> h) { return Key128{h.first, h.second}; }

// Calls fn(tuple) for each element of the cartesian product of `values` (one list per field).
// At most this many term tuples per event and rule: a document with 3 fields of 100 values each
// would otherwise make a million history entries. The rest are counted (RuleCounters::terms_capped).
constexpr uint64_t kMaxTuplesPerEvent = 4096;

// Number of tuples the product of `values` has, saturating.
inline uint64_t tuple_count(const std::vector<std::vector<std::string_view>>& values, size_t nfields) {
  uint64_t n = 1;
  for (size_t i = 0; i < nfields; ++i) n = std::min<uint64_t>(n * values[i].size(), UINT64_MAX / 1024);
  return n;
}

// `idx` and `tuple` are the caller's reused scratch (no allocation per event).
template <class Fn>
void for_each_tuple(const std::vector<std::vector<std::string_view>>& values, size_t nfields, std::vector<size_t>& idx,
                    std::vector<std::string_view>& tuple, Fn&& fn) {
  uint64_t budget = kMaxTuplesPerEvent;
  idx.assign(nfields, 0);
  tuple.resize(nfields);
  for (size_t i = 0; i < nfields; ++i)
    if (values[i].empty()) return;
  while (true) {
    for (size_t i = 0; i < nfields; ++i) tuple[i] = values[i][idx[i]];
    fn(tuple);
    if (--budget == 0) return;
    size_t i = nfields;
    while (i > 0) {
      --i;
      if (++idx[i] < values[i].size()) break;
      idx[i] = 0;
      if (i == 0) return;
    }
    if (nfields == 0) return;
  }
}

inline Key128 tuple_key(const std::vector<std::string_view>& tuple, std::string_view extra = {}) {
  Hash128 h;
  for (auto v : tuple) h.add(v);
  if (!extra.empty()) h.add(extra);
  return key_of(h.value());
}

}  // namespace rulec::rt::terms
