// Tests of the differential-testing material: synthesized events judged by the reference interpreter, random queries.
#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/runtime_rule.h"
#include "compiler/frontend/values.h"
#include "compiler/interp/interp.h"
#include "diff/diff_util.h"
#include "diff/event_synth.h"
#include "diff/random_query.h"
#include "runtime/common/dates.h"
#include "runtime/decoder/decoder.h"

namespace rulec::diff {
namespace {
namespace synth_test {

constexpr int64_t kNow = 1715774400000;  // SynthOptions::now_ms and RandomQueries::kNowMs

// The rules `rulec run` would run from the corpus (load_rules + analyze + lower_rule_info, as in
// compiler/driver/cmd_run.cpp), with the ASTs they own.
struct Corpus {
  Schema schema;
  RuleSet set;
  std::vector<AnalyzedRule> analyzed;
  std::vector<const Rule*> rules;
  std::vector<RuleTrees> compiled;
  size_t loaded = 0;
};

const Corpus& corpus() {
  static Corpus* c = [] {
    auto* out = new Corpus;
    out->schema = testing::load_builtin_schema();
    const std::string shared = RULEC_SHARED_DIR;
    out->set = load_rules({shared + "/corpus/detection-rules", shared + "/corpus/kibana-export.ndjson"});
    out->loaded = out->set.rules.size();
    for (const Rule& rule : out->set.rules) {
      AnalyzedRule a = analyze(rule, out->schema);
      std::string why;
      if (a.status != RuleStatus::Ok || !a.query || !lower_rule_info(rule, out->schema, why)) continue;
      RuleTrees cr{a.query.get(), rule.filters_ast.get(), {}};
      for (const ExceptionItem* item : rule.exception_items)
        if (item->ast) cr.exceptions.push_back(item->ast.get());
      out->compiled.push_back(cr);
      out->rules.push_back(&rule);
      out->analyzed.push_back(std::move(a));
    }
    return out;
  }();
  return *c;
}

// A decoded event that owns its decoder.
struct Decoded {
  rt::Decoder decoder;
  rt::Event ev;
  std::string error;
  bool ok = false;
  explicit Decoded(const std::string& json) { ok = decoder.decode(json, ev, &error) == rt::DecodeError::None; }
};

std::string clip(const std::string& s, size_t n = 400) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

// The kind of a near-miss edit, from its note ("one character changed: ...").
std::string edit_kind(const std::string& note) { return note.substr(0, note.find_first_of(":(")); }

TEST(Synth, CorpusRulesGetMatchingEvents) {
  const Corpus& c = corpus();
  ASSERT_GE(c.loaded, 729u);
  ASSERT_GT(c.compiled.size(), 600u) << "corpus rules the interpreter runs";
  const auto start = std::chrono::steady_clock::now();
  EventSynth synth(c.schema);
  size_t matched = 0, undecodable = 0, solved_not_matched = 0, matched_not_solved = 0;
  size_t near = 0, near_flip = 0, rules_with_flip = 0, near_agree = 0, sat_agree = 0, sat_total = 0;
  std::map<std::string, std::pair<size_t, size_t>> by_edit;  // kind -> (flipped, total)
  std::string failures;
  for (size_t i = 0; i < c.compiled.size(); ++i) {
    const RuleTrees& rule = c.compiled[i];
    const RuleEvents re = synth.synthesize(rule, i);
    bool hit = false;
    std::string first_json, first_note;
    for (const SynthEvent& e : re.satisfying) {
      Decoded d(e.json);
      if (!d.ok) {
        ++undecodable;
        ADD_FAILURE() << "synthesized event does not decode (" << d.error << "): " << e.json;
        continue;
      }
      const bool m = interp::matches(rule, d.ev, c.schema, kNow);
      ++sat_total;
      sat_agree += m == e.expected;
      if (first_json.empty()) first_json = e.json, first_note = e.note;
      hit = hit || m;
    }
    matched += hit;
    solved_not_matched += re.solved && !hit;
    matched_not_solved += !re.solved && hit;
    if (!hit) {
      failures += "  - " + c.rules[i]->name + " [" + c.rules[i]->rule_id + "]\n      query: " + clip(c.rules[i]->query, 300) +
                  "\n      why: " + (re.solved ? "the synthesizer believed it solved; the interpreter disagrees" : re.why) +
                  "\n      note: " + clip(first_note, 300) + "\n      event: " + clip(first_json) + "\n";
      continue;
    }
    bool flipped_one = false;
    for (const SynthEvent& e : re.near_misses) {
      Decoded d(e.json);
      ASSERT_TRUE(d.ok) << d.error << ": " << e.json;
      const bool m = interp::matches(rule, d.ev, c.schema, kNow);
      ++near;
      near_flip += !m;
      near_agree += m == e.expected;
      flipped_one = flipped_one || !m;
      auto& [f, t] = by_edit[edit_kind(e.note)];
      f += !m;
      ++t;
    }
    rules_with_flip += flipped_one;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double pct = 100.0 * static_cast<double>(matched) / static_cast<double>(c.compiled.size());
  std::cout << "[synth] " << c.compiled.size() << " corpus rules run (of " << c.loaded << " loaded): " << matched
            << " have a synthesized event the interpreter matches (" << pct << "%), in " << secs << " s\n"
            << "[synth] synthesizer verdicts agreeing with the interpreter: satisfying " << sat_agree << "/" << sat_total
            << ", near misses " << near_agree << "/" << near << "; believed solved but not matched: " << solved_not_matched
            << ", matched though not solved: " << matched_not_solved << "\n"
            << "[synth] near misses flipping the answer: " << near_flip << "/" << near << "; rules with a flipping near miss: "
            << rules_with_flip << "/" << matched << "\n";
  for (const auto& [kind, ft] : by_edit) std::cout << "[synth]   " << kind << ": " << ft.first << "/" << ft.second << " flip\n";
  if (!failures.empty()) std::cout << "[synth] rules without a matching synthesized event:\n" << failures;
  EXPECT_EQ(undecodable, 0u);
  EXPECT_GE(pct, 95.0) << "rules without a matching synthesized event:\n" << failures;
  // Near misses are not all matches: a good share flips the answer, and most rules get one that does.
  EXPECT_GT(near_flip, near / 4) << near_flip << " of " << near;
  EXPECT_LT(near_flip, near) << "every near miss flipped: the edits that keep the answer are missing";
  EXPECT_GE(rules_with_flip * 10, matched * 8) << rules_with_flip << " of " << matched;
  // The synthesizer's own model should mostly agree with the oracle (it guides generation).
  EXPECT_GE(sat_agree * 100, sat_total * 90);
}

TEST(Synth, DeterministicFromTheSeed) {
  const Corpus& c = corpus();
  ASSERT_FALSE(c.compiled.empty());
  EventSynth s1(c.schema), s2(c.schema);
  size_t differ = 0;
  for (size_t i = 0; i < c.compiled.size(); i += 37) {
    const RuleEvents a = s1.synthesize(c.compiled[i], 7), b = s2.synthesize(c.compiled[i], 7);
    ASSERT_EQ(a.satisfying.size(), b.satisfying.size());
    for (size_t k = 0; k < a.satisfying.size(); ++k) EXPECT_EQ(a.satisfying[k].json, b.satisfying[k].json);
    ASSERT_EQ(a.near_misses.size(), b.near_misses.size());
    for (size_t k = 0; k < a.near_misses.size(); ++k) EXPECT_EQ(a.near_misses[k].json, b.near_misses[k].json);
    const RuleEvents other = s1.synthesize(c.compiled[i], 8);
    differ += !other.satisfying.empty() && !a.satisfying.empty() && other.satisfying[0].json != a.satisfying[0].json;
  }
  EXPECT_GT(differ, 0u) << "another seed gives other events";
  RandomQueries q1(3), q2(3);
  EXPECT_EQ(q1.queries(50), q2.queries(50));
  EXPECT_EQ(q1.events(50), q2.events(50));
}

// Values are typed as the schema says: numbers (or numeric strings) on numeric fields, addresses on
// ip fields, ECS dates, booleans; and each alternative form occurs.
TEST(Synth, ValuesTypedAsTheSchemaSays) {
  const Corpus& c = corpus();
  EventSynth synth(c.schema);
  size_t bad = 0, num = 0, num_str = 0, iso = 0, epoch = 0, ips = 0;
  std::string bad_list;
  for (size_t i = 0; i < c.compiled.size(); i += 3) {
    for (const SynthEvent& e : synth.synthesize(c.compiled[i], i).satisfying) {
      if (!e.expected) continue;  // unsolved predicates may hold anything
      Decoded d(e.json);
      ASSERT_TRUE(d.ok) << e.json;
      for (const rt::Leaf& l : d.ev.leaves) {
        const FieldInfo info = c.schema.lookup(l.path);
        bool ok = true;
        if (is_numeric(info.type)) {
          ok = parse_number(l.text).has_value() && l.kind != rt::ValueKind::True && l.kind != rt::ValueKind::False;
          (l.kind == rt::ValueKind::Number ? num : num_str) += ok;
        } else if (info.type == FieldType::Ip) {
          ok = parse_ip(l.text).has_value();
          ips += ok;
        } else if (info.type == FieldType::Date) {
          ok = event_time_ms(l.text, l.kind).has_value();
          (l.kind == rt::ValueKind::String && l.text.find('T') != std::string_view::npos ? iso : epoch) += ok;
        } else if (info.type == FieldType::Boolean) {
          ok = l.kind == rt::ValueKind::True || l.kind == rt::ValueKind::False || l.text == "true" || l.text == "false" || l.text.empty();
        }
        if (!ok && bad++ < 10) bad_list += "  " + std::string(l.path) + " = " + std::string(l.text) + " in " + clip(e.json, 200) + "\n";
      }
    }
  }
  std::cout << "[synth] typed values: numbers " << num << ", numeric strings " << num_str << ", ISO dates " << iso
            << ", epoch dates " << epoch << ", ips " << ips << "\n";
  EXPECT_EQ(bad, 0u) << bad_list;
  EXPECT_GT(num, 0u);
  EXPECT_GT(num_str, 0u);
  EXPECT_GT(iso, 0u);
  EXPECT_GT(epoch, 0u);
  EXPECT_GT(ips, 0u);
}

TEST(Synth, RandomEventsFromTheRulesVocabulary) {
  const Corpus& c = corpus();
  EventSynth synth(c.schema);
  for (size_t i = 0; i < c.compiled.size(); ++i) synth.learn(c.compiled[i], i);
  EXPECT_GT(synth.vocabulary_fields(), 300u);
  const auto events = synth.random_events(3000, 11);
  interp::Interpreter engine(c.compiled, c.schema);
  engine.set_now_ms(kNow);
  rt::Decoder dec;
  rt::Event ev;
  rt::RuleBits bits(engine.rule_count());
  size_t with_match = 0, pairs = 0;
  std::vector<bool> rule_hit(engine.rule_count());
  for (const auto& json : events) {
    std::string err;
    ASSERT_EQ(dec.decode(json, ev, &err), rt::DecodeError::None) << err << ": " << json;
    engine.evaluate(ev, bits);
    with_match += bits.any();
    for (size_t r = 0; r < bits.size(); ++r)
      if (bits.test(r)) ++pairs, rule_hit[r] = true;
  }
  const auto rules_hit = static_cast<size_t>(std::count(rule_hit.begin(), rule_hit.end(), true));
  std::cout << "[synth] random events: " << with_match << "/" << events.size() << " match some rule; " << pairs
            << " (event, rule) matches; " << rules_hit << " rules matched at least once\n";
  EXPECT_GT(with_match, events.size() / 20);
  EXPECT_GT(rules_hit, 100u) << "themed random events reach many rules";
  EXPECT_LT(with_match, events.size());
}

TEST(RandomQueries, VocabularyTypesMatchTheSchema) {
  const Schema& schema = corpus().schema;
  for (const auto& f : RandomQueries::vocabulary()) {
    const FieldInfo i = schema.lookup(f.name);
    const std::string kind = f.kind;
    std::string got = i.known ? to_string(i.type) : "unknown";
    if (i.known && i.lowercase) got = "caseless";
    if (got == "match_only_text") got = "text";
    EXPECT_EQ(got, kind) << f.name;
  }
}

TEST(RandomQueries, ParseAndEvaluateWithBothAnswers) {
  const Schema& schema = corpus().schema;
  RandomQueries gen(2024);
  const auto queries = gen.queries(3000);
  const auto events = gen.events(60);
  std::vector<kql::NodePtr> asts;
  std::vector<RuleTrees> compiled;
  size_t errors = 0;
  for (const auto& q : queries) {
    auto r = kql::parse(q);
    if (!r) {
      if (errors++ < 10) ADD_FAILURE() << "random query does not parse: " << q << "\n  " << (r.error ? r.error->message : "");
      continue;
    }
    compiled.push_back({r.ast.get(), nullptr, {}});
    asts.push_back(std::move(r.ast));
  }
  EXPECT_EQ(errors, 0u);
  interp::Interpreter engine(compiled, schema);
  engine.set_now_ms(RandomQueries::kNowMs);
  rt::Decoder dec;
  rt::Event ev;
  rt::RuleBits bits(engine.rule_count());
  std::vector<uint8_t> seen(compiled.size());  // bit 0: false seen, bit 1: true seen
  size_t trues = 0, falses = 0;
  for (const auto& json : events) {
    std::string err;
    ASSERT_EQ(dec.decode(json, ev, &err), rt::DecodeError::None) << err << ": " << json;
    engine.evaluate(ev, bits);
    for (size_t i = 0; i < compiled.size(); ++i) {
      const bool m = bits.test(i);
      (m ? trues : falses)++;
      seen[i] |= m ? 2 : 1;
    }
  }
  const auto both = static_cast<size_t>(std::count(seen.begin(), seen.end(), 3));
  const auto some_true = static_cast<size_t>(std::count_if(seen.begin(), seen.end(), [](uint8_t s) { return s & 2; }));
  std::cout << "[random] " << compiled.size() << " queries x " << events.size() << " events: " << trues << " true, "
            << falses << " false; queries with both answers " << both << ", with some true " << some_true << "\n";
  EXPECT_GT(trues, 0u);
  EXPECT_GT(falses, 0u);
  EXPECT_GT(both * 5, compiled.size()) << "at least a fifth of the queries see both answers";

  // The synthesizer on random queries: satisfying events the interpreter matches.
  EventSynth synth(schema);
  size_t hit = 0;
  std::string misses;
  for (size_t i = 0; i < compiled.size(); i += 3) {
    bool any = false;
    std::string first;
    for (const SynthEvent& e : synth.synthesize(compiled[i], i).satisfying) {
      Decoded d(e.json);
      ASSERT_TRUE(d.ok) << d.error << ": " << e.json;
      any = any || interp::matches(compiled[i], d.ev, schema, kNow);
      if (first.empty()) first = e.json + "  (" + e.note + ")";
    }
    hit += any;
    if (!any && misses.size() < 4000) misses += "  " + queries[i] + "\n    " + clip(first, 500) + "\n";
  }
  // Every event made from random queries decodes: near misses and random events too.
  for (size_t i = 0; i < compiled.size(); i += 3) {
    synth.learn(compiled[i], i);
    for (const SynthEvent& e : synth.synthesize(compiled[i], i).near_misses) {
      Decoded d(e.json);
      ASSERT_TRUE(d.ok) << d.error << ": " << e.json;
    }
  }
  for (const auto& json : synth.random_events(3000, 9)) {
    Decoded d(json);
    ASSERT_TRUE(d.ok) << d.error << ": " << json;
  }
  const size_t tried = (compiled.size() + 2) / 3;
  std::cout << "[random] synthesized events matched for " << hit << "/" << tried << " random queries\n";
  EXPECT_GE(hit * 100, tried * 85) << misses;
}

// A wrapper that flips rule `flip`'s answer: differences the comparison must report.
class FlipOne final : public rt::Evaluator {
 public:
  FlipOne(rt::Evaluator& inner, size_t flip) : inner_(inner), flip_(flip) {}
  size_t rule_count() const override { return inner_.rule_count(); }
  void evaluate(const rt::Event& ev, rt::RuleBits& matched) override {
    inner_.evaluate(ev, matched);
    matched.words()[flip_ / 64] ^= uint64_t{1} << (flip_ % 64);
  }

 private:
  rt::Evaluator& inner_;
  size_t flip_;
};

TEST(DiffUtil, ComparesEnginesAndDescribesDifferences) {
  const Corpus& c = corpus();
  std::vector<RuleTrees> rules(c.compiled.begin(), c.compiled.begin() + 40);
  std::vector<DiffRule> names;
  for (size_t i = 0; i < rules.size(); ++i) names.push_back({c.rules[i]->name, c.rules[i]->query});
  EventSynth synth(c.schema);
  std::vector<std::string> events;
  for (size_t i = 0; i < rules.size(); ++i)
    for (auto& e : synth.synthesize(rules[i], i).satisfying) events.push_back(std::move(e.json));
  interp::Interpreter a(rules, c.schema), b(rules, c.schema);
  DiffOptions opt;
  opt.a_name = "interp";
  opt.b_name = "interp-again";
  opt.before_each = [&](const rt::Event&) { a.set_now_ms(kNow), b.set_now_ms(kNow); };
  const DiffReport same = compare_engines(a, b, events, names, opt);
  EXPECT_TRUE(same.ok());
  EXPECT_EQ(same.events, events.size());
  EXPECT_GT(same.matches_a, 0u);

  FlipOne flipped(b, 5);
  opt.b_name = "flipped";
  opt.max_shown = 2;
  const DiffReport diff = diff_engines(a, flipped, events, names, opt);
  EXPECT_FALSE(diff.ok());
  EXPECT_EQ(diff.mismatches.size(), events.size());  // rule 5 differs on every event
  EXPECT_NE(diff.text.find(names[5].name), std::string::npos) << diff.text;
  EXPECT_NE(diff.text.find(events[0]), std::string::npos) << diff.text;
  EXPECT_NE(diff.text.find("flipped: "), std::string::npos) << diff.text;
  EXPECT_NE(diff.text.find("#5 x" + std::to_string(events.size())), std::string::npos) << diff.text;

  const DiffReport bad = diff_engines(a, b, {"{\"a\":", "[1]"}, names, opt);
  EXPECT_EQ(bad.undecodable, 2u);
  EXPECT_FALSE(bad.ok());
}

// Regression (engine_diff_fuzz, empty input = seed 0): the keyword check read past the end of a
// short value. Under the sanitizer build this reads out of bounds if the bug comes back; here the
// queries of the first seeds must all parse.
TEST(RandomQueries, FirstSeedsGiveQueriesThatParse) {
  for (uint64_t seed = 0; seed < 64; ++seed) {
    RandomQueries gen(seed, 1 + static_cast<int>(seed % 4));
    for (int i = 0; i < 8; ++i) {
      const std::string q = gen.query();
      EXPECT_TRUE(kql::parse(q)) << "seed " << seed << ": " << q;
    }
  }
}

}  // namespace synth_test
}  // namespace
}  // namespace rulec::diff
