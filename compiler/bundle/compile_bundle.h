// `rulec compile`'s pipeline: loaded rules -> plan -> object (TargetMachine) -> lld -> sections -> bundle.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compiler/bundle/keys.h"
#include "compiler/pipeline/loaded_rules.h"
#include "runtime/loader/sections.h"

namespace rulec::bundle {

struct CompileOptions {
  // Comma-separated lists: the bundle holds a variant per target and CPU tier (the tiers a target
  // lacks are skipped when several are asked for).
  std::string target = "x86_64-linux-gnu";
  std::string cpu = "baseline";   // baseline | avx2 | avx512 | native
  const SecretKey* key = nullptr; // sign when set
  int64_t created_ms = 0;         // the manifest's creation time (reproducible: not the wall clock)
  int64_t signed_at_ms = 0;       // the signature's time
  // Files the bundle carries for its rules: indicator feeds (threat_match) and value lists,
  // inside the checksum and the signature (the sensor may still give its own).
  std::vector<rt::BundledData> data;
};

struct CompileReport {
  size_t rules = 0;
  std::vector<std::pair<std::string, std::string>> excluded;  // "id \"name\"", reason
  std::string tier;                                           // the first variant's CPU tier ("native" resolved)
  std::vector<std::string> variants;                          // "TARGET TIER", in the bundle's order
  size_t databases = 0, databases_rebuilt_at_load = 0;        // of the first variant
  size_t code_bytes = 0;                                      // of every variant
  double ms = 0;
};

// Compiles `loaded` into bundle bytes. The rules loading left out (unsupported, with errors, over
// a compile limit) are listed in the report and the manifest. False with the reason (unknown
// target or tier, LLVM, lld or Hyperscan failure).
[[nodiscard]] bool compile_bundle(const pipeline::LoadedRules& loaded, const Schema& schema, const CompileOptions& opts,
                                  std::string& bytes, CompileReport& report, std::string& error);

}  // namespace rulec::bundle
