// One Hyperscan compile job and its result, as bytes: what compile_bounded hands a compiling process and what it answers.
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rulec::matchers {

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

// A set of expressions with their Hyperscan flags, for one platform (or this host).
struct CompileJob {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  bool has_platform = false;
  hs_platform_info_t platform{};
  uint32_t max_memory_mb = 0;  // the compiling process's address-space cap on top of what it maps; 0: none
};

// Compiles the set (block mode) in this process and serializes the database.
CompileResult compile_job(const CompileJob& job);
// compile_job in the compiling process: an allocation failure (the memory cap) or any other
// exception becomes the outcome instead of ending the process.
CompileResult compile_job_caught(const CompileJob& job);


// Caps this process's address space at what it maps now plus `max_mb` (no cap for 0, nor under
// AddressSanitizer, whose shadow memory takes terabytes of address space).
void cap_address_space(uint32_t max_mb);

// Job: platform flag (1) [platform], memory cap (4), count (4), then per expression flags (4),
// length (4) and bytes. Every length is checked against what remains.
std::string encode_job(const CompileJob& job);
bool decode_job(std::string_view bytes, CompileJob& job);

// Reply: outcome (1), bad (8), message length (8), database length (8), then both.
std::string encode_reply(const CompileResult& r);
bool decode_reply(std::string_view bytes, CompileResult& r);

}  // namespace rulec::matchers
