// Patterns and literals found anywhere in long values and lines (Vectorscan 5.4.9's AVX-512 scanner loses matches past 64 bytes).
#include <gtest/gtest.h>

#include <string>

#include "interp/interp_test_util.h"

namespace rulec::interp::testing {
namespace {
namespace long_values_test {

// A command line of `n` bytes with `c` at `at`.
std::string doc_with(size_t n, size_t at, char c) {
  std::string v(n, 'x');
  v[at] = c;
  return R"({"process":{"command_line":")" + v + R"(","name":")" + v + R"("}})";
}

// Vectorscan 5.4.9's AVX-512 scanner reports nothing for some single-match patterns (`3`, `3.*4`,
// `.*3`, literal sets such as `(-o|-k)`) when the match is past the first 64 bytes of the data;
// every scan goes through rt::hs_block_scan, which steers around it. The compiled engine
// (eval_query checks it against the interpreter on every case) and the raw-line prefilter (checked
// there too) must find them wherever they are.
TEST(LongValues, OneBytePatternsMatchAnywhere) {
  for (size_t at : {3, 63, 64, 65, 100, 150, 199}) {
    SCOPED_TRACE(at);
    EXPECT_TRUE(eval_query("process.command_line:*;*", doc_with(200, at, ';')));
    EXPECT_TRUE(eval_query("process.name.caseless:*k*", doc_with(200, at, 'K')));
    EXPECT_TRUE(eval_query("process.command_line:*;* and process.name:*;*", doc_with(200, at, ';')));
    EXPECT_FALSE(eval_query("process.command_line:*|*", doc_with(200, at, ';')));
  }
  // Two one-byte pieces, in order.
  std::string v(200, 'x');
  v[100] = '3', v[150] = '4';
  const std::string doc = R"({"process":{"command_line":")" + v + R"("}})";
  EXPECT_TRUE(eval_query("process.command_line:*3*4*", doc));
  EXPECT_FALSE(eval_query("process.command_line:*4*3*", doc));
}

// Sets of short literals, the case the AVX-512 scanner got wrong most often (about one position in
// ten past the 64th byte), at every position of values up to 300 bytes.
TEST(LongValues, LiteralSetsMatchAtEveryPosition) {
  for (size_t n : {66, 130, 300}) {
    for (size_t at = 0; at + 2 <= n; ++at) {
      SCOPED_TRACE(std::to_string(n) + " bytes, at " + std::to_string(at));
      std::string v(n, 'a');
      v[at] = '-', v[at + 1] = 'o';
      const std::string doc = R"({"process":{"command_line":")" + v + R"("}})";
      ASSERT_TRUE(eval_query("process.command_line:(*-o* or *-k*)", doc));
      ASSERT_FALSE(eval_query("process.command_line:(*-k* or *-z*)", doc));
    }
  }
}

// A one-byte literal of the prefilter (`destination.port`-like keyword values are often one
// digit) is found at the end of a long line too.
TEST(LongValues, OneByteKeywordValuesPassThePrefilter) {
  const std::string pad(300, 'x');
  EXPECT_TRUE(eval_query("event.code:3", R"({"message":")" + pad + R"(","event":{"code":"3"}})"));
  EXPECT_TRUE(eval_query("event.code:(3 or 4)", R"({"message":")" + pad + R"(","event":{"code":["x","4"]}})"));
}

}  // namespace long_values_test
}  // namespace
}  // namespace rulec::interp::testing
