// Hyperscan compilation under a deadline and a memory cap, in a child process that can be killed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/eval/string_matcher.h"

struct hs_platform_info;

namespace rulec::matchers {

struct CompileBudget {
  uint32_t max_ms = 0;         // CPU time of the compile; 0: no deadline (compiled in this process)
  uint32_t max_memory_mb = 0;  // address space the compiling child may add to what it maps; 0: no cap
};

enum class CompileOutcome : uint8_t {
  Ok,          // `database` holds the serialized database
  Refused,     // Hyperscan refused the set (`bad`: the pattern's index, or -1), `message` says why
  TimedOut,    // still compiling when its CPU time reached the budget: the child was killed
  OutOfMemory, // the child hit the memory cap
  Failed,      // the child could not be started or died otherwise (`message`)
};

struct CompileResult {
  CompileOutcome outcome = CompileOutcome::Failed;
  std::string database;
  long bad = -1;
  std::string message;
  double ms = 0;    // CPU time spent (this thread and the compiling child)
};

// Compiles `patterns` (block mode) for `platform` (nullptr: this host) and serializes the database.
// With a deadline or a memory cap the work runs in a forked child that is killed when its CPU time
// reaches the deadline, so a busy machine gives the same outcome as an idle one; the parent's
// memory is never at risk. Sets of at most 16 glob-shaped expressions (literals, `.*`, `.`) and
// 4 KB compile in this process: they take milliseconds, and a fork costs more. Databases of 64 or
// more patterns are kept for the process's life and reused for the same patterns and platform.
CompileResult compile_bounded(const std::vector<rt::StringGroupSpec::Pattern>& patterns,
                              const hs_platform_info* platform, const CompileBudget& budget);

const char* to_string(CompileOutcome o);

}  // namespace rulec::matchers
