// Differential tests: the compiled engine against the reference interpreter on rule-derived and random input.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/test_util.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"
#include "diff/corpus_rules.h"
#include "diff/diff_util.h"
#include "diff/event_synth.h"
#include "diff/random_query.h"

namespace rulec::diff {
namespace {
namespace jit_diff_test {

const Schema& schema() { return testing::builtin_schema(); }

constexpr int64_t kNow = 1715774400000;  // the synthesizer's `now`

// Every corpus rule: the events that satisfy it, its near misses (one predicate flipped) and random
// events over the rules' own vocabulary; the JIT engine decodes through its own field filter.
// The compiled engine against the interpreter on `loaded`'s rules: each rule's synthesized events
// and near misses, then `random` random events over their vocabulary (seeded by `seed`). The
// interpreter's match count (with at least `min_events` events), or nullopt when the engine could not be built (a test failure).
std::optional<uint64_t> diff_loaded(const pipeline::LoadedRules& loaded, size_t random, uint32_t seed,
                                    size_t min_events = 0) {
  const auto rules = loaded.plan_rules();
  std::string error;
  auto built = pipeline::build(rules, schema(), error);
  EXPECT_TRUE(built) << error;
  if (!built) return std::nullopt;
  interp::Interpreter interp(loaded.trees, schema());
  EventSynth synth(schema());
  std::vector<std::string> events;
  append_rule_events(synth, loaded.trees, events, /*learn=*/false);
  for (auto& e : synth.random_events(random, seed)) events.push_back(std::move(e));
  std::vector<DiffRule> names;
  for (size_t r = 0; r < rules.size(); ++r)
    names.push_back({rules[r].name, rules[r].query ? kql::print(*rules[r].query) : ""});
  rt::Decoder filtered;
  filtered.set_filter(&built->engine->filter());
  DiffOptions opt;
  opt.a_name = "interpreter";
  opt.b_name = "jit";
  opt.decoder_b = &filtered;
  opt.before_each = [&](const rt::Event&) {
    interp.set_now_ms(kNow);
    built->engine->set_now_ms(kNow);
  };
  EXPECT_GE(events.size(), min_events);
  return compare_engines(interp, *built->engine, events, names, opt).matches_a;
}

TEST(JitDiff, CorpusRulesOnSynthesizedEvents) {
  pipeline::LoadedRules loaded;
  ASSERT_TRUE(load_corpus_rules(schema(), loaded));
  const auto matches = diff_loaded(loaded, 3000, 7, 5001);
  ASSERT_TRUE(matches);
  EXPECT_GT(*matches, 2000u) << "the events must exercise the rules";
}

// Every EQL corpus rule (event queries and each sequence term, lowered to the KQL tree family
// with Regexp and script leaves): the compiled engine against the interpreter on the events
// synthesized from the trees, their near misses and random events over their vocabulary.
TEST(JitDiff, EqlCorpusRulesOnSynthesizedEvents) {
  pipeline::LoadedRules loaded;
  loaded.quiet = true;
  ASSERT_TRUE(pipeline::load_runnable({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules-eql"}, schema(), loaded));
  size_t sequences = 0, terms = 0;
  for (const auto& i : loaded.infos) {
    sequences += i.kind == rt::DetectionKind::Sequence;
    terms += i.kind == rt::DetectionKind::SequenceTerm;
  }
  EXPECT_GT(sequences, 190u);
  EXPECT_GT(terms, 2 * sequences - 1);
  EXPECT_GT(loaded.infos.size() - sequences - terms, 800u) << "event queries";
  const auto matches = diff_loaded(loaded, 2000, 19);
  ASSERT_TRUE(matches);
  EXPECT_GT(*matches, 1000u) << "the events must exercise the rules";
}

// Random KQL queries from the grammar over a vocabulary of every field type, on random events:
// the property "compiled == interpreted" for queries no rule author wrote.
TEST(JitDiff, RandomQueriesOnRandomEvents) {
  RandomQueries gen(11);
  const auto queries = gen.queries(600);
  const auto events = gen.events(60);
  std::vector<kql::NodePtr> asts;
  std::vector<plan::RuleAsts> rules;
  std::vector<RuleTrees> compiled;
  std::vector<DiffRule> names;
  for (const auto& q : queries) {
    auto parsed = kql::parse(q);
    ASSERT_TRUE(parsed) << q;
    asts.push_back(std::move(parsed.ast));
    plan::RuleAsts r;
    r.name = std::string("q").append(std::to_string(rules.size()));
    r.query = asts.back().get();
    rules.push_back(r);
    compiled.push_back({asts.back().get(), nullptr, {}});
    names.push_back({r.name, q});
  }
  std::string error;
  auto built = pipeline::build(rules, schema(), error);
  ASSERT_TRUE(built) << error;
  interp::Interpreter interp(compiled, schema());
  rt::Decoder filtered;
  filtered.set_filter(&built->engine->filter());
  DiffOptions opt;
  opt.decoder_b = &filtered;
  opt.a_name = "interpreter";
  opt.b_name = "jit";
  opt.before_each = [&](const rt::Event&) {
    interp.set_now_ms(RandomQueries::kNowMs);
    built->engine->set_now_ms(RandomQueries::kNowMs);
  };
  const DiffReport rep = compare_engines(interp, *built->engine, events, names, opt);
  EXPECT_GT(rep.matches_a, 1000u);
  EXPECT_LT(rep.matches_a, queries.size() * events.size());
}

}  // namespace jit_diff_test
}  // namespace
}  // namespace rulec::diff
