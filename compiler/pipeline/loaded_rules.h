// Loading a rule set for the evaluators: rules analysed, screened against the compile limits, runnable ones lowered.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/compile_limits.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/rule.h"
#include "compiler/semantics/rule_trees.h"
#include "runtime/eval/rule_info.h"

namespace rulec::pipeline {

// The rules the engines run, with the ASTs they own.
struct LoadedRules {
  RuleSet set;
  std::vector<AnalyzedRule> analyzed;
  std::vector<RuleTrees> trees;     // per runnable rule (as `infos`)
  std::vector<rt::RuleInfo> infos;
  std::vector<std::pair<const Rule*, std::string>> left_out;  // rules not run, with the reason
  CompileLimits limits;              // set before load_runnable: rules over them are left out
  bool quiet = false;                // set before load_runnable: do not print the rules left out
  // Set before load_runnable: the ids of the value lists given (--value-list); a rule whose
  // exception items name another list is left out (RUL303).
  std::vector<std::string> value_lists;
  std::vector<RuleCost> costs;       // per runnable rule (as `infos`)
  std::vector<const Rule*> rules;    // per runnable rule (as `infos`): the rule loaded
  std::vector<std::pair<const Rule*, RuleCost>> over_limits;  // left out by screen_rule (also in left_out)
  // Set before load_runnable: called before each rule is analysed (done, total), then (total, total).
  std::function<void(size_t done, size_t total)> on_rule;
  // How many of `infos` are EQL sequence terms (rules of the list, not rules the user wrote).
  size_t sequence_terms() const;
  // "N rules" as a message says it: the user's rules, then the sequence terms compiled with them.
  std::string rules_text() const;
  // The same rules as the optimizer takes them (with the fields the runtime reads).
  std::vector<plan::RuleAsts> plan_rules() const;
  // Build options whose Hyperscan budget follows `limits` (see set_budget).
  BuildOptions build_options() const;
};

// One rule as the optimizer takes it.
plan::RuleAsts plan_rule(const RuleTrees& trees, const rt::RuleInfo& info);

// Loads the rules below `paths`; prints each rule left out (and why) to stderr: unsupported, with
// errors, or over `out.limits` (screen_rule). False (with a message) when no rule can run.
bool load_runnable(const std::vector<std::string>& paths, const Schema& schema, LoadedRules& out);

}  // namespace rulec::pipeline
