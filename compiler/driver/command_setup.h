// Shared command set-up: the rule set a command loads (rules, schema, compile limits), the evaluator choice, skip reporting.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "compiler/frontend/schema.h"
#include "compiler/interp/interp.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/compile_limits.h"
#include "compiler/pipeline/loaded_rules.h"
#include "runtime/decoder/decoder.h"
#include "runtime/sensor/detect_loop.h"

namespace rulec::driver {

struct SchemaOptions {
  std::vector<std::string> files;
  std::string dir;
  void add_to(CLI::App* cmd);
  // The built-in schema with the user's files layered on; prints the reason and returns nullopt on failure.
  std::optional<Schema> load() const;
};

// A loaded rule set: the schema, and the runnable rules analysed against it (the evaluators keep
// references to both, so it stays where it was made).
struct LoadedRuleSet {
  Schema schema;
  pipeline::LoadedRules rules;
};

// The rule set of a command: the rule paths (positional), --schema/--schema-dir and the compile
// limits (--max-compile-ms, --max-code-units, --max-compile-mb).
struct RuleSetOptions {
  std::vector<std::string> paths;
  SchemaOptions schema;
  pipeline::CompileLimits limits;
  std::vector<std::string> value_lists;  // ids given with --value-list (see LoadedRules)
  const char* progress = nullptr;  // set: "PROGRESS: N of M rules analysed" on a terminal while loading
  void add_to(CLI::App* cmd, const std::string& name = "rules", const std::string& help = "Rule files or directories");
  // The schema, then the runnable rules (the rules left out and why on stderr); nullptr, with the
  // reason on stderr, when the schema does not load or no rule can run.
  std::unique_ptr<LoadedRuleSet> load() const;
};

// `--engine jit|interp` on a subcommand.
void add_engine_option(CLI::App* cmd, std::string& engine);

// The evaluator a command runs: the compiled engine (JIT, the default) or the reference interpreter.
class ActiveEngine final : public rt::StreamEngine {
 public:
  // nullptr (reason printed on stderr) when the compiled engine cannot be built.
  static std::unique_ptr<ActiveEngine> create(const std::string& name, const std::vector<plan::RuleAsts>& rules,
                                              const std::vector<RuleTrees>& trees, const Schema& schema,
                                              const pipeline::BuildOptions& opts = {});
  rt::Evaluator& evaluator() override;
  void set_now_ms(int64_t now_ms) override;
  bool needs_now() const override;
  const rt::FieldFilter* decode_filter() const override;
  rt::LinePrefilter* line_prefilter() override { return built_ ? built_->engine->line_prefilter() : nullptr; }
  std::unique_ptr<rt::StreamEngine> clone(std::string& error) const override {
    return built_ ? built_->engine->clone(error) : rt::StreamEngine::clone(error);
  }
  const pipeline::Built* built() const { return built_ ? &*built_ : nullptr; }


 private:
  std::unique_ptr<interp::Interpreter> interp_;
  std::optional<pipeline::Built> built_;
};

// Prints each skipped input line to stderr as `rulec: PATH:LINE: skipped: REASON`.
inline void report_skips_to_stderr(rt::EventReader& reader, bool every) { rt::report_skips_to_stderr(reader, "rulec", every); }

}  // namespace rulec::driver
