// Shared state: the decisions of a batch of events waiting for Redis, and what this process already knows of the fleet.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/alerts/alert_json.h"
#include "runtime/shared/redis_client.h"
#include "runtime/state/rule_state.h"

namespace rulec::rt {

// A batch goes to Redis after this many events, or this many candidate alerts.
constexpr uint64_t kFleetBatchEvents = 1024;
constexpr size_t kFleetBatchCandidates = 4096;

struct FleetBatch {
  // An event some decision of the batch belongs to: its bytes (the alert embeds them) and the
  // watermark when it was read (the alert's @timestamp).
  struct EventCopy {
    std::string raw;
    int64_t watermark = 0;
    std::string takeover;  // a replayed stream entry of a consumer that died: its name
    bool replay = false;   // a replayed stream entry: decided by the fleet, not by the cache
  };
  // A would-be alert. Gated by a script call (new terms, threshold) whose answer says whether it
  // is one; then claimed against the rule's max_signals bucket, where the fleet decides who writes it.
  struct Candidate {
    uint32_t event = 0;
    uint32_t rule = 0;
    int64_t t = 0;
    AlertFacts facts;       // event_json and alert_time_ms filled when written
    uint32_t op = UINT32_MAX;  // the gating call in `calls` (none: a query rule's alert)
    uint32_t slot = 0;         // this candidate's occurrence in that call's answer
    bool raise = false;
  };
  // A script call being built: its command and, per occurrence, the candidate it gates (or none).
  struct Call {
    RedisCommand cmd;
    std::vector<uint32_t> candidates;  // UINT32_MAX: an occurrence that only refreshes last-seen
    uint8_t script = 0;  // FleetState::Script
    uint32_t rule = 0;
    Key128 cache_key;
    int64_t bucket = 0;
    int64_t max_t = INT64_MIN;
  };
  std::vector<EventCopy> events;
  int64_t current_event = -1;  // index in `events` of the event being read (-1: not copied yet)
  std::vector<Candidate> candidates;
  std::vector<Call> calls;
  std::unordered_map<std::string, uint32_t> call_of_key;  // key -> index in `calls`
  uint64_t events_seen = 0;  // since the last flush

  // What this process knows of the fleet (a cache: Redis stays the truth; all of it may be dropped).
  struct TermSeen {
    int64_t last = INT64_MIN;  // the fleet has seen the term at least this late
    int64_t sent = INT64_MIN;  // the latest time this process told the fleet
  };
  struct RuleCache {
    std::unordered_map<Key128, TermSeen, Key128Hash> terms;
    std::unordered_map<Key128, int64_t, Key128Hash> alerted_groups;  // group and bucket -> bucket
    std::map<int64_t, bool> full_buckets;                            // max_signals reached
  };
  std::vector<RuleCache> cache;
  std::vector<std::string> rule_keys;  // FleetState::rule_key of each rule

  void clear_batch() {
    events.clear();
    current_event = -1;
    candidates.clear();
    calls.clear();
    call_of_key.clear();
    events_seen = 0;
  }
  bool empty() const { return candidates.empty() && calls.empty(); }
};

}  // namespace rulec::rt
