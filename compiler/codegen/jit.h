// A small ORC LLJIT wrapper: IR module in, evaluation function out.
#pragma once

#include <memory>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/Error.h>

#include "runtime/eval/eval_abi.h"

namespace rulec::codegen {

class Jit {
 public:
  // A JIT for the host CPU (all of its features).
  static llvm::Expected<std::unique_ptr<Jit>> create();
  // Compiles `m` and returns its rt::kEvalSymbol. The code lives as long as this Jit.
  llvm::Expected<rt::EvalFn> compile(std::unique_ptr<llvm::Module> m, std::unique_ptr<llvm::LLVMContext> ctx);
  // The address of another symbol of the compiled module.
  llvm::Expected<void*> lookup(const std::string& name);

 private:
  explicit Jit(std::unique_ptr<llvm::orc::LLJIT> jit) : jit_(std::move(jit)) {}
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

}  // namespace rulec::codegen
