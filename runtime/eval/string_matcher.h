// Per-event string tests of a compiled rule set: a hash probe per value, a Hyperscan scan per value once a rule needs the group's patterns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decoder/event.h"

struct hs_database;
struct hs_scratch;

namespace rulec::rt {

// Every string test on one document path under one normalization (a "group"): the optimizer
// merges the tests of all rules on that path into it.
struct StringGroupSpec {
  uint32_t slot = 0;           // the path's slot (FieldFilter index)
  bool lower = false;          // lowercase the value first (lowercase normalizer)
  uint32_t ignore_above = 0;   // longer values (UTF-16 units) are not indexed; 0: no limit
  struct Exact {
    std::string value;
    uint32_t atom;
  };
  struct Pattern {
    std::string regex;         // Hyperscan syntax
    bool caseless = false;
    bool utf8 = false;
    uint32_t atom;
  };
  std::vector<Exact> exact;
  std::vector<Pattern> patterns;
  std::vector<uint32_t> any;   // atoms true for any indexed value
  std::string database;        // serialized Hyperscan database of `patterns` (may be empty: rebuilt)
};

// Hyperscan flags for a pattern (DOTALL and SINGLEMATCH always; ALLOWEMPTY; CASELESS; UTF8).
unsigned hs_flags(const StringGroupSpec::Pattern& p);

// Whether this machine's Hyperscan takes the group's serialized database (true for a group
// without patterns); false when it would be rebuilt from the patterns.
bool database_loads(const StringGroupSpec& spec);

class StringMatcher {
 public:
  ~StringMatcher();
  // Builds the matcher: deserializes each group's database, or compiles it from its patterns when
  // there is none or it does not load (`rebuilt` counts those). nullptr with `error` on failure.
  static std::unique_ptr<StringMatcher> create(std::vector<StringGroupSpec> groups, size_t slot_count,
                                               std::string& error, size_t* rebuilt = nullptr);
  // Tests one non-null value of slot `slot`, setting the bits of the atoms it satisfies.
  void scan(uint32_t slot, std::string_view value, uint64_t* atom_bits) {
    if (slot < by_slot_.size())
      for (uint32_t g : by_slot_[slot]) scan_group(g, value, atom_bits);
  }
  // The same for one group only (profiling attributes time per group).
  void scan_group(uint32_t group, std::string_view value, uint64_t* atom_bits) {
    scan_exact(group, value, atom_bits);
    scan_patterns(group, value, atom_bits);
  }
  // The two halves: presence and exact values (a hash probe, done for every value), and the
  // Hyperscan scan (done only when some rule reaches one of the group's patterns).
  void scan_exact(uint32_t group, std::string_view value, uint64_t* atom_bits);
  void scan_patterns(uint32_t group, std::string_view value, uint64_t* atom_bits);
  bool has_patterns(uint32_t group) const { return dbs_[group] != nullptr; }
  const std::vector<uint32_t>& groups_of(uint32_t slot) const { return by_slot_[slot]; }
  bool reads(uint32_t slot) const { return slot < by_slot_.size() && !by_slot_[slot].empty(); }
  // The groups, each database as this machine loaded it (a rebuilt one serialized afresh).
  const std::vector<StringGroupSpec>& groups() const { return groups_; }

 private:
  struct Table;  // exact values of one group: open addressing
  StringMatcher() = default;
  bool normalize(const StringGroupSpec& spec, std::string_view value, std::string_view& out);
  std::vector<StringGroupSpec> groups_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<hs_database*> dbs_;
  std::vector<std::vector<uint32_t>> by_slot_;  // slot -> groups
  hs_scratch* scratch_ = nullptr;
  std::string lower_;  // scratch
};

}  // namespace rulec::rt
