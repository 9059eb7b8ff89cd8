// Ahead-of-time code: `rulec explain --emit obj` for x86_64 and aarch64 gives valid, position-independent objects.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace object_emit_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";
const std::string kReadelf = "/usr/lib/llvm-19/bin/llvm-readelf";

uint16_t u16(const std::string& b, size_t at) {
  uint16_t v = 0;
  std::memcpy(&v, b.data() + at, 2);
  return v;
}

struct Case {
  const char* triple;
  uint16_t machine;     // ELF e_machine
  const char* absolute; // the target's absolute 64-bit relocation, which PIC code must not need
};

class EmitObject : public ::testing::TestWithParam<Case> {};

TEST_P(EmitObject, IsAValidRelocatableObjectWithTheEvaluationFunction) {
  const Case c = GetParam();
  TempDir d;
  CmdResult r = run_shell(bin("rulec") + " explain " + kSeed + " --emit obj --target " + c.triple + " -o " +
                          d.str("rules.o") + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  const std::string obj = read_file(d.path() / "rules.o");
  ASSERT_GT(obj.size(), 64u);
  EXPECT_EQ(obj.substr(0, 4), "\x7f" "ELF");
  EXPECT_EQ(obj[4], 2);            // ELFCLASS64
  EXPECT_EQ(u16(obj, 16), 1);      // ET_REL
  EXPECT_EQ(u16(obj, 18), c.machine);
  CmdResult syms = run_shell(kReadelf + " -s -r " + d.str("rules.o") + " 2>&1");
  ASSERT_EQ(syms.status, 0) << syms.out;
  // The symbol table line of rulec_eval: a global function.
  const size_t at = syms.out.find(" rulec_eval\n");
  ASSERT_NE(at, std::string::npos) << syms.out;
  const std::string line = syms.out.substr(syms.out.rfind('\n', at) + 1, at - syms.out.rfind('\n', at));
  EXPECT_NE(line.find("FUNC"), std::string::npos) << line;
  EXPECT_NE(line.find("GLOBAL"), std::string::npos) << line;
  EXPECT_EQ(syms.out.find(c.absolute), std::string::npos) << "absolute relocation in the code:\n" << syms.out;
}

INSTANTIATE_TEST_SUITE_P(Targets, EmitObject,
                         ::testing::Values(Case{"x86_64-linux-gnu", 62, "R_X86_64_64"},
                                           Case{"aarch64-linux-gnu", 183, "R_AARCH64_ABS64"}),
                         [](const auto& param_info) { return std::string(param_info.param.machine == 62 ? "x86_64" : "aarch64"); });

TEST(EmitObject, UnknownCpuIsRefusedWithTheReason) {
  TempDir d;
  CmdResult r = run_shell(bin("rulec") + " explain " + kSeed + " --emit obj --cpu pentium9 -o " + d.str("x.o") + " 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("CPU 'pentium9' is unknown for x86_64-linux-gnu"), std::string::npos) << r.out;
}

}  // namespace object_emit_test
}  // namespace
