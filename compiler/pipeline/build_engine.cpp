// The compiled engine's assembly line: the optimizer's sealed plan through the matchers and code generation.
#include "compiler/pipeline/build_engine.h"

#include <chrono>

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen/ir_emitter.h"
#include "compiler/codegen/jit.h"
#include "compiler/matchers/generic_plan.h"
#include "compiler/matchers/string_plan.h"
#include "compiler/optimizer/optimize.h"

namespace rulec::pipeline {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

rt::CompiledProgram program_tables(const Built& built) {
  const plan::Plan& plan = *built.plan;
  rt::CompiledProgram prog;
  prog.rule_count = static_cast<uint32_t>(plan.roots.size());
  prog.atom_count = static_cast<uint32_t>(plan.atoms.size());
  prog.memo_count = plan.memo_count;
  prog.slot_paths = plan.fields.paths;
  prog.subtrees = plan.fields.subtrees;
  prog.read_all = plan.fields.all;
  prog.groups = built.groups;
  prog.typed = matchers::typed_tests(plan);
  prog.generic = built.generic;
  prog.prefilter = built.prefilter.spec;
  return prog;
}

std::optional<Built> build(const std::vector<plan::RuleAsts>& rules, const Schema& schema, std::string& error,
                           const BuildOptions& opts) {
  const auto t0 = Clock::now();
  Built out;
  auto optimized = plan::optimize(rules, schema, opts.strings, error);
  if (!optimized) return std::nullopt;
  out.plan = std::move(optimized->plan);
  out.groups = std::move(optimized->groups);
  out.stats.strings = optimized->strings;
  out.stats.groups = out.groups.size();
  out.stats.plan_ms = optimized->plan_ms;
  const plan::Plan& plan = *out.plan;

  auto t = Clock::now();
  out.generic = matchers::generic_program(plan, schema);
  std::vector<std::string> field_names;
  field_names.reserve(schema.size());
  for (const auto& [name, info] : schema.fields()) field_names.push_back(name);
  out.prefilter = plan::build_prefilter(plan, field_names);
  out.stats.strings_ms = out.stats.strings.compile_ms + ms_since(t);

  t = Clock::now();
  auto ctx = std::make_unique<llvm::LLVMContext>();
  codegen::EmitOptions eo;
  eo.per_rule = opts.per_rule;
  auto module = codegen::emit_module(plan, *ctx, eo);
  std::string verify;
  llvm::raw_string_ostream vs(verify);
  if (llvm::verifyModule(*module, &vs)) {
    error = "internal error: generated IR does not verify: " + verify;
    return std::nullopt;
  }
  if (opts.keep_ir) {
    llvm::raw_string_ostream os(out.ir);
    module->print(os, nullptr);
  }
  if (opts.object && !opts.jit) {
    auto obj = codegen::emit_object(*module, *opts.object);
    if (!obj) {
      error = "LLVM: " + llvm::toString(obj.takeError());
      return std::nullopt;
    }
    out.object = std::move(*obj);
  }
  out.stats.codegen_ms = ms_since(t);
  if (!opts.jit) {
    out.stats.total_ms = ms_since(t0);
    return out;
  }

  t = Clock::now();
  auto jit = codegen::Jit::create();
  if (!jit) {
    error = "LLVM JIT: " + llvm::toString(jit.takeError());
    return std::nullopt;
  }
  auto fn = (*jit)->compile(std::move(module), std::move(ctx));
  if (!fn) {
    error = "LLVM JIT: " + llvm::toString(fn.takeError());
    return std::nullopt;
  }
  for (size_t r = 0; opts.per_rule && r < plan.roots.size(); ++r) {
    auto f = (*jit)->lookup("rulec_rule_" + std::to_string(r));
    if (!f) {
      error = "LLVM JIT: " + llvm::toString(f.takeError());
      return std::nullopt;
    }
    out.rule_fns.push_back(reinterpret_cast<rt::RuleFn>(*f));
  }
  out.stats.jit_ms = ms_since(t);

  rt::CompiledProgram prog = program_tables(out);
  prog.fn = *fn;
  prog.code = std::shared_ptr<codegen::Jit>(std::move(*jit));
  out.engine = rt::CompiledEngine::create(std::move(prog), error);
  if (!out.engine) return std::nullopt;
  out.stats.total_ms = ms_since(t0);
  return out;
}

}  // namespace rulec::pipeline
