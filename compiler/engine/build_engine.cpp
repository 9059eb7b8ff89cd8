// The compiled engine's assembly line, and the reference evaluator as the fallback for on-demand atoms that are not native.
#include "compiler/engine/build_engine.h"

#include <chrono>

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen/ir_emitter.h"
#include "compiler/codegen/jit.h"
#include "compiler/interp/matcher.h"

namespace rulec::engine {

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Fallback on-demand atoms through the reference evaluator: each atom's AST node, at the document root.
class InterpOracle final : public rt::AtomOracle {
 public:
  InterpOracle(const Schema& schema, std::vector<const kql::Node*> nodes) : matcher_(schema), nodes_(std::move(nodes)) {}
  void reset(const rt::Event& ev, int64_t now_ms) override { matcher_.reset(ev, now_ms); }
  bool eval(uint32_t atom) override {
    if (atom >= nodes_.size() || !nodes_[atom]) return false;
    try {
      return matcher_.eval(*nodes_[atom]);
    } catch (const std::exception&) {
      return false;  // only allocation failure: as the interpreter, report no match
    }
  }

 private:
  interp::Matcher matcher_;
  std::vector<const kql::Node*> nodes_;
};

}  // namespace

rt::CompiledProgram program_tables(const plan::Plan& plan, const std::vector<rt::StringGroupSpec>& groups) {
  rt::CompiledProgram prog;
  prog.rule_count = static_cast<uint32_t>(plan.roots.size());
  prog.atom_count = static_cast<uint32_t>(plan.atoms.size());
  prog.memo_count = plan.memo_count;
  prog.slot_paths = plan.fields.paths;
  prog.subtrees = plan.fields.subtrees;
  prog.read_all = plan.fields.all;
  prog.groups = groups;
  prog.typed = matchers::plan_typed(plan);
  return prog;
}

std::optional<Built> build(const std::vector<plan::RuleAsts>& rules, const Schema& schema, std::string& error,
                           const BuildOptions& opts) {
  const auto t0 = Clock::now();
  Built out;
  out.plan = plan::build(rules, schema);
  out.stats.plan_ms = ms_since(t0);

  auto t = Clock::now();
  out.groups = matchers::plan_strings(out.plan, out.stats.strings, opts.strings);
  out.stats.groups = out.groups.size();
  matchers::GenericPlan gp = matchers::plan_generic(out.plan, schema);
  out.generic = std::move(gp.program);
  out.fallback_atoms = std::move(gp.fallback_atoms);
  out.fallback_rules = matchers::rules_reaching(out.plan, out.fallback_atoms);
  out.stats.strings_ms = ms_since(t);

  t = Clock::now();
  auto ctx = std::make_unique<llvm::LLVMContext>();
  codegen::EmitOptions eo;
  eo.per_rule = opts.per_rule;
  auto module = codegen::emit_module(out.plan, *ctx, eo);
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
  for (size_t r = 0; opts.per_rule && r < out.plan.roots.size(); ++r) {
    auto f = (*jit)->lookup("rulec_rule_" + std::to_string(r));
    if (!f) {
      error = "LLVM JIT: " + llvm::toString(f.takeError());
      return std::nullopt;
    }
    out.rule_fns.push_back(reinterpret_cast<rt::RuleFn>(*f));
  }
  out.stats.jit_ms = ms_since(t);

  rt::CompiledProgram prog = program_tables(out.plan, out.groups);
  prog.fn = *fn;
  prog.code = std::shared_ptr<codegen::Jit>(std::move(*jit));
  prog.generic = out.generic;
  if (!out.fallback_atoms.empty()) {
    std::vector<const kql::Node*> nodes(out.plan.atoms.size(), nullptr);
    for (uint32_t a : out.fallback_atoms) nodes[a] = out.plan.atoms[a].node;
    prog.oracle = std::make_unique<InterpOracle>(schema, std::move(nodes));
  }
  out.engine = rt::CompiledEngine::create(std::move(prog), error);
  if (!out.engine) return std::nullopt;
  out.stats.total_ms = ms_since(t0);
  return out;
}

}  // namespace rulec::engine
