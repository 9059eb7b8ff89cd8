// Hyperscan planning: group string atoms per field, compile and serialize one database per group.
#include "compiler/matchers/string_plan.h"

#include "compiler/matchers/bounded_compile.h"

#include <chrono>
#include <map>
#include <tuple>

namespace rulec::matchers {

std::vector<rt::StringGroupSpec> plan_strings(plan::Plan& plan, StringPlanStats& stats, const StringPlanOptions& opts) {
  std::map<std::string, uint32_t> slot;
  for (size_t i = 0; i < plan.fields.paths.size(); ++i) slot.emplace(plan.fields.paths[i], static_cast<uint32_t>(i));
  std::map<std::tuple<std::string, bool, uint32_t>, size_t> index;
  std::vector<rt::StringGroupSpec> groups;
  for (uint32_t id = 0; id < plan.atoms.size(); ++id) {
    const plan::Atom& a = plan.atoms[id];
    if (a.kind == plan::AtomKind::Generic || a.kind == plan::AtomKind::Typed) continue;
    auto [it, fresh] = index.emplace(std::make_tuple(a.source, a.lower, a.ignore_above), groups.size());
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
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& g : groups) {
    while (!g.patterns.empty()) {
      CompileResult r = compile_bounded(g.patterns, opts.platform, opts.budget);
      if (r.outcome == CompileOutcome::Ok) {
        g.database = opts.keep_databases ? std::move(r.database) : std::string();
        break;
      }
      if (r.outcome != CompileOutcome::Refused || r.bad < 0 || static_cast<size_t>(r.bad) >= g.patterns.size()) {
        // Not attributable to one pattern (or over the budget): every pattern of the group goes on-demand.
        for (const auto& p : g.patterns) plan.atoms[p.atom].kind = plan::AtomKind::Generic;
        stats.demoted += g.patterns.size();
        if (r.outcome != CompileOutcome::Refused)
          stats.over_budget.push_back(plan.fields.paths[g.slot] + ": " + std::to_string(g.patterns.size()) +
                                      " patterns " + to_string(r.outcome) + " (" + r.message + ")");
        g.patterns.clear();
        break;
      }
      plan.atoms[g.patterns[r.bad].atom].kind = plan::AtomKind::Generic;
      g.patterns.erase(g.patterns.begin() + r.bad);
      ++stats.demoted;
    }
  }
  stats.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return groups;
}

std::vector<rt::TypedTestSpec> plan_typed(const plan::Plan& plan) {
  std::map<std::string, uint32_t> slot;
  for (size_t i = 0; i < plan.fields.paths.size(); ++i) slot.emplace(plan.fields.paths[i], static_cast<uint32_t>(i));
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
