// The native on-demand tests: every corpus Generic atom native, equal to the interpreter atom by atom, encode/decode round trip, corrupt input, no allocation.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/alloc_counter.h"
#include "common/test_util.h"
#include "compiler/pipeline/build_engine.h"
#include "compiler/pipeline/loaded_rules.h"
#include "compiler/frontend/printer.h"
#include "compiler/interp/matcher.h"
#include "compiler/matchers/generic_plan.h"
#include "diff/event_synth.h"
#include "runtime/decoder/decoder.h"
#include "runtime/eval/compiled_engine.h"
#include "runtime/eval/generic_tests.h"

namespace rulec::diff {
namespace {
namespace generic_program_test {

constexpr int64_t kNow = 1715774400000;  // the synthesizer's `now`

const Schema& schema() {
  static const Schema s = testing::load_builtin_schema();
  return s;
}

// The corpus (rules and the Kibana export), its plan and on-demand program, and events that
// exercise the rules with on-demand atoms (their satisfying events and near misses) plus random ones.
struct Corpus {
  pipeline::LoadedRules loaded;
  std::optional<pipeline::Built> built;
  std::vector<uint32_t> generic_atoms;
  std::vector<std::string> events;
};

const Corpus& corpus() {
  static const Corpus* c = [] {
    auto* out = new Corpus;
    EXPECT_TRUE(pipeline::load_runnable({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules",
                                       std::string(RULEC_SHARED_DIR) + "/corpus/kibana-export.ndjson"},
                                      schema(), out->loaded));
    std::string error;
    pipeline::BuildOptions bo;
    bo.jit = false;  // the plan and the on-demand program are built before code generation
    out->built = pipeline::build(out->loaded.plan_rules(), schema(), error, bo);
    EXPECT_TRUE(out->built) << error;
    if (!out->built) return out;
    const plan::Plan& p = *out->built->plan;
    for (uint32_t a = 0; a < p.atoms.size(); ++a)
      if (p.atoms[a].kind == plan::AtomKind::Generic) out->generic_atoms.push_back(a);
    EventSynth synth(schema());
    for (uint32_t r : plan::rules_reaching(p, out->generic_atoms)) {
      synth.learn(out->loaded.trees[r], r);
      RuleEvents re = synth.synthesize(out->loaded.trees[r], r);
      for (auto& e : re.satisfying) out->events.push_back(std::move(e.json));
      for (auto& e : re.near_misses) out->events.push_back(std::move(e.json));
    }
    for (auto& e : synth.random_events(1500, 11)) out->events.push_back(std::move(e));
    return out;
  }();
  return *c;
}

// Every on-demand atom of the corpus is native: no rule needs the reference evaluator at run time.
TEST(GenericProgram, EveryCorpusAtomIsNative) {
  const Corpus& c = corpus();
  ASSERT_TRUE(c.built);
  const pipeline::Built& b = *c.built;
  EXPECT_EQ(c.generic_atoms.size(), 137u);  // text, dates, nested, object exists... (explain lists them)
  EXPECT_EQ(plan::rules_reaching(*b.plan, c.generic_atoms).size(), 76u);  // with the threat_match rules (file.hash.*:*...)
  for (uint32_t a : c.generic_atoms) EXPECT_TRUE(b.generic.has(a)) << b.plan->atoms[a].display;
  for (uint32_t a = 0; a < b.plan->atoms.size(); ++a) {
    if (b.plan->atoms[a].kind != plan::AtomKind::Generic) {
      EXPECT_FALSE(b.generic.has(a));
    }
  }
  std::string error;
  EXPECT_TRUE(rt::validate_generic(b.generic, static_cast<uint32_t>(b.plan->atoms.size()), error)) << error;
}

// Answers of `atoms` for every Generic atom on every event, one string per event.
std::vector<std::string> answers(rt::OnDemandAtoms& atoms, const Corpus& c) {
  std::vector<std::string> out;
  rt::Decoder dec;
  rt::Event ev;
  for (const auto& doc : c.events) {
    if (dec.decode(doc, ev) != rt::DecodeError::None) continue;
    atoms.reset(ev, kNow);
    std::string s;
    for (uint32_t a : c.generic_atoms) s += atoms.eval(a) ? '1' : '0';
    out.push_back(std::move(s));
  }
  return out;
}

// The reference evaluator (the oracle) on each atom's AST node.
class InterpAtoms final : public rt::OnDemandAtoms {
 public:
  explicit InterpAtoms(const plan::Plan& p) : plan_(p), m_(schema()) {}
  void reset(const rt::Event& ev, int64_t now_ms) override { m_.reset(ev, now_ms); }
  bool eval(uint32_t atom) override { return plan_.atoms[atom].node && m_.eval(*plan_.atoms[atom].node); }

 private:
  const plan::Plan& plan_;
  interp::Matcher m_;
};

std::string encoded(const rt::GenericProgram& p) {
  rt::ByteWriter w;
  rt::encode_generic(w, p);
  return w.take();
}

TEST(GenericProgram, NativeAndDecodedEqualTheInterpreterAtomByAtom) {
  const Corpus& c = corpus();
  ASSERT_TRUE(c.built);
  const auto atom_count = static_cast<uint32_t>(c.built->plan->atoms.size());
  ASSERT_GT(c.events.size(), 1000u);

  InterpAtoms reference(*c.built->plan);
  const auto want = answers(reference, c);
  std::string error;
  auto native = rt::make_on_demand_atoms(c.built->generic, atom_count, error);
  ASSERT_TRUE(native) << error;
  const auto got = answers(*native, c);

  const std::string bytes = encoded(c.built->generic);
  rt::ByteReader r(bytes);
  rt::GenericProgram decoded;
  ASSERT_TRUE(rt::decode_generic(r, decoded, atom_count, error)) << error;
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(encoded(decoded), bytes);  // a second encoding is byte-identical
  auto again = rt::make_on_demand_atoms(std::move(decoded), atom_count, error);
  ASSERT_TRUE(again) << error;
  const auto got2 = answers(*again, c);

  ASSERT_EQ(want.size(), got.size());
  ASSERT_EQ(want.size(), got2.size());
  size_t mismatches = 0, trues = 0;
  for (size_t e = 0; e < want.size(); ++e) {
    trues += std::count(want[e].begin(), want[e].end(), '1');
    for (size_t k = 0; k < want[e].size(); ++k) {
      if (want[e][k] == got[e][k] && want[e][k] == got2[e][k]) continue;
      if (++mismatches <= 10)
        ADD_FAILURE() << fmt::format("atom {}: interpreter {}, native {}, decoded {}\n  event: {}",
                                     c.built->plan->atoms[c.generic_atoms[k]].display, want[e][k], got[e][k],
                                     got2[e][k], c.events[e]);
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(trues, 200u) << "the events must make on-demand atoms true, or equality proves little";
}

// Decodes `bytes`; when it succeeds the program must evaluate every atom on a few events.
void decode_and_run(std::string_view bytes, uint32_t atom_count, const std::vector<rt::Event>& evs) {
  rt::ByteReader r(bytes);
  rt::GenericProgram p;
  std::string error;
  if (!rt::decode_generic(r, p, atom_count, error)) {
    EXPECT_FALSE(error.empty());
    return;
  }
  auto o = rt::make_on_demand_atoms(std::move(p), atom_count, error);
  ASSERT_TRUE(o) << "a decoded program is refused by the evaluator: " << error;
  for (const auto& ev : evs) {
    o->reset(ev, kNow);
    for (uint32_t a = 0; a < atom_count; ++a) (void)o->eval(a);
  }
}

TEST(GenericProgram, CorruptEncodingsNeverCrash) {
  const Corpus& c = corpus();
  ASSERT_TRUE(c.built);
  const auto atom_count = static_cast<uint32_t>(c.built->plan->atoms.size());
  const std::string bytes = encoded(c.built->generic);
  std::vector<rt::Decoder> decs(8);
  std::vector<rt::Event> evs(8);
  for (size_t i = 0; i < evs.size(); ++i)
    ASSERT_EQ(decs[i].decode(c.events[i * 37 % c.events.size()], evs[i]), rt::DecodeError::None);

  // Truncations fail cleanly: every length within 1 KB of either end, and about 4,000 lengths
  // spread evenly between (each decode reads up to n bytes: all lengths would be quadratic).
  const size_t stride = std::max<size_t>(1, bytes.size() / 4096);
  for (size_t n = 0; n < bytes.size(); n += (n < 1024 || n + 1024 >= bytes.size()) ? 1 : stride) {
    rt::ByteReader r(std::string_view(bytes).substr(0, n));
    rt::GenericProgram p;
    std::string error;
    ASSERT_FALSE(rt::decode_generic(r, p, atom_count, error)) << "a truncation to " << n << " bytes decodes";
    ASSERT_FALSE(error.empty());
  }
  // A single-byte change (the low bit, the high bit or all bits, in turn) at every offset within
  // 1 KB of either end and at about 8,000 offsets spread evenly between, and random ones.
  std::string m = bytes;
  constexpr uint8_t kFlips[] = {0x01, 0x80, 0xff};
  const size_t flip_stride = std::max<size_t>(1, m.size() / 8192);
  for (size_t i = 0; i < m.size(); i += (i < 1024 || i + 1024 >= m.size()) ? 1 : flip_stride) {
    m[i] = static_cast<char>(bytes[i] ^ kFlips[i % 3]);
    decode_and_run(m, atom_count, i % 97 == 0 ? evs : std::vector<rt::Event>{});
    m[i] = bytes[i];
  }
  std::mt19937_64 rng(5);
  for (int k = 0; k < 3000; ++k) {
    const size_t i = rng() % m.size();
    m[i] = static_cast<char>(rng());
    decode_and_run(m, atom_count, evs);
    m[i] = bytes[i];
  }
  // A wrong atom count is refused.
  rt::ByteReader r(bytes);
  rt::GenericProgram p;
  std::string error;
  EXPECT_FALSE(rt::decode_generic(r, p, atom_count + 1, error));
}

// Hostile but well-formed programs: a tree too deep for the evaluator's recursion, and shared
// sub-trees (exponential evaluation time) are refused.
TEST(GenericProgram, DeepOrSharedTreesAreRefused) {
  using Kind = rt::GenericNode::Kind;
  rt::GenericProgram deep;
  deep.nodes.push_back(rt::GenericNode{});
  for (uint32_t i = 1; i < rt::kMaxGenericDepth + 5; ++i) {
    rt::GenericNode n;
    n.kind = Kind::Not;
    n.kids = {i - 1};
    deep.nodes.push_back(n);
  }
  deep.roots = {static_cast<uint32_t>(deep.nodes.size() - 1)};
  const std::string bytes = encoded(deep);
  rt::ByteReader r(bytes);
  rt::GenericProgram p;
  std::string error;
  EXPECT_FALSE(rt::decode_generic(r, p, 1, error));
  EXPECT_NE(error.find("too deeply"), std::string::npos) << error;

  rt::GenericProgram shared;
  shared.nodes.push_back(rt::GenericNode{});
  for (uint32_t i = 1; i < 64; ++i) {
    rt::GenericNode n;
    n.kind = Kind::And;
    n.kids = {i - 1, i - 1};
    shared.nodes.push_back(n);
  }
  shared.roots = {63};
  EXPECT_EQ(rt::make_on_demand_atoms(shared, 1, error), nullptr);
  EXPECT_NE(error.find("unshared"), std::string::npos) << error;
}

// After warm-up, evaluating every on-demand atom of the corpus allocates nothing.
TEST(GenericProgram, EvaluationDoesNotAllocateAfterWarmUp) {
  const Corpus& c = corpus();
  ASSERT_TRUE(c.built);
  const auto atom_count = static_cast<uint32_t>(c.built->plan->atoms.size());
  std::string error;
  auto o = rt::make_on_demand_atoms(c.built->generic, atom_count, error);
  ASSERT_TRUE(o) << error;
  std::vector<rt::Decoder> decs(c.events.size() < 400 ? c.events.size() : 400);
  std::vector<rt::Event> evs(decs.size());
  for (size_t i = 0; i < evs.size(); ++i) ASSERT_EQ(decs[i].decode(c.events[i], evs[i]), rt::DecodeError::None);
  auto run = [&] {
    size_t trues = 0;
    for (const auto& ev : evs) {
      o->reset(ev, kNow);
      for (uint32_t a : c.generic_atoms) trues += o->eval(a);
    }
    return trues;
  };
  const size_t warm = run();
  const uint64_t before = g_allocations.load();
  EXPECT_EQ(run(), warm);
  EXPECT_EQ(g_allocations.load() - before, 0u);
}

}  // namespace generic_program_test
}  // namespace
}  // namespace rulec::diff
