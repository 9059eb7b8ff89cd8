// Writing a bundle's container: header, section table, aligned sections, checksum, optional signature.
#pragma once

#include <cstdint>
#include <string>

#include <vector>

#include "compiler/bundle/keys.h"
#include "runtime/bundle/bundle_format.h"
#include "runtime/loader/bundle_file.h"

namespace rulec::bundle {

// The encoded sections, in SectionId order: `databases` and `code` are the first variant's,
// `more` holds the others' (databases, code) in the manifest's variant order.
struct BundleParts {
  struct Variant {
    std::string databases, code;
  };
  std::string manifest, rules, program, databases, code;
  std::vector<Variant> more;
  uint32_t format_version = kFormatVersion;  // another only to test reading older bundles
};

// The sections of a parsed bundle (to rewrite one: tests, fuzzing).
BundleParts parts_of(const rt::BundleView& view);

// The bundle bytes. With `key`, the signed flag is set and the signature block (signed at
// `signed_at_ms`) follows the checksum; everything before it depends only on `parts`.
std::string write_bundle(const BundleParts& parts, const SecretKey* key, int64_t signed_at_ms);

// BLAKE2b-256 of `bytes`, as hex (manifest hashes).
std::string hash_hex(std::string_view bytes);

}  // namespace rulec::bundle
