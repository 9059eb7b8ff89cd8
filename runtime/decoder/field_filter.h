// Field filter: which flattened leaf paths the event decoder keeps, and the slot number of each listed path.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decoder/event.h"

namespace rulec::rt {

// Built once from what a compiled rule set reads, then given to Decoder::set_filter: the decoder
// then builds only the leaves kept here (every other part of the document is still validated, so
// acceptance and errors do not change), and numbers them: Leaf::slot is the index of the leaf's
// path in `paths`.
//
// Paths are flattened dotted paths, as in Leaf::path: a listed "process.parent.name" matches
// {"process":{"parent":{"name":..}}}, {"process.parent.name":..} and every mixed form. Internally a
// trie over the path's segments (split on '.'), so that the decoder decides per object key, without
// building the path string, whether the value below can hold a wanted leaf.
//
// A filter is immutable and may be shared by several decoders (and threads). Leaves and scopes
// decoded with it may point at its strings: it must outlive them and every decoder using it.
class FieldFilter {
 public:
  // `paths`: exact leaf paths; paths[i] gets slot i (a path listed twice keeps its first slot).
  // `prefixes`: subtrees kept whole: every leaf whose path equals a prefix or starts with it plus
  //   "." is kept (with its slot when its path is also listed, else kNoSlot). "" is the whole document.
  // `keep_all`: keep every leaf, as without a filter; listed paths still get their slots.
  explicit FieldFilter(const std::vector<std::string>& paths, const std::vector<std::string>& prefixes = {},
                       bool keep_all = false);
  FieldFilter(FieldFilter&&) noexcept = default;  // views into it stay valid (its storage does not move)
  FieldFilter& operator=(FieldFilter&&) noexcept = default;
  FieldFilter(const FieldFilter&) = delete;
  FieldFilter& operator=(const FieldFilter&) = delete;

  [[nodiscard]] uint32_t slot_count() const { return static_cast<uint32_t>(slot_nodes_.size()); }  // paths.size()
  [[nodiscard]] std::string_view path(uint32_t slot) const { return nodes_[slot_nodes_[slot]].path; }
  [[nodiscard]] uint32_t slot_of(std::string_view path) const;  // the first slot listing `path`, or kNoSlot
  [[nodiscard]] bool keeps(std::string_view path) const;        // is a leaf at `path` kept

  // ---- The trie, for the decoder ---------------------------------------------------------------
  struct Node {
    std::string_view path;   // the flattened path of this node ("" for the root)
    uint64_t seed = 0;       // children: edges_[table + (mix(segment) * seed >> shift)], chosen so
    uint32_t table = 0;      // that they land in distinct slots (a collision, if any, is chained)
    uint32_t shift = 63;
    uint32_t id = 0;
    uint32_t slot = kNoSlot;  // the first listed index of `path`
    bool kept = false;        // at or below a kept prefix (or keep_all): every leaf here is kept
    bool has_children = false;
    bool wants_leaf = false;    // a scalar here is kept: kept || slot != kNoSlot
    bool wants_object = false;  // an object here may hold a kept leaf: kept || has_children (|| wants_leaf
                                // at the root, whose objects' "" keys stay at the root)
    bool plain = false;         // kept, and no listed path at or below: the unfiltered walk gives the same
  };
  [[nodiscard]] const Node* root() const { return nodes_.data(); }

  // The child of `n` along one path segment (no '.' in it), or nullptr. When `padded`, 8 bytes from
  // seg.data() (even past its end) may be read: true for keys in the decoder's padded input.
  [[nodiscard]] const Node* child(const Node* n, std::string_view seg, bool padded) const {
    uint64_t w0, w1;
    words(seg, padded, w0, w1);
    return find(n, seg, w0, w1);
  }

  // Where a key (any number of segments) leads from `n`: the node, or nullptr with `kept` telling
  // whether the (unlisted) path is still inside a kept subtree. An empty key at the root stays
  // there, as the decoder's flattening joins it to nothing.
  [[nodiscard]] const Node* step(const Node* n, std::string_view key, bool padded, bool& kept) const {
    if (key.empty() && n == root()) return n;
    kept = n->kept;
    if (!n->has_children) return nullptr;
    uint64_t w0, w1;
    words(key, padded, w0, w1);
    if (const Node* c = find(n, key, w0, w1)) return c;  // the common case: a key without a dot
    if (!has_dot(key, padded, w0)) return nullptr;
    return step_dotted(n, key, padded, kept);
  }

 private:
  static_assert(std::endian::native == std::endian::little, "child() reads keys as little-endian words");
  struct Edge {
    uint64_t w0 = 0, w1 = 0;  // the segment's first and last 8 bytes (see words())
    uint32_t len = kNoSlot;   // kNoSlot: an empty slot (matches no segment)
    uint32_t child = kNoSlot;
    uint32_t next = kNoSlot;  // another child in this slot (only when no seed separates them)
  };

  // A segment as two words, zero-filled: bytes [0, 8) and [len - 8, len) (0 when len <= 8). Two
  // segments of one length up to 16 bytes are equal exactly when their words are.
  static void words(std::string_view s, bool padded, uint64_t& w0, uint64_t& w1) {
    const size_t len = s.size();
    w0 = 0;
    w1 = 0;
    if (padded) {
      std::memcpy(&w0, s.data(), 8);
      if (len < 8) w0 &= len == 0 ? 0 : ~uint64_t{0} >> (64 - 8 * len);
    } else {
      std::memcpy(&w0, s.data(), len < 8 ? len : 8);
    }
    if (len > 8) std::memcpy(&w1, s.data() + len - 8, 8);
  }
  static uint64_t mix(uint32_t len, uint64_t w0, uint64_t w1) {
    return w0 ^ (w1 * 0x9E3779B97F4A7C15ull) ^ (uint64_t{len} << 56);
  }
  // The child along `seg`, whose words() are w0 and w1: one slot, one comparison (usually).
  const Node* find(const Node* n, std::string_view seg, uint64_t w0, uint64_t w1) const {
    const uint32_t len = static_cast<uint32_t>(seg.size());
    uint32_t i = n->table + static_cast<uint32_t>((mix(len, w0, w1) * n->seed) >> n->shift);
    do {
      const Edge& e = edges_[i];
      if (e.w0 == w0 && e.len == len && e.w1 == w1 &&
          (len <= 16 || std::memcmp(nodes_[e.child].path.data() + nodes_[e.child].path.size() - len + 8,
                                    seg.data() + 8, len - 16) == 0))
        return &nodes_[e.child];
      i = e.next;
    } while (i != kNoSlot);
    return nullptr;
  }
  // Whether a key, whose first word is w0, has a '.': a word at a time when padded (no call).
  static bool has_dot(std::string_view key, bool padded, uint64_t w0) {
    if (!padded) return std::memchr(key.data(), '.', key.size()) != nullptr;
    constexpr uint64_t kOnes = 0x0101010101010101ull, kDots = 0x2E * kOnes, kHigh = 0x80 * kOnes;
    auto dots = [](uint64_t w) {  // a high bit at each '.' byte (and maybe above one)
      const uint64_t x = w ^ kDots;
      return (x - kOnes) & ~x & kHigh;
    };
    if (dots(w0)) return true;  // w0's bytes past the key are 0, not '.'
    for (size_t at = 8; at < key.size(); at += 8) {
      uint64_t w;
      std::memcpy(&w, key.data() + at, 8);
      const size_t left = key.size() - at;
      if (left < 8) w &= ~uint64_t{0} >> (64 - 8 * left);
      if (dots(w)) return true;
    }
    return false;
  }
  const Node* step_dotted(const Node* n, std::string_view key, bool padded, bool& kept) const;

  std::unique_ptr<char[]> text_;  // every node's path
  std::vector<Node> nodes_;       // nodes_[0] is the root; parents come before their children
  std::vector<uint32_t> slot_nodes_;
  std::vector<Edge> edges_;       // each node's children table, then chained collisions
};

}  // namespace rulec::rt
