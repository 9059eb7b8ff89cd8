// Assembles the compiled engine: plan -> Hyperscan groups and on-demand tests -> LLVM IR -> JIT.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/codegen/object_emitter.h"
#include "compiler/frontend/schema.h"
#include "compiler/matchers/generic_plan.h"
#include "compiler/matchers/string_plan.h"
#include "compiler/optimizer/plan.h"
#include "runtime/eval/compiled_engine.h"

namespace rulec::engine {

struct BuildStats {
  double plan_ms = 0, strings_ms = 0, codegen_ms = 0, jit_ms = 0, total_ms = 0;
  matchers::StringPlanStats strings;
  size_t groups = 0;
};

struct BuildOptions {
  bool keep_ir = false;   // fill Built::ir with the module's text
  bool jit = true;        // false: stop after the IR (explain)
  bool per_rule = false;  // also compile one function per rule (Built::rule_fns, for profiling)
  std::optional<codegen::ObjectOptions> object;  // with jit = false: compile ahead of time (Built::object)
  matchers::StringPlanOptions strings;            // Hyperscan target (ahead of time)
};

struct Built {
  plan::Plan plan;
  std::vector<rt::StringGroupSpec> groups;  // as planned (a copy; the engine owns its own)
  std::unique_ptr<rt::CompiledEngine> engine;
  BuildStats stats;
  std::string ir;
  std::string object;                // ELF relocatable object (BuildOptions::object)
  std::vector<rt::RuleFn> rule_fns;  // per_rule only
  // The on-demand atoms as the runtime evaluates them natively (what a bundle serializes with
  // rt::encode_generic), and the ones left to the reference evaluator with the rules that use them
  // (empty unless some atom is not representable).
  rt::GenericProgram generic;
  std::vector<uint32_t> fallback_atoms;
  std::vector<uint32_t> fallback_rules;
};

// The program's tables (everything of the engine but the code and the on-demand oracle).
rt::CompiledProgram program_tables(const plan::Plan& plan, const std::vector<rt::StringGroupSpec>& groups);

// On-demand atoms are evaluated natively (Built::generic); only fallback atoms, if any, evaluate
// their AST nodes with the reference evaluator, and then the schema and the ASTs behind `rules`
// must outlive the engine. nullopt with `error` when LLVM or Hyperscan fail.
std::optional<Built> build(const std::vector<plan::RuleAsts>& rules, const Schema& schema, std::string& error,
                           const BuildOptions& opts = {});

}  // namespace rulec::engine
