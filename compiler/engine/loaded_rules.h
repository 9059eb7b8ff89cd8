// Loading a rule set for the engines (rules analysed, runnable ones lowered) and choosing the engine.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/engine/build_engine.h"
#include "compiler/engine/compile_limits.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/rule.h"
#include "compiler/interp/interp.h"
#include "runtime/common/dates.h"
#include "runtime/eval/rule_info.h"

namespace rulec::engine {

// The rules the engines run, with the ASTs they own.
struct LoadedRules {
  RuleSet set;
  std::vector<AnalyzedRule> analyzed;
  std::vector<interp::CompiledRule> compiled;
  std::vector<rt::RuleInfo> infos;
  std::vector<std::pair<const Rule*, std::string>> left_out;  // rules not run, with the reason
  CompileLimits limits;              // set before load_runnable: rules over them are left out
  bool quiet = false;                // set before load_runnable: do not print the rules left out
  std::vector<RuleCost> costs;       // per runnable rule (as `infos`)
  std::vector<const Rule*> rules;    // per runnable rule (as `infos`): the rule loaded
  std::vector<std::pair<const Rule*, RuleCost>> over_limits;  // left out by screen_rule (also in left_out)
  // The same rules as the optimizer takes them (with the fields the runtime reads).
  std::vector<plan::RuleAsts> plan_rules() const;
  // Build options whose Hyperscan budget follows `limits` (see set_budget).
  BuildOptions build_options() const;
};

// One rule as the optimizer takes it.
plan::RuleAsts plan_rule(const interp::CompiledRule& compiled, const rt::RuleInfo& info);

// Loads the rules below `paths`; prints each rule left out (and why) to stderr: unsupported, with
// errors, or over `out.limits` (screen_rule). False (with a message) when no rule can run.
bool load_runnable(const std::vector<std::string>& paths, const Schema& schema, LoadedRules& out);

// The evaluator a command runs: the compiled engine (JIT, the default) or the reference interpreter.
class ActiveEngine final : public rt::StreamEngine {
 public:
  // nullopt (reason printed on stderr) when the compiled engine cannot be built.
  static std::unique_ptr<ActiveEngine> create(const std::string& name, const std::vector<plan::RuleAsts>& rules,
                                              const std::vector<interp::CompiledRule>& compiled, const Schema& schema,
                                              const BuildOptions& opts = {});
  rt::Evaluator& evaluator() override;
  void set_now_ms(int64_t now_ms) override;
  bool needs_now() const override;
  const rt::FieldFilter* decode_filter() const override;
  const engine::Built* built() const { return built_ ? &*built_ : nullptr; }

 private:
  std::unique_ptr<interp::Interpreter> interp_;
  std::optional<engine::Built> built_;
};

// @timestamp of the event, for date math in queries (`now` is the event's time on a stream).
using rulec::event_now;

}  // namespace rulec::engine
