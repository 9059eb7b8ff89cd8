// Loading a rule bundle for the sensor: every check first (checksum, signature, version, target, CPU), then the code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/eval/compiled_engine.h"
#include "runtime/loader/bundle_file.h"
#include "runtime/loader/sections.h"

namespace rulec::rt {

struct LoadOptions {
  std::optional<PublicKey> trusted;  // the key the bundle must be signed with
  bool allow_unsigned = false;       // accept a bundle with no signature (a signed one must still verify when `trusted` is set)
  std::string cache_dir;             // where rebuilt Hyperscan databases are kept for the next start (empty: nowhere)
};

struct LoadedBundle {
  nlohmann::json manifest;
  std::vector<BundledRule> rules;
  std::vector<BundledData> data;  // the indicator feeds and value lists the bundle carries
  std::unique_ptr<CompiledEngine> engine;
  BundleSignature signature;
  std::string target, tier;         // of the variant loaded
  uint32_t variant = 0, variant_count = 1;
  std::string notes;        // what the loader did that the operator should know (databases rebuilt, unsigned)
  double load_ms = 0;       // from the bytes in memory to a ready engine
  double rebuild_ms = 0;    // of which: Hyperscan databases rebuilt from their patterns
  size_t databases_cached = 0;  // Hyperscan databases taken from the cache (--cache-dir)
  std::vector<RuleInfo> infos() const;
};

// Verifies and loads a bundle held in memory. In order, before any code is mapped: magic and
// format version, structure and checksum, signature (required unless allow_unsigned), the variant
// to run (the highest CPU tier whose target and CPU features this machine has), every section's
// records; then that variant's code, checked against the program's counts.
// nullptr with the reason on the first failure: nothing of a refused bundle runs.
std::unique_ptr<LoadedBundle> load_bundle(std::string_view bytes, const LoadOptions& options, std::string& error);
// The same from a file (read whole first; the file may be replaced while it runs).
std::unique_ptr<LoadedBundle> load_bundle_file(const std::string& path, const LoadOptions& options, std::string& error);

// Reads a whole file; false with the reason.
[[nodiscard]] bool read_whole_file(const std::string& path, std::string& out, std::string& error);

}  // namespace rulec::rt
