// The raw-line prefilter never drops a true match: interpreter matches against the prefilter's candidates on every corpus rule.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/test_util.h"
#include "compiler/frontend/printer.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "diff/corpus_rules.h"
#include "diff/json_rewrite.h"
#include "eventgen/event_gen.h"
#include "runtime/eval/line_prefilter.h"

namespace rulec::diff {
namespace {
namespace prefilter_diff_test {

const Schema& schema() { return testing::builtin_schema(); }

constexpr int64_t kNow = 1715774400000;  // the synthesizer's `now`

// Every corpus rule, on realistic events (the mixed and web scenarios, their suspicious and attack
// events included), on the events the synthesizer makes to satisfy each rule and their near
// misses, and on random events; each event also rewritten (\u and \/ escapes, value case flipped,
// whitespace, non-ASCII letters whose lowercase is ASCII). For each: every rule the interpreter
// matches is a candidate of the prefilter (the property), with the prefilter on (the gate and the
// candidates) and off giving the same answer, and the prefilter rejecting most (event, rule) pairs
// (it must do its job, not only be sound).
TEST(PrefilterDiff, CorpusRulesNeverLoseAMatch) {
  pipeline::LoadedRules loaded;
  ASSERT_TRUE(load_corpus_rules(schema(), loaded));
  const auto rules = loaded.plan_rules();
  std::string error;
  auto built = pipeline::build(rules, schema(), error);
  ASSERT_TRUE(built) << error;
  rt::LinePrefilter* pf = built->engine->line_prefilter();
  ASSERT_NE(pf, nullptr);
  interp::Interpreter interp(loaded.trees, schema());

  std::vector<std::string> base;
  EventSynth synth(schema());
  append_rule_events(synth, loaded.trees, base, /*learn=*/true);
  for (auto& e : synth.random_events(1500, 11)) base.push_back(std::move(e));
  gen::MixedScenario mixed;
  mixed.events = 2000;
  mixed.suspicious = 0.2;
  gen::generate_mixed(mixed, [&](std::string_view line) { base.emplace_back(line); });
  gen::WebScenario web;
  web.events = 500;
  web.attacks = true;
  gen::generate_web(web, [&](std::string_view line) { base.emplace_back(line); });

  rt::Decoder dec;
  rt::Event ev;
  rt::RuleBits matched, cand;
  size_t events = 0, matches = 0, pairs = 0, rejected = 0, fell_back = 0, lost = 0;
  std::string shown;
  auto check = [&](const std::string& line, const char* how) {  // how: the rewrite, or nullptr
    if (dec.decode(line, ev) != rt::DecodeError::None) return;
    ++events;
    interp.set_now_ms(kNow);
    interp.evaluate(ev, matched);
    pf->candidates(line, cand);
    fell_back += pf->fell_back();
    const bool gate = pf->any(line);
    const bool as_written = how == nullptr;
    for (size_t r = 0; r < matched.size(); ++r) {
      pairs += as_written;
      rejected += as_written && !cand.test(r);
      if (!matched.test(r)) continue;
      ++matches;
      if (cand.test(r) && gate) continue;
      if (++lost <= 5)
        shown += fmt::format("rule {:?} ({}) matched but the prefilter dropped it ({}):\n  {}\n", rules[r].name,
                             rules[r].query ? kql::print(*rules[r].query).substr(0, 300) : "", how ? how : "as written",
                             line.substr(0, 1500));
    }
  };
  uint64_t seed = 1;
  for (const std::string& line : base) {
    check(line, nullptr);
    for (Rewrite how : kRewrites) check(rewrite_json(line, how, seed++), to_string(how));
  }
  EXPECT_EQ(lost, 0u) << shown;
  EXPECT_GT(events, 40000u);
  EXPECT_GT(matches, 5000u) << "the events must exercise the rules";
  EXPECT_GT(fell_back, events / 10) << "the rewrites must reach the fallback";
  EXPECT_GT(static_cast<double>(rejected), 0.9 * static_cast<double>(pairs))
      << "the prefilter should leave out most (event, rule) pairs of the events as written";
  RecordProperty("events", std::to_string(events));
  RecordProperty("rejected_share", fmt::format("{:.4f}", static_cast<double>(rejected) / static_cast<double>(pairs)));
}

}  // namespace prefilter_diff_test
}  // namespace
}  // namespace rulec::diff
