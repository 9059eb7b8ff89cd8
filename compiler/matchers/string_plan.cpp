// Hyperscan planning: group string atoms per field, compile and serialize one database per group.
#include "compiler/matchers/string_plan.h"

#include <hs/hs.h>

#include <chrono>
#include <map>
#include <tuple>

namespace rulec::matchers {

namespace {

// Compiles the group's patterns; on a refused pattern, returns its index in `bad`.
bool compile(const rt::StringGroupSpec& g, const hs_platform_info_t* platform, std::string& out, long& bad) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < g.patterns.size(); ++i) {
    exprs.push_back(g.patterns[i].regex.c_str());
    flags.push_back(rt::hs_flags(g.patterns[i]));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       platform, &db, &err) != HS_SUCCESS) {
    bad = err ? err->expression : -1;
    hs_free_compile_error(err);
    return false;
  }
  char* bytes = nullptr;
  size_t len = 0;
  const bool ok = hs_serialize_database(db, &bytes, &len) == HS_SUCCESS;
  if (ok) {
    out.assign(bytes, len);
    std::free(bytes);
  }
  hs_free_database(db);
  bad = -1;
  return ok;
}

}  // namespace

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
      long bad = -1;
      if (compile(g, opts.platform, g.database, bad)) {
        if (!opts.keep_databases) g.database.clear();
        break;
      }
      if (bad < 0 || static_cast<size_t>(bad) >= g.patterns.size()) {
        // Not attributable to one pattern: every pattern of the group goes on-demand.
        for (const auto& p : g.patterns) plan.atoms[p.atom].kind = plan::AtomKind::Generic;
        stats.demoted += g.patterns.size();
        g.patterns.clear();
        break;
      }
      plan.atoms[g.patterns[bad].atom].kind = plan::AtomKind::Generic;
      g.patterns.erase(g.patterns.begin() + bad);
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
