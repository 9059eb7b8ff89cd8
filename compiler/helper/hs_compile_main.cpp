// rulec-hs-compile: compiles one Hyperscan job read from standard input and writes the reply to standard output (compile_bounded starts it).
//
// A fresh small process, so compile_bounded can kill it at a deadline and cap its memory without
// forking the (large) compiler. Exit 0 when a reply was written, 1 when the job was not readable
// or the reply could not be written, 2 when started by hand (standard input is a terminal).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "compiler/matchers/hs_compile_job.h"
#include "runtime/common/durable_file.h"

int main(int argc, char**) {
  using namespace rulec::matchers;
  if (argc > 1 || ::isatty(STDIN_FILENO)) {
    std::fputs("rulec-hs-compile: run by rulec, not by hand (reads one compile job on standard input)\n", stderr);
    return 2;
  }
  std::string in;
  char buf[1 << 16];
  for (;;) {
    const ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return 1;
    if (got == 0) break;
    in.append(buf, static_cast<size_t>(got));
  }
  CompileJob job;
  if (!decode_job(in, job)) {
    std::fputs("rulec-hs-compile: the compile job is not readable\n", stderr);
    return 1;
  }
  std::string().swap(in);
  cap_address_space(job.max_memory_mb);
  return rulec::rt::write_all(STDOUT_FILENO, encode_reply(compile_job_caught(job))) ? 0 : 1;
}
