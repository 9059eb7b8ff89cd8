// The compiled engine with on-demand atoms from runtime code only: a hand-made GenericProgram, the fallback oracle for atoms it lacks, needs_now, inconsistent programs.
#include <gtest/gtest.h>

#include <string>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/compiled_engine.h"
#include "runtime/eval/generic_tests.h"

namespace rulec::rt {
namespace {

// Generated code stand-in: rule r is on-demand atom r.
void eval_each_atom(EvalFrame* frame, uint64_t* rules) {
  for (uint32_t r = 0; r < 3; ++r)
    if (frame->lazy(frame, r)) rules[0] |= uint64_t{1} << r;
}

class CountingOracle final : public AtomOracle {
 public:
  explicit CountingOracle(int* calls) : calls_(calls) {}
  void reset(const Event&, int64_t) override {}
  bool eval(uint32_t) override {
    ++*calls_;
    return true;
  }

 private:
  int* calls_;
};

// Atom 0: `process:*` (an object path: any sub-field indexed). Atom 1: `@timestamp >= now-1h` when
// `with_date`, else not native. Atom 2: always left to the fallback.
GenericProgram program(bool with_date) {
  GenericProgram p;
  p.fields.push_back(GenericField{"@timestamp", FieldInfo{FieldType::Date, 0, false, true}});
  p.fields.push_back(GenericField{"process.pid", FieldInfo{FieldType::Long, 0, false, true}});
  GenericNode exists;
  exists.kind = GenericNode::Kind::Exists;
  exists.field = "process";
  p.nodes.push_back(exists);
  p.roots = {0, GenericProgram::kNoNode, GenericProgram::kNoNode};
  if (with_date) {
    GenericValue v;
    v.type = FieldType::Date;
    v.test.mode = Prepared::Mode::DateIn;
    v.test.text = "now-1h";
    v.test.op = RangeOp::Ge;
    v.test.date_range = true;
    v.test.date_uses_now = true;
    p.values.push_back(v);
    GenericNode test;
    test.kind = GenericNode::Kind::Test;
    test.field = "@timestamp";
    test.values = {0};
    p.nodes.push_back(test);
    p.roots[1] = 1;
  }
  return p;
}

CompiledProgram compiled(GenericProgram g, std::unique_ptr<AtomOracle> oracle) {
  CompiledProgram p;
  p.rule_count = 3;
  p.atom_count = 3;
  p.read_all = true;
  p.fn = &eval_each_atom;
  p.generic = std::move(g);
  p.oracle = std::move(oracle);
  return p;
}

std::string answers(CompiledEngine& e, const char* json, int64_t now) {
  Decoder d;
  Event ev;
  EXPECT_EQ(d.decode(json, ev), DecodeError::None);
  e.set_now_ms(now);
  RuleBits bits(3);
  e.evaluate(ev, bits);
  std::string s;
  for (size_t r = 0; r < 3; ++r) s += bits.test(r) ? '1' : '0';
  return s;
}

TEST(GenericEngine, NativeAtomsThenFallbackForTheRest) {
  int calls = 0;
  std::string error;
  auto e = CompiledEngine::create(compiled(program(true), std::make_unique<CountingOracle>(&calls)), error);
  ASSERT_TRUE(e) << error;
  EXPECT_TRUE(e->needs_now());
  const int64_t now = 1715774400000;  // 2024-05-15T12:00:00Z
  EXPECT_EQ(answers(*e, R"({"process":{"pid":1},"@timestamp":"2024-05-15T11:30:00Z"})", now), "111");
  EXPECT_EQ(answers(*e, R"({"process":{"pid":"x"},"@timestamp":"2024-05-15T10:30:00Z"})", now), "001");
  // The same event an hour later: the date-math interval follows `now`.
  EXPECT_EQ(answers(*e, R"({"@timestamp":"2024-05-15T11:30:00Z"})", now), "011");
  EXPECT_EQ(answers(*e, R"({"@timestamp":"2024-05-15T11:30:00Z"})", now + 3600000), "001");
  EXPECT_EQ(calls, 4);  // only atom 2, once per event
}

TEST(GenericEngine, NeedsNowOnlyForDateMathOrAFallback) {
  std::string error;
  auto plain = CompiledEngine::create(compiled(program(false), nullptr), error);
  ASSERT_TRUE(plain) << error;
  EXPECT_FALSE(plain->needs_now());
  EXPECT_EQ(answers(*plain, R"({"process":{"pid":1}})", 0), "100");  // no fallback: false
  int calls = 0;
  auto fallback = CompiledEngine::create(compiled(program(false), std::make_unique<CountingOracle>(&calls)), error);
  ASSERT_TRUE(fallback) << error;
  EXPECT_TRUE(fallback->needs_now());  // the fallback may read it
}

TEST(GenericEngine, InconsistentProgramsAreRefused) {
  std::string error;
  GenericProgram short_roots = program(false);
  short_roots.roots.pop_back();
  EXPECT_EQ(CompiledEngine::create(compiled(short_roots, nullptr), error), nullptr);
  EXPECT_NE(error.find("atom count"), std::string::npos) << error;

  GenericProgram bad_value = program(true);
  bad_value.nodes[1].values = {7};
  EXPECT_EQ(CompiledEngine::create(compiled(bad_value, nullptr), error), nullptr);
  EXPECT_NE(error.find("value index"), std::string::npos) << error;

  GenericProgram unsorted = program(false);
  std::swap(unsorted.fields[0], unsorted.fields[1]);
  EXPECT_EQ(CompiledEngine::create(compiled(unsorted, nullptr), error), nullptr);
  EXPECT_NE(error.find("not sorted"), std::string::npos) << error;
}

}  // namespace
}  // namespace rulec::rt
