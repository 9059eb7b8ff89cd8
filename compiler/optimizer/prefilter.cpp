// The raw-line prefilter of a sealed plan: literal sets derived bottom-up over the DAG, the most selective conjunct kept.
#include "compiler/optimizer/prefilter.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runtime/common/ascii.h"

namespace rulec::plan {

namespace {

constexpr size_t kMaxLiterals = 256;  // per expression: more alternatives than this give no set
constexpr double kScanCostPerLiteral = 0.003;  // a literal's scan cost, as a share of lines decoded

// Fields whose values are a few enumerated words found in most events of a stream (their literals
// select little): event.category, event.type, host.os.type...
bool enumerated_field(std::string_view f) {
  static constexpr std::string_view kPrefixes[] = {
      "event.category", "event.type", "event.kind", "event.outcome", "event.module", "event.dataset",
      "event.action", "event.provider", "data_stream.", "host.os.", "os.", "agent.type", "ecs.",
      "network.direction", "network.transport", "network.type", "network.protocol", "cloud.provider"};
  return std::any_of(std::begin(kPrefixes), std::end(kPrefixes), [&](std::string_view p) { return f.starts_with(p); });
}

struct Lit {
  std::string bytes;  // escaped
  bool caseless = false;
  double freq = 1;    // estimated share of lines holding it
};

struct Set {
  bool top = true;              // no literal set: every line
  std::vector<uint32_t> lits;   // sorted indexes into the literal table (empty and !top: never matches)
  double score = 1;             // estimated share of lines holding one of them
  std::string why;              // top: why
};

// The words of the field names (`process`, `executable`, `command_line`...), lowercased, sorted.
std::vector<std::string> key_words(const std::vector<std::string>& field_names) {
  std::vector<std::string> words;
  for (const std::string& f : field_names)
    for (size_t i = 0; i <= f.size();) {
      const size_t dot = std::min(f.find('.', i), f.size());
      if (dot > i) words.push_back(ascii_lower(std::string_view(f).substr(i, dot - i)));
      i = dot + 1;
    }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

class Deriver {
 public:
  Deriver(const Plan& p, const std::vector<std::string>& field_names) : plan_(p), words_(key_words(field_names)) {}

  Prefilter run() {
    std::vector<Set> sets(plan_.exprs.size());
    const std::vector<char> live = reachable_exprs(plan_);
    for (size_t e = 0; e < plan_.exprs.size(); ++e)  // kids before parents
      if (live[e]) sets[e] = derive(plan_.exprs[e], sets);
    Prefilter out;
    rt::PrefilterSpec& spec = out.spec;
    spec.rule_count = static_cast<uint32_t>(plan_.roots.size());
    std::vector<std::vector<uint32_t>> rules_of(lits_.size());
    for (uint32_t r = 0; r < plan_.roots.size(); ++r) {
      const Set& s = sets[plan_.roots[r]];
      RulePrefilter& rp = out.rules.emplace_back();
      if (s.top) {
        spec.always.push_back(r);
        rp.why_none = s.why;
        continue;
      }
      if (s.lits.empty()) rp.why_none = "the rule can never match";
      for (uint32_t l : s.lits) {
        rules_of[l].push_back(r);
        rp.literals.push_back(lits_[l].bytes);
        rp.caseless.push_back(lits_[l].caseless);
      }
    }
    for (size_t l = 0; l < lits_.size(); ++l) {
      if (rules_of[l].empty()) continue;  // the literal of a conjunct not chosen
      spec.literals.push_back({lits_[l].bytes, lits_[l].caseless, std::move(rules_of[l])});
    }
    spec.enabled = spec.always.size() < spec.rule_count;
    return out;
  }

 private:
  Set derive(const Expr& e, const std::vector<Set>& sets) {
    switch (e.op) {
      case Op::False: return Set{false, {}, 0, {}};
      case Op::True: return top("a part of it matches every event");
      case Op::Atom: return atom(plan_.atoms[e.atom]);
      case Op::Not: {
        const Expr& k = plan_.exprs[e.kids[0]];
        return top(k.op == Op::Atom ? fmt::format("`not {}`: a negated test names no literal", plan_.atoms[k.atom].display)
                                    : std::string("a negated expression names no literal"));
      }
      case Op::And: {
        const Set* best = nullptr;
        for (uint32_t k : e.kids) {
          const Set& s = sets[k];
          if (s.top) continue;
          if (!best || cost(s) < cost(*best)) best = &s;
        }
        if (best) return *best;
        return top(sets[e.kids[0]].why);
      }
      case Op::Or: {
        Set u{false, {}, 0, {}};
        for (uint32_t k : e.kids) {
          const Set& s = sets[k];
          if (s.top) return s;
          u.lits.insert(u.lits.end(), s.lits.begin(), s.lits.end());
        }
        std::sort(u.lits.begin(), u.lits.end());
        u.lits.erase(std::unique(u.lits.begin(), u.lits.end()), u.lits.end());
        if (u.lits.size() > kMaxLiterals) return top(fmt::format("an `or` of more than {} literal values", kMaxLiterals));
        for (uint32_t l : u.lits) u.score += lits_[l].freq;
        u.score = std::min(u.score, 1.0);
        return u;
      }
    }
    return top("unknown expression");
  }

  static Set top(std::string why) { return Set{true, {}, 1, std::move(why)}; }
  static double cost(const Set& s) { return s.score + kScanCostPerLiteral * static_cast<double>(s.lits.size()); }

  // Is the literal part of a field name (then in most events' text, as a key)?
  bool in_a_key(const std::string& literal) const {
    const std::string l = ascii_lower(literal);
    return std::any_of(words_.begin(), words_.end(), [&](const std::string& w) { return w.find(l) != std::string::npos; });
  }

  Set atom(const Atom& a) {
    if (!a.literal.empty()) {
      Set s{false, {intern(a)}, 0, {}};
      s.score = lits_[s.lits[0]].freq;
      return s;
    }
    switch (a.kind) {
      case AtomKind::StrExact: return top(fmt::format("`{}`: an empty value names no literal", a.display));
      case AtomKind::StrPattern: return top(fmt::format("`{}`: the pattern has no literal piece", a.display));
      case AtomKind::StrAny: return top(fmt::format("`{}`: a test of presence names no literal", a.display));
      case AtomKind::Typed:
        return top(fmt::format("`{}`: number, ip, boolean and range tests name no literal", a.display));
      case AtomKind::Generic:
        return top(fmt::format("`{}`: evaluated on demand (text, dates, nested, free text...), names no literal", a.display));
    }
    return top(a.display);
  }

  uint32_t intern(const Atom& a) {
    Lit l;
    l.bytes = json_escaped(a.literal);
    // Caseless even without an ASCII letter: a non-ASCII one (Cyrillic, say) is then found through
    // the non-ASCII fallback (LinePrefilter), the only way its other cases can be.
    l.caseless = a.literal_caseless;
    const std::string key = (l.caseless ? "i" : "s") + (l.caseless ? ascii_lower(l.bytes) : l.bytes);
    auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(lits_.size()));
    if (fresh) {
      l.freq = std::pow(0.4, static_cast<double>(std::min<size_t>(a.literal.size(), 12)));
      if (enumerated_field(a.source)) l.freq = std::max(l.freq, 0.5);
      if (in_a_key(a.literal)) l.freq = 1;
      lits_.push_back(std::move(l));
    }
    return it->second;
  }

  const Plan& plan_;
  const std::vector<std::string> words_;
  std::vector<Lit> lits_;
  std::unordered_map<std::string, uint32_t> index_;
};

}  // namespace

std::string json_escaped(std::string_view s) {
  const std::string quoted = nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

Prefilter build_prefilter(const Plan& plan, const std::vector<std::string>& field_names) {
  return Deriver(plan, field_names).run();
}

}  // namespace rulec::plan
