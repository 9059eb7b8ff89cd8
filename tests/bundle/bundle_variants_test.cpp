// Multi-target bundles (a code variant per target and CPU tier, the best one chosen at load) and the sensor's database cache.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bundle/bundle_test_util.h"
#include "runtime/decoder/decoder.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/loader/code_loader.h"

namespace rulec {
namespace {
namespace bundle_variants_test {

using bundle_testing::compile_dir;
using bundle_testing::parts_of;
using bundle_testing::small_rules;
using bundle_testing::without_databases;
using testing::TempDir;

// The tier this host runs best, as the loader should pick it.
std::string best_host_tier() {
  std::string why;
  if (rt::check_cpu_features({"x86-64-v4"}, why)) return "avx512";
  if (rt::check_cpu_features({"x86-64-v3"}, why)) return "avx2";
  return "baseline";
}

// Evaluates the one-rule bundle's rule (process.name:bash and not user.name:root) on two events.
void expect_bash_rule(const rt::LoadedBundle& b) {
  rt::Decoder dec;
  dec.set_filter(b.engine->decode_filter());
  rt::Event ev;
  rt::RuleBits bits;
  ASSERT_EQ(dec.decode(R"({"process":{"name":"bash"},"user":{"name":"alice"}})", ev), rt::DecodeError::None);
  b.engine->evaluate(ev, bits);
  EXPECT_TRUE(bits.test(0));
  ASSERT_EQ(dec.decode(R"({"process":{"name":"bash"},"user":{"name":"root"}})", ev), rt::DecodeError::None);
  b.engine->evaluate(ev, bits);
  EXPECT_FALSE(bits.test(0));
}

rt::LoadOptions unsigned_ok() {
  rt::LoadOptions o;
  o.allow_unsigned = true;
  return o;
}

TEST(BundleVariants, OneBundleHoldsEveryTargetAndTierAndLoadsTheBestThisCpuHas) {
  ASSERT_EQ(std::string(rt::host_arch()), "x86_64");
  TempDir t;
  bundle::CompileReport rep;
  const std::string bytes = compile_dir(small_rules(t), nullptr, "x86_64-linux-gnu,aarch64-linux-gnu", &rep, "baseline,avx2,avx512");
  // aarch64 has no avx2 or avx512 tier: skipped, not an error, when several are asked for.
  EXPECT_EQ(rep.variants, (std::vector<std::string>{"x86_64-linux-gnu baseline", "x86_64-linux-gnu avx2", "x86_64-linux-gnu avx512",
                                                     "aarch64-linux-gnu baseline"}));
  rt::BundleView v;
  std::string error;
  ASSERT_TRUE(rt::parse_bundle(bytes, v, error)) << error;
  ASSERT_EQ(v.variant_count, 4u);
  EXPECT_EQ(v.format_version, bundle::kFormatVersion);
  // Each variant's code is its own ELF object for its machine.
  EXPECT_EQ(static_cast<uint8_t>(v.section(bundle::SectionId::Code, 3)[18]), 183) << "EM_AARCH64";
  EXPECT_EQ(static_cast<uint8_t>(v.section(bundle::SectionId::Code, 0)[18]), 62) << "EM_X86_64";
  const auto m = nlohmann::json::parse(v.section(bundle::SectionId::Manifest));
  ASSERT_EQ(m["variants"].size(), 4u);
  EXPECT_EQ(m["variants"][3]["target"], "aarch64-linux-gnu");

  auto b = rt::load_bundle(bytes, unsigned_ok(), error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->target, "x86_64-linux-gnu");
  EXPECT_EQ(b->tier, best_host_tier());
  EXPECT_EQ(b->variant_count, 4u);
  EXPECT_NE(b->notes.find("of 4 chosen"), std::string::npos) << b->notes;
  EXPECT_EQ(b->engine->databases_rebuilt(), 0u) << b->notes;
  expect_bash_rule(*b);

  // The same rules, asked once and in another order, give the same variants once each.
  bundle::CompileReport again;
  compile_dir(small_rules(t), nullptr, "x86_64-linux-gnu,x86_64-linux-gnu", &again, "avx2,baseline,avx2");
  EXPECT_EQ(again.variants, (std::vector<std::string>{"x86_64-linux-gnu avx2", "x86_64-linux-gnu baseline"}));
}

TEST(BundleVariants, AVariantThisCpuCannotRunIsPassedOverAndNoneRunningIsRefusedWithEachReason) {
  TempDir t;
  bundle::BundleParts p = parts_of(compile_dir(small_rules(t), nullptr, "x86_64-linux-gnu", nullptr, "baseline,avx2"));
  ASSERT_EQ(p.more.size(), 1u);
  auto m = nlohmann::json::parse(p.manifest);
  // The second variant needs a feature no CPU has (as from a newer rulec): the first one runs.
  m["variants"][1]["cpu"]["tier"] = "avx512";
  m["variants"][1]["cpu"]["required"] = {"x86-64-v9"};
  p.manifest = m.dump();
  std::string error;
  auto b = rt::load_bundle(bundle::write_bundle(p, nullptr, 0), unsigned_ok(), error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->variant, 0u);
  EXPECT_EQ(b->tier, "baseline");
  expect_bash_rule(*b);

  m["variants"][0]["target"] = "aarch64-linux-gnu";
  p.manifest = m.dump();
  EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(p, nullptr, 0), unsigned_ok(), error));
  EXPECT_NE(error.find("none of the bundle's 2 variants runs on this machine"), std::string::npos) << error;
  EXPECT_NE(error.find("aarch64-linux-gnu baseline: the bundle's code is for aarch64"), std::string::npos) << error;
  EXPECT_NE(error.find("x86-64-v9"), std::string::npos) << error;

  // A manifest that lists fewer variants than the container holds.
  m["variants"].erase(1);
  p.manifest = m.dump();
  EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(p, nullptr, 0), unsigned_ok(), error));
  EXPECT_NE(error.find("do not list the bundle's 2 code sections"), std::string::npos) << error;
}

TEST(BundleVariants, ContainerRefusesASectionCountOrOrderThatIsNotWholeVariants) {
  TempDir t;
  std::string bytes = compile_dir(small_rules(t), nullptr, "x86_64-linux-gnu", nullptr, "baseline,avx2");
  rt::BundleView v;
  std::string error;
  ASSERT_TRUE(rt::parse_bundle(bytes, v, error)) << error;
  ASSERT_EQ(v.variant_count, 2u);
  for (uint32_t count : {0u, 3u, 4u, 6u, 8u, bundle::section_count(bundle::kMaxVariants + 1)}) {
    std::string b = bytes;
    for (int i = 0; i < 4; ++i) b[12 + i] = static_cast<char>(count >> (8 * i));  // the header's section count
    EXPECT_FALSE(rt::parse_bundle(b, v, error)) << count;
    EXPECT_NE(error.find("header:"), std::string::npos) << error;
  }
  // A code section where the second variant's databases belong (under a valid checksum).
  bundle::BundleParts p = parts_of(bytes);
  std::swap(p.more[0].databases, p.more[0].code);
  std::string swapped = bundle::write_bundle(p, nullptr, 0);
  ASSERT_TRUE(rt::parse_bundle(swapped, v, error)) << error;  // ids are per position: still databases, code
  if (best_host_tier() != "baseline") {  // this host picks the avx2 variant, whose sections are now garbage
    EXPECT_FALSE(rt::load_bundle(swapped, unsigned_ok(), error)) << "refused, not run";
    EXPECT_FALSE(error.empty());
  }
}

// Databases this machine cannot take from the bundle are rebuilt once, then served by the cache;
// a damaged, foreign or loosely permitted entry is rebuilt, never used.
TEST(BundleVariants, DatabaseCacheServesTheSecondStartAndNeverTrustsABadEntry) {
  TempDir t;
  const bundle::BundleParts p = without_databases(compile_dir(std::string(RULEC_SOURCE_DIR) + "/rules", nullptr));
  const std::string bytes = bundle::write_bundle(p, nullptr, 0);
  rt::LoadOptions o = unsigned_ok();
  o.cache_dir = (t.path() / "cache").string();
  std::string error;

  auto first = rt::load_bundle(bytes, o, error);
  ASSERT_TRUE(first) << error;
  const size_t rebuilt = first->engine->databases_rebuilt();
  EXPECT_GT(rebuilt, 0u);
  EXPECT_NE(first->notes.find("stored in the cache"), std::string::npos) << first->notes;
  std::vector<std::filesystem::path> entries;
  for (const auto& e : std::filesystem::directory_iterator(o.cache_dir)) entries.push_back(e.path());
  ASSERT_EQ(entries.size(), 1u) << "one entry, no temporary file left";
  EXPECT_EQ(entries[0].extension(), ".rdbcache");
  struct stat st {};
  ASSERT_EQ(::stat(o.cache_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(entries[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = rt::load_bundle(bytes, o, error);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(second->engine->databases_rebuilt(), 0u) << second->notes;
  EXPECT_EQ(second->databases_cached, rebuilt);
  EXPECT_NE(second->notes.find("loaded from the cache"), std::string::npos) << second->notes;

  auto expect_refused = [&](const char* why) {
    auto b = rt::load_bundle(bytes, o, error);
    ASSERT_TRUE(b) << error;
    EXPECT_EQ(b->engine->databases_rebuilt(), rebuilt) << why;
    EXPECT_EQ(b->databases_cached, 0u) << why;
    EXPECT_NE(b->notes.find(why), std::string::npos) << b->notes;
    EXPECT_NE(b->notes.find("stored in the cache"), std::string::npos) << "rewritten: " << b->notes;
  };
  const std::string good = testing::read_file(entries[0]);
  // Damage: every kind of byte position (header, key, a database, the checksum).
  for (size_t at : {size_t{3}, size_t{20}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << bad;
    expect_refused(at == 3 ? "not a database cache entry" : "checksum mismatch");
  }
  std::filesystem::resize_file(entries[0], good.size() / 3);
  expect_refused("not used");
  // Foreign: another bundle's entry under this bundle's name.
  const auto other_dir = t.path() / "other-rules";
  std::filesystem::create_directories(other_dir);
  std::ofstream(other_dir / "w.json")
      << R"({"severity":"low","risk_score":21,"rule_id":"w-1","name":"curl","type":"query","query":"process.command_line:*curl*"})";
  const bundle::BundleParts other = without_databases(compile_dir(other_dir.string(), nullptr));
  rt::LoadOptions o2 = o;
  o2.cache_dir = (t.path() / "other").string();
  ASSERT_TRUE(rt::load_bundle(bundle::write_bundle(other, nullptr, 0), o2, error)) << error;
  const auto other_entry = std::filesystem::directory_iterator(o2.cache_dir)->path();
  std::filesystem::copy_file(other_entry, entries[0], std::filesystem::copy_options::overwrite_existing);
  ::chmod(entries[0].c_str(), 0600);
  expect_refused("written for another bundle");
  // Writable by others: not trusted.
  ASSERT_EQ(::chmod(entries[0].c_str(), 0666), 0);
  expect_refused("writable by others");
  // After all that, the rewritten entry serves again.
  auto last = rt::load_bundle(bytes, o, error);
  ASSERT_TRUE(last) << error;
  EXPECT_EQ(last->databases_cached, rebuilt) << last->notes;
}

TEST(BundleVariants, UnwritableCacheIsReportedAndTheBundleStillLoads) {
  TempDir t;
  const std::string bytes = bundle::write_bundle(without_databases(compile_dir(std::string(RULEC_SOURCE_DIR) + "/rules", nullptr)), nullptr, 0);
  rt::LoadOptions o = unsigned_ok();
  std::ofstream(t.path() / "file") << "x";
  o.cache_dir = (t.path() / "file" / "cache").string();  // under a regular file: cannot be created
  std::string error;
  auto b = rt::load_bundle(bytes, o, error);
  ASSERT_TRUE(b) << error;
  EXPECT_GT(b->engine->databases_rebuilt(), 0u);
  EXPECT_NE(b->notes.find("not stored in the cache: cannot create the cache folder"), std::string::npos) << b->notes;
}

}  // namespace bundle_variants_test
}  // namespace
}  // namespace rulec
