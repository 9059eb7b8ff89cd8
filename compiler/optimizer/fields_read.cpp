// Optimizer pass 6: the document paths and subtrees the rule set reads.
#include <algorithm>
#include <set>

#include "compiler/optimizer/passes.h"
#include "compiler/semantics/field_resolution.h"
#include "runtime/eval/eql_script.h"

namespace rulec::plan {

namespace {

// The document paths an on-demand atom's evaluation may read (as the field walk looks them up).
void fields_of(const kql::Node& n, const Schema& schema, std::set<std::string>& paths,
               std::set<std::string>& subtrees, bool& all) {
  switch (n.kind) {
    case kql::NodeKind::Is:
    case kql::NodeKind::Range:
    case kql::NodeKind::Regexp:
    case kql::NodeKind::Exists: {
      if (n.field.has_wildcard()) {
        // Every path the pattern can match (and the parent a matching multi-field reads) lies
        // below its literal prefix up to the last dot before the first wildcard.
        const std::string& lit = n.field.segments.front();
        const size_t dot = lit.rfind('.');
        if (dot == std::string::npos || dot == 0) all = true;
        else subtrees.insert(lit.substr(0, dot));
        return;
      }
      const std::string& name = n.field.segments.front();
      const semantics::FieldRef r = semantics::resolve_field(schema, name);
      paths.emplace(r.source);
      const bool own = r.source.size() == name.size();
      if (own && (r.info.type == FieldType::Flattened || (n.kind == kql::NodeKind::Exists && semantics::has_subfields(r.info))))
        subtrees.insert(name);
      return;
    }
    case kql::NodeKind::Nested:
      if (n.field.has_wildcard()) return;  // matches nothing
      subtrees.insert(n.field.segments.front());
      return;
    case kql::NodeKind::FreeText: all = true; return;
    case kql::NodeKind::Script: {  // the fields the script reads
      rt::EqlScript s;
      rt::ByteReader r(n.program);
      std::string why;
      if (!s.decode(r, why)) return;
      for (const auto& f : s.fields) paths.emplace(f.path);
      return;
    }
    case kql::NodeKind::MatchAll: return;
    case kql::NodeKind::And:
    case kql::NodeKind::Or:
    case kql::NodeKind::Not:
      for (const auto& c : n.children)
        if (c) fields_of(*c, schema, paths, subtrees, all);
      return;
  }
}

}  // namespace

void collect_fields_read(Plan& plan, const Schema& schema) {
  // Bit atoms' sources, on-demand atoms' lookups, and what the runtime reads (lower() put the
  // rules' extra fields in plan.fields.paths).
  std::set<std::string> paths(plan.fields.paths.begin(), plan.fields.paths.end());
  std::set<std::string> subtrees;
  bool all = false;
  for (const Atom& a : plan.atoms) {
    if (a.kind != AtomKind::Generic) paths.insert(a.source);
    else if (a.node) fields_of(*a.node, schema, paths, subtrees, all);
  }
  plan.fields.paths.assign(paths.begin(), paths.end());
  plan.fields.subtrees.assign(subtrees.begin(), subtrees.end());
  plan.fields.all = all;
}

}  // namespace rulec::plan
