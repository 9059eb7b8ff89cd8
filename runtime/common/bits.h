// Bit sets as arrays of 64-bit words: the match masks the evaluators fill.
#pragma once

#include <cstdint>

namespace rulec::rt {

inline void set_bit(uint64_t* bits, uint32_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }

}  // namespace rulec::rt
