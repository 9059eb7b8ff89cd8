// Differential test: the compiled engine equals the reference interpreter on every corpus rule, event by event.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/test_util.h"
#include "eventgen/event_gen.h"
#include "compiler/interp/interp.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "compiler/frontend/printer.h"
#include "runtime/common/dates.h"
#include "runtime/decoder/decoder.h"

namespace rulec {
namespace {
namespace jit_corpus_test {

const Schema& corpus_schema() {
  static const Schema s = testing::load_builtin_schema();
  return s;
}

// Events: the seed scenario with its attacks, the mixed benchmark workload with many suspicious
// events (values corpus rules look for), and the shared sample event.
std::vector<std::string> events() {
  std::vector<std::string> out;
  auto keep = [&](std::string_view doc) { out.emplace_back(doc); };
  gen::WebScenario web;
  web.events = 1500;
  web.attacks = true;
  gen::generate_web(web, keep);
  gen::MixedScenario mixed;
  mixed.events = 3000;
  mixed.suspicious = 0.3;
  gen::generate_mixed(mixed, keep);
  return out;
}

TEST(JitCorpus, EqualsTheInterpreterOnEveryRuleAndEvent) {
  pipeline::LoadedRules loaded;
  ASSERT_TRUE(pipeline::load_runnable({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules"}, corpus_schema(), loaded));
  ASSERT_GT(loaded.trees.size(), 700u);
  const auto rules = loaded.plan_rules();
  std::string error;
  auto built = pipeline::build(rules, corpus_schema(), error);
  ASSERT_TRUE(built) << error;
  rt::CompiledEngine& jit = *built->engine;
  interp::Interpreter interp(loaded.trees, corpus_schema());

  rt::Decoder full, filtered;
  filtered.set_filter(&jit.filter());
  rt::Event fev, jev;
  rt::RuleBits ib(interp.rule_count()), jb(jit.rule_count());
  size_t matched = 0, mismatches = 0, evaluated = 0;
  for (const std::string& doc : events()) {
    ASSERT_EQ(full.decode(doc, fev), rt::DecodeError::None);
    ASSERT_EQ(filtered.decode(doc, jev), rt::DecodeError::None);
    const int64_t now = event_now(fev, 0);
    interp.set_now_ms(now);
    jit.set_now_ms(event_now(jev, 0));
    interp.evaluate(fev, ib);
    jit.evaluate(jev, jb);
    ++evaluated;
    for (size_t r = 0; r < rules.size(); ++r) {
      matched += ib.test(r);
      if (ib.test(r) == jb.test(r)) continue;
      if (++mismatches <= 10)
        ADD_FAILURE() << fmt::format("rule \"{}\": interpreter {}, compiled {}\n  query: {}\n  event: {}", rules[r].name,
                                     ib.test(r), jb.test(r), rules[r].query ? kql::print(*rules[r].query) : "", doc);
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(evaluated, 4000u);
  // The events must exercise the rules, or equality proves little.
  EXPECT_GT(matched, 1000u) << "too few (rule, event) matches to compare";
}

}  // namespace jit_corpus_test
}  // namespace
}  // namespace rulec
