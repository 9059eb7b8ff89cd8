// A sensor's cache of the Hyperscan databases it had to rebuild (--cache-dir): one file per bundle variant and platform, checked before use.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "runtime/bundle/bundle_format.h"
#include "runtime/eval/string_matcher.h"

namespace rulec::rt {

// What an entry is for: the bundle (its checksum), the variant, and this machine's platform as
// Hyperscan sees it (architecture, library version, CPU features, tuning). Another bundle, variant
// or platform names another file.
struct DatabaseCacheKey {
  std::array<uint8_t, bundle::kHashSize> id{};
  std::string file;  // DIR/<hex of id>.rdbcache
};
DatabaseCacheKey database_cache_key(const std::string& dir, const std::array<uint8_t, bundle::kHashSize>& bundle_checksum,
                                    uint32_t variant);

// Reads the entry into `groups` (which hold the bundle's group specs). Hit: every group got its
// database from the cache. Missing: no entry. Refused, with why: an entry not this user's or
// writable by others, unreadable, damaged (checksum), foreign (its key, its group count, a group's
// pattern count) or holding a database this Hyperscan does not load; `groups` is then untouched.
enum class CacheRead { Hit, Missing, Refused };
[[nodiscard]] CacheRead read_database_cache(const DatabaseCacheKey& key, std::vector<StringGroupSpec>& groups, std::string& why);

// The same on an entry's bytes (what the reader checks after the file's owner and mode).
[[nodiscard]] bool decode_database_cache(std::string_view bytes, const DatabaseCacheKey& key, std::vector<StringGroupSpec>& groups,
                                         std::string& why);
// An entry's bytes for the groups' databases.
std::string encode_database_cache(const DatabaseCacheKey& key, const std::vector<StringGroupSpec>& groups);

// Writes the groups' databases as the entry, atomically (temporary file, rename), creating the
// folder (mode 0700) when missing. False with the reason.
[[nodiscard]] bool write_database_cache(const DatabaseCacheKey& key, const std::vector<StringGroupSpec>& groups,
                                        std::string& error);

}  // namespace rulec::rt
