// Per-event string tests: exact values through an open-addressing table, patterns through Hyperscan.
#include "runtime/eval/string_matcher.h"

#include <hs/hs.h>

#include <cstdlib>

#include <cstring>
#include <string_view>

#include "runtime/common/bits.h"
#include "runtime/common/utf8.h"
#include "runtime/eval/hs_block_scan.h"

namespace rulec::rt {

namespace {

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// Eight bytes at a time (the tail zero-padded), each word folded in with a multiply and a mix.
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = mix(h ^ (w * 0xC2B2AE3D27D4EB4Full));
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = mix(h ^ (w * 0xC2B2AE3D27D4EB4Full));
  }
  return mix(h);
}

}  // namespace

unsigned hs_flags(const StringGroupSpec::Pattern& p) {
  // Single match: an atom bit is set once, later matches add nothing.
  unsigned f = HS_FLAG_DOTALL | HS_FLAG_ALLOWEMPTY | HS_FLAG_SINGLEMATCH;
  if (p.caseless) f |= HS_FLAG_CASELESS;
  if (p.utf8) f |= HS_FLAG_UTF8;
  return f;
}

// Exact values of one group -> the atoms they satisfy. Power-of-two slots, linear probing.
struct StringMatcher::Table {
  struct Entry {
    uint64_t hash = 0;
    uint32_t off = 0, len = 0;          // into `bytes`
    uint32_t first = 0, count = 0;      // into `atoms`
  };
  std::vector<Entry> slots;             // count == 0: empty
  std::string bytes;
  std::vector<uint32_t> atoms;
  uint64_t mask = 0;
  uint64_t lengths[4] = {};  // which value lengths < 256 occur (a value of another length is no member)
  bool long_values = false;  // some value is 256 bytes or longer

  explicit Table(const std::vector<StringGroupSpec::Exact>& exact) {
    size_t cap = 8;
    while (cap < exact.size() * 2) cap <<= 1;
    slots.assign(cap, Entry{});
    mask = cap - 1;
    // Values repeat (several atoms per value): group them, keeping each value's atoms together.
    std::vector<std::vector<uint32_t>> lists;
    std::vector<size_t> slot_of;
    for (const auto& e : exact) {
      if (e.value.size() < 256) lengths[e.value.size() >> 6] |= uint64_t{1} << (e.value.size() & 63);
      else long_values = true;
      const uint64_t h = hash_bytes(e.value);
      size_t i = h & mask;
      while (slots[i].count) {
        const Entry& s = slots[i];
        if (s.hash == h && std::string_view(bytes).substr(s.off, s.len) == e.value) break;
        i = (i + 1) & mask;
      }
      if (!slots[i].count) {
        slots[i] = Entry{h, static_cast<uint32_t>(bytes.size()), static_cast<uint32_t>(e.value.size()),
                         static_cast<uint32_t>(lists.size()), 1};
        bytes += e.value;
        lists.emplace_back();
      }
      lists[slots[i].first].push_back(e.atom);
    }
    std::vector<uint32_t> start(lists.size());
    for (size_t l = 0; l < lists.size(); ++l) {
      start[l] = static_cast<uint32_t>(atoms.size());
      atoms.insert(atoms.end(), lists[l].begin(), lists[l].end());
    }
    for (Entry& s : slots)
      if (s.count) {
        const uint32_t l = s.first;
        s.first = start[l];
        s.count = static_cast<uint32_t>(lists[l].size());
      }
  }

  bool may_hold(size_t n) const { return n < 256 ? (lengths[n >> 6] >> (n & 63)) & 1 : long_values; }

  void lookup(std::string_view v, uint64_t* bits) const {
    const uint64_t h = hash_bytes(v);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Entry& s = slots[i];
      if (!s.count) return;
      if (s.hash == h && s.len == v.size() && std::memcmp(bytes.data() + s.off, v.data(), v.size()) == 0) {
        for (uint32_t k = 0; k < s.count; ++k) set_bit(bits, atoms[s.first + k]);
        return;
      }
    }
  }
};

StringMatcher::~StringMatcher() {
  for (hs_database_t* db : dbs_) hs_free_database(db);
  if (scratch_) hs_free_scratch(scratch_);
}

bool database_loads(const StringGroupSpec& spec) {
  if (spec.patterns.empty()) return true;
  hs_database_t* db = nullptr;
  if (spec.database.empty() || hs_deserialize_database(spec.database.data(), spec.database.size(), &db) != HS_SUCCESS) return false;
  const bool runs = hs_block_scan_runs(db);
  hs_free_database(db);
  return runs;
}

std::unique_ptr<StringMatcher> StringMatcher::create(std::vector<StringGroupSpec> groups, size_t slot_count,
                                                     std::string& error, size_t* rebuilt) {
  std::unique_ptr<StringMatcher> m(new StringMatcher());
  m->groups_ = std::move(groups);
  m->by_slot_.resize(slot_count);
  if (rebuilt) *rebuilt = 0;
  for (size_t g = 0; g < m->groups_.size(); ++g) {
    const StringGroupSpec& spec = m->groups_[g];
    if (spec.slot >= slot_count) {
      error = "string group reads slot " + std::to_string(spec.slot) + " of " + std::to_string(slot_count);
      return nullptr;
    }
    m->by_slot_[spec.slot].push_back(static_cast<uint32_t>(g));
    m->tables_.push_back(spec.exact.empty() ? nullptr : std::make_unique<Table>(spec.exact));
    hs_database_t* db = nullptr;
    if (!spec.patterns.empty()) {
      if (!spec.database.empty() &&
          hs_deserialize_database(spec.database.data(), spec.database.size(), &db) != HS_SUCCESS)
        db = nullptr;
      if (db && !hs_block_scan_runs(db)) {  // built with AVX-512 features: rebuilt below
        hs_free_database(db);
        db = nullptr;
      }
      if (!db) {
        hs_platform_info_t platform{};
        hs_build_platform(platform);
        std::vector<const char*> exprs;
        std::vector<unsigned> flags, ids;
        for (size_t i = 0; i < spec.patterns.size(); ++i) {
          exprs.push_back(spec.patterns[i].regex.c_str());
          flags.push_back(hs_flags(spec.patterns[i]));
          ids.push_back(static_cast<unsigned>(i));
        }
        hs_compile_error_t* err = nullptr;
        if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                             &platform, &db, &err) != HS_SUCCESS) {
          error = "Hyperscan: pattern " + std::to_string(err ? err->expression : -1) + ": " +
                  (err && err->message ? err->message : "compile error");
          hs_free_compile_error(err);
          m->dbs_.push_back(nullptr);
          return nullptr;
        }
        if (rebuilt) ++*rebuilt;
        // Kept serialized, as a bundle would hold it (a sensor's database cache stores it).
        char* bytes = nullptr;
        size_t length = 0;
        if (hs_serialize_database(db, &bytes, &length) == HS_SUCCESS) {
          m->groups_[g].database.assign(bytes, length);
          std::free(bytes);
        } else {
          m->groups_[g].database.clear();
        }
      }
      if (hs_alloc_scratch(db, &m->scratch_) != HS_SUCCESS) {
        hs_free_database(db);
        error = "Hyperscan: cannot allocate scratch space";
        return nullptr;
      }
    }
    m->dbs_.push_back(db);
  }
  return m;
}

namespace {
struct ScanCtx {
  const StringGroupSpec* group;
  uint64_t* bits;
};
int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  auto* c = static_cast<ScanCtx*>(ctx);
  set_bit(c->bits, c->group->patterns[id].atom);
  return 0;
}
}  // namespace

// The value as the group indexes it (lowercased for a lowercase normalizer); false when it is
// longer than ignore_above (not indexed: missing).
bool StringMatcher::normalize(const StringGroupSpec& spec, std::string_view value, std::string_view& out) {
  if (spec.ignore_above && value.size() > spec.ignore_above && utf16_length(value) > spec.ignore_above) return false;
  out = value;
  if (spec.lower) {
    utf8_lower(value, lower_);
    out = lower_;
  }
  if (!out.data()) out = std::string_view("", 0);
  return true;
}

void StringMatcher::scan_exact(uint32_t g, std::string_view value, uint64_t* atom_bits) {
  const StringGroupSpec& spec = groups_[g];
  if (spec.any.empty() && !tables_[g]) return;
  // No exact value has this length: nothing to probe (before lowercasing only when the group does
  // not lowercase, as lowercasing may change the length in bytes).
  if (spec.any.empty() && !spec.lower && !tables_[g]->may_hold(value.size())) return;
  std::string_view v;
  if (!normalize(spec, value, v)) return;
  for (uint32_t a : spec.any) set_bit(atom_bits, a);
  if (tables_[g] && tables_[g]->may_hold(v.size())) tables_[g]->lookup(v, atom_bits);
}

void StringMatcher::scan_patterns(uint32_t g, std::string_view value, uint64_t* atom_bits) {
  const StringGroupSpec& spec = groups_[g];
  if (!dbs_[g]) return;
  std::string_view v;
  if (!normalize(spec, value, v)) return;
  ScanCtx ctx{&spec, atom_bits};
  // An error here can only be a corrupt database (checked at load) or a callback stop: ignore.
  (void)hs_block_scan(dbs_[g], v.data(), static_cast<unsigned>(v.size()), scratch_, on_match, &ctx);
}

}  // namespace rulec::rt
