// Hyperscan compilation under a deadline and a memory cap, in a process that can be killed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/matchers/hs_compile_job.h"
#include "runtime/eval/string_matcher.h"

namespace rulec::matchers {

struct CompileBudget {
  uint32_t max_ms = 0;         // CPU time of the compile; 0: no deadline (compiled in this process)
  uint32_t max_memory_mb = 0;  // address space the compiling child may add to what it maps; 0: no cap
};

// Compiles `patterns` (block mode) for `platform` (nullptr: this host) and serializes the database.
// With a deadline or a memory cap the work runs in another process that is killed when its CPU
// time reaches the deadline, so a busy machine gives the same outcome as an idle one; the parent's
// memory is never at risk. That process is the rulec-hs-compile helper when it is found (beside
// this program, in ../libexec/rulec/, or in the build folder), a forked child otherwise. Sets of at most 16 glob-shaped expressions (literals, `.*`, `.`) and
// 4 KB compile in this process: they take milliseconds, and a fork costs more. Databases of 64 or
// more patterns are kept for the process's life and reused for the same patterns and platform.
CompileResult compile_bounded(const std::vector<rt::StringGroupSpec::Pattern>& patterns,
                              const hs_platform_info* platform, const CompileBudget& budget);

const char* to_string(CompileOutcome o);

// Whether compile_bounded may use the helper (default true); false makes it fork (tests of both).
void allow_compile_helper(bool allowed);
// Whether the helper program was found.
bool compile_helper_found();

}  // namespace rulec::matchers
