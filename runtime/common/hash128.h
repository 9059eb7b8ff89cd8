// A small, stable 128-bit hash (two independent FNV-1a lanes, mixed) for term tuples and alert ids.
#pragma once

#include <cstdint>
#include <cstring>
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

// A fast 128-bit hash (16 bytes a step, two multiplications) for ids that only the shared state
// compares (whose decision a new-terms or threshold answer is), never written in alerts or state
// files: an event's Hash128 costs several nanoseconds a byte, this one a fraction. Stable across
// runs and platforms (words read little-endian). Not cryptographic.
inline std::pair<uint64_t, uint64_t> fast_hash128(std::string_view s) {
  constexpr uint64_t k1 = 0xA0761D6478BD642Full, k2 = 0xE7037ED1A0B428DBull, k3 = 0x8EBC6AF09C88C6E3ull,
                     k4 = 0x589965CC75374CC3ull;
  auto load = [](const char* q) {
    uint64_t v;
    std::memcpy(&v, q, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
  };
  auto mum = [](uint64_t x, uint64_t y) {
    const unsigned __int128 m = static_cast<unsigned __int128>(x) * y;
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  };
  const char* p = s.data();
  size_t n = s.size();
  uint64_t a = k1 ^ s.size(), b = k2 + s.size();
  for (; n >= 16; p += 16, n -= 16) {
    const uint64_t x = load(p), y = load(p + 8);
    a = mum(x ^ a ^ k3, y ^ k4);
    b = mum(y ^ b ^ k1, x ^ k2);
  }
  char tail[16] = {};
  std::memcpy(tail, p, n);
  const uint64_t x = load(tail) ^ n, y = load(tail + 8);
  a = mum(x ^ a ^ k3, y ^ k4);
  b = mum(y ^ b ^ k1, x ^ k2);
  return {mum(a ^ k1, b ^ k4), mum(b ^ k2, a ^ k3)};
}

}  // namespace rulec::rt
