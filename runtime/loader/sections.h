// Encoding and decoding of a bundle's rule, program and database sections (one definition for both sides).
#pragma once

#include <string>
#include <vector>

#include "runtime/bundle/bundle_format.h"
#include "runtime/common/byte_io.h"
#include "runtime/eval/compiled_engine.h"
#include "runtime/eval/generic_tests.h"
#include "runtime/eval/rule_info.h"

namespace rulec::rt {

// A rule as a bundle carries it: what the detector and alerts need, and the source for `inspect`.
struct BundledRule {
  RuleInfo info;
  std::string query;     // the KQL query as written
  std::string language;  // "kuery" / "lucene"
  std::string source;    // the file it came from
};

// A file the bundle carries for its rules (format 6, after the rules): an indicator feed or a value
// list, whole, inside the checksum and the signature.
struct BundledData {
  enum class Kind : uint8_t { IndicatorFeed = 1, ValueList = 2 };
  Kind kind = Kind::IndicatorFeed;
  std::string name;   // the feed's name (its file name) or the list's id
  std::string bytes;  // the file's content
};

void encode_rules(ByteWriter& w, const std::vector<BundledRule>& rules, uint32_t format_version = bundle::kFormatVersion,
                  const std::vector<BundledData>& data = {});
// `format_version`: the bundle's (format 1 rules have no alert metadata: it keeps its defaults).
// `data` (optional): the files carried after the rules (format 6).
[[nodiscard]] bool decode_rules(std::string_view bytes, std::vector<BundledRule>& rules, std::string& error,
                                uint32_t format_version = bundle::kFormatVersion, std::vector<BundledData>* data = nullptr);

// The program's tables (everything of CompiledProgram but the code and the databases); from format
// 4 on, the raw-line prefilter last.
void encode_program(ByteWriter& w, const CompiledProgram& p, uint32_t format_version = bundle::kFormatVersion);
// Decodes and validates every count and index (slots, atoms, rules) against the program's sizes.
// An older format has no prefilter (every line is decoded).
[[nodiscard]] bool decode_program(std::string_view bytes, CompiledProgram& p, std::string& error,
                                  uint32_t format_version = bundle::kFormatVersion);

// One serialized Hyperscan database per string group (empty: rebuilt from the patterns at load).
void encode_databases(ByteWriter& w, const std::vector<StringGroupSpec>& groups);
[[nodiscard]] bool decode_databases(std::string_view bytes, std::vector<StringGroupSpec>& groups, std::string& error);

}  // namespace rulec::rt
