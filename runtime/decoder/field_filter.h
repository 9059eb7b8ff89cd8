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
    uint64_t seed = 0;       // children: edges_[table + (mix(segment) * seed >> shift)], with a seed
    uint32_t table = 0;      // that puts them in distinct slots (else `chained`: see child())
    uint32_t shift = 63;
    uint32_t slot = kNoSlot;  // the first listed index of `path`
    bool kept = false;        // at or below a kept prefix (or keep_all): every leaf here is kept
    bool chained = false;     // two children share a slot (no seed separated them)
    bool wants_leaf = false;    // a scalar here is kept: kept || slot != kNoSlot
    bool wants_object = false;  // an object here may hold a kept leaf: kept || it has children (||
                                // wants_leaf at the root, whose objects' "" keys stay at the root)
    bool plain = false;         // kept, and no listed path at or below: the unfiltered walk gives the same
  };
  [[nodiscard]] const Node* root() const { return nodes_.data(); }
  // What step() gives for an unlisted path: wants nothing, has no children, slot kNoSlot.
  [[nodiscard]] const Node* miss() const { return &nodes_[miss_]; }

  // Where a key (one or more segments) leads from `n`: its node, or miss() with `kept` telling
  // whether the unlisted path is still inside a kept subtree. An empty key at the root stays there,
  // as the decoder's flattening joins it to nothing. When `padded`, 8 bytes from any byte of `key`
  // may be read (even past its end): true for keys in the decoder's padded input.
  // Built for the decoder's hot path: a key of up to 16 bytes costs one multiply, one table slot
  // and no data-dependent branch (whether a key is listed is hard to predict).
  [[nodiscard]] const Node* step(const Node* n, std::string_view key, bool padded, bool& kept) const {
    kept = n->kept;
    const size_t len = key.size();
    if (!padded || len > 16 || len == 0 || n->chained) [[unlikely]]
      return step_slow(n, key, padded, kept);
    uint64_t w0, w1;
    std::memcpy(&w0, key.data(), 8);
    std::memcpy(&w1, key.data() + (len > 8 ? len - 8 : 0), 8);
    w0 &= kFirstBytes[len < 8 ? len : 8];
    w1 &= len > 8 ? ~uint64_t{0} : 0;
    const Edge& e = edges_[n->table + ((mix(len, w0, w1) * n->seed) >> n->shift)];
    const uint32_t match = (e.w0 == w0) & (e.w1 == w1) & (e.len == len);
    if ((match == 0) & ((dots(w0) | dots(w1)) != 0)) [[unlikely]]  // "a.b": segment by segment
      return step_slow(n, key, padded, kept);
    return &nodes_[miss_ ^ ((e.child ^ miss_) & (0u - match))];
  }

 private:
  static_assert(std::endian::native == std::endian::little, "step() reads keys as little-endian words");
  struct Edge {
    uint64_t w0 = 0, w1 = 0;  // the segment's first and last 8 bytes (see words())
    uint32_t len = kNoSlot;   // kNoSlot: an empty slot (matches no segment)
    uint32_t child = 0;       // miss_ in an empty slot
    uint32_t next = kNoSlot;  // another child in this slot (only in `chained` nodes)
  };
  static constexpr uint64_t kFirstBytes[9] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFF, 0xFFFFFFFFFFFF,
                                              0xFFFFFFFFFFFFFF, ~uint64_t{0}};

  // A segment as two words, zero-filled: bytes [0, 8) and [len - 8, len) (0 when len <= 8). Two
  // segments of one length up to 16 bytes are equal exactly when their words are.
  static void words(std::string_view s, uint64_t& w0, uint64_t& w1) {
    const size_t len = s.size();
    w0 = 0;
    w1 = 0;
    std::memcpy(&w0, s.data(), len < 8 ? len : 8);
    if (len > 8) std::memcpy(&w1, s.data() + len - 8, 8);
  }
  static uint64_t mix(size_t len, uint64_t w0, uint64_t w1) {
    return w0 ^ (w1 * 0x9E3779B97F4A7C15ull) ^ (uint64_t{len} << 56);
  }
  static uint64_t dots(uint64_t w) {  // a high bit at each '.' byte (and maybe above one)
    constexpr uint64_t kOnes = 0x0101010101010101ull, kDots = 0x2E * kOnes, kHigh = 0x80 * kOnes;
    const uint64_t x = w ^ kDots;
    return (x - kOnes) & ~x & kHigh;
  }
  const Node* child(const Node* n, std::string_view seg) const;  // one segment, any length; nullptr if none
  const Node* step_slow(const Node* n, std::string_view key, bool padded, bool& kept) const;

  std::unique_ptr<char[]> text_;  // every node's path
  std::vector<Node> nodes_;       // nodes_[0] is the root; parents come before their children
  std::vector<uint32_t> slot_nodes_;
  std::vector<Edge> edges_;       // each node's children table, then chained collisions
  uint32_t miss_ = 0;             // the last node: see miss()
};

}  // namespace rulec::rt
