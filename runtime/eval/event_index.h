// An event's leaves indexed by path, and array-element scopes: field lookup of the reference evaluator and the on-demand tests.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/decoder/event.h"

namespace rulec::rt {

// One distinct leaf path of the event and its leaves (indexes into Event::leaves, document order).
struct PathEntry {
  std::string_view path;
  uint32_t begin = 0;  // into EventIndex::order()
  uint32_t end = 0;
};

// The leaves of one event sorted by path, built once per event for every rule. Reuses its storage:
// after warm-up, reset() does not allocate.
class EventIndex {
 public:
  void reset(const Event& ev);
  const Event& event() const { return *ev_; }

  // Every leaf with exactly this path (nulls included), in document order.
  std::span<const uint32_t> leaves(std::string_view path) const;
  // Every distinct path, sorted.
  const std::vector<PathEntry>& paths() const { return paths_; }
  // The distinct paths starting with `prefix` (a contiguous run of paths()).
  std::span<const PathEntry> paths_with_prefix(std::string_view prefix) const;
  std::span<const uint32_t> leaves_of(const PathEntry& e) const {
    return std::span<const uint32_t>(order_).subspan(e.begin, e.end - e.begin);
  }

  // Is scope `s` the element `elem` or inside it? Element 0 (the document root) holds everything.
  bool within(uint32_t s, uint32_t elem) const;
  // Leaf `i` lies inside element `elem`.
  bool leaf_within(uint32_t i, uint32_t elem) const { return within(ev_->leaves[i].scope, elem); }

 private:
  const Event* ev_ = nullptr;
  std::vector<uint32_t> order_;  // leaf indexes sorted by (path, index)
  std::vector<PathEntry> paths_;
};

}  // namespace rulec::rt
