// Per-type value tests shared by the reference evaluator and the runtime's on-demand tests: one prepared query value against one document value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/common/date_math.h"
#include "runtime/common/field_types.h"
#include "runtime/common/text_analysis.h"
#include "runtime/common/typed_values.h"
#include "runtime/decoder/event.h"

namespace rulec::rt {

// How Elasticsearch indexes each type, hence what a document value is (docs: "coerce", "boolean",
// "ignore_above"; source: KeywordFieldMapper, NumberFieldMapper, IpFieldMapper, DateFieldMapper):
//   keyword, constant_keyword, wildcard (and unknown fields, and every type not listed below):
//            the leaf's text (a JSON number by its text as written, booleans as "true"/"false");
//            a value longer than ignore_above (Java String.length(): UTF-16 code units, checked
//            before the normalizer) is not indexed: missing. A `lowercase` normalizer lowercases it.
//   text, match_only_text: the leaf's text through the standard analyzer.
//   numeric: a JSON number or a numeric string (coerce is on by default); integer types truncate a
//            decimal part toward zero ("1.9" on a long is 1); float/half_float round to float.
//            A value that is not a number, out of the type's range or not finite is missing (ES
//            rejects the document, or drops the value with ignore_malformed).
//   boolean: true/false, "true"/"false", and "" (false). Anything else is missing.
//   ip:      an address InetAddresses.forString accepts (v4 as the v4-mapped v6 address).
//   date:    strict_date_optional_time||epoch_millis (dates.h parse_date) of the text of a string
//            or a number; date_nanos is kept at millisecond precision.
//   constant_keyword takes its value from the document here (the mapping's value is unknown).
//   scaled_float compares as a double (the scaling factor is not in the schema).
//
// How each query value is tested (Kibana sends match/match_phrase for `f:v`, query_string for KQL
// wildcards, range for `f < v`):
//   string types: equality on the (normalized) value; a wildcard is a glob over the whole value
//            (not split on whitespace, kql.md §2); ranges compare UTF-8 bytes. ES DSL
//            case_insensitive folds ASCII only (AutomatonQueries.toCaseInsensitiveChar).
//   text:    unquoted = any analysed query token among the value's tokens (match, OR); quoted =
//            the tokens consecutively inside ONE value (position_increment_gap 100 keeps phrases
//            from spanning array values); a KQL wildcard is split on whitespace as query_string
//            does, wildcard terms lowercased and matched against single tokens, other terms
//            analysed; a range compares each token with the raw (unanalysed) bound, as a
//            TermRangeQuery on a text field does. A value with no tokens matches nothing.
//   numeric, boolean, ip, date: the front end's values.h (numeric_term, numeric_range_bound,
//            parse_bool, parse_cidr), typed_values.h (parse_ip) and date_math.h (date_equality,
//            date_range_bound). A range bound on a boolean orders false < true.
//   `f:null` matches nothing; a null range bound is unbounded (any indexed value).

// A numeric query value: compare with `i` when is_int (both integers), else with `d`.
struct NumValue {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
};

// A keyword test the runtime does not build itself (the reference evaluator's regular expressions):
// asked about each indexed keyword value, after normalization.
class ValuePredicate {
 public:
  virtual ~ValuePredicate() = default;
  virtual bool match(std::string_view value) const = 0;
};

// One query value made ready for one field type (built once by the compiler side, reused for every
// event). Plain data: the runtime's on-demand tests receive it serialized.
struct Prepared {
  enum class Mode : uint8_t {
    Never,       // can never match (type errors, `f:null`, values that cannot match)
    Any,         // every indexed value (a range with a null bound is unbounded)
    Exact,       // keyword equality (text, ascii_ci)
    Pattern,     // keyword glob (glob)
    StrRange,    // keyword range, byte-wise (text, op)
    Match,       // text: any query token among the value's tokens
    Phrase,      // text: the query tokens consecutively in one value
    Pieces,      // text: KQL wildcard via query_string, split on whitespace (pieces)
    TextRange,   // text: any token in range (raw bound bytes)
    NumEqual,    // num
    NumRange,    // num is the inclusive bound, op tells the side
    BoolEqual,   // flag
    BoolRange,   // flag as 0/1 bound
    IpEqual,     // ip
    IpCidr,      // cidr
    IpRange,     // ip bound
    DateIn,      // dates (recomputed when now changes)
    Predicate,   // keyword: predicate->match (never serialized: the compiled engine uses atoms)
  };
  struct Piece {
    bool wildcard = false;
    Glob glob;                        // wildcard pieces: lowercased, against each token
    std::vector<std::string> tokens;  // other pieces: analysed, any token
  };

  Mode mode = Mode::Never;
  RangeOp op = RangeOp::Lt;
  bool ascii_ci = false;
  bool flag = false;
  bool date_range = false;     // DateIn: a range bound (`text` with `op`), else an equality
  bool date_uses_now = false;  // the interval depends on `now` (recomputed when it changes)
  int64_t date_now = 0;        // the `now` the interval was computed with
  std::string text;
  Glob glob;
  std::vector<std::string> tokens;
  std::vector<Piece> pieces;
  NumValue num;
  IpAddr ip;
  Cidr cidr;
  DateInterval dates;
  const ValuePredicate* predicate = nullptr;  // Predicate: owned by whoever prepared it
};

// How a field type's values are tested.
enum class ValueClass : uint8_t { String, Text, Numeric, Boolean, Ip, Date };
ValueClass value_class(FieldType t);

// Reused buffers for per-event work (no allocation after warm-up).
struct Scratch {
  std::string lower;
  std::string analysed;
  std::vector<std::string_view> tokens;
};

// DateIn values: (re)computes the interval of `p.text` (`p.op` when p.date_range) against `now_ms`.
// Not a date: Never for good; an empty interval: Never until the next `now`. Does not allocate.
void prepare_date(Prepared& p, int64_t now_ms);
// Recomputes date intervals when `now_ms` changed since they were computed.
inline void refresh_now(Prepared& p, int64_t now_ms) {
  if (p.date_uses_now && p.date_now != now_ms) prepare_date(p, now_ms);
}

// Does the document value `leaf` give field `info` an indexed value (what `exists` sees)?
bool indexed(const FieldInfo& info, const Leaf& leaf);

// Does the (non-null) document value `leaf` of a field `info` satisfy `p`?
bool test(const Prepared& p, const FieldInfo& info, const Leaf& leaf, Scratch& s);

}  // namespace rulec::rt
