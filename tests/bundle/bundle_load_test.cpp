// Bundle loading: round trip, every byte flipped, truncations, signatures, targets, CPU features, decoders.
#include <gtest/gtest.h>

#include <sodium.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "common/cli_util.h"
#include "common/test_util.h"
#include "bundle/bundle_test_util.h"
#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/compile_bundle.h"
#include "compiler/frontend/ast.h"
#include "compiler/matchers/generic_plan.h"
#include "runtime/common/byte_io.h"
#include "runtime/decoder/decoder.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/loader/code_loader.h"
#include "runtime/loader/sections.h"

namespace rulec {
namespace {
namespace bundle_load_test {

using testing::TempDir;
using bundle_testing::compile_dir;
using bundle_testing::Keys;
using bundle_testing::make_keys;
using bundle_testing::parts_of;
using bundle_testing::small_rules;

TEST(BundleLoad, SignedBundleLoadsAndEvaluates) {
  TempDir t;
  Keys k = make_keys();
  const std::string b = compile_dir(small_rules(t), &k.sk);
  rt::LoadOptions o;
  o.trusted = k.pk;
  std::string error;
  auto loaded = rt::load_bundle(b, o, error);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->rules.size(), 1u);
  EXPECT_EQ(loaded->rules[0].info.rule_id, "r-1");
  EXPECT_EQ(loaded->rules[0].query, "process.name:bash and not user.name:root");
  EXPECT_TRUE(loaded->signature.present);
  EXPECT_EQ(loaded->signature.signed_at_ms, 1767225600123);

  rt::Decoder dec;
  dec.set_filter(loaded->engine->decode_filter());
  rt::Event ev;
  rt::RuleBits bits;
  auto eval = [&](const std::string& json) {
    EXPECT_EQ(dec.decode(json, ev), rt::DecodeError::None);
    loaded->engine->evaluate(ev, bits);
    return bits.test(0);
  };
  EXPECT_TRUE(eval(R"({"process":{"name":"bash"},"user":{"name":"alice"}})"));
  EXPECT_FALSE(eval(R"({"process":{"name":"bash"},"user":{"name":"root"}})"));
  EXPECT_FALSE(eval(R"({"process":{"name":"sh"}})"));
}

// Hot reload maps a second bundle's code while the first one's is still mapped: each engine must
// run its own code (regression: the dynamic loader once handed back the first object, caught by
// the shape check).
TEST(BundleLoad, TwoBundlesLoadedSideBySideRunTheirOwnCode) {
  TempDir t;
  const auto d1 = t.path() / "one", d2 = t.path() / "two";
  std::filesystem::create_directories(d1);
  std::filesystem::create_directories(d2);
  std::ofstream(d1 / "r.json") << R"({"severity":"low","risk_score":21,"rule_id": "r-1", "name": "one", "type": "query", "query": "process.name:bash"})";
  std::ofstream(d2 / "r.json") << R"({"severity":"low","risk_score":21,"rule_id": "r-2", "name": "two", "type": "query", "query": "process.name:sh or user.name:x"})";
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  std::string error;
  std::vector<std::unique_ptr<rt::LoadedBundle>> held;
  for (int round = 0; round < 3; ++round) {
    auto a = rt::load_bundle(compile_dir(d1.string(), nullptr), allow, error);
    ASSERT_TRUE(a) << error;
    auto b = rt::load_bundle(compile_dir(d2.string(), nullptr), allow, error);
    ASSERT_TRUE(b) << error;
    rt::Decoder dec;
    rt::Event ev;
    rt::RuleBits bits;
    ASSERT_EQ(dec.decode(R"({"process":{"name":"sh"}})", ev), rt::DecodeError::None);
    a->engine->evaluate(ev, bits);
    EXPECT_FALSE(bits.test(0));
    b->engine->evaluate(ev, bits);
    EXPECT_TRUE(bits.test(0));
    held.push_back(std::move(a));  // keep some alive, release others: descriptors get reused
  }
}

TEST(BundleLoad, SameRulesGiveIdenticalBytes) {
  TempDir t;
  const std::string dir = small_rules(t);
  EXPECT_EQ(compile_dir(dir, nullptr), compile_dir(dir, nullptr));
}

TEST(BundleLoad, SignatureIsRequiredAndMustMatchTheTrustedKey) {
  TempDir t;
  Keys a = make_keys(), b = make_keys();
  const std::string dir = small_rules(t);
  const std::string signed_a = compile_dir(dir, &a.sk), unsigned_b = compile_dir(dir, nullptr);
  std::string error;
  rt::LoadOptions trust_b;
  trust_b.trusted = b.pk;
  EXPECT_FALSE(rt::load_bundle(signed_a, trust_b, error));
  EXPECT_NE(error.find("signed by key " + rt::key_fingerprint(a.pk)), std::string::npos) << error;
  EXPECT_FALSE(rt::load_bundle(unsigned_b, trust_b, error));
  EXPECT_NE(error.find("not signed"), std::string::npos) << error;
  EXPECT_FALSE(rt::load_bundle(unsigned_b, rt::LoadOptions{}, error));
  EXPECT_NE(error.find("--allow-unsigned"), std::string::npos) << error;
  EXPECT_FALSE(rt::load_bundle(signed_a, rt::LoadOptions{}, error)) << "signed, but no trusted key given";
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  EXPECT_TRUE(rt::load_bundle(unsigned_b, allow, error)) << error;
  // --allow-unsigned does not let a signature by another key through when a key is trusted.
  allow.trusted = b.pk;
  EXPECT_FALSE(rt::load_bundle(signed_a, allow, error));
}

TEST(BundleLoad, EveryFlippedByteAndEveryTruncationIsRefused) {
  TempDir t;
  Keys k = make_keys();
  const std::string good = compile_dir(small_rules(t), &k.sk);
  rt::LoadOptions o;
  o.trusted = k.pk;
  std::string error;
  ASSERT_TRUE(rt::load_bundle(good, o, error)) << error;
  size_t refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    error.clear();
    if (!rt::load_bundle(bad, o, error)) ++refused;
    EXPECT_FALSE(error.empty()) << "byte " << i;
  }
  EXPECT_EQ(refused, good.size());
  for (size_t n = 0; n < good.size(); n += (n < 256 ? 1 : 97)) {
    error.clear();
    EXPECT_FALSE(rt::load_bundle(std::string_view(good).substr(0, n), o, error)) << n;
    EXPECT_FALSE(error.empty());
  }
}

// With a valid checksum (a bundle damaged before checksumming, or a hostile unsigned one), the
// section decoders and the code checks must still refuse bad records or load something coherent.
TEST(BundleLoad, DamagedSectionsUnderAValidChecksumNeverCrash) {
  TempDir t;
  const bundle::BundleParts good = parts_of(compile_dir(small_rules(t), nullptr));
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  size_t loaded = 0, refused = 0;
  for (int which = 0; which < 3; ++which) {
    const std::string& sec = which == 0 ? good.rules : which == 1 ? good.program : good.manifest;
    for (size_t i = 0; i < sec.size(); ++i) {
      for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        bundle::BundleParts p = good;
        std::string& s = which == 0 ? p.rules : which == 1 ? p.program : p.manifest;
        s[i] = static_cast<char>(s[i] ^ mask);
        std::string error;
        auto b = rt::load_bundle(bundle::write_bundle(p, nullptr, 0), allow, error);
        if (b) {
          ++loaded;
        } else {
          ++refused;
          EXPECT_FALSE(error.empty());
        }
      }
    }
    for (size_t n = 0; n < sec.size(); ++n) {
      bundle::BundleParts p = good;
      std::string& s = which == 0 ? p.rules : which == 1 ? p.program : p.manifest;
      s.resize(n);
      std::string error;
      EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(p, nullptr, 0), allow, error)) << which << " cut at " << n;
    }
  }
  EXPECT_GT(refused, 0u);
  RecordProperty("loaded", static_cast<int>(loaded));
}

TEST(BundleLoad, ForeignTargetAndMissingCpuFeaturesAreRefusedBeforeTheCode) {
  TempDir t;
  const std::string dir = small_rules(t);
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  std::string error;
  const std::string arm = compile_dir(dir, nullptr, "aarch64-linux-gnu");
  EXPECT_FALSE(rt::load_bundle(arm, allow, error));
  EXPECT_NE(error.find("for aarch64"), std::string::npos) << error;
  EXPECT_NE(error.find("this machine is x86_64"), std::string::npos) << error;

  // A manifest naming a CPU feature this build cannot check (e.g. from a newer rulec).
  bundle::BundleParts p = parts_of(compile_dir(dir, nullptr));
  auto m = nlohmann::json::parse(p.manifest);
  m["variants"][0]["cpu"]["required"] = {"x86-64-v9"};
  p.manifest = m.dump();
  EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(p, nullptr, 0), allow, error));
  EXPECT_NE(error.find("x86-64-v9"), std::string::npos) << error;

  // Code that does not agree with the program's tables.
  bundle::BundleParts q = parts_of(compile_dir(dir, nullptr));
  bundle::BundleParts other = parts_of(compile_dir(RULEC_SHARED_DIR "/corpus/detection-rules/rules/linux/collection_linux_clipboard_activity.toml", nullptr));
  q.code = other.code;
  EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(q, nullptr, 0), allow, error));
  EXPECT_NE(error.find("code was generated for"), std::string::npos) << error;
}

TEST(BundleLoad, NewerFormatVersionIsRefusedWithTheReason) {
  TempDir t;
  std::string b = compile_dir(small_rules(t), nullptr);
  b[8] = static_cast<char>(bundle::kFormatVersion + 1);  // format version (the checksum is not reached)
  std::string error;
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  EXPECT_FALSE(rt::load_bundle(b, allow, error));
  EXPECT_NE(error.find(fmt::format("format version {}", bundle::kFormatVersion + 1)), std::string::npos) << error;
  EXPECT_NE(error.find("newer rulec"), std::string::npos) << error;
}

// Format 2 added the rules' Kibana alert metadata, format 3 their saved-object fields; older
// bundles still load, their rules keeping the defaults of what they lack.
TEST(BundleLoad, FormatOneBundleLoadsWithoutAlertMetadata) {
  TempDir t;
  const bundle::BundleParts now = parts_of(compile_dir(small_rules(t), nullptr));
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  std::string error;
  auto current = rt::load_bundle(bundle::write_bundle(now, nullptr, 0), allow, error);
  ASSERT_TRUE(current) << error;
  ASSERT_FALSE(current->rules.empty());
  EXPECT_FALSE(current->rules[0].info.rule_uuid.empty());
  EXPECT_NE(current->rules[0].info.parameters_json, "{}");

  // The same rules written as an older format: the bundle, and the same with the newer rules
  // section (bytes left over: refused, not misread).
  auto as_format = [&](uint32_t version) {
    bundle::BundleParts old = now;
    old.format_version = version;
    rt::ByteWriter w;
    rt::encode_rules(w, current->rules, version);
    old.rules = w.take();
    rt::CompiledProgram prog;  // before format 4, no prefilter at the program's end
    EXPECT_TRUE(rt::decode_program(now.program, prog, error)) << error;
    rt::encode_program(w, prog, version);
    old.program = w.take();
    // Before format 5 the manifest's top level describes the only variant.
    auto m = nlohmann::ordered_json::parse(now.manifest);
    for (const char* key : {"target", "cpu", "databases", "code"}) m[key] = m["variants"][0][key];
    m.erase("variants");
    old.manifest = m.dump();
    std::string mixed_error;
    bundle::BundleParts mixed = old;
    mixed.rules = now.rules;
    mixed.program = now.program;
    // Every older format's rules section is shorter than format 6's (its threat part, its
    // carried files): the newer section under an older header is refused.
    EXPECT_FALSE(rt::load_bundle(bundle::write_bundle(mixed, nullptr, 0), allow, mixed_error)) << version;
    return rt::load_bundle(bundle::write_bundle(old, nullptr, 0), allow, error);
  };
  auto loaded = as_format(1);
  ASSERT_TRUE(loaded) << error;
  ASSERT_EQ(loaded->rules.size(), current->rules.size());
  EXPECT_EQ(loaded->rules[0].info.rule_id, current->rules[0].info.rule_id);
  EXPECT_TRUE(loaded->rules[0].info.rule_uuid.empty());
  EXPECT_EQ(loaded->rules[0].info.parameters_json, "{}");

  // Format 3 added the saved-object fields: a format 2 bundle loads with the metadata but none.
  auto loaded2 = as_format(2);
  ASSERT_TRUE(loaded2) << error;
  EXPECT_EQ(loaded2->rules[0].info.parameters_json, current->rules[0].info.parameters_json);
  EXPECT_EQ(loaded2->rules[0].info.rule_fields_json, "{}");

  // Format 4 added the raw-line prefilter: a format 3 bundle loads without one (every line decoded).
  ASSERT_TRUE(current->engine->has_prefilter());
  auto loaded3 = as_format(3);
  ASSERT_TRUE(loaded3) << error;
  EXPECT_EQ(loaded3->rules[0].info.rule_fields_json, current->rules[0].info.rule_fields_json);
  EXPECT_FALSE(loaded3->engine->has_prefilter());

  // Format 5 added variants: a format 4 bundle is one variant, described by the manifest's top level.
  auto loaded4 = as_format(4);
  ASSERT_TRUE(loaded4) << error;
  EXPECT_TRUE(loaded4->engine->has_prefilter());
  EXPECT_EQ(loaded4->target, "x86_64-linux-gnu");
  EXPECT_EQ(loaded4->tier, "baseline");
  EXPECT_EQ(loaded4->variant_count, 1u);
}

// A bundle compiled on this host for a CPU tier this host has loads its Hyperscan databases as
// they are: none rebuilt (an avx512 bundle on an AVX-512 host once rebuilt them all: its
// databases named AVX512 without AVX2, which vectorscan's platform check refuses).
// A rule's threat part and value-list items (format 6) and the files a bundle carries round-trip;
// a threat_match rule in an older format (no threat part), an unknown comparison or carried-file
// kind, and a selection that is no program are refused.
TEST(BundleLoad, ThreatPartsAndCarriedFilesRoundTripAndBadOnesAreRefused) {
  rt::BundledRule b;
  b.info.rule_id = "tm";
  b.info.kind = rt::DetectionKind::ThreatMatch;
  b.info.threat_mapping = {{{"source.ip", "threat.indicator.ip", rt::ThreatCompare::Ip, 0},
                            {"destination.port", "threat.indicator.port", rt::ThreatCompare::Number, 0}}};
  b.info.value_list_items = {{{"user.name", "users", "keyword", false, 1024}}};
  const kql::NodePtr all = kql::make_match_all();
  rt::ByteWriter sel;
  rt::encode_generic(sel, matchers::generic_program_of({all.get()}, testing::builtin_schema()));
  b.info.threat_selector = sel.take();
  const std::vector<rt::BundledData> files{{rt::BundledData::Kind::IndicatorFeed, "ti.ndjson", "{}\n"},
                                           {rt::BundledData::Kind::ValueList, "users", "alice\n"}};
  auto encoded = [&](const rt::BundledRule& r, uint32_t version, const std::vector<rt::BundledData>& data = {}) {
    rt::ByteWriter w;
    rt::encode_rules(w, {r}, version, data);
    return w.take();
  };
  std::vector<rt::BundledRule> back;
  std::vector<rt::BundledData> carried;
  std::string error;
  ASSERT_TRUE(rt::decode_rules(encoded(b, 6, files), back, error, 6, &carried)) << error;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].info.threat_mapping.size(), 1u);
  EXPECT_EQ(back[0].info.threat_mapping[0][1].compare, rt::ThreatCompare::Number);
  EXPECT_EQ(back[0].info.threat_selector, b.info.threat_selector);
  ASSERT_EQ(back[0].info.value_list_items.size(), 1u);
  EXPECT_FALSE(back[0].info.value_list_items[0][0].included);
  ASSERT_EQ(carried.size(), 2u);
  EXPECT_EQ(carried[1].name, "users");
  EXPECT_EQ(carried[1].bytes, "alice\n");

  EXPECT_FALSE(rt::decode_rules(encoded(b, 5), back, error, 5));
  EXPECT_NE(error.find("unknown detection kind 3"), std::string::npos) << error;
  rt::BundledRule bad = b;
  bad.info.threat_selector = "garbage";
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 6), back, error, 6));
  EXPECT_NE(error.find("indicator selection"), std::string::npos) << error;
  bad = b;
  bad.info.threat_mapping.clear();
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 6), back, error, 6));
  EXPECT_NE(error.find("threat mapping inconsistent with its type"), std::string::npos) << error;
  std::string bytes = encoded(b, 6, files);
  const size_t kind_at = bytes.size() - (1 + 4 + 5 + 4 + 6);  // the last file's kind byte
  ASSERT_EQ(bytes[kind_at], 2);
  bytes[kind_at] = 7;
  EXPECT_FALSE(rt::decode_rules(bytes, back, error, 6, &carried));
  EXPECT_NE(error.find("unknown kind 7 of a carried file"), std::string::npos) << error;
}

// Format 7: a sequence rule's terms, keys, runs, until and maxspan, and its term rules' links,
// round-trip; a term naming no sequence before it, or a term its sequence lacks, is refused, and
// so is a sequence kind in an older format.
TEST(BundleLoad, SequencePartsRoundTripAndBadLinksAreRefused) {
  std::vector<rt::BundledRule> rules(3);
  rt::RuleInfo& seq = rules[0].info;
  seq.rule_id = "seq";
  seq.kind = rt::DetectionKind::Sequence;
  rt::SequenceTermSpec t;
  t.keys = {{"host.id", 1024}, {"user.name", 0}};
  t.optional = {0, 1};
  seq.sequence.terms = {t, t};
  seq.sequence.terms[1].runs = 3;
  seq.sequence.has_until = true;
  seq.sequence.until = t;
  seq.sequence.maxspan_ms = 60'000;
  for (uint32_t k = 1; k < 3; ++k) {
    rules[k].info.rule_id = "seq/term-" + std::to_string(k);
    rules[k].info.kind = rt::DetectionKind::SequenceTerm;
    rules[k].info.sequence_owner = 0;
    rules[k].info.sequence_term = k == 2 ? 2 : 0;  // 2: the until term
  }
  auto encoded = [](const std::vector<rt::BundledRule>& r, uint32_t version) {
    rt::ByteWriter w;
    rt::encode_rules(w, r, version, {});
    return w.take();
  };
  std::vector<rt::BundledRule> back;
  std::string error;
  ASSERT_TRUE(rt::decode_rules(encoded(rules, 7), back, error, 7)) << error;
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].info.sequence, seq.sequence);
  EXPECT_EQ(back[2].info.sequence_term, 2u);
  EXPECT_EQ(back[2].info.kind, rt::DetectionKind::SequenceTerm);

  EXPECT_FALSE(rt::decode_rules(encoded(rules, 6), back, error, 6));
  EXPECT_NE(error.find("unknown detection kind 4"), std::string::npos) << error;
  auto bad = rules;
  bad[1].info.sequence_owner = 2;  // not before it
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 7), back, error, 7));
  EXPECT_NE(error.find("names no sequence rule before it"), std::string::npos) << error;
  bad = rules;
  bad[0].info.sequence.has_until = false;  // the until term's sequence has none
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 7), back, error, 7));
  EXPECT_NE(error.find("names a term its sequence does not have"), std::string::npos) << error;
  bad = rules;
  bad[0].info.sequence.terms[1].keys.pop_back();
  bad[0].info.sequence.terms[1].optional.pop_back();
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 7), back, error, 7));
  EXPECT_NE(error.find("different key counts"), std::string::npos) << error;
  bad = rules;
  bad[0].info.sequence.terms[0].runs = 101;
  EXPECT_FALSE(rt::decode_rules(encoded(bad, 7), back, error, 7));
  EXPECT_NE(error.find("runs=101"), std::string::npos) << error;
}

TEST(BundleLoad, EveryTierThisHostHasLoadsWithoutRebuildingDatabases) {
  const std::string dir = std::string(RULEC_SOURCE_DIR) + "/rules";  // the seed rule: 9 string groups with patterns
  rt::LoadOptions allow;
  allow.allow_unsigned = true;
  std::vector<std::string> checked;
  for (const auto& [tier, needs] : std::vector<std::pair<std::string, std::string>>{
           {"baseline", "x86-64"}, {"avx2", "x86-64-v3"}, {"avx512", "x86-64-v4"}}) {
    std::string why;
    if (std::string(rt::host_arch()) != "x86_64" || !rt::check_cpu_features({needs}, why)) continue;  // this host cannot run it
    SCOPED_TRACE(tier);
    std::string error;
    auto loaded = rt::load_bundle(compile_dir(dir, nullptr, "x86_64-linux-gnu", nullptr, tier), allow, error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->engine->databases_rebuilt(), 0u) << loaded->notes;
    checked.push_back(tier);
  }
  if (std::string(rt::host_arch()) == "x86_64") {
    EXPECT_FALSE(checked.empty());
  }
  RecordProperty("tiers", fmt::format("{}", fmt::join(checked, ",")));
}

TEST(BundleLoad, CorpusBundleKeepsEveryRunnableRuleAndLoadsFast) {
  Keys k = make_keys();
  bundle::CompileReport rep;
  const std::string b = compile_dir(RULEC_SHARED_DIR "/corpus", &k.sk, "x86_64-linux-gnu", &rep);
  // Only rules the stream engine does not run at all are left out (threat_match, ML, EQL, ES|QL,
  // errors): none for lack of native evaluation.
  for (const auto& [who, why] : rep.excluded) EXPECT_EQ(why.find("reference evaluator"), std::string::npos) << who;
  EXPECT_GE(rep.rules, 720u);
  rt::LoadOptions o;
  o.trusted = k.pk;
  std::string error;
  auto loaded = rt::load_bundle(b, o, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->rules.size(), rep.rules);
  EXPECT_EQ(loaded->engine->databases_rebuilt(), 0u) << loaded->notes;
  RecordProperty("load_ms", std::to_string(loaded->load_ms));
}

}  // namespace bundle_load_test
}  // namespace
}  // namespace rulec
