// Per-event typed tests of a compiled rule set: numbers, IP addresses, booleans, keyword ranges, per field slot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/common/field_types.h"
#include "runtime/common/typed_values.h"
#include "runtime/decoder/event.h"

namespace rulec::rt {

// One test of a numeric, ip or boolean field (the rt::Prepared modes NumEqual, NumRange, IpEqual,
// IpCidr, IpRange, BoolEqual, BoolRange; Indexed: the field has a valid value; StrRange: a keyword
// range, compared as bytes).
struct TypedTestSpec {
  enum class Kind : uint8_t { NumEqual, NumRange, IpEqual, IpCidr, IpRange, BoolEqual, BoolRange, Indexed, StrRange };
  enum class Class : uint8_t { Number, Ip, Bool, String };
  Kind kind = Kind::Indexed;
  Class cls = Class::Number;
  NumType num_type = NumType::Long;  // Class::Number
  uint32_t slot = 0;
  uint32_t atom = 0;
  RangeOp op = RangeOp::Lt;          // ranges (NumRange: Ge or Le, its bound made inclusive)
  bool is_int = false;               // numbers: compare with `i` when both are integers
  int64_t i = 0;
  double d = 0;
  IpAddr ip;                         // IpEqual, IpRange; IpCidr: the network
  uint8_t prefix = 0;                // IpCidr: over the 16-byte form
  bool flag = false;                 // booleans
  std::string text;                  // StrRange: the (normalized) bound, compared as UTF-8 bytes
  bool lower = false;                // StrRange: lowercase normalizer
  uint32_t ignore_above = 0;         // StrRange: longer values (UTF-16 units) are not indexed
};

class TypedTests {
 public:
  // nullptr with `error` when a test names a slot out of range.
  static std::unique_ptr<TypedTests> create(std::vector<TypedTestSpec> specs, size_t slot_count, std::string& error);
  bool reads(uint32_t slot) const { return slot < by_slot_.size() && !by_slot_[slot].empty(); }
  // Tests one non-null value of `slot`, setting the bits of the atoms it satisfies.
  void scan(uint32_t slot, const Leaf& leaf, uint64_t* atom_bits);
  const std::vector<TypedTestSpec>& specs() const { return specs_; }

 private:
  std::vector<TypedTestSpec> specs_;
  std::vector<std::vector<uint32_t>> by_slot_;  // slot -> specs, grouped by class and number type
  std::string lower_;                           // scratch
};

}  // namespace rulec::rt
