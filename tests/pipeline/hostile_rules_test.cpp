// Hostile rules: huge value lists, pathological wildcard sets, deep nesting and oversized code are compiled within the limits or left out with the reason, never taking the rule set down.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <string>

#include "common/cli_util.h"
#include "common/test_util.h"
#include "compiler/pipeline/loaded_rules.h"
#include "compiler/matchers/bounded_compile.h"
#include "compiler/matchers/string_plan.h"
#include "common/sanitizers.h"
#include "interp/interp_test_util.h"
#include "runtime/decoder/decoder.h"

namespace rulec::testing {
namespace {
namespace hostile_rules_test {

using pipeline::CompileLimits;
using pipeline::LoadedRules;

std::string value_list(const char* field, const char* fmt_prefix, size_t n, const char* suffix = "") {
  std::string q = std::string(field) + ":(";
  for (size_t i = 0; i < n; ++i) q += (i ? " or " : "") + std::string(fmt_prefix) + std::to_string(i) + suffix;
  return q + ")";
}

// `n` patterns of 30 wildcard gaps each: Hyperscan's compile time grows much faster than the set.
std::string gap_patterns(size_t n) {
  std::string q = "process.command_line:(";
  uint32_t x = 7;
  for (size_t i = 0; i < n; ++i) {
    q += i ? " or *" : "*";
    for (int g = 0; g < 30; ++g) {
      x = x * 1103515245 + 12345;
      q += std::string(2, "abc"[(x >> 16) % 3]) + "*";
    }
  }
  return q + ")";
}

// Which rules of the set run and which were left out (by id), with the reasons.
struct Outcome {
  std::vector<std::string> run;
  std::map<std::string, std::string> left_out;
};

Outcome load(const std::filesystem::path& dir, const CompileLimits& limits, LoadedRules& loaded) {
  static const Schema schema = load_builtin_schema();
  loaded.limits = limits;
  Outcome o;
  if (!pipeline::load_runnable({dir.string()}, schema, loaded)) return o;
  for (const auto& info : loaded.infos) o.run.push_back(info.rule_id);
  for (const auto& [rule, why] : loaded.left_out) o.left_out[rule->rule_id] = why;
  return o;
}

// The compiled engine of the loaded set answers `doc` for each rule.
std::vector<bool> evaluate(const LoadedRules& loaded, std::string_view doc) {
  static const Schema schema = load_builtin_schema();
  std::string error;
  auto built = pipeline::build(loaded.plan_rules(), schema, error, loaded.build_options());
  EXPECT_TRUE(built) << error;
  if (!built) return {};
  rt::Decoder dec;
  rt::Event ev;
  std::string json(doc);
  EXPECT_EQ(dec.decode(json, ev), rt::DecodeError::None);
  rt::RuleBits bits(loaded.infos.size());
  built->engine->evaluate(ev, bits);
  std::vector<bool> out;
  for (size_t r = 0; r < loaded.infos.size(); ++r) out.push_back(bits.test(r));
  return out;
}

// The compile limits are CPU time (a busy machine leaves out what an idle one does), but a
// sanitizer build is several times slower: tests that are not about the time limit lift it.
CompileLimits no_time_limit() {
  CompileLimits l;
  l.max_compile_ms = 0;
  return l;
}

TEST(HostileRules, HundredThousandAlternativesCompileAndMatch) {
  TempDir dir;
  write_query_rule(dir.path(), "iocs", value_list("process.name", "ioc", 100000));
  write_query_rule(dir.path(), "and_list", "process.name:* and not " + value_list("process.name", "ok", 100000));
  LoadedRules loaded;
  const Outcome o = load(dir.path(), no_time_limit(), loaded);
  ASSERT_EQ(o.run.size(), 2u) << (o.left_out.empty() ? "" : o.left_out.begin()->second);
  const auto hit = evaluate(loaded, R"({"process":{"name":"ioc99999"}})");
  const auto miss = evaluate(loaded, R"({"process":{"name":"ok12345"}})");
  ASSERT_EQ(hit.size(), 2u);
  const size_t iocs = o.run[0] == "iocs" ? 0 : 1;
  EXPECT_TRUE(hit[iocs]);
  EXPECT_TRUE(hit[1 - iocs]);   // a name outside the 100,000 allowed ones
  EXPECT_FALSE(miss[iocs]);
  EXPECT_FALSE(miss[1 - iocs]);
  // Folded into one mask test per 64 atoms, the code stays small: each rule's units, not 100,000.
  for (const auto& c : loaded.costs) EXPECT_LT(c.code_units, 2000u);
}

TEST(HostileRules, DeepNestingIsAnErrorAndTheOtherRulesRun) {
  TempDir dir;
  write_query_rule(dir.path(), "deep", std::string(10000, '(') + "process.name:a" + std::string(10000, ')'));
  write_query_rule(dir.path(), "deep_not", [] {
    std::string q;
    for (int i = 0; i < 10000; ++i) q += "not (";
    return q + "process.name:a" + std::string(10000, ')');
  }());
  write_query_rule(dir.path(), "fine", "process.name:bash");
  const CmdResult check = run_rulec("check " + quote(dir.path().string()));
  EXPECT_EQ(check.status, 1) << check.out;
  EXPECT_NE(check.out.find("[KQL103] rule deep "), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("[KQL103] rule deep_not "), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("deeper than 512 levels"), std::string::npos) << check.out;
  LoadedRules loaded;
  const Outcome o = load(dir.path(), no_time_limit(), loaded);
  EXPECT_EQ(o.run, std::vector<std::string>{"fine"});
  EXPECT_EQ(o.left_out.size(), 2u);
}

// The limit is far above what analysis and planning cost even under a sanitizer (about 0.5 s of
// CPU) and far below what the Hyperscan compile needs (minutes): the outcome does not depend on the
// machine's speed or load, and the compile is stopped when its CPU time reaches what is left.
constexpr uint32_t kDeadlineMs = 3000;

TEST(HostileRules, PathologicalWildcardSetIsLeftOutAtTheDeadline) {
  TempDir dir;
  write_query_rule(dir.path(), "gaps", gap_patterns(2000));  // minutes of Hyperscan compile without a limit
  write_query_rule(dir.path(), "fine", "process.command_line:*whoami*");
  CompileLimits limits;
  limits.max_compile_ms = kDeadlineMs;
  LoadedRules loaded;
  const Outcome o = load(dir.path(), limits, loaded);
  EXPECT_EQ(o.run, std::vector<std::string>{"fine"});
  ASSERT_EQ(o.left_out.count("gaps"), 1u);
  EXPECT_NE(o.left_out.at("gaps").find("2000 wildcard patterns on process.command_line did not compile within the "
                                       "limit of 3000 CPU ms per rule (--max-compile-ms"),
            std::string::npos)
      << o.left_out.at("gaps");
  ASSERT_EQ(loaded.over_limits.size(), 1u);
  const pipeline::RuleCost& cost = loaded.over_limits[0].second;
  EXPECT_GE(cost.total_ms(), kDeadlineMs - 1.0) << "stopped before its CPU time reached the limit";
  EXPECT_LT(cost.total_ms(), kDeadlineMs + 1000.0) << "not stopped at the limit";
  const auto bits = evaluate(loaded, R"({"process":{"command_line":"cmd /c whoami"}})");
  EXPECT_EQ(bits, std::vector<bool>{true});
}

TEST(HostileRules, OversizedCodeIsLeftOutWithTheLimitNamed) {
  TempDir dir;
  std::string q;
  for (int i = 0; i < 600; ++i) q += (i ? " or " : "") + fmt::format("(process.name:p{} and not process.args:a{})", i, i);
  write_query_rule(dir.path(), "pairs", q);
  write_query_rule(dir.path(), "fine", "process.name:bash");
  CompileLimits limits;
  limits.max_code_units = 1000;
  LoadedRules loaded;
  Outcome o = load(dir.path(), limits, loaded);
  EXPECT_EQ(o.run, std::vector<std::string>{"fine"});
  ASSERT_EQ(o.left_out.count("pairs"), 1u);
  EXPECT_NE(o.left_out.at("pairs").find("over the limit of 1000 per rule (--max-code-units)"), std::string::npos)
      << o.left_out.at("pairs");
  limits.max_code_units = 0;  // no limit: it compiles and matches exactly its pairs
  LoadedRules all;
  o = load(dir.path(), limits, all);
  ASSERT_EQ(o.run.size(), 2u);
  const size_t pairs = o.run[0] == "pairs" ? 0 : 1;
  EXPECT_TRUE(evaluate(all, R"({"process":{"name":"p599","args":["a1"]}})")[pairs]);
  EXPECT_FALSE(evaluate(all, R"({"process":{"name":"p599","args":["a599"]}})")[pairs]);
}

TEST(HostileRules, CompileRunRefusesTheOneRuleAndCompilesTheRest) {
  TempDir dir;
  write_query_rule(dir.path(), "gaps", gap_patterns(2000));
  write_query_rule(dir.path(), "fine", "process.name:bash");
  const std::string out = (dir.path() / "r.rbundle").string();
  const CmdResult r = run_rulec("compile " + quote(dir.path().string()) + " -o " + quote(out) + " --max-compile-ms " +
                                std::to_string(kDeadlineMs));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("rule gaps \"gaps\" not run: its 2000 wildcard patterns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 rules ->"), std::string::npos) << r.out;
}

TEST(HostileRules, CheckCostFlagsCostlyRulesAndRulesOverALimit) {
  TempDir dir;
  write_query_rule(dir.path(), "cheap", "process.name:bash and event.type:start");
  std::string text;  // ten text-analysis tests: each one is evaluated on demand
  for (int i = 0; i < 10; ++i) text += (i ? " or " : "") + fmt::format("message:word{}", i);
  write_query_rule(dir.path(), "costly", text);
  write_query_rule(dir.path(), "gaps", gap_patterns(2000));
  CmdResult r = run_rulec("check --cost --max-compile-ms " + std::to_string(kDeadlineMs) + " " + quote(dir.path().string()));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("warning [RUL312] rule costly \"costly\": estimated worst-case cost"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10 on-demand tests"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error [RUL311] rule gaps \"gaps\": not compiled: its 2000 wildcard patterns"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("rule cheap \"cheap\": estimated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 rules costed: 2 over the threshold or a compile limit"), std::string::npos) << r.out;
  // The costly rule's line comes before the cheap one's (highest first).
  EXPECT_LT(r.out.find(" costly \"costly\": "), r.out.find(" cheap \"cheap\": ")) << r.out;
  std::filesystem::remove(dir.path() / "gaps.json");
  r = run_rulec("check --cost --cost-threshold 1000 " + quote(dir.path().string()));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("2 rules costed: 0 over"), std::string::npos) << r.out;
}

// The merged databases' net: a set over its budget is evaluated on demand, with the same answers.
TEST(HostileRules, DatabaseOverItsBudgetIsEvaluatedOnDemand) {
  auto parsed = kql::parse(gap_patterns(300) + " or process.command_line:*whoami*");
  ASSERT_TRUE(parsed);
  plan::RuleAsts rule;
  rule.name = "q";
  rule.query = parsed.ast.get();
  pipeline::BuildOptions bo;
  bo.strings.budget.max_ms = 50;
  std::string error;
  auto built = pipeline::build({rule}, interp::testing::test_schema(), error, bo);
  ASSERT_TRUE(built) << error;
  ASSERT_EQ(built->stats.strings.over_budget.size(), 1u);
  EXPECT_NE(built->stats.strings.over_budget[0].find("process.command_line: 301 patterns timed out"), std::string::npos)
      << built->stats.strings.over_budget[0];
  rt::Decoder dec;
  rt::Event ev;
  std::string doc = R"({"process":{"command_line":"cmd /c whoami"}})";
  ASSERT_EQ(dec.decode(doc, ev), rt::DecodeError::None);
  rt::RuleBits bits(1);
  built->engine->evaluate(ev, bits);
  EXPECT_TRUE(bits.test(0));
}

// compile_bounded's two ways of compiling in another process, the helper program and a fork,
// give the same outcomes.
class BoundedCompile : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { matchers::allow_compile_helper(GetParam()); }
  void TearDown() override { matchers::allow_compile_helper(true); }
};

TEST_P(BoundedCompile, ReportsRefusalsTimeAndMemory) {
  std::vector<rt::StringGroupSpec::Pattern> ok{{"abc.*def", false, false, 0}};
  auto r = matchers::compile_bounded(ok, nullptr, {2000, 512});
  EXPECT_EQ(r.outcome, matchers::CompileOutcome::Ok) << r.message;
  EXPECT_FALSE(r.database.empty());
  std::vector<rt::StringGroupSpec::Pattern> bad{{"(", false, false, 0}};
  r = matchers::compile_bounded(bad, nullptr, {2000, 512});
  EXPECT_EQ(r.outcome, matchers::CompileOutcome::Refused);
  EXPECT_EQ(r.bad, 0);
  EXPECT_FALSE(r.message.empty());
  std::vector<rt::StringGroupSpec::Pattern> big;
  for (int i = 0; i < 3000; ++i) big.push_back({fmt::format("x{}.*y.{{1,200}}z", i), false, false, uint32_t(i)});
  r = matchers::compile_bounded(big, nullptr, {20, 0});
  EXPECT_EQ(r.outcome, matchers::CompileOutcome::TimedOut) << matchers::to_string(r.outcome) << ": " << r.message;
  EXPECT_EQ(r.message, "not compiled within 20 ms");
#ifndef RULEC_TEST_ASAN
  r = matchers::compile_bounded(big, nullptr, {60000, 16});
  EXPECT_EQ(r.outcome, matchers::CompileOutcome::OutOfMemory) << matchers::to_string(r.outcome) << ": " << r.message;
#endif
}

INSTANTIATE_TEST_SUITE_P(HelperOrFork, BoundedCompile, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Helper" : "Fork"; });

TEST(BoundedCompileHelper, IsFoundFromTheTestPrograms) { EXPECT_TRUE(matchers::compile_helper_found()); }

}  // namespace hostile_rules_test
}  // namespace
}  // namespace rulec::testing
