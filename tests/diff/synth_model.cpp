// The event synthesizer's document model: JSON output with random layouts, and its own evaluator.
#include "diff/synth_model.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace rulec::diff {

uint32_t Doc::add_element(std::string path, uint32_t parent) {
  elems.push_back({std::move(path), parent});
  return static_cast<uint32_t>(elems.size() - 1);
}

bool Doc::within(uint32_t e, uint32_t ancestor) const {
  if (ancestor == 0) return true;
  for (;;) {
    if (e == ancestor) return true;
    if (e == 0) return false;
    e = elems[e].parent;
  }
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += ch;
    }
  }
  return out + "\"";
}

namespace {

// One key of the JSON tree being written: values at this path, array-of-object elements held
// here, and sub-keys.
struct JNode {
  std::vector<std::pair<std::string, uint32_t>> kids;
  std::vector<const JVal*> vals;
  std::vector<uint32_t> elems;
};

class Writer {
 public:
  Writer(const Doc& doc, Rng& rng) : doc_(doc), rng_(rng) {}

  void element(uint32_t e, std::string& out) {
    const uint32_t root = build(e);
    out += '{';
    bool first = true;
    members(root, out, first);
    out += '}';
  }

 private:
  static std::string relative(const std::string& path, const std::string& base) {
    if (base.empty()) return path;
    if (path.size() > base.size() && path.compare(0, base.size(), base) == 0 && path[base.size()] == '.')
      return path.substr(base.size() + 1);
    return path;
  }

  uint32_t node_at(uint32_t root, const std::string& rel) {
    std::vector<std::string> segs;
    size_t start = 0;
    for (;;) {
      const size_t dot = rel.find('.', start);
      segs.push_back(rel.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (std::any_of(segs.begin(), segs.end(), [](const std::string& s) { return s.empty(); })) segs = {rel};
    uint32_t n = root;
    for (const auto& s : segs) {
      auto& kids = nodes_[n].kids;
      auto it = std::find_if(kids.begin(), kids.end(), [&](const auto& k) { return k.first == s; });
      if (it != kids.end()) {
        n = it->second;
        continue;
      }
      nodes_.emplace_back();
      const auto idx = static_cast<uint32_t>(nodes_.size() - 1);
      nodes_[n].kids.emplace_back(s, idx);
      n = idx;
    }
    return n;
  }

  uint32_t build(uint32_t e) {
    nodes_.emplace_back();
    const auto root = static_cast<uint32_t>(nodes_.size() - 1);
    const std::string& base = doc_.elems[e].path;
    for (const auto& en : doc_.entries)
      if (en.elem == e) nodes_[node_at(root, relative(en.path, base))].vals.push_back(&en.value);
    for (uint32_t c = 1; c < doc_.elems.size(); ++c)
      if (doc_.elems[c].parent == e) nodes_[node_at(root, relative(doc_.elems[c].path, base))].elems.push_back(c);
    return root;
  }

  void scalar(const JVal& v, std::string& out) {
    if (v.kind == rt::ValueKind::String) out += json_quote(v.text);
    else out += v.text;
  }

  void key(const std::string& k, std::string& out, bool& first) {
    if (!first) out += ',';
    first = false;
    out += json_quote(k);
    out += ':';
  }

  void member(const std::string& k, uint32_t n, std::string& out, bool& first) {
    // Copies: element() below may grow nodes_ and move its entries.
    const auto vals = nodes_[n].vals;
    const auto elems = nodes_[n].elems;
    auto kids = nodes_[n].kids;
    const bool here = !vals.empty() || !elems.empty();
    if (here) {
      key(k, out, first);
      if (vals.size() == 1 && elems.empty() && !rng_.chance(8)) {
        scalar(*vals[0], out);
      } else {
        out += '[';
        bool f = true;
        for (const JVal* v : vals) {
          if (!f) out += ',';
          f = false;
          scalar(*v, out);
        }
        for (uint32_t e : elems) {
          if (!f) out += ',';
          f = false;
          element(e, out);
        }
        out += ']';
      }
    }
    if (kids.empty()) return;
    if (kids.size() > 1 && rng_.chance(30)) std::swap(kids[0], kids[rng_.below(kids.size())]);
    if (here || rng_.chance(20)) {  // dotted keys: {"a.b": 1} is the same field as {"a": {"b": 1}}
      for (const auto& [kk, kn] : kids) member(k + "." + kk, kn, out, first);
      return;
    }
    key(k, out, first);
    out += '{';
    bool f = true;
    for (const auto& [kk, kn] : kids) member(kk, kn, out, f);
    out += '}';
  }

  void members(uint32_t n, std::string& out, bool& first) {
    auto kids = nodes_[n].kids;
    if (kids.size() > 1 && rng_.chance(30)) std::swap(kids[0], kids[rng_.below(kids.size())]);
    for (const auto& [k, kn] : kids) member(k, kn, out, first);
  }

  const Doc& doc_;
  Rng& rng_;
  std::vector<JNode> nodes_;
};

bool leaf_type(FieldType t) { return t != FieldType::Object && t != FieldType::Nested; }

std::string pattern_key(const kql::Pattern& p) {
  std::string k;
  for (size_t i = 0; i < p.segments.size(); ++i) {
    k += p.segments[i];
    if (i < p.wildcards.size()) k += '\x01', k += p.wildcards[i];
  }
  return k;
}

}  // namespace

std::string to_json(const Doc& doc, Rng& rng) {
  std::string out;
  Writer(doc, rng).element(0, out);
  return out;
}

FieldSource resolve_source(const Schema& schema, std::string_view name) {
  FieldSource r{std::string(name), schema.lookup(name)};
  if (r.info.known) {
    const size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const FieldInfo pi = schema.lookup(name.substr(0, dot));
      if (pi.known && leaf_type(pi.type)) r.source = std::string(name.substr(0, dot));
    }
  }
  return r;
}

bool may_have_subfields(const FieldInfo& info) {
  return !info.known || !leaf_type(info.type) || info.type == FieldType::Flattened;
}

const std::vector<std::string>& ModelEval::expand(const kql::Pattern& p) {
  const std::string k = pattern_key(p);
  auto it = expansions_.find(k);
  if (it == expansions_.end()) it = expansions_.emplace(k, schema_.expand(p)).first;
  return it->second;
}

const std::vector<std::string>& ModelEval::multi_fields(const std::string& parent) {
  auto it = multi_.find(parent);
  if (it != multi_.end()) return it->second;
  std::vector<std::string> out;
  const FieldInfo pi = schema_.lookup(parent);
  if (pi.known && leaf_type(pi.type)) {
    kql::Pattern p = kql::literal(parent + ".");
    p.add_wildcard('*');
    for (auto& f : schema_.expand(p))
      if (f.find('.', parent.size() + 1) == std::string::npos) out.push_back(std::move(f));
  }
  return multi_.emplace(parent, std::move(out)).first->second;
}

bool ModelEval::eval(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& prefix) {
  switch (n.kind) {
    case kql::NodeKind::MatchAll: return true;
    case kql::NodeKind::And:
      for (const auto& c : n.children)
        if (!eval(*c, doc, elem, prefix)) return false;
      return true;
    case kql::NodeKind::Or:
      for (const auto& c : n.children)
        if (eval(*c, doc, elem, prefix)) return true;
      return false;
    case kql::NodeKind::Not: return !eval(*n.children[0], doc, elem, prefix);
    case kql::NodeKind::Nested: return nested(n, doc, elem, prefix);
    default: return atom(n, doc, elem, prefix);
  }
}

bool ModelEval::field_test(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& name) {
  const FieldSource r = resolve_source(schema_, name);
  const bool exists = n.kind == kql::NodeKind::Exists;
  for (const auto& e : doc.entries) {
    if (e.path != r.source || !doc.within(e.elem, elem)) continue;
    if (exists ? value_indexed(r.info, e.value) : value_satisfies(n, r.info, e.value, now_ms_)) return true;
  }
  if (r.source != name) return false;
  const bool sub_exists = exists && may_have_subfields(r.info);
  const bool flat = !exists && r.info.type == FieldType::Flattened;
  if (!sub_exists && !flat) return false;
  const std::string below = name + ".";
  for (const auto& e : doc.entries) {
    if (e.path.compare(0, below.size(), below) != 0 || !doc.within(e.elem, elem)) continue;
    if (flat && value_satisfies(n, r.info, e.value, now_ms_)) return true;
    if (!sub_exists) continue;
    if (value_indexed(schema_.lookup(e.path), e.value)) return true;
    for (const auto& m : multi_fields(e.path))
      if (value_indexed(schema_.lookup(m), e.value)) return true;
  }
  return false;
}

bool ModelEval::atom(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& prefix) {
  if (n.kind != kql::NodeKind::FreeText && !n.field.has_wildcard())
    return field_test(n, doc, elem, prefix + n.field.segments.front());
  std::set<std::string> paths;
  for (const auto& e : doc.entries)
    if (doc.within(e.elem, elem)) paths.insert(e.path);
  if (n.kind == kql::NodeKind::FreeText) {
    for (const auto& p : paths) {
      if (field_test(n, doc, elem, p)) return true;
      for (const auto& m : multi_fields(p))
        if (field_test(n, doc, elem, m)) return true;
    }
    return false;
  }
  kql::Pattern full = n.field;
  full.segments.front().insert(0, prefix);
  full.quoted = false;
  full.case_insensitive = false;
  for (const auto& f : expand(full))
    if (field_test(n, doc, elem, f)) return true;
  for (const auto& p : paths)
    if (glob_match(full, p) && field_test(n, doc, elem, p)) return true;
  return false;
}

bool ModelEval::nested(const kql::Node& n, const Doc& doc, uint32_t elem, const std::string& prefix) {
  if (n.field.has_wildcard() || n.children.empty()) return false;
  const std::string full = prefix + n.field.segments.front();
  const std::string inner = full + ".";
  bool any = false;
  for (uint32_t e = 1; e < doc.elems.size(); ++e) {
    if (e == elem || doc.elems[e].path != full || !doc.within(e, elem)) continue;
    any = true;
    if (eval(*n.children[0], doc, e, inner)) return true;
  }
  if (any) return false;
  const bool present = std::any_of(doc.entries.begin(), doc.entries.end(), [&](const Doc::Entry& e) {
    return e.path.compare(0, inner.size(), inner) == 0 && doc.within(e.elem, elem);
  });
  return present && eval(*n.children[0], doc, elem, inner);
}

}  // namespace rulec::diff
