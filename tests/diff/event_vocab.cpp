// Event synthesis: the vocabulary learned from rules (fields, literals) and random realistic events drawn from it.
#include <algorithm>
#include <map>

#include "diff/event_synth.h"
#include "diff/event_synth_impl.h"

namespace rulec::diff {

std::string fill_name(const kql::Pattern& p, Rng& rng) {
  std::string out;
  for (size_t s = 0; s < p.segments.size(); ++s) {
    out += p.segments[s];
    if (s < p.wildcards.size()) out += random_word(rng, 1 + rng.below(6));
  }
  return out;
}

namespace {

void learn_node(EventSynth::Impl& im, const kql::Node& n, bool positive, const std::string& prefix,
                const std::string& nested, std::vector<ThemeField>& theme, Rng& rng) {
  switch (n.kind) {
    case kql::NodeKind::MatchAll:
    case kql::NodeKind::FreeText: return;
    case kql::NodeKind::And:
    case kql::NodeKind::Or:
      for (const auto& c : n.children) learn_node(im, *c, positive, prefix, nested, theme, rng);
      return;
    case kql::NodeKind::Not: learn_node(im, *n.children[0], !positive, prefix, nested, theme, rng); return;
    case kql::NodeKind::Nested: {
      if (n.field.has_wildcard() || n.children.empty()) return;
      const std::string path = prefix + n.field.segments.front();
      learn_node(im, *n.children[0], positive, path + ".", path, theme, rng);
      return;
    }
    default: break;
  }
  const std::string name = im.concrete_name(n, prefix, rng);
  const FieldSource r = resolve_source(im.schema, name);
  if (n.kind == kql::NodeKind::Exists && may_have_subfields(r.info) && r.info.known) return;  // an object
  const auto [it, fresh] = im.vocab_index.emplace(r.source, im.vocab.size());
  if (fresh) im.vocab.push_back({r.source, nested, im.schema.lookup(r.source), {}});
  const size_t vi = it->second;
  VocabField& f = im.vocab[vi];
  auto tf = std::find_if(theme.begin(), theme.end(), [vi](const ThemeField& t) { return t.vocab == vi; });
  if (tf == theme.end()) tf = theme.insert(theme.end(), ThemeField{vi, {}, {}});
  for (int i = 0; i < 2; ++i) {
    JVal v = n.kind == kql::NodeKind::Exists ? any_value(f.info, rng, im.opts.now_ms) : witness(n, r.info, rng, im.opts.now_ms);
    if (f.values.size() < 32 && std::find(f.values.begin(), f.values.end(), v) == f.values.end()) f.values.push_back(v);
    auto& mine = positive ? tf->pos : tf->neg;
    if (mine.size() < 64 && std::find(mine.begin(), mine.end(), v) == mine.end()) mine.push_back(std::move(v));
  }
}

// A value, often edited: one character, case, any value of the type, null, wrong type, empty.
JVal draw_value(JVal v, const VocabField& f, Rng& rng, int64_t now_ms) {
  const unsigned u = static_cast<unsigned>(rng.below(100));
  if (u < 8) {
    if (auto m = change_one_char(v, f.info, rng)) v = *m;
  } else if (u < 12) {
    if (auto m = change_case(v, rng)) v = *m;
  } else if (u < 16) {
    v = any_value(f.info, rng, now_ms);
  } else if (u < 18) {
    v = jnull();
  } else if (u < 20) {
    v = value_class(f.info.type) == VClass::String ? jnumber(std::to_string(rng.below(100000)))
                                                   : jstring(random_word(rng, 1 + rng.below(8)));
  } else if (u < 22) {
    v = jstring("");
  }
  return v;
}

}  // namespace

void EventSynth::learn(const RuleTrees& rule, uint64_t seed) {
  Rng rng(seed ^ 0x5EED5EED5EEDull);
  std::vector<ThemeField> theme;
  if (rule.query) learn_node(*impl_, *rule.query, true, "", "", theme, rng);
  if (rule.filters) learn_node(*impl_, *rule.filters, true, "", "", theme, rng);
  for (const kql::Node* e : rule.exceptions)
    if (e) learn_node(*impl_, *e, false, "", "", theme, rng);
  if (!theme.empty()) impl_->themes.push_back(std::move(theme));
}

size_t EventSynth::vocabulary_fields() const { return impl_->vocab.size(); }

std::vector<std::string> EventSynth::random_events(size_t n, uint64_t seed) {
  Rng rng(seed ^ 0xE7E7E7E7ull);
  const auto& vocab = impl_->vocab;
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Rng r = rng.fork(i);
    Doc doc;
    // (vocabulary field, value): often one learned rule's fields with its own values (those that
    // make its predicates true, sometimes one that makes a negated predicate hold), plus others.
    std::vector<std::pair<size_t, JVal>> picks;
    if (!impl_->themes.empty() && r.chance(70)) {
      for (const ThemeField& t : r.pick(impl_->themes)) {
        if (picks.size() >= 24 || r.chance(8) || (t.pos.empty() && !r.chance(30))) continue;
        const size_t count = r.chance(12) ? 2 : 1;
        for (size_t c = 0; c < count; ++c) {
          const bool neg = !t.neg.empty() && (t.pos.empty() || r.chance(12));
          picks.emplace_back(t.vocab, draw_value(r.pick(neg ? t.neg : t.pos), vocab[t.vocab], r, impl_->opts.now_ms));
        }
      }
    }
    const size_t extra = picks.empty() ? 2 + r.below(9) : r.below(4);
    for (size_t k = 0; k < extra && !vocab.empty(); ++k) {
      const size_t f = r.below(vocab.size());
      const VocabField& vf = vocab[f];
      const size_t count = r.chance(15) ? 2 + r.below(2) : 1;
      for (size_t c = 0; c < count; ++c)
        picks.emplace_back(f, draw_value(vf.values.empty() ? any_value(vf.info, r, impl_->opts.now_ms) : r.pick(vf.values),
                                         vf, r, impl_->opts.now_ms));
    }
    std::map<std::string, uint32_t> elements;  // nested path -> its current element
    for (auto& [f, v] : picks) {
      const VocabField& vf = vocab[f];
      uint32_t el = 0;
      if (!vf.nested.empty()) {
        auto it = elements.find(vf.nested);
        if (it == elements.end() || r.chance(20)) it = elements.insert_or_assign(vf.nested, doc.add_element(vf.nested, 0)).first;
        el = it->second;
      }
      doc.add(vf.path, std::move(v), el);
    }
    if (vocab.empty()) {
      doc.add("host.name", jstring(random_word(r, 6)));
      doc.add("event.category", jstring(r.pick(std::vector<std::string>{"process", "network", "file"})));
    }
    if (r.chance(85) && !impl_->vocab_index.count("@timestamp")) {
      FieldInfo date;
      date.type = FieldType::Date;
      doc.add("@timestamp", any_value(date, r, impl_->opts.now_ms));
    }
    out.push_back(to_json(doc, r));
  }
  return out;
}

}  // namespace rulec::diff
