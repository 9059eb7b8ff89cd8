// The compiled engine with on-demand atoms from runtime code only: a hand-made GenericProgram beside a string group, needs_now, inconsistent programs.
#include <gtest/gtest.h>

#include <string>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/compiled_engine.h"
#include "runtime/eval/generic_tests.h"

namespace rulec::rt {
namespace {
namespace generic_engine_test {

// Generated code stand-in: rules 0 and 1 are on-demand atoms 0 and 1; rule 2 is atom 2's bit,
// set by the string group (`process.name` has a value).
void eval_atoms(EvalFrame* frame, uint64_t* rules) {
  for (uint32_t r = 0; r < 2; ++r)
    if (frame->lazy(frame, r)) rules[0] |= uint64_t{1} << r;
  if ((frame->atoms[0] >> 2) & 1) rules[0] |= uint64_t{1} << 2;
}

// Atom 0: `process:*` (an object path: any sub-field indexed). Atom 1: `@timestamp >= now-1h` when
// `with_date`, else no test at all (an inconsistent program). Atom 2: answered by a string group.
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

CompiledProgram compiled(GenericProgram g) {
  CompiledProgram p;
  p.rule_count = 3;
  p.atom_count = 3;
  p.slot_paths = {"process.name"};
  p.read_all = true;
  StringGroupSpec names;
  names.slot = 0;
  names.any = {2};
  p.groups = {names};
  p.fn = &eval_atoms;
  p.generic = std::move(g);
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

TEST(GenericEngine, OnDemandAtomsBesideBitAtoms) {
  std::string error;
  auto e = CompiledEngine::create(compiled(program(true)), error);
  ASSERT_TRUE(e) << error;
  EXPECT_TRUE(e->needs_now());
  const int64_t now = 1715774400000;  // 2024-05-15T12:00:00Z
  EXPECT_EQ(answers(*e, R"({"process":{"pid":1,"name":"sh"},"@timestamp":"2024-05-15T11:30:00Z"})", now), "111");
  EXPECT_EQ(answers(*e, R"({"process":{"pid":"x"},"@timestamp":"2024-05-15T10:30:00Z"})", now), "000");
  // The same event an hour later: the date-math interval follows `now`.
  EXPECT_EQ(answers(*e, R"({"@timestamp":"2024-05-15T11:30:00Z"})", now), "010");
  EXPECT_EQ(answers(*e, R"({"@timestamp":"2024-05-15T11:30:00Z"})", now + 3600000), "000");
}

TEST(GenericEngine, NeedsNowOnlyForDateMath) {
  GenericProgram no_date = program(true);
  no_date.values[0].test.text = "2024-05-15T11:00:00Z";
  no_date.values[0].test.date_uses_now = false;
  std::string error;
  auto plain = CompiledEngine::create(compiled(no_date), error);
  ASSERT_TRUE(plain) << error;
  EXPECT_FALSE(plain->needs_now());
  EXPECT_EQ(answers(*plain, R"({"process":{"pid":1},"@timestamp":"2024-05-15T11:30:00Z"})", 0), "110");
  auto dated = CompiledEngine::create(compiled(program(true)), error);
  ASSERT_TRUE(dated) << error;
  EXPECT_TRUE(dated->needs_now());
}

TEST(GenericEngine, InconsistentProgramsAreRefused) {
  std::string error;
  EXPECT_EQ(CompiledEngine::create(compiled(program(false)), error), nullptr);
  EXPECT_EQ(error, "atom 1 is answered by no test");

  GenericProgram short_roots = program(true);
  short_roots.roots.pop_back();
  EXPECT_EQ(CompiledEngine::create(compiled(short_roots), error), nullptr);
  EXPECT_NE(error.find("atom count"), std::string::npos) << error;

  GenericProgram bad_value = program(true);
  bad_value.nodes[1].values = {7};
  EXPECT_EQ(CompiledEngine::create(compiled(bad_value), error), nullptr);
  EXPECT_NE(error.find("value index"), std::string::npos) << error;

  GenericProgram unsorted = program(true);
  std::swap(unsorted.fields[0], unsorted.fields[1]);
  EXPECT_EQ(CompiledEngine::create(compiled(unsorted), error), nullptr);
  EXPECT_NE(error.find("not sorted"), std::string::npos) << error;
}

}  // namespace generic_engine_test
}  // namespace
}  // namespace rulec::rt
