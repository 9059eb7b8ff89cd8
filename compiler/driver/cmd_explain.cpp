// `rulec explain RULES...`: how a rule set compiles (a summary, the sealed plan, the LLVM IR or an object).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/optimizer/plan_dump.h"
#include "compiler/pipeline/loaded_rules.h"

namespace rulec::driver {

namespace {

struct ExplainOptions {
  RuleSetOptions rules;
  bool ir = false;
  bool prefilter = false;
  std::string emit = "summary";
  std::string output = "-";
  codegen::ObjectOptions target;
  bool all_rules = false;
  bool json = false;
};

// What both explain outputs list: the atoms each rule reaches, and the rules each string group serves.
struct PlanUse {
  std::vector<std::vector<uint32_t>> per_rule;  // rule -> the atoms it reaches
  std::vector<std::set<size_t>> group_rules;    // string group -> the rules reading it
};

PlanUse plan_use(const pipeline::Built& b) {
  const plan::Plan& p = *b.plan;
  PlanUse u;
  for (uint32_t r = 0; r < p.roots.size(); ++r) u.per_rule.push_back(plan::atoms_reached(p, r));
  std::map<uint32_t, std::set<size_t>> users;  // atom -> rules
  for (size_t r = 0; r < u.per_rule.size(); ++r)
    for (uint32_t a : u.per_rule[r]) users[a].insert(r);
  for (const auto& g : b.groups) {
    std::set<size_t>& rules = u.group_rules.emplace_back();
    auto add = [&](uint32_t a) { rules.insert(users[a].begin(), users[a].end()); };
    for (const auto& x : g.exact) add(x.atom);
    for (const auto& x : g.patterns) add(x.atom);
    for (uint32_t a : g.any) add(a);
  }
  return u;
}

// The tests of `atoms` evaluated on demand (residual), as text.
std::vector<std::string> residual_tests(const plan::Plan& p, const std::vector<uint32_t>& atoms) {
  std::vector<std::string> residual;
  for (uint32_t a : atoms)
    if (p.atoms[a].kind == plan::AtomKind::Generic) residual.push_back(p.atoms[a].display);
  return residual;
}

// An expression as KQL-like text, cut at `max` characters.
void print_expr(const plan::Plan& p, uint32_t id, std::string& out, size_t max) {
  if (out.size() > max) return;
  const plan::Expr& e = p.exprs[id];
  switch (e.op) {
    case plan::Op::False: out += "false"; return;
    case plan::Op::True: out += "true"; return;
    case plan::Op::Atom: out += p.atoms[e.atom].display; return;
    case plan::Op::Not:
      out += "not ";
      print_expr(p, e.kids[0], out, max);
      return;
    case plan::Op::And:
    case plan::Op::Or:
      out += '(';
      for (size_t i = 0; i < e.kids.size(); ++i) {
        if (i) out += e.op == plan::Op::And ? " and " : " or ";
        print_expr(p, e.kids[i], out, max);
        if (out.size() > max) return;
      }
      out += ')';
      return;
  }
}

std::string expr_text(const plan::Plan& p, uint32_t id, size_t max = 160) {
  std::string s;
  print_expr(p, id, s, max);
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

std::string names(const std::vector<std::string>& all, const std::set<size_t>& rules, size_t shown = 3) {
  std::string s;
  size_t i = 0;
  for (size_t r : rules) {
    if (i == shown) return s + fmt::format(", +{} more", rules.size() - shown);
    s += (i++ ? ", " : "") + all[r];
  }
  return s;
}

void print_summary(const pipeline::Built& b, bool all_rules) {
  const plan::Plan& p = *b.plan;
  const size_t generic = p.atoms.size() - std::count_if(p.atoms.begin(), p.atoms.end(), [](const plan::Atom& a) {
                           return a.kind != plan::AtomKind::Generic;
                         });
  fmt::print("rules: {}\natoms: {} ({} answered by the string scans and typed tests, {} evaluated on demand)\n", p.roots.size(),
             p.atoms.size(), p.atoms.size() - generic, generic);
  fmt::print("on demand: {} atoms ({} test nodes, {} prepared values, {} schema fields)\n", generic,
             b.generic.nodes.size(), b.generic.values.size(), b.generic.fields.size());
  fmt::print("expressions: {} in the DAG, {} shared sub-expressions computed once per event\n", p.exprs.size(),
             p.memo_count);
  fmt::print("compile: plan {:.1f} ms, hyperscan {:.1f} ms, llvm ir {:.1f} ms\n", b.stats.plan_ms, b.stats.strings_ms,
             b.stats.codegen_ms);
  for (const auto& g : b.stats.strings.over_budget)
    fmt::print("over the Hyperscan budget, evaluated on demand: {}\n", g);
  fmt::print("prefilter: {} of {} rules have literals ({} literals; --prefilter lists them)\n",
             b.prefilter.spec.rule_count - b.prefilter.spec.always.size(), b.prefilter.spec.rule_count,
             b.prefilter.spec.literals.size());
  fmt::print("\nfields read: {} paths{}{}\n", p.fields.paths.size(),
             p.fields.subtrees.empty() ? "" : fmt::format(", {} subtrees ({})", p.fields.subtrees.size(),
                                                           fmt::join(p.fields.subtrees, ", ")),
             p.fields.all ? ", the whole document (free text or field-name wildcards)" : "");
  fmt::print("  {}\n", fmt::join(p.fields.paths, " "));

  const PlanUse use = plan_use(b);
  const auto& per_rule = use.per_rule;
  fmt::print("\nstring groups (one hash table and one Hyperscan database per field and normalization): {}\n",
             b.groups.size());
  for (size_t gi = 0; gi < b.groups.size(); ++gi) {
    const auto& g = b.groups[gi];
    const std::set<size_t>& rules = use.group_rules[gi];
    fmt::print("  {}{}{}: {} exact, {} patterns{}, {} presence; serves {} rules ({})\n", p.fields.paths[g.slot],
               g.lower ? " lowercased" : "", g.ignore_above ? fmt::format(" ignore_above {}", g.ignore_above) : "",
               g.exact.size(), g.patterns.size(),
               g.database.empty() ? "" : fmt::format(" (database {} bytes)", g.database.size()), g.any.size(),
               rules.size(), names(p.rule_names, rules));
  }

  std::vector<uint32_t> shared;
  for (uint32_t i = 0; i < p.exprs.size(); ++i)
    if (p.exprs[i].memo >= 0) shared.push_back(i);
  std::sort(shared.begin(), shared.end(), [&](uint32_t x, uint32_t y) { return p.exprs[x].uses > p.exprs[y].uses; });
  fmt::print("\nshared sub-expressions: {}{}\n", shared.size(), shared.size() > 20 ? " (the 20 most used)" : "");
  for (size_t i = 0; i < std::min<size_t>(20, shared.size()); ++i)
    fmt::print("  used {:>3}x  {}\n", p.exprs[shared[i]].uses, expr_text(p, shared[i]));

  fmt::print("\nper rule: tests, and the residual tests evaluated on demand{}\n",
             all_rules ? "" : " (rules with residual tests only; --all for every rule)");
  for (size_t r = 0; r < per_rule.size(); ++r) {
    const std::vector<std::string> residual = residual_tests(p, per_rule[r]);
    if (residual.empty() && !all_rules) continue;
    fmt::print("  {}: {} tests, {} residual\n", p.rule_names[r], per_rule[r].size(), residual.size());
    for (const auto& s : residual)
      fmt::print("      {}{}\n", std::string_view(s).substr(0, 160), s.size() > 160 ? "..." : "");
    if (all_rules) fmt::print("      = {}\n", expr_text(p, p.roots[r], 400));
  }
}

// `explain --json`: the summary's facts as one JSON document (every rule listed).
nlohmann::ordered_json summary_json(const pipeline::Built& b) {
  const plan::Plan& p = *b.plan;
  size_t generic = 0;
  for (const auto& a : p.atoms) generic += a.kind == plan::AtomKind::Generic;
  nlohmann::ordered_json j;
  j["rules"] = p.roots.size();
  j["atoms"] = p.atoms.size();
  j["on_demand_atoms"] = generic;
  j["expressions"] = p.exprs.size();
  j["shared_subexpressions"] = p.memo_count;
  j["compile_ms"] = {{"plan", b.stats.plan_ms}, {"hyperscan", b.stats.strings_ms}, {"llvm_ir", b.stats.codegen_ms}};
  j["over_hyperscan_budget"] = b.stats.strings.over_budget;
  j["prefilter"] = {{"enabled", b.prefilter.spec.enabled},
                    {"rules_with_literals", b.prefilter.spec.rule_count - b.prefilter.spec.always.size()},
                    {"literals", b.prefilter.spec.literals.size()}};
  j["fields"] = {{"paths", p.fields.paths}, {"subtrees", p.fields.subtrees}, {"whole_document", p.fields.all}};
  const PlanUse use = plan_use(b);
  const auto& per_rule = use.per_rule;
  auto& groups = j["string_groups"] = nlohmann::ordered_json::array();
  for (size_t gi = 0; gi < b.groups.size(); ++gi) {
    const auto& g = b.groups[gi];
    const std::set<size_t>& rules = use.group_rules[gi];
    std::vector<std::string> served;
    for (size_t r : rules) served.push_back(p.rule_names[r]);
    groups.push_back({{"field", p.fields.paths[g.slot]}, {"lowercased", g.lower}, {"ignore_above", g.ignore_above},
                      {"exact", g.exact.size()}, {"patterns", g.patterns.size()}, {"presence", g.any.size()},
                      {"database_bytes", g.database.size()}, {"rules", served}});
  }
  auto& shared = j["shared"] = nlohmann::ordered_json::array();
  for (uint32_t i = 0; i < p.exprs.size(); ++i)
    if (p.exprs[i].memo >= 0) shared.push_back({{"uses", p.exprs[i].uses}, {"expression", expr_text(p, i)}});
  auto& rules = j["per_rule"] = nlohmann::ordered_json::array();
  for (size_t r = 0; r < per_rule.size(); ++r) {
    const std::vector<std::string> residual = residual_tests(p, per_rule[r]);
    const plan::RulePrefilter& rp = b.prefilter.rules[r];
    nlohmann::ordered_json lits = nlohmann::ordered_json::array();
    for (size_t i = 0; i < rp.literals.size(); ++i) lits.push_back({{"text", rp.literals[i]}, {"caseless", bool(rp.caseless[i])}});
    rules.push_back({{"name", p.rule_names[r]}, {"tests", per_rule[r].size()}, {"residual", residual},
                     {"expression", expr_text(p, p.roots[r], 400)},
                     {"prefilter", rp.literals.empty() ? nlohmann::ordered_json{{"none", rp.why_none}}
                                                       : nlohmann::ordered_json{{"literals", lits}}}});
  }
  return j;
}

// One rule's prefilter literals as text: `"a", i"b"` (i: ASCII case-insensitive), as written in JSON.
std::string literal_list(const plan::RulePrefilter& r) {
  std::string s;
  for (size_t i = 0; i < r.literals.size(); ++i) s += fmt::format("{}{}\"{}\"", i ? ", " : "", r.caseless[i] ? "i" : "", r.literals[i]);
  return s;
}

// `explain --prefilter`: per rule, the literals one of which every event it matches holds in its
// raw text, or why it has none (then every event is decoded for it).
void print_prefilter(const pipeline::Built& b) {
  const plan::Plan& p = *b.plan;
  const rt::PrefilterSpec& spec = b.prefilter.spec;
  size_t caseless = 0;
  for (const auto& l : spec.literals) caseless += l.caseless;
  fmt::print("prefilter: {} of {} rules have literals ({} literals, {} of them case-insensitive); {}\n",
             spec.rule_count - spec.always.size(), spec.rule_count, spec.literals.size(), caseless,
             !spec.enabled        ? "off: no rule has literals"
             : spec.always.empty() ? "an event holding none is not decoded"
                                   : "every event is decoded (some rule has none), the literals only narrow the candidates");
  fmt::print("(each literal as it appears in JSON text; i\"...\": ASCII case-insensitive. An event whose text has a \\u or \\/\n"
             "escape, or a byte over 0x7f when some literal is case-insensitive, is a candidate of every rule)\n");
  for (size_t r = 0; r < b.prefilter.rules.size(); ++r) {
    const plan::RulePrefilter& rp = b.prefilter.rules[r];
    if (rp.literals.empty()) fmt::print("  {}: none: {}\n", p.rule_names[r], rp.why_none);
    else fmt::print("  {}: {} literal{}: {}\n", p.rule_names[r], rp.literals.size(), rp.literals.size() == 1 ? "" : "s", literal_list(rp));
  }
}

// explain's --cpu: the tiers `compile --cpu` takes, as LLVM CPU names; any other name goes to LLVM as is.
std::string explain_llvm_cpu(const std::string& cpu) {
  if (cpu == "baseline") return "";
  if (cpu == "avx2") return "x86-64-v3";
  if (cpu == "avx512") return "x86-64-v4";
  return cpu;
}

}  // namespace

Runner add_explain_command(CLI::App& app) {
  auto opts = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand("explain", "Print how a rule set is compiled: fields, databases, shared work");
  cmd->add_flag("--ir", opts->ir, "Print the LLVM IR of the evaluation function instead (= --emit ir)");
  cmd->add_flag("--prefilter", opts->prefilter,
                "Print each rule's raw-line prefilter literals, or why it has none, instead (= --emit prefilter)");
  cmd->add_option("--emit", opts->emit,
                  "What to print: summary (the default), plan (the optimized plan, every atom and expression), "
                  "ir (LLVM IR), obj (an ELF object, to -o), prefilter (each rule's literals)")
      ->check(CLI::IsMember({"summary", "plan", "ir", "obj", "prefilter"}));
  cmd->add_option("-o,--output", opts->output, "Where --emit obj writes (- for stdout; a file is overwritten)");
  cmd->add_option("--target", opts->target.triple, "Target triple for --emit obj");
  cmd->add_option("--cpu", opts->target.cpu,
                  "CPU tier for --emit obj, as `compile --cpu`: baseline (empty: x86-64 on x86_64, generic elsewhere), "
                  "avx2 or avx512; another name is given to LLVM as a CPU name");
  cmd->add_flag("--all", opts->all_rules, "List every rule with its optimized expression");
  cmd->add_flag("--json", opts->json, "The summary as one JSON document on stdout (every rule listed)");
  opts->rules.add_to(cmd);
  cmd->footer(
      "The plan: every string test of every rule merged per field into one hash table (exact values)\n"
      "and one Hyperscan database (patterns), scanned once per value; the boolean structure of all\n"
      "rules as one DAG whose shared parts are computed once per event; numbers, ips, booleans and\n"
      "keyword ranges as typed tests; the residual tests (dates, text analysis, nested queries, free\n"
      "text, object exists) evaluated on demand by the runtime's native on-demand tests.\n"
      "Examples:\n"
      "  rulec explain rules/\n"
      "  rulec explain rules/ --emit plan       the sealed plan, as the golden files under tests/golden/ hold it\n"
      "  rulec explain rules/ --prefilter       the literals that let an event be passed over undecoded\n"
      "  rulec explain rules/persistence_webserver_unusual_child_execution.toml --ir > seed.ll\n"
      "  rulec explain rules/ --emit obj --target aarch64-linux-gnu -o rules.o");
  return [opts]() {
    const auto set = opts->rules.load();
    if (!set) return kExitFindings;
    const pipeline::LoadedRules& loaded = set->rules;
    std::string error;
    if (opts->ir && opts->prefilter) {
      fmt::print(stderr, "rulec explain: --ir and --prefilter each choose what to print: give one\n");
      return kExitUsage;
    }
    if (opts->ir) opts->emit = "ir";
    if (opts->prefilter) opts->emit = "prefilter";
    if (opts->json && opts->emit != "summary") {
      fmt::print(stderr, "rulec explain: --json is for the summary, not --emit {}\n", opts->emit);
      return kExitUsage;
    }
    opts->target.cpu = explain_llvm_cpu(opts->target.cpu);
    pipeline::BuildOptions bo = loaded.build_options();
    bo.keep_ir = opts->emit == "ir";
    bo.jit = false;
    if (opts->emit == "obj") bo.object = opts->target;
    auto built = pipeline::build(loaded.plan_rules(), set->schema, error, bo);
    if (!built) {
      fmt::print(stderr, "rulec: {}\n", error);
      return kExitFindings;
    }
    if (opts->emit == "ir") {
      fmt::print("{}", built->ir);
    } else if (opts->emit == "obj") {
      std::FILE* f = opts->output == "-" ? stdout : std::fopen(opts->output.c_str(), "wb");
      const bool ok = f && std::fwrite(built->object.data(), 1, built->object.size(), f) == built->object.size() &&
                      std::fflush(f) == 0;
      if (f && f != stdout) std::fclose(f);
      if (!ok) {
        fmt::print(stderr, "rulec: cannot write {}\n", opts->output);
        return kExitFindings;
      }
    } else if (opts->emit == "prefilter") {
      print_prefilter(*built);
    } else if (opts->emit == "plan") {
      fmt::print("{}", plan::dump_plan(*built->plan, built->groups));
    } else if (opts->json) {
      fmt::print("{}\n", summary_json(*built).dump(2));
    } else {
      print_summary(*built, opts->all_rules);
    }
    return kExitOk;
  };
}

}  // namespace rulec::driver
