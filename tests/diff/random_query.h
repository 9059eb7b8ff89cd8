// Random KQL queries from the grammar (kql.md §1) over a small typed vocabulary, and random events over it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "diff/synth_rng.h"

namespace rulec::diff {

// Generates query text that Kibana's grammar accepts: field:value with quoted and unquoted
// values (escapes, spaces, literal and wildcard `*`), exists, ranges, not/and/or with parentheses
// and keyword case variants, value lists `f:(a or not b)`, nested `p:{...}`, field-name
// wildcards, free text, `*:*`, and whitespace variations (tabs, newlines, spaces around `:`).
// Fields come from the built-in schema (ECS + Elastic Defend) and cover keyword, `.caseless`,
// `.text`, match_only_text, wildcard, long, ip, date, boolean, an unknown field and a nested
// field. Events fill the same fields with typed values drawn from the same literals (so both
// true and false answers occur). Everything is deterministic from the seed.
class RandomQueries {
 public:
  struct Field {
    const char* name;
    const char* kind;  // keyword, caseless, text, wildcard, long, ip, date, boolean, unknown, nested
  };
  // Every field queries use (nested sub-fields under their full path), with the kind the schema
  // gives it.
  static const std::vector<Field>& vocabulary();
  static constexpr const char* kNestedPath = "email.attachments";
  // The `now` events are made around (2024-05-15T12:00:00Z): evaluate date math with it.
  static constexpr int64_t kNowMs = 1715774400000;

  explicit RandomQueries(uint64_t seed, int max_depth = 3);

  std::string query();
  std::string event();  // one NDJSON line
  std::vector<std::string> queries(size_t n);
  std::vector<std::string> events(size_t n);

 private:
  std::string or_expr(int depth, bool nested);
  std::string and_expr(int depth, bool nested);
  std::string not_expr(int depth, bool nested);
  std::string term(int depth, bool nested);
  std::string value_list(const Field& f, int depth);
  std::string value_for(const Field& f, bool allow_wildcard);
  std::string keyword(const char* word);
  std::string space();

  Rng qrng_;
  Rng erng_;
  int max_depth_;
};

}  // namespace rulec::diff
