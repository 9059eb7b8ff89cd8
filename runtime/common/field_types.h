// Field facts shared by the compiler and the runtime: Elasticsearch field types, one field's mapping facts, range operators.
#pragma once

#include <cstdint>

#include "runtime/common/typed_values.h"

namespace rulec {

enum class FieldType : uint8_t {
  Keyword, ConstantKeyword, Wildcard, Text, MatchOnlyText,
  Long, Integer, Short, Byte, Double, Float, HalfFloat, ScaledFloat, UnsignedLong,
  Boolean, Ip, Date, DateNanos,
  Object, Nested, Flattened, GeoPoint, Binary, Other,
};
inline constexpr uint8_t kFieldTypeCount = static_cast<uint8_t>(FieldType::Other) + 1;

bool is_numeric(FieldType t);
bool is_string_exact(FieldType t);  // keyword, constant_keyword, wildcard
bool is_analyzed(FieldType t);      // text, match_only_text

// The runtime's number type of a numeric field type (scaled_float compares as a double).
NumType num_type_of(FieldType t);

struct FieldInfo {
  FieldType type = FieldType::Keyword;
  uint32_t ignore_above = 0;       // 0: no limit
  bool lowercase = false;          // lowercase normalizer (`.caseless` sub-fields)
  bool known = false;              // false: not in any schema, treated as keyword
  bool operator==(const FieldInfo&) const = default;
};

// A range query's operator (`f < v`, `<=`, `>`, `>=`).
enum class RangeOp : uint8_t { Lt, Le, Gt, Ge };

// Does `value OP bound` hold, given the sign of the comparison of value with bound?
constexpr bool range_ok(int cmp, RangeOp op) {
  switch (op) {
    case RangeOp::Lt: return cmp < 0;
    case RangeOp::Le: return cmp <= 0;
    case RangeOp::Gt: return cmp > 0;
    case RangeOp::Ge: return cmp >= 0;
  }
  return false;
}

// Is the bound a lower one (`>`, `>=`)?
constexpr bool is_lower_bound(RangeOp op) { return op == RangeOp::Gt || op == RangeOp::Ge; }

}  // namespace rulec
