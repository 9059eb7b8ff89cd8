// Bundle test helpers: keys, compiling a folder of rules into bundle bytes, a one-rule folder, a bundle's sections.
#pragma once

#include <gtest/gtest.h>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/cli_util.h"
#include "common/test_util.h"
#include "compiler/bundle/bundle_writer.h"
#include "compiler/bundle/compile_bundle.h"
#include "runtime/common/byte_io.h"
#include "runtime/loader/bundle_file.h"
#include "runtime/loader/sections.h"

namespace rulec::bundle_testing {

using testing::TempDir;

struct Keys {
  bundle::SecretKey sk;
  rt::PublicKey pk;
};

inline Keys make_keys() {
  Keys k;
  EXPECT_EQ(sodium_init() >= 0, true);
  crypto_sign_keypair(k.pk.data(), k.sk.bytes.data());
  return k;
}

// Compiles the rules in `dir` into bundle bytes.
inline std::string compile_dir(const std::string& dir, const bundle::SecretKey* key, const std::string& target = "x86_64-linux-gnu",
                        bundle::CompileReport* report = nullptr, const std::string& cpu = "baseline") {
  static const Schema schema = testing::load_builtin_schema();
  pipeline::LoadedRules loaded;
  EXPECT_TRUE(pipeline::load_runnable({dir}, schema, loaded));
  bundle::CompileOptions o;
  o.target = target;
  o.cpu = cpu;
  o.key = key;
  o.created_ms = 1767225600000;
  o.signed_at_ms = 1767225600123;
  std::string bytes, error;
  bundle::CompileReport rep;
  EXPECT_TRUE(bundle::compile_bundle(loaded, schema, o, bytes, rep, error)) << error;
  if (report) *report = rep;
  return bytes;
}

inline std::string small_rules(const TempDir& t) {
  const auto dir = t.path() / "rules";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "r.json") << R"({"severity":"low","risk_score":21,"rule_id": "r-1", "name": "bash", "type": "query", "query": "process.name:bash and not user.name:root"})";
  return dir.string();
}

inline bundle::BundleParts parts_of(const std::string& bytes) {
  rt::BundleView v;
  std::string error;
  EXPECT_TRUE(rt::parse_bundle(bytes, v, error)) << error;
  return bundle::parts_of(v);
}

// The same bundle with the first variant's Hyperscan databases left out (as for a platform whose
// databases the compiler could not build): a loader must rebuild them from their patterns.
inline bundle::BundleParts without_databases(const std::string& bytes) {
  bundle::BundleParts p = parts_of(bytes);
  rt::CompiledProgram prog;
  std::string error;
  EXPECT_TRUE(rt::decode_program(p.program, prog, error)) << error;
  EXPECT_TRUE(rt::decode_databases(p.databases, prog.groups, error)) << error;
  for (auto& g : prog.groups) g.database.clear();
  rt::ByteWriter w;
  rt::encode_databases(w, prog.groups);
  p.databases = w.take();
  return p;
}

}  // namespace rulec::bundle_testing
