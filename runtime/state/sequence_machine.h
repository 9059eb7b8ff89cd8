// EQL sequence state per rule and join key: Elasticsearch's "newest partial wins" state machine on a stream.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/common/byte_io.h"
#include "runtime/eval/rule_info.h"

namespace rulec::rt {

// The spec (../shared/spec/eql.md §4), per sequence rule:
// - Order: an event's ordinal is (@timestamp in ms, arrival); a stage's event must be strictly
//   after the previous stage's.
// - Keys: the term's key values (the sequence's `by` keys then its own), compared by position,
//   exact; a missing non-optional key makes the event unusable for that term; a multi-valued key
//   gives one candidate per value (the caller passes every combination).
// - Event E matching stage s: s = 0 adds the partial [E]; otherwise the newest partial of stage
//   s-1 with an earlier ordinal is taken, and it and every older partial there are removed; it is
//   dropped when E's time minus its first event's time exceeds maxspan (equal is fine) or when an
//   until event of the same key lies in [its last ordinal, E's); otherwise E joins it and it moves
//   to stage s, or completes at the last stage. `runs=N` is the term repeated N times.
// - Missing events ![M] (same key, by time, strictly): a middle one between two positives rejects;
//   leading: accepted when no M precedes the first event or the latest one is more than maxspan
//   before the last event; trailing: accepted when no M follows the last event within maxspan of
//   the first, which a stream knows only once time passes first + maxspan (or the input ends).
// - Memory: partials that can no longer complete within maxspan are dropped as time moves on; each
//   (key, stage) keeps at most kMaxPartials (the oldest evicted and counted).
// - Samples (spec.sample; eql.md §4 `sample`, Kibana's window §6): the filters are unordered. Per
//   key, each filter keeps its events of the last maxspan (the rule's window, interval + lookback);
//   once every filter holds one, the sample is the earliest event of each filter, in filter order
//   (one event may stand for two filters, as Elasticsearch runs each filter as a search of its
//   own), and those events are used up (max_samples_per_key = 1: the next sample of the key is
//   made of later events). Decisions (?) recorded here: Kibana's overlapping windows find a sample
//   again until its events leave the window, with the same alert ids (deduplicated); a stream
//   raises it once.
class SequenceMachine {
 public:
  static constexpr size_t kMaxPartials = 64;
  static constexpr int64_t kMaxTime = int64_t{1} << 53;  // |event time| in ms a decoded state may hold
  static constexpr size_t kMaxKeys = 1 << 20;  // keys with state; past it the stalest key is evicted

  struct Step {
    std::string raw;  // the event, as read
    int64_t time = 0;
    uint64_t arrival = 0;
  };
  using Completed = std::vector<Step>;  // the positive events, in order

  explicit SequenceMachine(const SequenceSpec& spec);

  // Event `raw` (time, arrival) matched term `term` (terms.size(): the until term) with join key
  // `key` (the key values joined by join_key). Completed sequences are appended to `out`.
  // Arrivals count from where the restored state left off (the caller's counter restarts at 0).
  void on_term(uint32_t term, const std::string& key, std::string_view raw, int64_t time, uint64_t arrival,
               std::vector<Completed>& out);
  // Time moved on to `now` (the largest event time seen): sequences waiting on a trailing
  // missing event are released once now > first + maxspan; partials too old to complete dropped.
  void advance(int64_t now, std::vector<Completed>& out);
  // The input ended: every sequence waiting on a trailing missing event is released.
  void flush(std::vector<Completed>& out);

  // The whole state as bytes (a checkpoint's), and back. decode validates every count and index
  // against the spec the machine was made for; false with the reason leaves the machine empty.
  void encode(ByteWriter& w) const;
  [[nodiscard]] bool decode(ByteReader& r, std::string& error);

  // The earliest time a sequence waiting on a trailing missing event is released (advance(now)
  // with now past it), or INT64_MAX when none waits.
  int64_t next_release() const;

  size_t partials() const { return partials_; }
  size_t bytes() const { return bytes_; }
  uint64_t evictions() const { return evictions_; }

  // The join key of one combination of key values: length-prefixed, so no value can fake a split.
  static void join_key(const std::vector<std::string_view>& values, std::string& out);

 private:
  struct Partial {
    std::vector<Step> steps;
    int64_t first_time() const { return steps.front().time; }
    int64_t last_time() const { return steps.back().time; }
    uint64_t last_arrival() const { return steps.back().arrival; }
  };
  struct Pending {  // complete, waiting out a trailing missing event
    Partial p;
  };
  struct KeyState {
    std::vector<std::deque<Partial>> stages;  // per positive stage but the last, ordered by last ordinal
    std::vector<std::pair<int64_t, uint64_t>> until;  // until events (time, arrival), in arrival order
    std::vector<std::vector<int64_t>> missing;  // per missing term: the times seen
    std::vector<Pending> pending;
    int64_t touched = 0;  // the latest event time that reached this key
  };

  // The positive stages (runs expanded) and where the missing terms sit between them.
  struct MissingTerm {
    uint32_t term = 0;
    size_t before_stage = 0;  // 0: leading; stages.size(): trailing; else between stage-1 and stage
  };

  bool later(const Step& a, int64_t time, uint64_t arrival) const {  // (time, arrival) after a's
    return time > a.time || (time == a.time && arrival > a.arrival);
  }
  void accept(KeyState& ks, Partial p, std::vector<Completed>& out);
  size_t stage_lists() const;  // lists per key: stages but the last, or a sample's filters
  void take_sample(KeyState& ks, std::vector<Completed>& out);
  bool rejected_by_missing(const KeyState& ks, const Partial& p, bool trailing_too) const;
  void forget(Partial& p);
  void add_bytes(const Partial& p);
  void evict_stalest_key();

  SequenceSpec spec_;
  std::vector<uint32_t> stage_term_;        // per positive stage: its term
  std::vector<MissingTerm> missing_terms_;
  bool has_trailing_ = false;
  std::unordered_map<std::string, KeyState> keys_;
  size_t partials_ = 0, bytes_ = 0;
  uint64_t evictions_ = 0;
  int64_t now_ = INT64_MIN;
  uint64_t arrival_base_ = 0;  // added to the caller's arrivals: past every restored one
  uint64_t max_arrival_ = 0;
};

}  // namespace rulec::rt
