// Bundle container parsing and Ed25519 signature checks (libsodium).
#include "runtime/loader/bundle_file.h"

#include <sodium.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/common/byte_io.h"

namespace rulec::rt {

namespace {

constexpr char kPublicKeyTag[] = "rulec-ed25519-public-key-v1";

bool init_sodium(std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium failed to initialize";
    return false;
  }
  return true;
}

}  // namespace

std::string to_hex(const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) s[2 * i] = kDigits[p[i] >> 4], s[2 * i + 1] = kDigits[p[i] & 15];
  return s;
}

bool from_hex(std::string_view hex, uint8_t* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool parse_bundle(std::string_view file, BundleView& out, std::string& error) {
  using namespace bundle;
  out = BundleView{};
  if (!init_sodium(error)) return false;
  if (file.size() < kHeaderSize) {
    error = fmt::format("not a rule bundle: {} bytes, shorter than the {}-byte header", file.size(), kHeaderSize);
    return false;
  }
  if (std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    error = "not a rule bundle: the file does not start with the bundle magic \"RULECBND\"";
    return false;
  }
  ByteReader h(file.substr(8, kHeaderSize - 8));
  out.format_version = h.u32();
  const uint32_t count = h.u32();
  const uint32_t flags = h.u32();
  const uint32_t pad = h.u32();
  const uint64_t content = h.u64();
  if (out.format_version < kOldestFormatVersion || out.format_version > kFormatVersion) {
    error = fmt::format("bundle format version {} is not supported (this build reads version {}){}", out.format_version,
                        kFormatVersion, out.format_version > kFormatVersion ? ": the bundle was made by a newer rulec" : "");
    return false;
  }
  if (out.format_version < kFirstVariantsFormat) {
    if (count != kSectionCount) return error = fmt::format("header: {} sections, expected {}", count, kSectionCount), false;
  } else if (count < section_count(1) || count > section_count(kMaxVariants) || (count - kSharedSections) % kSectionsPerVariant) {
    return error = fmt::format("header: {} sections: not {} shared sections and 1 to {} variants of {}", count, kSharedSections,
                               kMaxVariants, kSectionsPerVariant),
           false;
  }
  out.variant_count = (count - kSharedSections) / kSectionsPerVariant;
  if (flags & ~kFlagSigned) return error = fmt::format("header: unknown flags {:#x}", flags), false;
  if (pad != 0) return error = "header: reserved field is not zero", false;
  const uint64_t table_end = kHeaderSize + uint64_t{count} * kEntrySize;
  const uint64_t expected_size = content + kHashSize + ((flags & kFlagSigned) ? kSignatureSize : 0);
  if (content < table_end || content > file.size() || expected_size != file.size()) {
    error = fmt::format("header: content size {} does not fit the file ({} bytes{})", content, file.size(),
                        (flags & kFlagSigned) ? ", signed" : "");
    return false;
  }

  // The checksum first: nothing else in the file is interpreted before it matches.
  std::memcpy(out.checksum.data(), file.data() + content, kHashSize);
  std::array<uint8_t, kHashSize> actual{};
  crypto_generichash(actual.data(), kHashSize, reinterpret_cast<const unsigned char*>(file.data()), content, nullptr, 0);
  if (sodium_memcmp(actual.data(), out.checksum.data(), kHashSize) != 0) {
    error = "checksum mismatch: the bundle is damaged or was modified after it was written";
    return false;
  }

  ByteReader t(file.substr(kHeaderSize, count * kEntrySize));
  uint64_t next = table_end;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t id = t.u32();
    const uint32_t epad = t.u32();
    const uint64_t off = t.u64();
    const uint64_t size = t.u64();
    const uint32_t expected = i < kSharedSections ? i + 1 : kSharedSections + 1 + (i - kSharedSections) % kSectionsPerVariant;
    if (id != expected) return error = fmt::format("section table entry {}: id {}, expected {}", i, id, expected), false;
    if (epad != 0) return error = fmt::format("section table entry {}: reserved field is not zero", i), false;
    if (off % kAlign || off < next || off > content || size > content - off) {
      error = fmt::format("section {} ({}): offset {} size {} is outside the content [{}, {}) or misplaced", id,
                          section_name(static_cast<SectionId>(id)), off, size, next, content);
      return false;
    }
    const std::string_view bytes = file.substr(off, size);
    if (i < kSharedSections) out.shared[i] = bytes;
    else if (id == static_cast<uint32_t>(SectionId::Databases)) out.databases[(i - kSharedSections) / kSectionsPerVariant] = bytes;
    else out.code[(i - kSharedSections) / kSectionsPerVariant] = bytes;
    next = off + size;
  }

  if (flags & kFlagSigned) {
    ByteReader s(file.substr(content + kHashSize, kSignatureSize));
    if (std::memcmp(file.data() + content + kHashSize, kSignatureMagic, 8) != 0)
      return error = "signature block: bad magic", false;
    (void)s.raw(8);
    std::memcpy(out.signature.key.data(), s.raw(kPublicKeySize).data(), kPublicKeySize);
    out.signature.signed_at_ms = s.i64();
    std::memcpy(out.signature.sig.data(), s.raw(kSignatureBytes).data(), kSignatureBytes);
    out.signature.present = true;
  }
  return true;
}

std::string signature_message(const std::array<uint8_t, bundle::kHashSize>& checksum, int64_t signed_at_ms) {
  ByteWriter w;
  w.raw(std::string_view(bundle::kSignatureContext));
  w.raw(std::string_view(reinterpret_cast<const char*>(checksum.data()), checksum.size()));
  w.i64(signed_at_ms);
  return w.take();
}

bool verify_bundle_signature(const BundleView& b, const PublicKey& trusted, std::string& error) {
  if (!init_sodium(error)) return false;
  if (!b.signature.present) {
    error = "the bundle is not signed (sign it with `rulec compile --sign KEY`, or pass --allow-unsigned)";
    return false;
  }
  if (sodium_memcmp(b.signature.key.data(), trusted.data(), trusted.size()) != 0) {
    error = fmt::format("the bundle is signed by key {}, not by the trusted key {}", key_fingerprint(b.signature.key),
                        key_fingerprint(trusted));
    return false;
  }
  const std::string msg = signature_message(b.checksum, b.signature.signed_at_ms);
  if (crypto_sign_verify_detached(b.signature.sig.data(), reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                  trusted.data()) != 0) {
    error = fmt::format("the signature does not verify with key {}: the bundle was modified after signing",
                        key_fingerprint(trusted));
    return false;
  }
  return true;
}

bool read_public_key(const std::string& path, PublicKey& key, std::string& error) {
  std::ifstream in(path);
  if (!in) return error = fmt::format("cannot read public key {}: {}", path, std::strerror(errno)), false;
  std::string tag, hex, extra;
  in >> tag >> hex >> extra;
  if (tag != kPublicKeyTag || !extra.empty() || !from_hex(hex, key.data(), key.size())) {
    error = fmt::format("{} is not a rulec public key (expected \"{} <64 hex digits>\", as `rulec keygen` writes)", path,
                        kPublicKeyTag);
    return false;
  }
  return true;
}

std::string format_public_key(const PublicKey& key) {
  return fmt::format("{} {}\n", kPublicKeyTag, to_hex(key.data(), key.size()));
}

std::string key_fingerprint(const PublicKey& key) {
  uint8_t h[crypto_generichash_BYTES_MIN];
  crypto_generichash(h, sizeof h, key.data(), key.size(), nullptr, 0);
  return to_hex(h, 8);
}

}  // namespace rulec::rt
