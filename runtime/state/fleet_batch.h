// Shared state: the decisions of a batch of events waiting for Redis, the batch in flight, and what this process already knows of the fleet.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "runtime/alerts/alert_json.h"
#include "runtime/alerts/sequence_alerts.h"
#include "runtime/shared/redis_client.h"
#include "runtime/state/detector.h"
#include "runtime/state/rule_state.h"
#include "runtime/state/sequence_machine.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {

// No index (no rule, no entry).
constexpr uint32_t kNone = UINT32_MAX;

// A threshold or signals bucket's key must live until no event that is not late can reach the
// bucket (at least a minute).
inline int64_t bucket_ttl(const RuleInfo& r, int64_t bucket, int64_t watermark) {
  if (watermark == INT64_MIN) return 60000;
  return std::max<int64_t>(60000, (bucket + 2) * r.interval_ms + r.lookback_ms - watermark);
}

// A decimal integer, the whole of `s`.
inline bool text_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end && *end == '\0';
}

// An integer reply, or a string holding one.
inline bool reply_int(const RedisReply& r, int64_t& out) {
  if (r.type == RedisReply::Type::Integer) return out = r.integer, true;
  return r.type == RedisReply::Type::String && text_int(r.str, out);
}

// 128 bits as 32 hex digits, the form of the fleet's key parts.
inline std::string hex128(const Key128& k) { return fmt::format("{:016x}{:016x}", k.a, k.b); }
inline std::string hex128(std::pair<uint64_t, uint64_t> h) { return hex128(terms::key_of(h)); }

// A batch goes to Redis after this many events, or this many candidate alerts.
constexpr uint64_t kFleetBatchEvents = 1024;
constexpr size_t kFleetBatchCandidates = 4096;

// One batch: built by the reading thread, then resolved against Redis by a worker thread while
// the reading thread builds the next; its alerts are written by the reading thread.
struct FleetFlight {
  // An event some decision of the batch belongs to: its bytes (the alert embeds them; its id
  // hashes them, off the reading thread) and, for a replayed stream entry, whose it was.
  struct EventCopy {
    std::string raw;
    std::string takeover;  // a replayed stream entry of a consumer that died: its name
    bool replay = false;   // a replayed stream entry: decided by the fleet, not by the cache
    bool hashed = false, fast_hashed = false;
    std::pair<uint64_t, uint64_t> hash{};  // Hash128: in alert ids
    std::pair<uint64_t, uint64_t> fast{};  // fast_hash128: in the owners the shared state compares
  };
  // A would-be alert. Gated by a script call (new terms, threshold) whose answer says whether it
  // is one; then claimed against the rule's max_signals bucket, where the fleet decides who writes it.
  struct Candidate {
    uint32_t event = 0;
    uint32_t rule = 0;
    int64_t t = 0;
    AlertFacts facts;               // uuid filled by the worker; event_json when written
    std::vector<std::string> key;   // what the alert id hashes besides the event and the rule
    uint32_t op = UINT32_MAX;       // the gating call in `calls` (none: a query rule's alert)
    bool raise = false;
    bool write = false;             // the worker's verdict
  };
  // An argument the worker fills in: a candidate's alert id, or its event's id.
  struct Fill {
    uint32_t arg = 0;
    uint32_t candidate = 0;
    bool event_id = false;
  };
  // A script call: its command and, per occurrence, the candidate it gates (or none).
  struct Call {
    RedisCommand cmd;
    std::vector<uint32_t> candidates;  // UINT32_MAX: an occurrence that only refreshes last-seen
    std::vector<Fill> fills;
    uint8_t script = 0;  // FleetState::Script
    uint32_t rule = 0;
    Key128 cache_key;
    int64_t bucket = 0;
    int64_t max_t = INT64_MIN;  // new terms: the latest occurrence time in the call so far
  };
  struct TermUpdate {
    uint32_t rule;
    Key128 key;
    int64_t last;
    int64_t owner_t, older_max;  // FleetBatch::TermSeen's
  };
  struct GroupUpdate {
    uint32_t rule;
    Key128 key;
    int64_t bucket;
    int64_t owner_t;  // the time of the event that raised the bucket's alert
  };

  // A sequence term's match, landed in its rule's key by the worker (fleet_sequences.cpp).
  struct Landing {
    uint32_t rule = 0;  // the Sequence rule
    uint32_t term = 0;
    uint32_t event = 0;
    int64_t time = 0;
    Key128 key;  // the join key's hash
  };
  // A sequence the fleet completed: written by this process when its claim says so.
  struct SequenceFound {
    uint32_t rule = 0;
    SequenceMachine::Completed steps;
    SequenceAlertIds ids;
    int64_t latest = 0;
    std::string takeover;  // found by a writer whose alerts this process takes over
    bool write = false;
  };

  std::vector<EventCopy> events;
  std::vector<Candidate> candidates;
  std::vector<Call> calls;
  std::vector<Landing> landings;
  std::vector<SequenceFound> sequences;
  uint64_t sequences_lost = 0;   // found, but an event of theirs had expired from Redis
  bool sequence_visit = false;   // the worker visits the sequence keys (the rules have sequences)
  bool sequence_final = false;   // this process's input ended
  int64_t sequence_watermark = INT64_MIN;  // the latest event time a sequence term landed with
  // The worker's results, applied by the reading thread.
  std::vector<RuleCounters> counters;  // suppressed, elsewhere, learned
  std::vector<TermUpdate> terms;
  std::vector<GroupUpdate> groups;
  std::vector<std::pair<uint32_t, int64_t>> full;  // (rule, bucket): max_signals reached fleet-wide
  std::string error;

  bool empty() const { return candidates.empty() && calls.empty() && landings.empty() && !sequence_visit; }
  void clear() {
    events.clear();
    candidates.clear();
    calls.clear();
    landings.clear();
    sequences.clear();
    sequences_lost = 0;
    sequence_visit = sequence_final = false;
    sequence_watermark = INT64_MIN;
    counters.clear();
    terms.clear();
    groups.clear();
    full.clear();
    error.clear();
  }
};

// The worker's memory of the fleet's sequence keys (fleet_sequences.cpp), mirrored in Redis for
// a restart and for the processes that outlive this one.
struct FleetSequences {
  // Keys this process landed events in that wait for the fleet: key -> when it next needs a visit:
  // once the fleet's low watermark reaches `at` (event time, what the Redis mirror keeps) and
  // Redis's clock `settled` (its waiting events have waited long enough).
  struct Attention {
    int64_t at = INT64_MAX;
    int64_t settled = INT64_MIN;
  };
  std::unordered_map<std::string, Attention> attention;
  int64_t clock_ms = INT64_MIN;     // Redis's clock at the last visit, and the steady clock then
  int64_t clock_steady_ms = 0;
  std::vector<std::string> outbox;  // keys holding sequences this process found since its last checkpoint
  int64_t landed = INT64_MIN;       // every sequence event up to this time is landed
  int64_t low = INT64_MIN;          // the fleet's low watermark, as last seen
  int64_t next_due = INT64_MAX;     // the earliest attention time (a key is due once low reaches it)
  // The reading thread's: when this process last visited (steady clock) and with what watermark.
  int64_t visited_ms = INT64_MIN;
  int64_t visited_watermark = INT64_MIN;
  // Whether a batch should visit: events to land, a watermark to tell, a key due, or the fleet
  // has not heard from this process for a while (it would take it for gone).
  bool visit_due(bool landing, int64_t watermark, int64_t now_ms) const {
    return landing || watermark != visited_watermark || visited_ms == INT64_MIN || now_ms - visited_ms >= 5000 ||
           (low != INT64_MIN && next_due <= low);
  }
};

struct FleetBatch {
  std::unique_ptr<FleetFlight> building = std::make_unique<FleetFlight>();
  // The call of each key in this batch (index in building->calls), by the key's kind, rule and item.
  std::unordered_map<Key128, uint32_t, Key128Hash> call_of_key;
  std::unique_ptr<FleetFlight> spare;  // a landed batch, emptied: its storage is reused
  int64_t current_event = -1;  // index in building->events of the event being read (-1: not copied yet)
  uint64_t events_seen = 0;    // since the last submission
  std::unique_ptr<FleetFlight> flying;  // resolved by `inflight`
  std::future<bool> inflight;

  // What this process knows of the fleet (a cache: Redis stays the truth; all of it may be dropped).
  static constexpr int64_t kNoOwner = INT64_MIN, kUnknownOwner = INT64_MAX;
  struct TermSeen {
    int64_t last = INT64_MIN;  // the fleet has seen the term at least this late
    int64_t sent = INT64_MIN;  // the latest time this process told the fleet
    // When the fleet last said: the times of the occurrences that found the term new and may ask
    // again, the latest one's and the latest of the others' (kNoOwner: none; kUnknownOwner in
    // older_max: a time is unknown, any occurrence may be one).
    int64_t owner_t = kNoOwner;
    int64_t older_max = kNoOwner;
    // An occurrence at t, the fleet having seen the term at t or later, is not one of the owners.
    bool not_an_owner(int64_t t) const { return t != owner_t && t > older_max; }
  };
  struct AlertedGroup {
    int64_t bucket;
    int64_t owner_t;  // the event that raised the alert: only one at this time may ask again
  };
  struct RuleCache {
    std::unordered_map<Key128, TermSeen, Key128Hash> terms;
    std::unordered_map<Key128, AlertedGroup, Key128Hash> alerted_groups;  // group and bucket
    // Buckets over max_signals fleet-wide, learned from landed batches: a query rule's match in
    // one is suppressed as it is read (no event copy, no candidate), and the worker claims
    // nothing in one. Written by the reading thread only while no batch is in flight.
    std::unordered_set<int64_t> full_buckets;
  };
  std::vector<RuleCache> cache;
  std::vector<std::string> rule_keys;  // FleetState::rule_key of each rule
  FleetSequences sequences;            // the worker's (while a batch flies) or the reading thread's

  // Starts a new batch after `building` was handed to the worker.
  void restart() {
    building = spare ? std::move(spare) : std::make_unique<FleetFlight>();
    call_of_key.clear();
    current_event = -1;
    events_seen = 0;
  }
};

class FleetState;

// The key of the max_signals bucket (kSignals) an alert of `rule` at event time `t` is claimed in.
std::string signal_key(const FleetState& fleet, const FleetBatch& b, const std::vector<RuleInfo>& rules, uint32_t rule,
                       int64_t t);

// The worker's part (fleet_resolve.cpp): fills in the ids, asks Redis (the gating calls, then the
// claims against max_signals) and leaves its verdicts and cache updates in `f`. Touches nothing
// else but `fleet`; reads `b` (its rule keys and full buckets). False with f.error.
[[nodiscard]] bool resolve_flight(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules, const FleetBatch& b,
                                  bool learn);

// The worker's part for sequences (fleet_sequences.cpp): lands the batch's sequence events in
// their keys, feeds what the fleet's watermark allows, and leaves the sequences completed in
// f.sequences (claimed by resolve_flight). False with f.error.
[[nodiscard]] bool resolve_sequences(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules,
                                     const std::vector<std::string>& rule_keys, FleetSequences& s, bool learn);
// The sequences `writer` found that wait in the keys its outbox names (after a restart: this
// process's own; for a takeover: a dead one's, `takeover` its name), in f.sequences.
[[nodiscard]] bool recover_sequences(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules,
                                     const std::vector<std::string>& rule_keys, const std::string& writer,
                                     const std::string& takeover, FleetSequences& s);
// At the start: the keys this process's last run was to visit.
[[nodiscard]] bool load_sequence_attention(FleetState& fleet, FleetSequences& s, std::string& error);
// After a checkpoint: the sequences found before it are durable (marked so in their keys), their
// keys leave the outbox.
[[nodiscard]] bool forget_sequence_outbox(FleetState& fleet, FleetSequences& s, std::string& error);

}  // namespace rulec::rt
