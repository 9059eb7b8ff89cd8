// Assembles the compiled engine: rules -> optimizer (sealed plan, string groups) -> on-demand tests -> LLVM IR -> JIT.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/codegen/object_emitter.h"
#include "compiler/frontend/schema.h"
#include "compiler/matchers/pattern_screen.h"
#include "compiler/optimizer/plan.h"
#include "compiler/optimizer/prefilter.h"
#include "runtime/eval/compiled_engine.h"

namespace rulec::pipeline {

struct BuildStats {
  double plan_ms = 0, strings_ms = 0, codegen_ms = 0, jit_ms = 0, total_ms = 0;
  matchers::StringPlanStats strings;
  size_t groups = 0;
};

struct BuildOptions {
  bool keep_ir = false;   // fill Built::ir with the module's text
  bool jit = true;        // false: no JIT; stop after the IR, or the object when `object` is set
  bool per_rule = false;  // also compile one function per rule (Built::rule_fns, for profiling)
  std::optional<codegen::ObjectOptions> object;  // with jit = false: compile ahead of time (Built::object)
  matchers::ScreenOptions strings;               // Hyperscan target and budget
};

struct Built {
  std::shared_ptr<const plan::Plan> plan;   // sealed by the optimizer
  std::vector<rt::StringGroupSpec> groups;  // as planned (a copy; the engine owns its own)
  rt::GenericProgram generic;               // the on-demand atoms (what a bundle serializes)
  plan::Prefilter prefilter;                // the raw-line prefilter, with each rule's literals or why it has none
  std::unique_ptr<rt::CompiledEngine> engine;
  BuildStats stats;
  std::string ir;
  std::string object;                // ELF relocatable object (BuildOptions::object)
  std::vector<rt::RuleFn> rule_fns;  // per_rule only
};

// The program's tables: everything of the engine but the code.
rt::CompiledProgram program_tables(const Built& built);

// nullopt with `error` when LLVM or Hyperscan fail. The engine holds no reference to the ASTs or
// the schema.
std::optional<Built> build(const std::vector<plan::RuleAsts>& rules, const Schema& schema, std::string& error,
                           const BuildOptions& opts = {});

}  // namespace rulec::pipeline
