// Rule model helpers: rule type names and the duration / date-math parsers rules use.
#include "compiler/frontend/rule.h"

#include <limits>

namespace rulec {

const char* to_string(RuleType t) {
  switch (t) {
    case RuleType::Query: return "query";
    case RuleType::NewTerms: return "new_terms";
    case RuleType::Threshold: return "threshold";
    case RuleType::ThreatMatch: return "threat_match";
    case RuleType::Eql: return "eql";
    case RuleType::Esql: return "esql";
    case RuleType::MachineLearning: return "machine_learning";
    case RuleType::Saved: return "saved_query";
    case RuleType::Unknown: return "unknown";
  }
  return "unknown";
}

RuleType rule_type_from(std::string_view s) {
  if (s == "query") return RuleType::Query;
  if (s == "new_terms") return RuleType::NewTerms;
  if (s == "threshold") return RuleType::Threshold;
  if (s == "threat_match") return RuleType::ThreatMatch;
  if (s == "eql") return RuleType::Eql;
  if (s == "esql") return RuleType::Esql;
  if (s == "machine_learning") return RuleType::MachineLearning;
  if (s == "saved_query") return RuleType::Saved;
  return RuleType::Unknown;
}

namespace {

// Milliseconds in one unit of date math / durations; 0 for an unknown unit. Months and years are
// calendar-dependent in Elasticsearch date math, so they are refused rather than approximated.
int64_t unit_ms(char u) {
  switch (u) {
    case 's': return 1000;
    case 'm': return 60'000;
    case 'h':
    case 'H': return 3'600'000;
    case 'd': return 86'400'000;
    case 'w': return 7 * 86'400'000LL;
    default: return 0;
  }
}

// Reads `\d+` at s[i..]; advances i. nullopt when there is no digit or on overflow.
std::optional<int64_t> read_number(std::string_view s, size_t& i) {
  size_t start = i;
  int64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    int d = s[i] - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
    ++i;
  }
  if (i == start) return std::nullopt;
  return v;
}

std::optional<int64_t> times(int64_t n, int64_t unit) {
  if (unit == 0 || n > std::numeric_limits<int64_t>::max() / unit) return std::nullopt;
  return n * unit;
}

}  // namespace

// `\d+[smhd]` (Kibana rule intervals; `w` is not accepted there either).
std::optional<int64_t> parse_interval_ms(std::string_view s) {
  size_t i = 0;
  auto n = read_number(s, i);
  if (!n || i + 1 != s.size()) return std::nullopt;
  char u = s[i];
  if (u != 's' && u != 'm' && u != 'h' && u != 'd') return std::nullopt;
  return times(*n, unit_ms(u));
}

// `now` followed by zero or more `[+-]\d+<unit>` terms (units s m h H d w); no rounding (`/d`),
// no absolute dates, no months or years. Returns the offset from now in milliseconds.
std::optional<int64_t> parse_now_offset_ms(std::string_view s) {
  if (s.substr(0, 3) != "now") return std::nullopt;
  int64_t total = 0;
  size_t i = 3;
  while (i < s.size()) {
    char sign = s[i++];
    if (sign != '+' && sign != '-') return std::nullopt;
    auto n = read_number(s, i);
    if (!n || i >= s.size()) return std::nullopt;
    auto ms = times(*n, unit_ms(s[i++]));
    if (!ms) return std::nullopt;
    if (sign == '-') {
      if (total < std::numeric_limits<int64_t>::min() + *ms) return std::nullopt;
      total -= *ms;
    } else {
      if (total > std::numeric_limits<int64_t>::max() - *ms) return std::nullopt;
      total += *ms;
    }
  }
  return total;
}

}  // namespace rulec
