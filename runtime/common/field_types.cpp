// Field facts shared by the compiler and the runtime: type classification.
#include "runtime/common/field_types.h"

namespace rulec {

bool is_numeric(FieldType t) { return t >= FieldType::Long && t <= FieldType::UnsignedLong; }

bool is_string_exact(FieldType t) {
  return t == FieldType::Keyword || t == FieldType::ConstantKeyword || t == FieldType::Wildcard;
}

bool is_analyzed(FieldType t) { return t == FieldType::Text || t == FieldType::MatchOnlyText; }

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

}  // namespace rulec
