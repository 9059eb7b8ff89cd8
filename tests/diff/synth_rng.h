// Deterministic random numbers for the differential-testing generators (same sequence on every platform).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eventgen/event_gen.h"

namespace rulec::diff {

// The event generator's splitmix64 (its sequence depends only on the seed, unlike <random>'s
// distributions), with the draws the differential generators use.
class Rng : public gen::Rng {
 public:
  explicit Rng(uint64_t seed) : gen::Rng(seed) {}
  // Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  // An independent generator derived from this one and `salt`.
  Rng fork(uint64_t salt) { return Rng(next() ^ (salt * 0xD1B54A32D192ED03ull)); }
};

// FNV-1a, to derive seeds from text (rule names, queries).
inline uint64_t hash_text(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

// Random identifier-like text: lowercase letters and digits, `n` characters.
inline std::string random_word(Rng& rng, size_t n) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kChars[i == 0 ? rng.below(26) : rng.below(36)];
  return s;
}

}  // namespace rulec::diff
