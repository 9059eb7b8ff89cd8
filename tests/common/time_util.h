// Epoch milliseconds of a UTC civil time, computed by libc (independently of the code under test).
#pragma once

#include <cstdint>
#include <ctime>

namespace rulec::testing {

inline int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

}  // namespace rulec::testing
