// The runtime's tables of a sealed plan: string groups with the screened databases, typed tests with their slots.
#include "compiler/matchers/string_plan.h"

#include <map>
#include <tuple>

namespace rulec::matchers {

void PatternScreen::renumber(const std::vector<uint32_t>& renumbered) {
  for (auto& g : groups)
    for (uint32_t& a : g.atoms) a = a < renumbered.size() ? renumbered[a] : UINT32_MAX;
}

namespace {

std::map<std::string, uint32_t> slots_of(const plan::Plan& plan) {
  std::map<std::string, uint32_t> slot;
  for (size_t i = 0; i < plan.fields.paths.size(); ++i) slot.emplace(plan.fields.paths[i], static_cast<uint32_t>(i));
  return slot;
}

}  // namespace

bool string_groups(const plan::Plan& plan, const PatternScreen& screen, std::vector<rt::StringGroupSpec>& groups,
                   StringPlanStats& stats, std::string& error) {
  const auto slot = slots_of(plan);
  using Key = std::tuple<std::string, bool, uint32_t>;
  std::map<Key, size_t> index;
  groups.clear();
  for (uint32_t id = 0; id < plan.atoms.size(); ++id) {
    const plan::Atom& a = plan.atoms[id];
    if (a.kind == plan::AtomKind::Generic || a.kind == plan::AtomKind::Typed) continue;
    auto [it, fresh] = index.emplace(Key{a.source, a.lower, a.ignore_above}, groups.size());
    if (fresh) {
      rt::StringGroupSpec g;
      g.slot = slot.at(a.source);
      g.lower = a.lower;
      g.ignore_above = a.ignore_above;
      groups.push_back(std::move(g));
    }
    rt::StringGroupSpec& g = groups[it->second];
    switch (a.kind) {
      case plan::AtomKind::StrExact: g.exact.push_back({a.text, id}), ++stats.exact; break;
      case plan::AtomKind::StrPattern: g.patterns.push_back({a.text, a.caseless, a.utf8, id}), ++stats.patterns; break;
      case plan::AtomKind::StrAny: g.any.push_back(id), ++stats.any; break;
      case plan::AtomKind::Typed:
      case plan::AtomKind::Generic: break;
    }
  }
  // Each group's patterns are exactly the atoms its database was compiled for, in the same order.
  size_t screened = 0;
  for (const ScreenedGroup& s : screen.groups) {
    auto it = index.find(Key{s.source, s.lower, s.ignore_above});
    std::vector<uint32_t> atoms;
    if (it != index.end())
      for (const auto& p : groups[it->second].patterns) atoms.push_back(p.atom);
    if (atoms != s.atoms) return error = "internal error: the patterns of " + s.source + " are not the ones screened", false;
    groups[it->second].database = s.database;
    ++screened;
  }
  size_t with_patterns = 0;
  for (const auto& g : groups) with_patterns += g.patterns.empty() ? 0 : 1;
  if (screened != with_patterns) return error = "internal error: a pattern group was not screened by Hyperscan", false;
  return true;
}

std::vector<rt::TypedTestSpec> typed_tests(const plan::Plan& plan) {
  const auto slot = slots_of(plan);
  std::vector<rt::TypedTestSpec> out;
  for (uint32_t id = 0; id < plan.atoms.size(); ++id) {
    const plan::Atom& a = plan.atoms[id];
    if (a.kind != plan::AtomKind::Typed) continue;
    rt::TypedTestSpec s = a.typed;
    s.slot = slot.at(a.source);
    s.atom = id;
    out.push_back(s);
  }
  return out;
}

}  // namespace rulec::matchers
