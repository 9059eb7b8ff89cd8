// The native evaluator of on-demand atoms: walks a GenericProgram's test trees over one event.
#include "runtime/eval/generic_tests.h"

#include "runtime/eval/eql_script.h"

#include <algorithm>


namespace rulec::rt {

bool GenericProgram::empty() const {
  return std::none_of(roots.begin(), roots.end(), [](uint32_t r) { return r != kNoNode; });
}

bool GenericProgram::needs_now() const {
  return std::any_of(values.begin(), values.end(), [](const GenericValue& v) { return v.test.date_uses_now; });
}

bool validate_generic(const GenericProgram& p, uint32_t atom_count, std::string& error) {
  auto fail = [&](const std::string& why) {
    error = "on-demand tests: " + why;
    return false;
  };
  for (size_t i = 0; i < p.fields.size(); ++i) {
    if (static_cast<uint8_t>(p.fields[i].info.type) >= kFieldTypeCount) return fail("a field type is out of range");
    if (i > 0 && !(p.fields[i - 1].name < p.fields[i].name)) return fail("the field table is not sorted");
  }
  for (const GenericValue& v : p.values) {
    if (static_cast<uint8_t>(v.type) >= kFieldTypeCount) return fail("a value's field type is out of range");
    if (static_cast<uint8_t>(v.test.mode) > static_cast<uint8_t>(Prepared::Mode::DateIn)) return fail("a value's mode is out of range");
    if (static_cast<uint8_t>(v.test.op) > static_cast<uint8_t>(RangeOp::Ge)) return fail("a range operator is out of range");
    if (v.test.cidr.prefix > 128) return fail("a CIDR prefix is over 128");
  }
  if (p.roots.size() != atom_count) return fail("the atom count differs from the rule set's");
  std::vector<uint8_t> used(p.nodes.size(), 0);
  std::vector<uint32_t> depth(p.nodes.size(), 1);
  auto use = [&](uint32_t n) {
    if (used[n]) return false;
    used[n] = 1;
    return true;
  };
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const GenericNode& n = p.nodes[i];
    if (static_cast<uint8_t>(n.kind) >= GenericNode::kKindCount) return fail("a node kind is out of range");
    const bool one_kid = n.kind == GenericNode::Kind::Not || n.kind == GenericNode::Kind::Nested;
    const bool kids = one_kid || n.kind == GenericNode::Kind::And || n.kind == GenericNode::Kind::Or;
    if ((one_kid && n.kids.size() != 1) || (!kids && !n.kids.empty())) return fail("a node has the wrong number of kids");
    for (uint32_t k : n.kids) {
      // Kids come first and belong to one parent: a tree, evaluated in linear time.
      if (k >= i || !use(k)) return fail("a node's kid is not an earlier, unshared node");
      depth[i] = std::max(depth[i], depth[k] + 1);
    }
    if (depth[i] > kMaxGenericDepth) return fail("a test tree is nested too deeply");
    for (uint32_t f : n.expansion)
      if (f >= p.fields.size()) return fail("a field index is out of range");
    for (uint32_t v : n.values)
      if (v >= p.values.size()) return fail("a value index is out of range");
    if (n.kind == GenericNode::Kind::Script) {
      EqlScript s;
      ByteReader r(n.field);
      std::string why;
      if (!s.decode(r, why) || !r.at_end()) return fail("a script leaf: " + (why.empty() ? std::string("trailing bytes") : why));
    }
  }
  for (uint32_t r : p.roots) {
    if (r == GenericProgram::kNoNode) continue;
    if (r >= p.nodes.size() || !use(r)) return fail("an atom's root is out of range or shared");
  }
  return true;
}

namespace {

class GenericEvaluator final : public OnDemandAtoms, private FieldFacts {
 public:
  explicit GenericEvaluator(GenericProgram p) : p_(std::move(p)), walk_(*this) {
    for (uint32_t i = 0; i < p_.values.size(); ++i)
      if (p_.values[i].test.date_uses_now) dated_.push_back(i);
    for (const GenericField& f : p_.fields) {
      const size_t dot = f.name.rfind('.');
      if (dot == std::string::npos || dot == 0) continue;
      const std::string_view parent = std::string_view(f.name).substr(0, dot);
      const FieldInfo pi = lookup(parent);
      if (pi.known && is_leaf_type(pi.type)) multi_[parent].push_back(f.name);
    }
    nested_dot_.resize(p_.nodes.size());
    scripts_.resize(p_.nodes.size());
    for (size_t i = 0; i < p_.nodes.size(); ++i) {
      if (p_.nodes[i].kind == GenericNode::Kind::Nested) nested_dot_[i] = p_.nodes[i].field + '.';
      if (p_.nodes[i].kind == GenericNode::Kind::Script) {  // validated before: decodes
        ByteReader r(p_.nodes[i].field);
        std::string why;
        if (!scripts_[i].decode(r, why)) scripts_[i] = EqlScript{};
      }
    }
  }

  void reset(const Event& ev, int64_t now_ms) override {
    walk_.reset(ev);
    for (uint32_t v : dated_) {
      Prepared& t = p_.values[v].test;
      if (t.date_uses_now && (!primed_ || t.date_now != now_ms)) prepare_date(t, now_ms);
    }
    primed_ = true;
  }

  bool eval(uint32_t atom) override {
    if (!p_.has(atom)) return false;
    try {
      return eval_node(p_.roots[atom], 0);
    } catch (const std::exception&) {
      return false;  // only allocation failure during warm-up: report no match, as the interpreter
    }
  }

 private:
  using Kind = GenericNode::Kind;

  bool eval_node(uint32_t i, uint32_t elem) {
    const GenericNode& n = p_.nodes[i];
    switch (n.kind) {
      case Kind::And:
        for (uint32_t k : n.kids)
          if (!eval_node(k, elem)) return false;
        return true;
      case Kind::Or:
        for (uint32_t k : n.kids)
          if (eval_node(k, elem)) return true;
        return false;
      case Kind::Not: return !eval_node(n.kids[0], elem);
      case Kind::Test:
        return any_name(n, [&](std::string_view name) { return test_name(n, name, elem); });
      case Kind::Exists:
        return any_name(n, [&](std::string_view name) { return walk_.exists_field(name, elem); });
      case Kind::Nested:
        return walk_.nested(nested_dot_[i], n.field.size(), elem, [&](uint32_t e) { return eval_node(n.kids[0], e); });
      case Kind::FreeText:
        return walk_.any_field([&](std::string_view name) { return test_name(n, name, elem); });
      case Kind::Script: return !scripts_[i].nodes.empty() && scripts_[i].eval(walk_.index().event());
    }
    return false;
  }

  // `f(name)` for the node's literal field, or for each schema field and event path its pattern matches.
  template <class F>
  bool any_name(const GenericNode& n, F&& f) {
    if (!n.wildcard) return f(n.field);
    for (uint32_t e : n.expansion)
      if (f(p_.fields[e].name)) return true;
    return walk_.any_path(n.glob, f);
  }

  bool test_name(const GenericNode& n, std::string_view name, uint32_t elem) {
    const FieldRef r = walk_.resolve(name);
    for (uint32_t v : n.values) {
      const GenericValue& gv = p_.values[v];
      if (gv.type == r.info.type && gv.lower == r.info.lowercase) return walk_.test_field(gv.test, r, name, elem);
    }
    return false;  // no value for this type: the compiler found none could match
  }

  FieldInfo lookup(std::string_view name) const override {
    auto it = std::lower_bound(p_.fields.begin(), p_.fields.end(), name,
                               [](const GenericField& f, std::string_view n) { return f.name < n; });
    if (it == p_.fields.end() || it->name != name) return FieldInfo{};
    return it->info;
  }

  std::span<const std::string_view> multi_fields(std::string_view parent) override {
    auto it = multi_.find(parent);
    if (it == multi_.end()) return {};
    return it->second;
  }

  GenericProgram p_;
  FieldWalk walk_;
  std::vector<uint32_t> dated_;  // values whose interval depends on `now`
  bool primed_ = false;
  std::unordered_map<std::string_view, std::vector<std::string_view>> multi_;  // parent -> multi-fields
  std::vector<std::string> nested_dot_;  // per Nested node: its path followed by '.'
  std::vector<EqlScript> scripts_;       // per Script node: its program
};

}  // namespace

std::unique_ptr<OnDemandAtoms> make_on_demand_atoms(GenericProgram program, uint32_t atom_count, std::string& error) {
  if (!validate_generic(program, atom_count, error)) return nullptr;
  return std::make_unique<GenericEvaluator>(std::move(program));
}

}  // namespace rulec::rt
