// Hyperscan screening of a plan's pattern atoms: the databases of each string group, and what Hyperscan refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/matchers/bounded_compile.h"

struct hs_platform_info;

namespace rulec::matchers {

struct ScreenOptions {
  bool enabled = true;         // false: no Hyperscan compile; every pattern stays (costing a rule alone)
  const hs_platform_info* platform = nullptr;  // the CPU tier databases are built for; nullptr: this host
  bool keep_databases = true;  // false: patterns are checked, but the sensor builds the databases (another arch)
  CompileBudget budget;        // per database; over it, the group's patterns are evaluated on demand
};

struct StringPlanStats {
  size_t exact = 0, patterns = 0, any = 0;
  size_t demoted = 0;       // patterns Hyperscan refused, left to the on-demand tests
  double compile_ms = 0;    // Hyperscan compile time
  std::vector<std::string> over_budget;  // groups whose database was over the budget (demoted whole)
};

// One string group's patterns as compiled: the atoms in database order (pattern id = index).
struct ScreenedGroup {
  std::string source;
  bool lower = false;
  uint32_t ignore_above = 0;
  std::vector<uint32_t> atoms;
  std::string database;     // serialized; empty when not kept (another architecture)
};

struct PatternScreen {
  std::vector<ScreenedGroup> groups;  // groups with at least one pattern Hyperscan took
  StringPlanStats stats;
  // Atom ids after number_atoms (`renumbered[old]`).
  void renumber(const std::vector<uint32_t>& renumbered);
};

}  // namespace rulec::matchers
