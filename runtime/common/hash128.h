// A small, stable 128-bit hash (two independent FNV-1a lanes, mixed) for term tuples and alert ids.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace rulec::rt {

// Stable across runs, builds and platforms (it is persisted in state files and alert ids). Not
// cryptographic: 128 bits make an accidental collision among 10^9 distinct terms ~1e-21 likely.
class Hash128 {
 public:
  // Each part is length-prefixed, so ("ab","c") and ("a","bc") differ.
  Hash128& add(std::string_view s) {
    uint64_t n = s.size();
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(n >> (8 * i)));
    for (char c : s) byte(static_cast<uint8_t>(c));
    return *this;
  }
  std::pair<uint64_t, uint64_t> value() const { return {mix(a_ ^ (b_ >> 1)), mix(b_ + 0x9E3779B97F4A7C15ull * a_)}; }

 private:
  void byte(uint8_t c) {
    a_ = (a_ ^ c) * 0x100000001b3ull;
    b_ = (b_ ^ c) * 0x100000001b3ull + 0x9E3779B97F4A7C15ull;
    b_ ^= b_ >> 29;
  }
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t a_ = 0xcbf29ce484222325ull;
  uint64_t b_ = 0x84222325cbf29ce4ull;
};

}  // namespace rulec::rt
