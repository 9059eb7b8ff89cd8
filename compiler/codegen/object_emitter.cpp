// Ahead-of-time code: TargetMachine set-up for any built-in LLVM target and object emission.
#include "compiler/codegen/object_emitter.h"

#include <memory>
#include <mutex>

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

namespace rulec::codegen {

llvm::Expected<std::string> emit_object(llvm::Module& m, const ObjectOptions& opts) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(opts.triple, err);
  if (!target) return llvm::createStringError(llvm::inconvertibleErrorCode(), "target %s: %s", opts.triple.c_str(), err.c_str());
  const std::string cpu =
      !opts.cpu.empty() ? opts.cpu : llvm::StringRef(opts.triple).starts_with("x86_64") ? "x86-64" : "generic";
  // Checked before creating the target machine, which would only warn and ignore an unknown CPU.
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(opts.triple, "", ""));
  if (!sti || !sti->isCPUStringValid(cpu))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "CPU '%s' is unknown for %s", cpu.c_str(),
                                   opts.triple.c_str());
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      opts.triple, cpu, opts.features, to, llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Less));
  if (!tm) return llvm::createStringError(llvm::inconvertibleErrorCode(), "no target machine for %s", opts.triple.c_str());
  m.setTargetTriple(opts.triple);
  m.setDataLayout(tm->createDataLayout());
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  {
    llvm::buffer_ostream out(os);  // writes to `os` when it goes out of scope
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile))
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s cannot emit object files", opts.triple.c_str());
    pm.run(m);
  }
  os.flush();
  return bytes;
}

}  // namespace rulec::codegen
