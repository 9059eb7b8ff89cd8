// Reading a bundle's container: header, section table, checksum and signature, every offset checked.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/bundle/bundle_format.h"

namespace rulec::rt {

using PublicKey = std::array<uint8_t, bundle::kPublicKeySize>;

struct BundleSignature {
  bool present = false;
  PublicKey key{};
  int64_t signed_at_ms = 0;
  std::array<uint8_t, bundle::kSignatureBytes> sig{};
};

// A parsed bundle: views into the caller's bytes (which must outlive it).
struct BundleView {
  uint32_t format_version = 0;
  uint32_t variant_count = 0;  // databases + code pairs (1 before format 5)
  std::string_view shared[bundle::kSharedSections];  // manifest, rules, program
  std::string_view databases[bundle::kMaxVariants], code[bundle::kMaxVariants];
  std::array<uint8_t, bundle::kHashSize> checksum{};
  BundleSignature signature;
  // A section by id; Databases and Code of variant `variant`.
  std::string_view section(bundle::SectionId id, uint32_t variant = 0) const {
    const auto i = static_cast<uint32_t>(id);
    if (i <= bundle::kSharedSections) return shared[i - 1];
    if (variant >= variant_count) return {};
    return id == bundle::SectionId::Databases ? databases[variant] : code[variant];
  }
};

// Parses `file`: magic, format version, header fields, the section table (the shared sections
// once, then a databases and a code section per variant, in order, aligned, inside the content,
// not overlapping), no trailing bytes, and the checksum. False with the reason (and where) on the
// first problem. Does not check the signature.
[[nodiscard]] bool parse_bundle(std::string_view file, BundleView& out, std::string& error);

// Checks the bundle's signature against `trusted`: false with the reason when it is unsigned,
// signed by another key, or the signature does not verify.
[[nodiscard]] bool verify_bundle_signature(const BundleView& b, const PublicKey& trusted, std::string& error);

// The message an Ed25519 signature covers (context, checksum, signing time): shared with the signer.
std::string signature_message(const std::array<uint8_t, bundle::kHashSize>& checksum, int64_t signed_at_ms);

// Key files. NAME.pub: "rulec-ed25519-public-key-v1 <64 hex digits>\n". False with the reason.
[[nodiscard]] bool read_public_key(const std::string& path, PublicKey& key, std::string& error);
std::string format_public_key(const PublicKey& key);
// A short fingerprint of a key (16 hex digits of its BLAKE2b hash) for messages.
std::string key_fingerprint(const PublicKey& key);

std::string to_hex(const uint8_t* p, size_t n);
bool from_hex(std::string_view hex, uint8_t* out, size_t n);

}  // namespace rulec::rt
