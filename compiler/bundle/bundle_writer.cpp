// The bundle container writer (the layout is defined in runtime/bundle/bundle_format.h).
#include "compiler/bundle/bundle_writer.h"

#include <sodium.h>

#include <cstdlib>

#include "runtime/common/byte_io.h"

namespace rulec::bundle {

namespace {
// libsodium's hashing and signing work before sodium_init (which only picks faster code paths and
// seeds its random generator); calling it is still required by its documentation.
void init_sodium() {
  if (sodium_init() < 0) std::abort();
}
}  // namespace

std::string hash_hex(std::string_view bytes) {
  init_sodium();
  std::array<uint8_t, kHashSize> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  return rt::to_hex(h.data(), h.size());
}

BundleParts parts_of(const rt::BundleView& v) {
  using S = SectionId;
  BundleParts p{std::string(v.section(S::Manifest)), std::string(v.section(S::Rules)), std::string(v.section(S::Program)),
                std::string(v.section(S::Databases)), std::string(v.section(S::Code)), {}, v.format_version};
  for (uint32_t i = 1; i < v.variant_count; ++i)
    p.more.push_back({std::string(v.section(S::Databases, i)), std::string(v.section(S::Code, i))});
  return p;
}

std::string write_bundle(const BundleParts& parts, const SecretKey* key, int64_t signed_at_ms) {
  init_sodium();
  std::vector<std::pair<SectionId, const std::string*>> sections = {{SectionId::Manifest, &parts.manifest},
                                                                     {SectionId::Rules, &parts.rules},
                                                                     {SectionId::Program, &parts.program},
                                                                     {SectionId::Databases, &parts.databases},
                                                                     {SectionId::Code, &parts.code}};
  for (const auto& v : parts.more) {
    sections.emplace_back(SectionId::Databases, &v.databases);
    sections.emplace_back(SectionId::Code, &v.code);
  }
  const auto count = static_cast<uint32_t>(sections.size());
  auto align = [](uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; };
  std::vector<uint64_t> offsets(count);
  uint64_t pos = kHeaderSize + uint64_t{count} * kEntrySize;
  for (uint32_t i = 0; i < count; ++i) {
    pos = align(pos);
    offsets[i] = pos;
    pos += sections[i].second->size();
  }
  const uint64_t content = pos;

  rt::ByteWriter w;
  w.raw(std::string_view(kMagic, sizeof kMagic));
  w.u32(parts.format_version);
  w.u32(count);
  w.u32(key ? kFlagSigned : 0);
  w.u32(0);
  w.u64(content);
  for (uint32_t i = 0; i < count; ++i) {
    w.u32(static_cast<uint32_t>(sections[i].first));
    w.u32(0);
    w.u64(offsets[i]);
    w.u64(sections[i].second->size());
  }
  for (uint32_t i = 0; i < count; ++i) {
    while (w.size() < offsets[i]) w.u8(0);
    w.raw(*sections[i].second);
  }
  std::string out = w.take();
  std::array<uint8_t, kHashSize> checksum{};
  crypto_generichash(checksum.data(), checksum.size(), reinterpret_cast<const unsigned char*>(out.data()), out.size(), nullptr, 0);
  out.append(reinterpret_cast<const char*>(checksum.data()), checksum.size());
  if (key) out += signature_block(*key, checksum, signed_at_ms);
  return out;
}

}  // namespace rulec::bundle
