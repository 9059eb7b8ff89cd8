// LLVM IR for a plan: one evaluation function (rt::kEvalSymbol) over the frame of eval_abi.h.
#pragma once

#include <memory>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>

#include "compiler/optimizer/plan.h"

namespace rulec::codegen {

struct EmitOptions {
  size_t batch = 64;          // most rules per internal function (a multiple of 64)
  size_t max_units = 4096;    // most code units (see code_units) per internal function, unless one rule is larger
  bool per_rule = false;  // also export `i1 rulec_rule_<r>(ptr frame)` per rule (profiling)
};

// The size of a rule's (or shared node's) code: branches, bit-test words and calls. Bit-test
// children of an And/Or (eager atoms, their negations) fold into one mask test per atom word; a
// shared node counts as one call (its own function is counted where it is defined).
size_t code_units(const plan::Plan& plan, uint32_t root);

// The module holds `void rulec_eval(ptr frame, ptr rules)` (external) calling one internal function
// per batch of rules. Rule expressions evaluate with short-circuit in the plan's order; a shared
// sub-expression (memo slot) becomes its own function that computes it once per event; exact,
// presence and typed atoms are bit tests on frame->atoms; pattern atoms (their group scanned on
// first use) and on-demand atoms are calls through frame->lazy. No constant in the code is an
// address: the function can be compiled ahead of time.
std::unique_ptr<llvm::Module> emit_module(const plan::Plan& plan, llvm::LLVMContext& ctx, const EmitOptions& opts = {});

}  // namespace rulec::codegen
