// Mapping a bundle's evaluation code: target and CPU checks, ELF header checks, then dlopen from memory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/eval/eval_abi.h"

namespace rulec::rt {

// The architecture this sensor runs ("x86_64", "aarch64", ...).
const char* host_arch();

// Can this machine run code built for `triple` (arch-vendor-os-env)? False with the reason.
[[nodiscard]] bool check_target(std::string_view triple, std::string& error);
// Does this CPU have every feature in `required` (names like "x86-64-v3", "avx2")? False with the
// first one missing, or a name this build cannot check.
[[nodiscard]] bool check_cpu_features(const std::vector<std::string>& required, std::string& error);

// The evaluation code of a bundle, mapped. The generated module exports `rulec_eval` and
// `rulec_shape` (rule, atom and memo counts), which must agree with the program tables.
struct MappedCode {
  EvalFn fn = nullptr;
  uint32_t rule_count = 0, atom_count = 0, memo_count = 0;
  std::shared_ptr<void> handle;  // dlclose on release
};

// Checks that `so` is an ELF64 little-endian shared object for this machine (header, program
// header table bounds), then loads it from an anonymous memory file. False with the reason.
[[nodiscard]] bool map_code(std::string_view so, MappedCode& out, std::string& error);

}  // namespace rulec::rt
