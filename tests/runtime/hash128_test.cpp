// The fast 128-bit hash of the shared state's owner ids: every byte, the length and the tail count.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "runtime/common/hash128.h"

using rulec::rt::fast_hash128;

// Prefixes of one buffer, of every length across the 16-byte steps and the tail: all distinct,
// zero bytes included (a tail is padded with zeros, so the length must tell them apart).
TEST(FastHash128, EveryLengthOfOneBufferDiffers) {
  for (char fill : {'\0', 'a'}) {
    const std::string buf(70, fill);
    std::set<std::pair<uint64_t, uint64_t>> seen;
    for (size_t n = 0; n <= buf.size(); ++n) EXPECT_TRUE(seen.insert(fast_hash128(std::string_view(buf.data(), n))).second) << n;
  }
}

// One bit flipped anywhere in an event-sized string changes both halves of the hash.
TEST(FastHash128, EveryBitCounts) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += static_cast<char>('A' + i % 26);
  const auto base = fast_hash128(s);
  EXPECT_EQ(fast_hash128(s), base) << "the same bytes, the same hash";
  for (size_t i = 0; i < s.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = s;
      t[i] = static_cast<char>(t[i] ^ (1 << bit));
      const auto h = fast_hash128(t);
      EXPECT_NE(h.first, base.first) << i << ":" << bit;
      EXPECT_NE(h.second, base.second) << i << ":" << bit;
    }
}
