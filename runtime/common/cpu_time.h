// CPU time of the calling thread and of another process, in milliseconds (what compile limits count).
#pragma once

#include <sys/types.h>
#include <time.h>

namespace rulec {

// The calling thread's CPU time: unlike wall time, it does not grow when other work shares the machine.
inline double thread_cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The CPU time process `pid` (a child not yet reaped) has used; a negative value when it cannot be read.
inline double process_cpu_ms(pid_t pid) {
  clockid_t id;
  timespec ts{};
  if (::clock_getcpuclockid(pid, &id) != 0 || ::clock_gettime(id, &ts) != 0) return -1;
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace rulec
