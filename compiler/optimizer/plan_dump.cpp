// A sealed plan as deterministic text: one line per rule, atom, reachable expression, field set and string group.
#include "compiler/optimizer/plan_dump.h"

#include <fmt/format.h>

#include "compiler/optimizer/passes.h"

namespace rulec::plan {

namespace {

const char* kind_name(AtomKind k) {
  switch (k) {
    case AtomKind::StrExact: return "exact";
    case AtomKind::StrPattern: return "pattern";
    case AtomKind::StrAny: return "any";
    case AtomKind::Typed: return "typed";
    case AtomKind::Generic: return "on-demand";
  }
  return "?";
}

const char* op_name(Op op) {
  switch (op) {
    case Op::False: return "false";
    case Op::True: return "true";
    case Op::Atom: return "atom";
    case Op::Not: return "not";
    case Op::And: return "and";
    case Op::Or: return "or";
  }
  return "?";
}

// Text as a JSON-like quoted string: control bytes and quotes escaped, so a line stays one line.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
    else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out + '"';
}

std::string ids(const char* prefix, const std::vector<uint32_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += fmt::format("{}{}{}", i ? " " : "", prefix, v[i]);
  return s;
}

}  // namespace

std::string dump_plan(const Plan& p, const std::vector<rt::StringGroupSpec>& groups) {
  std::string out;
  auto line = [&](const std::string& s) { out += s, out += '\n'; };
  line(fmt::format("rules {}", p.roots.size()));
  for (size_t r = 0; r < p.roots.size(); ++r) line(fmt::format("  r{} e{} {}", r, p.roots[r], quoted(p.rule_names[r])));

  line(fmt::format("atoms {}", p.atoms.size()));
  for (size_t a = 0; a < p.atoms.size(); ++a) {
    const Atom& at = p.atoms[a];
    std::string s = fmt::format("  a{} {} uses={}", a, kind_name(at.kind), at.uses);
    if (at.kind != AtomKind::Generic) {
      s += " source=" + at.source;
      if (at.lower) s += " lowercase";
      if (at.ignore_above) s += fmt::format(" ignore_above={}", at.ignore_above);
    }
    if (at.kind == AtomKind::StrExact || at.kind == AtomKind::StrPattern) s += " text=" + quoted(at.text);
    if (at.caseless) s += " caseless";
    if (at.utf8) s += " utf8";
    s += " : " + quoted(at.display);
    line(s);
  }

  const std::vector<char> live = reachable_exprs(p);
  size_t reachable = 0;
  for (char c : live) reachable += c ? 1 : 0;
  line(fmt::format("exprs {} reachable of {}, memo slots {}", reachable, p.exprs.size(), p.memo_count));
  for (size_t i = 0; i < p.exprs.size(); ++i) {
    if (!live[i]) continue;
    const Expr& e = p.exprs[i];
    std::string s = fmt::format("  e{} {}", i, op_name(e.op));
    if (e.op == Op::Atom) s += fmt::format(" a{}", e.atom);
    if (!e.kids.empty()) s += " [" + ids("e", e.kids) + "]";
    s += fmt::format(" cost={:.4g} p={:.4g} uses={}", e.cost, e.p_true, e.uses);
    if (e.memo >= 0) s += fmt::format(" memo={}", e.memo);
    line(s);
  }

  line(fmt::format("fields {} paths, {} subtrees{}", p.fields.paths.size(), p.fields.subtrees.size(),
                   p.fields.all ? ", the whole document" : ""));
  for (size_t i = 0; i < p.fields.paths.size(); ++i) line(fmt::format("  slot{} {}", i, p.fields.paths[i]));
  for (const auto& t : p.fields.subtrees) line("  subtree " + t);

  line(fmt::format("string groups {}", groups.size()));
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& grp = groups[g];
    std::vector<uint32_t> exact, patterns;
    for (const auto& x : grp.exact) exact.push_back(x.atom);
    for (const auto& x : grp.patterns) patterns.push_back(x.atom);
    line(fmt::format("  g{} slot{}{}{}: exact [{}] patterns [{}] any [{}] database {}", g, grp.slot,
                     grp.lower ? " lowercase" : "", grp.ignore_above ? fmt::format(" ignore_above={}", grp.ignore_above) : "",
                     ids("a", exact), ids("a", patterns), ids("a", grp.any),
                     grp.patterns.empty() ? "none" : grp.database.empty() ? "built at load" : "compiled"));
  }
  return out;
}

}  // namespace rulec::plan
