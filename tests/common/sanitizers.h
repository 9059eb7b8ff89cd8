// Whether this test binary runs under AddressSanitizer (GCC and Clang spell it differently; the
// sanitizer build compiles the test cases plainly and says so with RULEC_TEST_SANITIZED).
#pragma once

#if defined(RULEC_TEST_SANITIZED) || defined(__SANITIZE_ADDRESS__)
#define RULEC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RULEC_TEST_ASAN 1
#endif
#endif

namespace rulec::testing {
#ifdef RULEC_TEST_ASAN
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif
}  // namespace rulec::testing
