// The rule bundle's container format: the one header the compiler (writer) and the runtime (loader) share.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rulec::bundle {

// Layout of a .rbundle file (all integers little-endian):
//
//   header      kHeaderSize bytes: magic, format version, section count, flags, content size
//   table       section_count entries of kEntrySize bytes: id, offset, size (manifest, rules,
//               program, then a databases and a code section per variant)
//   sections    each at the offset its entry gives, 8-byte aligned, in table order, not overlapping,
//               all between the end of the table and the checksum
//   checksum    BLAKE2b-256 of every byte before it (header .. last section), at `content_size`
//   signature   optional (flag kFlagSigned): kSignatureSize bytes right after the checksum
//
// The file ends exactly after the checksum or the signature: trailing bytes are refused. A loader
// checks the magic, the format version and the header, then the checksum, then every section's
// bounds, then the signature, and maps no code before all of that passed. The manifest (inside the checksum)
// lists a hash per rule and per database for tools that compare bundles.
inline constexpr char kMagic[8] = {'R', 'U', 'L', 'E', 'C', 'B', 'N', 'D'};
// 2: each rule of the rules section ends with its Kibana alert metadata (rule uuid, from, to,
// interval, author, references, false positives, index, license, immutable, parameters); format 1
// bundles are still read (that metadata then takes its defaults). 3: then the rule's saved-object
// fields an alert repeats (created and updated at and by, meta), a JSON object. 4: the program
// section ends with the raw-line prefilter (runtime/eval/line_prefilter.h). 5: variants, one per
// target and CPU tier, each with its databases and code sections, listed by the manifest's
// "variants" (format 4 and older hold one, described by the manifest's top-level target and cpu).
// 6: each rule ends with its threat_match part (mappings, indicator path, indicator selection).
// 7: then its EQL sequence part (terms, keys, runs, until, maxspan; a sequence term's place).
// 8: the sequence part ends with its sample flag (an EQL sample: unordered filters).
inline constexpr uint32_t kFormatVersion = 8;
inline constexpr uint32_t kFirstVariantsFormat = 5;
inline constexpr uint32_t kOldestFormatVersion = 1;
inline constexpr size_t kHeaderSize = 32;  // magic[8] version u32, section_count u32, flags u32, pad u32, content_size u64
inline constexpr size_t kEntrySize = 24;   // id u32, pad u32, offset u64, size u64
inline constexpr size_t kHashSize = 32;    // BLAKE2b-256 (libsodium crypto_generichash)
inline constexpr size_t kAlign = 8;
inline constexpr uint32_t kMaxSections = 64;
inline constexpr uint32_t kFlagSigned = 1;

// The signature block: magic "RULECSIG", the signer's Ed25519 public key, the signing time (Unix
// ms, i64), and the Ed25519 signature of: "rulec-bundle-signature-v1" || checksum || signing time.
inline constexpr char kSignatureMagic[8] = {'R', 'U', 'L', 'E', 'C', 'S', 'I', 'G'};
inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureBytes = 64;
inline constexpr size_t kSignatureSize = 8 + kPublicKeySize + 8 + kSignatureBytes;
inline constexpr char kSignatureContext[] = "rulec-bundle-signature-v1";

// Sections. Every bundle holds the first three once, then Databases and Code once per variant (a
// target and CPU tier: 1 to kMaxVariants of them), in this order.
enum class SectionId : uint32_t {
  Manifest = 1,   // JSON: versions, variants (target, CPU tier), hashes per rule and per database, creation time
  Rules = 2,      // per rule: RuleInfo (alert metadata, detection parameters) and source query
  Program = 3,    // the compiled engine's tables: slots, string groups, typed and on-demand tests
  Databases = 4,  // per string group: the serialized Hyperscan database (may be empty: rebuilt)
  Code = 5,       // the evaluation function: an ELF shared object exporting `rulec_eval`
};
inline constexpr uint32_t kSharedSections = 3;       // manifest, rules, program
inline constexpr uint32_t kSectionsPerVariant = 2;   // databases, code
inline constexpr uint32_t kMaxVariants = 16;
inline constexpr uint32_t kSectionCount = kSharedSections + kSectionsPerVariant;  // of a one-variant bundle
inline constexpr uint32_t section_count(uint32_t variants) { return kSharedSections + kSectionsPerVariant * variants; }

inline const char* section_name(SectionId id) {
  switch (id) {
    case SectionId::Manifest: return "manifest";
    case SectionId::Rules: return "rules";
    case SectionId::Program: return "program";
    case SectionId::Databases: return "databases";
    case SectionId::Code: return "code";
  }
  return "unknown";
}

// CPU tiers: the code and the Hyperscan databases are built for one; a sensor whose CPU lacks a
// feature the tier needs refuses the bundle.
//   baseline  x86-64 (SSE2) / generic aarch64 (NEON)
//   avx2      x86-64-v3: AVX, AVX2, BMI1, BMI2, FMA, F16C, MOVBE
//   avx512    x86-64-v4: v3 plus AVX512F, AVX512BW, AVX512CD, AVX512DQ, AVX512VL
//   native    the best of the tiers above the build host supports (baseline off x86_64); the
//             manifest records the tier chosen and "asked": "native"
inline constexpr const char* kCpuTiers[] = {"baseline", "avx2", "avx512", "native"};

}  // namespace rulec::bundle
