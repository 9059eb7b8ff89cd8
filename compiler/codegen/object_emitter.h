// Ahead-of-time code: the evaluation module compiled by LLVM's TargetMachine into a relocatable object.
#pragma once

#include <string>

#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

namespace rulec::codegen {

struct ObjectOptions {
  std::string triple = "x86_64-linux-gnu";  // any triple LLVM was built for (aarch64-linux-gnu, ...)
  std::string cpu;                          // the CPU tier; empty: x86-64 on x86_64, generic elsewhere
  std::string features;                     // e.g. "+avx2"
};

// The module compiled into an ELF relocatable object for `opts` (position-independent code), as
// bytes. The module's triple and data layout are set to the target's. Fails (with the reason)
// when the triple or CPU is unknown to LLVM.
llvm::Expected<std::string> emit_object(llvm::Module& m, const ObjectOptions& opts);

}  // namespace rulec::codegen
