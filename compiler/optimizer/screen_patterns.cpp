// Optimizer pass 2: every reachable pattern atom compiled by Hyperscan per string group; refused ones become Generic.
#include <chrono>
#include <map>
#include <tuple>

#include "compiler/optimizer/passes.h"

namespace rulec::plan {

matchers::PatternScreen screen_patterns(Plan& plan, const matchers::ScreenOptions& opts) {
  matchers::PatternScreen out;
  if (!opts.enabled) return out;
  // The reachable pattern atoms per group (source, normalization), in atom order: the order the
  // group keeps after number_atoms, which renumbers without reordering them.
  const std::vector<char> live = reachable_exprs(plan);
  std::vector<char> used(plan.atoms.size(), 0);
  for (size_t e = 0; e < plan.exprs.size(); ++e)
    if (live[e] && plan.exprs[e].op == Op::Atom) used[plan.exprs[e].atom] = 1;
  std::map<std::tuple<std::string, bool, uint32_t>, size_t> index;
  std::vector<std::vector<rt::StringGroupSpec::Pattern>> patterns;
  for (uint32_t id = 0; id < plan.atoms.size(); ++id) {
    const Atom& a = plan.atoms[id];
    if (!used[id] || a.kind != AtomKind::StrPattern) continue;
    auto [it, fresh] = index.emplace(std::make_tuple(a.source, a.lower, a.ignore_above), out.groups.size());
    if (fresh) {
      out.groups.push_back(matchers::ScreenedGroup{a.source, a.lower, a.ignore_above, {}, {}});
      patterns.emplace_back();
    }
    patterns[it->second].push_back({a.text, a.caseless, a.utf8, id});
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto demote = [&](uint32_t atom) {
    if (const kql::Node* n = plan.atoms[atom].node; n && n->kind == kql::NodeKind::Regexp)
      out.stats.over_budget.push_back(plan.atoms[atom].display + ": a regex Hyperscan refused cannot run on demand (never matches)");
    plan.atoms[atom].kind = AtomKind::Generic;
    ++out.stats.demoted;
  };
  for (size_t g = 0; g < out.groups.size(); ++g) {
    auto& group = patterns[g];
    while (!group.empty()) {
      matchers::CompileResult r = matchers::compile_bounded(group, opts.platform, opts.budget);
      if (r.outcome == matchers::CompileOutcome::Ok) {
        if (opts.keep_databases) out.groups[g].database = std::move(r.database);
        break;
      }
      if (r.outcome != matchers::CompileOutcome::Refused || r.bad < 0 || static_cast<size_t>(r.bad) >= group.size()) {
        // Not attributable to one pattern (or over the budget): the whole group goes on demand.
        if (r.outcome != matchers::CompileOutcome::Refused)
          out.stats.over_budget.push_back(out.groups[g].source + ": " + std::to_string(group.size()) + " patterns " +
                                          to_string(r.outcome) + " (" + r.message + ")");
        for (const auto& p : group) demote(p.atom);
        group.clear();
        break;
      }
      demote(group[r.bad].atom);
      group.erase(group.begin() + r.bad);
    }
    for (const auto& p : group) out.groups[g].atoms.push_back(p.atom);
  }
  out.stats.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::erase_if(out.groups, [](const matchers::ScreenedGroup& g) { return g.atoms.empty(); });
  return out;
}

}  // namespace rulec::plan
