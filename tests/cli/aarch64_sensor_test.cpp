// The aarch64 sensor for real: cross-built by scripts/build-sensor, run under qemu-user, the same alerts as rulec run on x86_64.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/cli_util.h"

namespace rulec {
namespace {
namespace aarch64_sensor_test {

using testing::bin;
using testing::keygen;
using testing::quote;
using testing::read_file;
using testing::run_rulec;
using testing::run_shell;
using testing::TempDir;

// Builds (incrementally) and returns build-aarch64/rulesensor; the run prefix for qemu-user.
std::string arm_sensor() {
  static const std::string path = [] {
    auto r = run_shell(std::string(RULEC_SOURCE_DIR) + "/scripts/build-sensor aarch64 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    return std::string(RULEC_SOURCE_DIR) + "/build-aarch64/rulesensor";
  }();
  return "qemu-aarch64 -L /usr/aarch64-linux-gnu " + quote(path);
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(Aarch64Sensor, CrossBuiltSensorIsAarch64AndLinksNoCompilerLibraries) {
  (void)arm_sensor();
  auto r = run_shell("/usr/lib/llvm-19/bin/llvm-readelf -h -d " RULEC_SOURCE_DIR "/build-aarch64/rulesensor 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("AArch64"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("libhs.so"), std::string::npos) << r.out;  // the check sees the real dependencies
  for (const char* lib : {"LLVM", "antlr", "clang", "lld"}) EXPECT_EQ(r.out.find(lib), std::string::npos) << lib << "\n" << r.out;
  auto v = run_shell(arm_sensor() + " --version 2>&1");
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_NE(v.out.find("rulesensor "), std::string::npos) << v.out;
}

// The corpus compiled for aarch64 and signed: the emulated aarch64 sensor's alerts are
// byte-identical to rulec run's on x86_64 over the same events. The databases, which the x86_64
// compiler cannot build for aarch64, are rebuilt on the first start and come from --cache-dir on
// the second.
TEST(Aarch64Sensor, CorpusBundleAlertsEqualRulecRunOnX86AndTheCacheServesTheSecondStart) {
  TempDir t;
  const std::string key = keygen(t);
  const auto dir = t.path();
  const std::string events = (dir / "mixed.ndjson").string(), bundle = (dir / "arm.rbundle").string();
  const std::string cache = (dir / "cache").string();
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --scenario mixed --count 3000 --suspicious 0.05 --seed 11 -o " + quote(events)).status, 0);
  auto c = run_rulec("compile " RULEC_SHARED_DIR "/corpus -o " + quote(bundle) + " --target aarch64-linux-gnu --sign " + quote(key + ".key"));
  ASSERT_EQ(c.status, 0) << c.out;
  auto run = run_rulec("run " RULEC_SHARED_DIR "/corpus -e " + quote(events) + " --alert-time event -a " + quote((dir / "run.ndjson").string()));
  ASSERT_EQ(run.status, 0) << run.out;
  const std::string expected = read_file(dir / "run.ndjson");
  EXPECT_GT(lines(expected), 20u);
  for (int start = 1; start <= 2; ++start) {
    SCOPED_TRACE(start);
    const std::string out = (dir / ("arm" + std::to_string(start) + ".ndjson")).string();
    auto s = run_shell(arm_sensor() + " " + quote(bundle) + " --trusted-key " + quote(key + ".pub") + " -e " + quote(events) +
                       " --alert-time event -a " + quote(out) + " --cache-dir " + quote(cache) + " 2>&1");
    ASSERT_EQ(s.status, 0) << s.out;
    EXPECT_NE(s.out.find("aarch64-linux-gnu baseline"), std::string::npos) << s.out;
    EXPECT_NE(s.out.find(start == 1 ? "rebuilt from their patterns" : "loaded from the cache"), std::string::npos) << s.out;
    if (start == 1) {
      EXPECT_NE(s.out.find("stored in the cache"), std::string::npos) << s.out;
    }
    EXPECT_EQ(read_file(out), expected);
  }
}

// One bundle for a mixed fleet: the x86_64 sensor runs its best x86_64 variant, the aarch64 one
// the aarch64 variant, and both write rulec run's alerts.
TEST(Aarch64Sensor, MultiTargetBundleRunsOnBothArchitectures) {
  TempDir t;
  const std::string key = keygen(t);
  const auto dir = t.path();
  const std::string events = (dir / "web.ndjson").string(), bundle = (dir / "fleet.rbundle").string();
  ASSERT_EQ(run_shell(bin("rulec-gen") + " --scenario web --count 2000 --seed 5 -o " + quote(events)).status, 0);
  auto c = run_rulec("compile " RULEC_SOURCE_DIR "/rules -o " + quote(bundle) +
                     " --target x86_64-linux-gnu,aarch64-linux-gnu --cpu baseline,avx2,avx512 --sign " + quote(key + ".key"));
  ASSERT_EQ(c.status, 0) << c.out;
  EXPECT_NE(c.out.find("x86_64-linux-gnu baseline + x86_64-linux-gnu avx2 + x86_64-linux-gnu avx512 + aarch64-linux-gnu baseline"),
            std::string::npos)
      << c.out;
  auto i = run_rulec("inspect " + quote(bundle) + " --trusted-key " + quote(key + ".pub"));
  ASSERT_EQ(i.status, 0) << i.out;
  EXPECT_NE(i.out.find("variants    4"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("variant 4  aarch64-linux-gnu baseline"), std::string::npos) << i.out;
  auto run = run_rulec("run " RULEC_SOURCE_DIR "/rules -e " + quote(events) + " --alert-time event -a " + quote((dir / "run.ndjson").string()));
  ASSERT_EQ(run.status, 0) << run.out;
  const std::string expected = read_file(dir / "run.ndjson");
  EXPECT_GT(lines(expected), 0u);
  for (const std::string& sensor : {bin("rulesensor"), arm_sensor()}) {
    const bool arm = sensor.find("qemu") != std::string::npos;
    SCOPED_TRACE(arm ? "aarch64" : "x86_64");
    const std::string out = (dir / (arm ? "arm.ndjson" : "x86.ndjson")).string();
    auto s = run_shell(sensor + " " + quote(bundle) + " --trusted-key " + quote(key + ".pub") + " -e " + quote(events) +
                       " --alert-time event -a " + quote(out) + " 2>&1");
    ASSERT_EQ(s.status, 0) << s.out;
    EXPECT_NE(s.out.find(arm ? "aarch64-linux-gnu baseline" : "rules, x86_64-linux-gnu"), std::string::npos) << s.out;
    EXPECT_NE(s.out.find(arm ? "variant 4 of 4 chosen" : " of 4 chosen"), std::string::npos) << s.out;
    EXPECT_EQ(read_file(out), expected);
  }
}

}  // namespace aarch64_sensor_test
}  // namespace
}  // namespace rulec
