// An event's leaves indexed by path, and array-element scopes: field lookup of the reference evaluator and the on-demand tests.
#include "runtime/eval/event_index.h"

#include <algorithm>

namespace rulec::rt {

void EventIndex::reset(const Event& ev) {
  ev_ = &ev;
  order_.resize(ev.leaves.size());
  for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
  std::sort(order_.begin(), order_.end(), [&](uint32_t a, uint32_t b) {
    const int c = ev.leaves[a].path.compare(ev.leaves[b].path);
    return c != 0 ? c < 0 : a < b;
  });
  paths_.clear();
  for (uint32_t k = 0; k < order_.size(); ++k) {
    const std::string_view p = ev.leaves[order_[k]].path;
    if (paths_.empty() || paths_.back().path != p) paths_.push_back(PathEntry{p, k, k});
    paths_.back().end = k + 1;
  }
}

std::span<const uint32_t> EventIndex::leaves(std::string_view path) const {
  auto it = std::lower_bound(paths_.begin(), paths_.end(), path,
                             [](const PathEntry& e, std::string_view p) { return e.path < p; });
  if (it == paths_.end() || it->path != path) return {};
  return leaves_of(*it);
}

std::span<const PathEntry> EventIndex::paths_with_prefix(std::string_view prefix) const {
  auto lo = std::lower_bound(paths_.begin(), paths_.end(), prefix,
                             [](const PathEntry& e, std::string_view p) { return e.path < p; });
  auto hi = lo;
  while (hi != paths_.end() && hi->path.substr(0, prefix.size()) == prefix) ++hi;
  return std::span<const PathEntry>(paths_).subspan(static_cast<size_t>(lo - paths_.begin()),
                                                    static_cast<size_t>(hi - lo));
}

bool EventIndex::within(uint32_t s, uint32_t elem) const {
  if (elem == 0) return true;
  const auto& scopes = ev_->scopes;
  // Walk up the parents; the bound guards against a malformed scope table.
  for (size_t steps = 0; steps <= scopes.size(); ++steps) {
    if (s == elem) return true;
    if (s == 0 || s >= scopes.size()) return false;
    const uint32_t parent = scopes[s].parent;
    if (parent == s) return false;
    s = parent;
  }
  return false;
}

}  // namespace rulec::rt
