// The calling convention between generated evaluation code and the runtime (shared by JIT and bundles).
#pragma once

#include <cstdint>

namespace rulec::rt {

// What the generated function reads and calls. It holds no absolute address of its own: every
// table and callback comes through the frame, so the same code runs JIT-compiled or loaded from a
// bundle. Field offsets are part of the format (the code generator hard-codes them).
struct EvalFrame {
  const uint64_t* atoms;                              // offset 0: bits of the atoms answered by a bit (exact and
                                                      // presence probes, typed tests; a pattern once its group is scanned)
  uint8_t* memo;                                      // offset 8: shared nodes: 0 unknown, 1 false, 2 true
  uint32_t (*lazy)(EvalFrame* frame, uint32_t atom);  // offset 16: answers a pattern atom (its group scanned on first
                                                      // use) or an on-demand atom (0/1)
  void* engine;                                       // offset 24: the runtime's context for `lazy`
};
static_assert(sizeof(EvalFrame) == 32);

// Sets bit r of `rules` (pre-zeroed, one bit per rule) for every rule that matches.
using EvalFn = void (*)(EvalFrame* frame, uint64_t* rules);

inline constexpr const char* kEvalSymbol = "rulec_eval";
// A constant [3 x i32] beside it: the rule, atom and memo counts the code was generated for. A
// loader checks them against the program tables before the code runs.
inline constexpr const char* kShapeSymbol = "rulec_shape";

// Profiling builds also export one function per rule, `rulec_rule_<index>`: is rule `index` matched?
using RuleFn = bool (*)(EvalFrame* frame);

}  // namespace rulec::rt
