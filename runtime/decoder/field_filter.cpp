// Field filter construction: the trie of path segments and each node's table of children (see field_filter.h).
#include "runtime/decoder/field_filter.h"

#include <map>
#include <utility>

namespace rulec::rt {

namespace {

// Calls fn(segment) for each '.'-separated segment of a non-empty path ("a..b" has an empty one),
// until fn returns false.
template <class Fn>
void for_each_segment(std::string_view path, Fn&& fn) {
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    if (!fn(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) return;
    if (dot == std::string_view::npos) return;
    start = dot + 1;
  }
}

}  // namespace

FieldFilter::FieldFilter(const std::vector<std::string>& paths, const std::vector<std::string>& prefixes,
                         bool keep_all) {
  struct Build {
    uint32_t parent = 0;
    std::string path;
    size_t seg_len = 0;  // the last segment: the end of `path`
    uint32_t slot = kNoSlot;
    bool kept = false;
    std::vector<uint32_t> children;
  };
  std::vector<Build> b(1);
  std::map<std::pair<uint32_t, std::string>, uint32_t, std::less<>> index;
  auto insert = [&](std::string_view path) -> uint32_t {
    uint32_t cur = 0;
    if (path.empty()) return cur;  // the root: see step()
    for_each_segment(path, [&](std::string_view seg) {
      auto [it, added] = index.try_emplace({cur, std::string(seg)}, static_cast<uint32_t>(b.size()));
      if (added) {
        Build node;
        node.parent = cur;
        node.path = cur == 0 ? std::string(seg) : b[cur].path + "." + std::string(seg);
        node.seg_len = seg.size();
        b[cur].children.push_back(it->second);
        b.push_back(std::move(node));
      }
      cur = it->second;
      return true;
    });
    return cur;
  };
  slot_nodes_.reserve(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const uint32_t n = insert(paths[i]);
    if (b[n].slot == kNoSlot) b[n].slot = static_cast<uint32_t>(i);
    slot_nodes_.push_back(n);
  }
  for (const std::string& p : prefixes) b[insert(p)].kept = true;
  if (keep_all) b[0].kept = true;
  for (size_t i = 1; i < b.size(); ++i) b[i].kept = b[i].kept || b[b[i].parent].kept;  // parents come first

  size_t total = 0;
  for (const Build& n : b) total += n.path.size();
  text_ = std::make_unique<char[]>(total + 1);
  nodes_.resize(b.size() + 1);  // and the miss() node, last
  miss_ = static_cast<uint32_t>(b.size());
  nodes_[miss_].path = std::string_view(text_.get(), 0);
  size_t at = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!b[i].path.empty()) std::memcpy(text_.get() + at, b[i].path.data(), b[i].path.size());
    Node& n = nodes_[i];
    n.path = std::string_view(text_.get() + at, b[i].path.size());
    at += b[i].path.size();
    n.slot = b[i].slot;
    n.kept = b[i].kept;
    n.wants_leaf = n.kept || n.slot != kNoSlot;
    n.wants_object = n.kept || !b[i].children.empty() || (i == 0 && n.wants_leaf);  // {"":1} is a root leaf
  }
  std::vector<bool> listed_below(b.size(), false);  // a slot at or below: children come after parents
  for (size_t i = b.size(); i-- > 0;) {
    listed_below[i] = listed_below[i] || b[i].slot != kNoSlot;
    if (i > 0 && listed_below[i]) listed_below[b[i].parent] = true;
    nodes_[i].plain = nodes_[i].kept && !listed_below[i];
  }

  // Each node's children in a table of 2^k slots, with a multiplier that puts them in distinct
  // slots: tried from a fixed sequence, with tables up to 4 times the number of children.
  uint64_t rng = 0x243F6A8885A308D3ull;
  auto next_seed = [&] {  // splitmix64, odd
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (z ^ (z >> 31)) | 1;
  };
  Edge empty;
  empty.child = miss_;
  edges_.assign(1, empty);  // slot 0: the table of every node without children (seed 0)
  std::vector<Edge> chained;
  for (size_t p = 0; p < b.size(); ++p) {
    if (b[p].children.empty()) continue;
    Node& n = nodes_[p];
    std::vector<Edge> es;
    for (uint32_t c : b[p].children) {
      Edge e;
      words(std::string_view(nodes_[c].path).substr(nodes_[c].path.size() - b[c].seg_len), e.w0, e.w1);
      e.len = static_cast<uint32_t>(b[c].seg_len);
      e.child = c;
      es.push_back(e);
    }
    uint32_t bits = 1;
    while ((size_t{1} << bits) < es.size()) ++bits;
    uint64_t best_seed = 1;
    uint32_t best_bits = bits;
    size_t best_collisions = SIZE_MAX;
    for (uint32_t k = bits; k <= bits + 2 && best_collisions > 0; ++k) {
      for (int tries = 0; tries < 200 && best_collisions > 0; ++tries) {
        const uint64_t seed = next_seed();
        std::vector<bool> used(size_t{1} << k, false);
        size_t collisions = 0;
        for (const Edge& e : es) {
          const size_t slot = (mix(e.len, e.w0, e.w1) * seed) >> (64 - k);
          collisions += used[slot];
          used[slot] = true;
        }
        if (collisions < best_collisions) {
          best_collisions = collisions;
          best_seed = seed;
          best_bits = k;
        }
      }
    }
    n.table = static_cast<uint32_t>(edges_.size());
    n.seed = best_seed;
    n.shift = 64 - best_bits;
    n.chained = best_collisions > 0;
    edges_.resize(edges_.size() + (size_t{1} << best_bits), empty);
    for (const Edge& e : es) {
      const size_t slot = n.table + ((mix(e.len, e.w0, e.w1) * best_seed) >> n.shift);
      if (edges_[slot].len == kNoSlot) {
        edges_[slot] = e;
      } else {  // e.g. long segments alike at both ends: chained after the tables
        chained.push_back(e);
        chained.back().next = edges_[slot].next;
        edges_[slot].next = kNoSlot - 1 - static_cast<uint32_t>(chained.size() - 1);  // fixed up below
      }
    }
  }
  const uint32_t base = static_cast<uint32_t>(edges_.size());
  auto fix = [&](uint32_t& link) {
    if (link != kNoSlot) link = base + (kNoSlot - 1 - link);
  };
  for (Edge& e : edges_) fix(e.next);
  for (Edge& e : chained) fix(e.next);
  edges_.insert(edges_.end(), chained.begin(), chained.end());
}

const FieldFilter::Node* FieldFilter::child(const Node* n, std::string_view seg) const {
  uint64_t w0, w1;
  words(seg, w0, w1);
  const size_t len = seg.size();
  uint32_t i = n->table + static_cast<uint32_t>((mix(len, w0, w1) * n->seed) >> n->shift);
  do {
    const Edge& e = edges_[i];
    if (e.len == len && e.w0 == w0 && e.w1 == w1 &&
        (len <= 16 || std::memcmp(nodes_[e.child].path.data() + nodes_[e.child].path.size() - len + 8, seg.data() + 8,
                                  len - 16) == 0))
      return &nodes_[e.child];
    i = e.next;
  } while (i != kNoSlot);
  return nullptr;
}

const FieldFilter::Node* FieldFilter::step_slow(const Node* n, std::string_view key, bool, bool& kept) const {
  if (key.empty() && n == root()) return n;
  kept = n->kept;
  if (const Node* c = child(n, key)) return c;
  if (key.find('.') == std::string_view::npos) return miss();
  for_each_segment(key, [&](std::string_view seg) {
    kept = n->kept;
    n = child(n, seg);
    return n != nullptr;
  });
  return n ? n : miss();
}

uint32_t FieldFilter::slot_of(std::string_view path) const {
  bool kept = false;
  return step(root(), path, false, kept)->slot;
}

bool FieldFilter::keeps(std::string_view path) const {
  bool kept = false;
  const Node* n = step(root(), path, false, kept);
  return n == miss() ? kept : n->wants_leaf;
}

}  // namespace rulec::rt
