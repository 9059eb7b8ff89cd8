// Field filter construction: the trie of path segments and its edge hash table (see field_filter.h).
#include "runtime/decoder/field_filter.h"

#include <map>
#include <utility>

namespace rulec::rt {

namespace {

// Calls fn(segment) for each '.'-separated segment of a non-empty path ("a..b" has an empty one).
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
    bool kept = false, has_children = false;
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
        b[cur].has_children = true;
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
  nodes_.resize(b.size());
  size_t at = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!b[i].path.empty()) std::memcpy(text_.get() + at, b[i].path.data(), b[i].path.size());
    Node& n = nodes_[i];
    n.path = std::string_view(text_.get() + at, b[i].path.size());
    at += b[i].path.size();
    n.id = static_cast<uint32_t>(i);
    n.slot = b[i].slot;
    n.kept = b[i].kept;
    n.has_children = b[i].has_children;
    n.wants_leaf = n.kept || n.slot != kNoSlot;
    n.wants_object = n.kept || n.has_children || (i == 0 && n.wants_leaf);  // {"":1} is a root leaf
  }
  std::vector<bool> listed_below(b.size(), false);  // a slot at or below: children come after parents
  for (size_t i = b.size(); i-- > 0;) {
    listed_below[i] = listed_below[i] || b[i].slot != kNoSlot;
    if (i > 0 && listed_below[i]) listed_below[b[i].parent] = true;
    nodes_[i].plain = nodes_[i].kept && !listed_below[i];
  }

  size_t cap = 64;
  while (cap < 4 * b.size()) cap *= 2;
  edges_.assign(cap, Edge{});
  mask_ = cap - 1;
  for (size_t i = 1; i < b.size(); ++i) {
    const std::string_view seg = nodes_[i].path.substr(nodes_[i].path.size() - b[i].seg_len);
    Edge e;
    words(seg, false, e.w0, e.w1);
    e.parent = b[i].parent;
    e.len = static_cast<uint32_t>(seg.size());
    e.child = static_cast<uint32_t>(i);
    const uint64_t h = hash(e.parent, e.len, e.w0, e.w1);
    nodes_[e.parent].bloom |= uint64_t{1} << (h >> 58);
    nodes_[e.parent].lengths |= uint64_t{1} << (e.len < 63 ? e.len : 63);
    size_t k = h & mask_;
    while (edges_[k].child != kNoSlot) k = (k + 1) & mask_;
    edges_[k] = e;
  }
}

const FieldFilter::Node* FieldFilter::step_dotted(const Node* n, std::string_view key, bool padded, bool& kept) const {
  for_each_segment(key, [&](std::string_view seg) {
    kept = n->kept;
    n = child(n, seg, padded);
    return n != nullptr;
  });
  return n;
}

uint32_t FieldFilter::slot_of(std::string_view path) const {
  bool kept = false;
  const Node* n = step(root(), path, false, kept);
  return n ? n->slot : kNoSlot;
}

bool FieldFilter::keeps(std::string_view path) const {
  bool kept = false;
  const Node* n = step(root(), path, false, kept);
  return n ? n->wants_leaf : kept;
}

}  // namespace rulec::rt
