// Event synthesis: satisfying assignments of a rule's boolean structure, values for them, and near misses.
#include "diff/event_synth.h"

#include <algorithm>

#include "compiler/frontend/printer.h"
#include "diff/event_synth_impl.h"

namespace rulec::diff {

namespace {

// One object the assignment constrains: the document root or an element of `p:{...}`.
struct Scope {
  uint32_t parent = 0;  // enclosing scope (the root is its own parent)
  std::string path;     // the array-of-objects path ("" for the root)
  std::string prefix;   // names inside are relative to it ("" or "p.")
  std::vector<const kql::Node*> pos, neg;  // predicates to make true / false here
  uint32_t elem = 0;    // the Doc element
};

struct Assignment {
  std::vector<Scope> scopes{Scope{}};
  bool ok = true;
  std::string why;
};

// The value written for one positive predicate.
struct Witness {
  const kql::Node* atom = nullptr;
  uint32_t scope = 0;
  size_t entry = 0;
  FieldInfo info;
};

struct Solution {
  Assignment asg;
  Doc doc;
  std::vector<Witness> wit;
  bool ok = false;
  std::string why;
};

// Chooses a satisfying assignment: `or` one branch, `and` all, `not` pushed down to predicates.
void choose(const kql::Node& n, bool positive, uint32_t s, Assignment& a, Rng& rng) {
  switch (n.kind) {
    case kql::NodeKind::MatchAll:
      if (!positive) a.ok = false, a.why = "a negated match-all";
      return;
    case kql::NodeKind::And:
    case kql::NodeKind::Or:
      if ((n.kind == kql::NodeKind::And) == positive) {
        for (const auto& c : n.children) choose(*c, positive, s, a, rng);
      } else {
        choose(*n.children[rng.below(n.children.size())], positive, s, a, rng);
      }
      return;
    case kql::NodeKind::Not: choose(*n.children[0], !positive, s, a, rng); return;
    case kql::NodeKind::Nested:
      if (positive && !n.field.has_wildcard() && !n.children.empty()) {
        Scope sc;
        sc.parent = s;
        sc.path = a.scopes[s].prefix + n.field.segments.front();
        sc.prefix = sc.path + ".";
        a.scopes.push_back(std::move(sc));
        choose(*n.children[0], true, static_cast<uint32_t>(a.scopes.size() - 1), a, rng);
        return;
      }
      break;
    default: break;
  }
  (positive ? a.scopes[s].pos : a.scopes[s].neg).push_back(&n);
}

std::string describe(const kql::Node& n, const std::string& prefix) {
  std::string s = kql::print(n);
  if (s.size() > 160) s = utf8_prefix(s, 157) + "...";
  return prefix.empty() ? s : "in " + prefix.substr(0, prefix.size() - 1) + ": " + s;
}

std::string shown(const JVal& v) { return v.kind == rt::ValueKind::String ? json_quote(v.text) : v.text; }

enum class Edit : uint8_t { ChangeChar, ChangeCase, CrossBound, RemoveField, NegatedTrue, SplitElement, Reorder, Retype };
constexpr Edit kEdits[] = {Edit::ChangeChar, Edit::ChangeCase, Edit::CrossBound, Edit::RemoveField,
                           Edit::NegatedTrue, Edit::SplitElement, Edit::Reorder, Edit::Retype};

}  // namespace

std::string EventSynth::Impl::concrete_name(const kql::Node& n, const std::string& prefix, Rng& rng) {
  if (!n.field.has_wildcard()) return prefix + n.field.segments.front();
  kql::Pattern full = n.field;
  full.segments.front().insert(0, prefix);
  full.quoted = false;
  const auto& ex = eval.expand(full);
  if (!ex.empty() && rng.chance(50)) return rng.pick(ex);
  return fill_name(full, rng);
}

Candidate EventSynth::Impl::candidate(const kql::Node& n, const std::string& prefix, Rng& rng) {
  std::string name = n.kind == kql::NodeKind::FreeText ? (rng.chance(50) ? "message" : "labels.note")
                                                       : concrete_name(n, prefix, rng);
  const FieldSource r = resolve_source(schema, name);
  Candidate c{r.source, {}, r.info};
  if (n.kind == kql::NodeKind::Exists && may_have_subfields(r.info) && (r.info.known || rng.chance(30))) {
    c.path = r.source + "." + random_word(rng, 4);  // an object: any sub-field with a value
    c.info = FieldInfo{};
    c.value = any_value(c.info, rng, opts.now_ms);
    return c;
  }
  if (r.info.type == FieldType::Flattened && r.source == name) c.path = name + "." + random_word(rng, 4);
  c.value = witness(n, r.info, rng, opts.now_ms);
  return c;
}

bool EventSynth::Impl::rule_holds(const RuleTrees& rule, const Doc& doc) {
  if (!rule.query || !eval.eval(*rule.query, doc)) return false;
  if (rule.filters && !eval.eval(*rule.filters, doc)) return false;
  for (const kql::Node* e : rule.exceptions)
    if (e && eval.eval(*e, doc)) return false;
  return true;
}

namespace {

// The negated predicates of scope `s` and its enclosing scopes, and whether each holds on `doc`.
struct NegState {
  std::vector<std::pair<uint32_t, const kql::Node*>> negs;
  std::vector<bool> held;
};
NegState negated_state(ModelEval& ev, const Assignment& a, uint32_t s, const Doc& doc) {
  NegState st;
  for (uint32_t cur = s;; cur = a.scopes[cur].parent) {
    for (const kql::Node* n : a.scopes[cur].neg) {
      st.negs.emplace_back(cur, n);
      st.held.push_back(ev.eval(*n, doc, a.scopes[cur].elem, a.scopes[cur].prefix));
    }
    if (cur == 0) return st;
  }
}
// Does a negated predicate that did not hold before hold now? (One that already held is not the
// new value's doing: an element still being filled, say; the final check judges the whole.)
bool newly_held(ModelEval& ev, const Assignment& a, const NegState& st, const Doc& doc) {
  for (size_t i = 0; i < st.negs.size(); ++i) {
    const Scope& sc = a.scopes[st.negs[i].first];
    if (!st.held[i] && ev.eval(*st.negs[i].second, doc, sc.elem, sc.prefix)) return true;
  }
  return false;
}

Solution solve(EventSynth::Impl& im, const RuleTrees& rule, Rng& rng) {
  Solution s;
  Assignment& a = s.asg;
  if (rule.query) choose(*rule.query, true, 0, a, rng);
  if (rule.filters) choose(*rule.filters, true, 0, a, rng);
  for (const kql::Node* e : rule.exceptions)
    if (e) choose(*e, false, 0, a, rng);
  if (!a.ok) {
    s.why = a.why;
    return s;
  }
  for (size_t i = 1; i < a.scopes.size(); ++i)
    a.scopes[i].elem = s.doc.add_element(a.scopes[i].path, a.scopes[a.scopes[i].parent].elem);
  std::vector<std::string> failed;
  for (uint32_t si = 0; si < a.scopes.size(); ++si) {
    const Scope& sc = a.scopes[si];
    for (const kql::Node* n : sc.pos) {
      bool placed = false;
      const NegState st = negated_state(im.eval, a, si, s.doc);
      for (size_t t = 0; t < im.opts.tries_per_value && !placed; ++t) {
        Candidate c = im.candidate(*n, sc.prefix, rng);
        s.doc.add(c.path, c.value, sc.elem);
        if (im.eval.eval(*n, s.doc, sc.elem, sc.prefix) && !newly_held(im.eval, a, st, s.doc)) {
          s.wit.push_back({n, si, s.doc.entries.size() - 1, c.info});
          placed = true;
        } else {
          s.doc.entries.pop_back();
        }
      }
      if (!placed) failed.push_back(describe(*n, sc.prefix));
    }
  }
  // An element needs a leaf to exist in the decoded event.
  for (uint32_t si = 1; si < a.scopes.size(); ++si) {
    const uint32_t el = a.scopes[si].elem;
    if (std::any_of(s.doc.entries.begin(), s.doc.entries.end(), [&](const Doc::Entry& e) { return s.doc.within(e.elem, el); }))
      continue;
    const NegState st = negated_state(im.eval, a, si, s.doc);
    s.doc.add(a.scopes[si].prefix + random_word(rng, 5), jstring(random_word(rng, 6)), el);
    if (newly_held(im.eval, a, st, s.doc)) s.doc.entries.pop_back();
  }
  if (!failed.empty()) {
    s.why = "no value found for ";
    for (size_t i = 0; i < failed.size(); ++i) s.why += (i ? "; " : "") + failed[i];
  }
  s.ok = failed.empty() && im.rule_holds(rule, s.doc);
  if (failed.empty() && !s.ok) s.why = "the chosen assignment does not hold in the synthesizer's model";
  return s;
}

// Unrelated fields (an @timestamp, some vocabulary) that keep the synthesizer's verdict.
void add_noise(EventSynth::Impl& im, const RuleTrees& rule, Solution& s, Rng& rng) {
  const bool before = im.rule_holds(rule, s.doc);
  auto keep_if_same = [&] {
    if (im.rule_holds(rule, s.doc) != before) s.doc.entries.pop_back();
  };
  const bool has_ts = std::any_of(s.doc.entries.begin(), s.doc.entries.end(),
                                  [](const Doc::Entry& e) { return e.path == "@timestamp"; });
  if (!has_ts && rng.chance(85)) {
    FieldInfo date;
    date.type = FieldType::Date;
    s.doc.add("@timestamp", any_value(date, rng, im.opts.now_ms));
    keep_if_same();
  }
  const size_t n = rng.below(im.opts.noise_fields + 1);
  for (size_t i = 0; i < n; ++i) {
    if (!im.vocab.empty()) {
      const VocabField& f = rng.pick(im.vocab);
      if (!f.nested.empty() || f.values.empty()) continue;
      s.doc.add(f.path, rng.pick(f.values));
    } else {
      static const std::vector<std::string> kGeneric = {"host.name", "agent.type", "event.dataset", "user.name"};
      s.doc.add(rng.pick(kGeneric), jstring(random_word(rng, 6)));
    }
    keep_if_same();
  }
}

// Applies one near-miss edit to a copy of `base`; false when the edit does not apply to it.
bool apply_edit(EventSynth::Impl& im, const Solution& base, Edit kind, Rng& rng, Doc& doc, std::string& note) {
  doc = base.doc;
  const int64_t now = im.opts.now_ms;
  auto pick_witness = [&]() -> const Witness* { return base.wit.empty() ? nullptr : &rng.pick(base.wit); };
  switch (kind) {
    case Edit::ChangeChar:
    case Edit::ChangeCase:
    case Edit::Retype: {
      const Witness* w = pick_witness();
      if (!w) return false;
      JVal& v = doc.entries[w->entry].value;
      std::optional<JVal> nv;
      if (kind == Edit::ChangeChar) nv = change_one_char(v, w->info, rng);
      if (kind == Edit::ChangeCase) nv = change_case(v, rng);
      if (kind == Edit::Retype && v.kind != rt::ValueKind::String && v.kind != rt::ValueKind::Null) nv = jstring(v.text);
      if (kind == Edit::Retype && v.kind == rt::ValueKind::String && (v.text == "true" || v.text == "false"))
        nv = jbool(v.text == "true");
      if (!nv || *nv == v) return false;
      note = std::string(kind == Edit::ChangeChar ? "one character changed" : kind == Edit::ChangeCase ? "case changed" : "retyped") +
             ": " + doc.entries[w->entry].path + " " + shown(v) + " -> " + shown(*nv);
      v = *nv;
      return true;
    }
    case Edit::CrossBound: {
      std::vector<const Witness*> ok;
      for (const auto& w : base.wit)
        if (cross_bound(*w.atom, w.info, now)) ok.push_back(&w);
      if (ok.empty()) return false;
      const Witness& w = *rng.pick(ok);
      JVal& v = doc.entries[w.entry].value;
      const JVal nv = *cross_bound(*w.atom, w.info, now);
      note = std::string(w.atom->kind == kql::NodeKind::Range ? "bound crossed" : "value stepped by one") + " (" +
             describe(*w.atom, base.asg.scopes[w.scope].prefix) + "): " + doc.entries[w.entry].path +
             " " + shown(v) + " -> " + shown(nv);
      v = nv;
      return true;
    }
    case Edit::RemoveField: {
      const Witness* w = pick_witness();
      if (!w) return false;
      const std::string path = doc.entries[w->entry].path;
      std::erase_if(doc.entries, [&](const Doc::Entry& e) { return e.path == path; });
      note = "field removed: " + path;
      return true;
    }
    case Edit::NegatedTrue: {
      std::vector<std::pair<uint32_t, const kql::Node*>> negs;
      for (uint32_t si = 0; si < base.asg.scopes.size(); ++si)
        for (const kql::Node* n : base.asg.scopes[si].neg)
          if (n->kind != kql::NodeKind::Nested) negs.emplace_back(si, n);
      if (negs.empty()) return false;
      const auto [si, n] = rng.pick(negs);
      const Scope& sc = base.asg.scopes[si];
      Candidate c = im.candidate(*n, sc.prefix, rng);
      note = "negated predicate made true (not " + describe(*n, sc.prefix) + "): " + c.path + " = " + shown(c.value);
      doc.add(std::move(c.path), std::move(c.value), sc.elem);
      return true;
    }
    case Edit::SplitElement: {
      std::vector<const Witness*> ok;
      for (const auto& w : base.wit) {
        if (w.scope == 0) continue;
        const uint32_t el = base.asg.scopes[w.scope].elem;
        if (std::count_if(base.doc.entries.begin(), base.doc.entries.end(), [&](const Doc::Entry& e) { return e.elem == el; }) >= 2)
          ok.push_back(&w);
      }
      if (ok.empty()) return false;
      const Witness& w = *rng.pick(ok);
      const Doc::Element old = doc.elems[doc.entries[w.entry].elem];
      const uint32_t el = doc.add_element(old.path, old.parent);
      doc.entries[w.entry].elem = el;
      note = "nested element split: " + doc.entries[w.entry].path + " moved to a new element of " + old.path;
      return true;
    }
    case Edit::Reorder: {
      for (size_t i = 0; i < doc.entries.size(); ++i) {
        for (size_t j = i + 1; j < doc.entries.size(); ++j) {
          if (doc.entries[i].path != doc.entries[j].path || doc.entries[i].elem != doc.entries[j].elem) continue;
          note = "array values reordered: " + doc.entries[i].path;
          auto e = doc.entries[i];
          doc.entries.erase(doc.entries.begin() + static_cast<std::ptrdiff_t>(i));
          doc.entries.push_back(std::move(e));
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

}  // namespace

EventSynth::EventSynth(const Schema& schema, SynthOptions opts)
    : schema_(schema), opts_(opts), impl_(std::make_unique<Impl>(schema_, opts_)) {}
EventSynth::~EventSynth() = default;

RuleEvents EventSynth::synthesize(const RuleTrees& rule, uint64_t seed) {
  Rng rng(seed * 0x2545F4914F6CDD1Dull + 0x1234567);
  RuleEvents out;
  std::vector<Solution> good, bad;
  for (size_t i = 0; i < opts_.attempts && good.size() < opts_.satisfying; ++i) {
    Rng r = rng.fork(i);
    Solution s = solve(*impl_, rule, r);
    add_noise(*impl_, rule, s, r);
    (s.ok ? good : bad).push_back(std::move(s));
  }
  out.solved = !good.empty();
  if (!out.solved && !bad.empty()) {
    // The attempt with the fewest failed predicates says most about why.
    auto best = std::min_element(bad.begin(), bad.end(), [](const Solution& x, const Solution& y) {
      return std::count(x.why.begin(), x.why.end(), ';') < std::count(y.why.begin(), y.why.end(), ';');
    });
    out.why = best->why;
  }
  std::vector<const Solution*> bases;
  for (const auto& s : good) bases.push_back(&s);
  for (const auto& s : bad)
    if (bases.size() < opts_.satisfying) bases.push_back(&s);
  for (const Solution* s : bases) {
    if (out.satisfying.size() >= opts_.satisfying) break;
    std::string note = s->ok ? "assignment:" : "unsolved (" + s->why + "):";
    for (const auto& sc : s->asg.scopes) {
      for (const kql::Node* n : sc.pos) note += " [" + describe(*n, sc.prefix) + "]";
      for (const kql::Node* n : sc.neg) note += " [not " + describe(*n, sc.prefix) + "]";
    }
    if (note.size() > 600) note = utf8_prefix(note, 597) + "...";
    out.satisfying.push_back({to_json(s->doc, rng), impl_->rule_holds(rule, s->doc), std::move(note)});
  }
  if (bases.empty()) return out;
  for (size_t k = 0, guard = 0; out.near_misses.size() < opts_.near_misses && guard < opts_.near_misses * 8; ++guard) {
    const Solution& base = *bases[k++ % bases.size()];
    Doc doc;
    std::string note;
    if (!apply_edit(*impl_, base, kEdits[rng.below(std::size(kEdits))], rng, doc, note)) continue;
    out.near_misses.push_back({to_json(doc, rng), impl_->rule_holds(rule, doc), std::move(note)});
  }
  return out;
}

}  // namespace rulec::diff
