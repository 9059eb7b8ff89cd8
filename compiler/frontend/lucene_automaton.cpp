// Lucene RegExp trees as automata: code-point sets, the Hyperscan printer, derivative DFAs with `&` `~` `#`, and state elimination back to an expression.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/frontend/kql_text.h"
#include "compiler/frontend/lucene_rx.h"

namespace rulec::lucene {

namespace {
constexpr char32_t kSurrogateLo = 0xD800, kSurrogateHi = 0xDFFF;
constexpr size_t kMaxTerms = 200000;       // derivative terms built for one regex
constexpr size_t kMaxStates = 2000;        // DFA states
constexpr size_t kMaxRepeat = 1000;        // a {n,m} bound the automaton expands
constexpr size_t kMaxExpression = 1 << 16;  // bytes of the written expression
constexpr size_t kMaxDerivatives = 1 << 20;  // derivatives computed for one regex
constexpr size_t kMaxWritten = 1 << 24;      // bytes of expressions written during state elimination
}  // namespace

Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& [lo, hi] : r) {
    if (!out.empty() && lo <= out.back().second + 1) out.back().second = std::max(out.back().second, hi);
    else out.emplace_back(lo, hi);
  }
  return out;
}

Ranges complement(const Ranges& r) {
  Ranges out;
  char32_t next = 0;
  for (const auto& [lo, hi] : r) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return out;
}

Ranges ascii_case_closed(const Ranges& r) {
  Ranges out = r;
  for (const auto& [lo, hi] : r) {
    for (char32_t c = lo; c <= hi && c < 0x80; ++c) {
      if (c >= 'a' && c <= 'z') out.emplace_back(c - 32, c - 32);
      else if (c >= 'A' && c <= 'Z') out.emplace_back(c + 32, c + 32);
    }
  }
  return normalized(std::move(out));
}

bool needs_automaton(const Rx& rx) {
  if (rx.kind == Rx::Kind::Inter || rx.kind == Rx::Kind::Compl || rx.kind == Rx::Kind::Nothing) return true;
  return std::any_of(rx.kids.begin(), rx.kids.end(), [](const RxPtr& k) { return needs_automaton(*k); });
}

namespace {

std::string code_point(char32_t c) {
  return c < 0x80 ? fmt::format("\\x{:02x}", static_cast<unsigned>(c)) : fmt::format("\\x{{{:x}}}", static_cast<unsigned>(c));
}

// A set as Hyperscan reads it in UTF-8 mode with DOTALL (surrogates, which no UTF-8 value holds, left out).
std::string set_text(const Ranges& r) {
  Ranges valid;
  for (auto [lo, hi] : r) {
    if (lo < kSurrogateLo) valid.emplace_back(lo, std::min<char32_t>(hi, kSurrogateLo - 1));
    if (hi > kSurrogateHi) valid.emplace_back(std::max<char32_t>(lo, kSurrogateHi + 1), hi);
  }
  if (valid == Ranges{{0, kSurrogateLo - 1}, {kSurrogateHi + 1, kMaxCodePoint}}) return ".";
  if (valid.size() == 1 && valid[0].first == valid[0].second) {
    const char32_t c = valid[0].first;
    if (c < 0x80) return code_point(c);
    std::string out;
    kql::text::encode(out, c);
    return out;
  }
  std::string out = "[";
  for (auto [lo, hi] : valid) out += hi == lo ? code_point(lo) : code_point(lo) + "-" + code_point(hi);
  return out + "]";
}

}  // namespace

std::string print_hyperscan(const Rx& rx) {
  std::string out;
  switch (rx.kind) {
    case Rx::Kind::Set: return rx.text.empty() ? set_text(rx.ranges) : rx.text;
    case Rx::Kind::Eps: return "(?:)";
    case Rx::Kind::AnyString: return "(?:.*)";
    case Rx::Kind::Group: return "(?:" + print_hyperscan(*rx.kids[0]) + ")";
    case Rx::Kind::Repeat: return "(?:" + print_hyperscan(*rx.kids[0]) + ")" + rx.text;
    case Rx::Kind::Concat:
      for (const auto& k : rx.kids) out += print_hyperscan(*k);
      return out;
    case Rx::Kind::Union:
      for (size_t i = 0; i < rx.kids.size(); ++i) out += (i ? "|" : "") + print_hyperscan(*rx.kids[i]);
      return out;
    case Rx::Kind::Inter:
    case Rx::Kind::Compl:
    case Rx::Kind::Nothing: break;  // needs_automaton
  }
  return out;
}

namespace {

struct TooLarge {
  std::string why;
};

// Regular expressions with intersection and complement, hash-consed and kept in a normal form
// (associative, commutative and idempotent unions and intersections), so that the derivatives of
// a regex are finitely many (Brzozowski; Owens, Reppy and Turon 2009).
class Terms {
 public:
  enum Kind : uint8_t { kEmpty, kEps, kSet, kCat, kAlt, kAnd, kNot, kStar };
  struct Term {
    Kind kind;
    uint32_t a = 0, b = 0;        // kSet: its set; kCat: head, tail; kNot, kStar: the operand
    std::vector<uint32_t> kids;   // kAlt, kAnd: sorted, distinct
    bool nullable = false;
  };

  Terms() {
    make({kEmpty, 0, 0, {}, false});
    make({kEps, 0, 0, {}, true});
  }
  static constexpr uint32_t kEmptyId = 0, kEpsId = 1;
  const Term& at(uint32_t t) const { return terms_[t]; }
  const std::vector<Ranges>& sets() const { return sets_; }
  bool holds(uint32_t set, char32_t c) const {
    const Ranges& r = sets_[set];
    auto it = std::upper_bound(r.begin(), r.end(), std::pair<char32_t, char32_t>(c, kMaxCodePoint + 1));
    return it != r.begin() && std::prev(it)->second >= c;
  }

  uint32_t set(Ranges r) {
    if (r.empty()) return kEmptyId;
    std::string key;
    for (auto [lo, hi] : r) key += fmt::format("{:x}-{:x},", static_cast<unsigned>(lo), static_cast<unsigned>(hi));
    auto [it, fresh] = set_index_.try_emplace(key, static_cast<uint32_t>(sets_.size()));
    if (fresh) sets_.push_back(std::move(r));
    return make({kSet, it->second, 0, {}, false});
  }
  uint32_t top() { return negate(kEmptyId); }  // every string
  uint32_t cat(uint32_t x, uint32_t y) {
    if (x == kEmptyId || y == kEmptyId) return kEmptyId;
    if (x == kEpsId) return y;
    if (y == kEpsId) return x;
    if (terms_[x].kind == kCat) {  // right-nested
      const uint32_t head = terms_[x].a, tail = terms_[x].b;
      return cat(head, cat(tail, y));
    }
    return make({kCat, x, y, {}, terms_[x].nullable && terms_[y].nullable});
  }
  uint32_t alt(std::vector<uint32_t> ks) { return lattice(kAlt, std::move(ks)); }
  uint32_t both(std::vector<uint32_t> ks) { return lattice(kAnd, std::move(ks)); }
  uint32_t negate(uint32_t x) {
    if (terms_[x].kind == kNot) return terms_[x].a;
    return make({kNot, x, 0, {}, !terms_[x].nullable});
  }
  uint32_t star(uint32_t x) {
    if (x == kEmptyId || x == kEpsId) return kEpsId;
    if (terms_[x].kind == kStar) return x;
    return make({kStar, x, 0, {}, true});
  }

  // The derivative of t by code point c (c stands for its whole class of the partition).
  uint32_t derive(uint32_t t, char32_t c) {
    const auto key = std::make_pair(t, c);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    if (++derived_ > kMaxDerivatives) throw TooLarge{"its automaton takes more than a million derivatives to build"};
    const Term term = terms_[t];  // a copy: making terms may move the vector
    uint32_t r = kEmptyId;
    switch (term.kind) {
      case kEmpty:
      case kEps: r = kEmptyId; break;
      case kSet: r = holds(term.a, c) ? kEpsId : kEmptyId; break;
      case kCat: {
        const uint32_t first = cat(derive(term.a, c), term.b);
        r = terms_[term.a].nullable ? alt({first, derive(term.b, c)}) : first;
        break;
      }
      case kAlt:
      case kAnd: {
        std::vector<uint32_t> ds;
        for (uint32_t k : term.kids) ds.push_back(derive(k, c));
        r = term.kind == kAlt ? alt(std::move(ds)) : both(std::move(ds));
        break;
      }
      case kNot: r = negate(derive(term.a, c)); break;
      case kStar: r = cat(derive(term.a, c), t); break;
    }
    memo_[key] = r;
    return r;
  }

 private:
  struct PairHash {
    size_t operator()(const std::pair<uint32_t, char32_t>& p) const { return (size_t{p.first} << 21) ^ p.second; }
  };

  uint32_t lattice(Kind kind, std::vector<uint32_t> ks) {
    // Unit and zero: for a union the empty language and every string, for an intersection the reverse.
    const uint32_t unit = kind == kAlt ? kEmptyId : top();
    const uint32_t zero = kind == kAlt ? top() : kEmptyId;
    std::vector<uint32_t> flat;
    for (uint32_t k : ks) {
      if (terms_[k].kind == kind) flat.insert(flat.end(), terms_[k].kids.begin(), terms_[k].kids.end());
      else flat.push_back(k);
    }
    std::sort(flat.begin(), flat.end());
    flat.erase(std::unique(flat.begin(), flat.end()), flat.end());
    flat.erase(std::remove(flat.begin(), flat.end(), unit), flat.end());
    if (std::find(flat.begin(), flat.end(), zero) != flat.end()) return zero;
    if (flat.empty()) return unit;
    if (flat.size() == 1) return flat[0];
    bool nullable = kind == kAnd;
    for (uint32_t k : flat) nullable = kind == kAlt ? nullable || terms_[k].nullable : nullable && terms_[k].nullable;
    return make({kind, 0, 0, std::move(flat), nullable});
  }

  uint32_t make(Term t) {
    std::string key = fmt::format("{}:{}:{}:", static_cast<int>(t.kind), t.a, t.b);
    for (uint32_t k : t.kids) key += fmt::format("{},", k);
    auto [it, fresh] = index_.try_emplace(std::move(key), static_cast<uint32_t>(terms_.size()));
    if (fresh) {
      if (terms_.size() >= kMaxTerms) throw TooLarge{"its automaton needs more than 200,000 terms"};
      terms_.push_back(std::move(t));
    }
    return it->second;
  }

  std::vector<Term> terms_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<Ranges> sets_;
  std::unordered_map<std::string, uint32_t> set_index_;
  std::unordered_map<std::pair<uint32_t, char32_t>, uint32_t, PairHash> memo_;
  size_t derived_ = 0;
};

uint32_t build(Terms& t, const Rx& rx, bool caseless) {
  switch (rx.kind) {
    case Rx::Kind::Set: return t.set(caseless ? ascii_case_closed(rx.ranges) : rx.ranges);
    case Rx::Kind::Eps: return Terms::kEpsId;
    case Rx::Kind::Nothing: return Terms::kEmptyId;
    case Rx::Kind::AnyString: return t.top();
    case Rx::Kind::Group: return build(t, *rx.kids[0], caseless);
    case Rx::Kind::Compl: return t.negate(build(t, *rx.kids[0], caseless));
    case Rx::Kind::Concat: {
      uint32_t r = Terms::kEpsId;
      for (auto it = rx.kids.rbegin(); it != rx.kids.rend(); ++it) r = t.cat(build(t, **it, caseless), r);
      return r;
    }
    case Rx::Kind::Union:
    case Rx::Kind::Inter: {
      std::vector<uint32_t> ks;
      for (const auto& k : rx.kids) ks.push_back(build(t, *k, caseless));
      return rx.kind == Rx::Kind::Union ? t.alt(std::move(ks)) : t.both(std::move(ks));
    }
    case Rx::Kind::Repeat: {
      const uint32_t r = build(t, *rx.kids[0], caseless);
      if (static_cast<size_t>(rx.min) > kMaxRepeat || (rx.max >= 0 && static_cast<size_t>(rx.max) > kMaxRepeat))
        throw TooLarge{"a repetition count over 1,000 with & ~ or #"};
      uint32_t tail = rx.max < 0 ? t.star(r) : Terms::kEpsId;
      for (int i = rx.min; rx.max >= 0 && i < rx.max; ++i) tail = t.alt({Terms::kEpsId, t.cat(r, tail)});
      for (int i = 0; i < rx.min; ++i) tail = t.cat(r, tail);
      return tail;
    }
  }
  return Terms::kEmptyId;
}

// An expression being written by state elimination: `alt` when it has a top-level `|`, `eps`
// when it is the empty string.
struct Re {
  std::string s;
  bool alt = false, eps = false;
};
Re eps_re() { return {"", false, true}; }
std::string grouped(const Re& r) { return r.alt ? "(?:" + r.s + ")" : r.s; }
Re concat(const Re& x, const Re& y) {
  if (x.eps) return y;
  if (y.eps) return x;
  return {grouped(x) + grouped(y), false, false};
}
Re either(const Re& x, const Re& y) {
  if (x.s == y.s && x.eps == y.eps) return x;
  if (x.eps) return {"(?:" + y.s + ")?", false, false};
  if (y.eps) return {"(?:" + x.s + ")?", false, false};
  return {x.s + "|" + y.s, true, false};
}
Re repeated(const Re& x) { return x.eps ? x : Re{"(?:" + x.s + ")*", false, false}; }

}  // namespace

bool automaton_expression(const Rx& rx, bool caseless, std::string& expression, bool& never, std::string& why) {
  never = false;
  try {
    Terms terms;
    const uint32_t root = build(terms, rx, caseless);
    // The classes: code points no set tells apart (surrogates left out: no value holds one).
    std::vector<char32_t> cuts = {0, kSurrogateLo, kSurrogateHi + 1};
    for (const Ranges& r : terms.sets())
      for (auto [lo, hi] : r) cuts.push_back(lo), cuts.push_back(hi + 1);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    while (!cuts.empty() && cuts.back() > kMaxCodePoint) cuts.pop_back();
    std::vector<std::pair<char32_t, char32_t>> classes;
    for (size_t i = 0; i < cuts.size(); ++i) {
      const char32_t hi = i + 1 < cuts.size() ? cuts[i + 1] - 1 : kMaxCodePoint;
      if (cuts[i] >= kSurrogateLo && hi <= kSurrogateHi) continue;
      classes.emplace_back(cuts[i], hi);
    }

    // The DFA: one state per distinct derivative; the empty language is the dead state (no edge).
    std::vector<uint32_t> state_term = {root};
    std::unordered_map<uint32_t, size_t> state_of = {{root, 0}};
    std::vector<std::map<size_t, Ranges>> edges(1);
    for (size_t s = 0; s < state_term.size(); ++s) {
      for (const auto& cls : classes) {
        const uint32_t d = terms.derive(state_term[s], cls.first);
        if (d == Terms::kEmptyId) continue;
        auto [it, fresh] = state_of.try_emplace(d, state_term.size());
        if (fresh) {
          if (state_term.size() >= kMaxStates) throw TooLarge{"its automaton has more than 2,000 states"};
          state_term.push_back(d);
          edges.emplace_back();
        }
        edges[s][it->second].push_back(cls);
      }
    }
    const size_t n = state_term.size();
    // Only states from which an accepting one can be reached matter.
    std::vector<std::vector<size_t>> preds(n);
    for (size_t s = 0; s < n; ++s)
      for (const auto& [to, r] : edges[s]) preds[to].push_back(s);
    std::vector<bool> live(n, false);
    std::vector<size_t> work;
    for (size_t s = 0; s < n; ++s)
      if (terms.at(state_term[s]).nullable) live[s] = true, work.push_back(s);
    while (!work.empty()) {
      const size_t s = work.back();
      work.pop_back();
      for (size_t p : preds[s])
        if (!live[p]) live[p] = true, work.push_back(p);
    }
    if (!live[0]) {
      never = true;
      return true;
    }

    // State elimination over the live states, plus a start (n) and a final (n + 1) node.
    const size_t start = n, final_node = n + 1;
    std::vector<std::map<size_t, Re>> out(n + 2);
    std::vector<std::set<size_t>> in(n + 2);
    size_t written = 0;
    auto add = [&](size_t from, size_t to, const Re& r) {
      auto [it, fresh] = out[from].try_emplace(to, r);
      if (!fresh) it->second = either(it->second, r);
      in[to].insert(from);
      written += it->second.s.size();
      if (it->second.s.size() > kMaxExpression || written > kMaxWritten)
        throw TooLarge{"its automaton is too large to write as an expression"};
    };
    add(start, 0, eps_re());
    for (size_t s = 0; s < n; ++s) {
      if (!live[s]) continue;
      if (terms.at(state_term[s]).nullable) add(s, final_node, eps_re());
      for (const auto& [to, r] : edges[s])
        if (live[to]) add(s, to, {set_text(normalized(r)), false, false});
    }
    std::set<size_t> left;
    for (size_t s = 0; s < n; ++s)
      if (live[s]) left.insert(s);
    while (!left.empty()) {
      // The state whose removal writes the fewest new edges.
      size_t k = *left.begin(), best = SIZE_MAX;
      for (size_t s : left) {
        const size_t cost = in[s].size() * out[s].size();
        if (cost < best) best = cost, k = s;
      }
      left.erase(k);
      const auto self = out[k].find(k);
      const Re loop = self == out[k].end() ? eps_re() : repeated(self->second);
      std::vector<std::pair<size_t, Re>> succs;
      for (const auto& [q, r] : out[k])
        if (q != k) succs.emplace_back(q, r);
      for (size_t p : in[k]) {
        if (p == k) continue;
        const Re into = concat(out[p].at(k), loop);
        for (const auto& [q, r] : succs) add(p, q, concat(into, r));
        out[p].erase(k);
      }
      for (const auto& [q, r] : succs) in[q].erase(k);
      out[k].clear();
      in[k].clear();
    }
    const auto whole = out[start].find(final_node);
    if (whole == out[start].end()) {
      never = true;
      return true;
    }
    expression = whole->second.eps ? "" : whole->second.s;
    return true;
  } catch (TooLarge& t) {
    why = t.why;
    return false;
  }
}

}  // namespace rulec::lucene
