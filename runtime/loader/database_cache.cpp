// The database cache: entry layout, verification before use, atomic writes.
#include "runtime/loader/database_cache.h"

#include <hs/hs.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/common/byte_io.h"
#include "runtime/common/durable_file.h"
#include "runtime/loader/bundle_file.h"
#include "runtime/loader/bundle_loader.h"
#include "runtime/loader/code_loader.h"

namespace rulec::rt {

namespace {

// Entry layout (little-endian): magic "RULECDBC", version u32, key (32 bytes), group count u32,
// then per group: pattern count u32 and its database (length-prefixed); BLAKE2b-256 of all that last.
constexpr char kCacheMagic[8] = {'R', 'U', 'L', 'E', 'C', 'D', 'B', 'C'};
constexpr uint32_t kCacheVersion = 1;

std::string platform_description() {
  hs_platform_info_t p{};
  const bool known = hs_populate_platform(&p) == HS_SUCCESS;
  return fmt::format("{} | {} | features {:#x} tune {} | {}", host_arch(), hs_version(), known ? p.cpu_features : 0ULL,
                     known ? p.tune : 0U, known ? "" : "platform unknown");
}

std::array<uint8_t, bundle::kHashSize> blake2b(std::string_view bytes) {
  std::array<uint8_t, bundle::kHashSize> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
  return h;
}

}  // namespace

DatabaseCacheKey database_cache_key(const std::string& dir, const std::array<uint8_t, bundle::kHashSize>& bundle_checksum,
                                    uint32_t variant) {
  ByteWriter w;
  w.raw(std::string_view(reinterpret_cast<const char*>(bundle_checksum.data()), bundle_checksum.size()));
  w.u32(variant);
  w.str(platform_description());
  DatabaseCacheKey key;
  key.id = blake2b(w.bytes());
  key.file = fmt::format("{}/{}.rdbcache", dir, to_hex(key.id.data(), key.id.size()));
  return key;
}

CacheRead read_database_cache(const DatabaseCacheKey& key, std::vector<StringGroupSpec>& groups, std::string& why) {
  struct stat st {};
  if (::stat(key.file.c_str(), &st) != 0) {
    if (errno == ENOENT) return CacheRead::Missing;
    why = std::strerror(errno);
    return CacheRead::Refused;
  }
  // Only an entry this user wrote and nobody else can change (like ssh's key files).
  if (st.st_uid != ::geteuid() || (st.st_mode & 022)) {
    why = "the entry is not owned by this user or is writable by others";
    return CacheRead::Refused;
  }
  std::string bytes, error;
  if (!read_whole_file(key.file, bytes, error)) return why = error, CacheRead::Refused;
  return decode_database_cache(bytes, key, groups, why) ? CacheRead::Hit : CacheRead::Refused;
}

bool decode_database_cache(std::string_view bytes, const DatabaseCacheKey& key, std::vector<StringGroupSpec>& groups,
                           std::string& why) {
  if (bytes.size() < sizeof kCacheMagic + 4 + bundle::kHashSize * 2 + 4 || std::memcmp(bytes.data(), kCacheMagic, 8) != 0)
    return why = "not a database cache entry", false;
  const std::string_view body = bytes.substr(0, bytes.size() - bundle::kHashSize);
  const auto sum = blake2b(body);
  if (sodium_memcmp(sum.data(), bytes.data() + body.size(), bundle::kHashSize) != 0) return why = "checksum mismatch (damaged)", false;
  ByteReader r(body.substr(8));
  if (r.u32() != kCacheVersion) return why = "another cache version", false;
  const std::string_view id = r.raw(bundle::kHashSize);
  if (id != std::string_view(reinterpret_cast<const char*>(key.id.data()), key.id.size()))
    return why = "written for another bundle, variant or platform", false;
  if (r.u32() != groups.size()) return why = "another number of string groups", false;
  std::vector<std::string> databases(groups.size());
  for (size_t g = 0; g < groups.size() && r.ok(); ++g) {
    if (r.u32() != groups[g].patterns.size()) return why = fmt::format("group {}: another number of patterns", g), false;
    databases[g] = r.str();
  }
  if (!r.ok() || !r.at_end()) return why = "truncated or trailing bytes", false;
  for (size_t g = 0; g < groups.size(); ++g) {
    StringGroupSpec probe;
    probe.patterns = groups[g].patterns;
    probe.database = databases[g];
    if (!database_loads(probe)) return why = fmt::format("group {}: not a database this Hyperscan loads", g), false;
  }
  for (size_t g = 0; g < groups.size(); ++g) groups[g].database = std::move(databases[g]);
  return true;
}

std::string encode_database_cache(const DatabaseCacheKey& key, const std::vector<StringGroupSpec>& groups) {
  ByteWriter w;
  w.raw(std::string_view(kCacheMagic, sizeof kCacheMagic));
  w.u32(kCacheVersion);
  w.raw(std::string_view(reinterpret_cast<const char*>(key.id.data()), key.id.size()));
  w.u32(static_cast<uint32_t>(groups.size()));
  for (const auto& g : groups) {
    w.u32(static_cast<uint32_t>(g.patterns.size()));
    w.str(g.database);
  }
  std::string bytes = w.take();
  const auto sum = blake2b(bytes);
  bytes.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return bytes;
}

bool write_database_cache(const DatabaseCacheKey& key, const std::vector<StringGroupSpec>& groups, std::string& error) {
  const std::string dir = key.file.substr(0, key.file.rfind('/'));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return error = fmt::format("cannot create the cache folder {}: {}", dir, std::strerror(errno)), false;
  return replace_file_durably(key.file, encode_database_cache(key, groups), error, 0600);
}

}  // namespace rulec::rt
