// Turns (event, rules it matched) into alerts: query, new-terms and threshold semantics on a stream.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runtime/alerts/alert_json.h"
#include "runtime/alerts/alert_sink.h"
#include "runtime/decoder/event.h"
#include "runtime/eval/evaluator.h"
#include "runtime/eval/rule_info.h"
#include "runtime/shared/fleet_state.h"
#include "runtime/state/indicator_index.h"
#include "runtime/state/value_lists.h"
#include "runtime/state/rule_state.h"
#include "runtime/state/sequence_machine.h"

namespace rulec::rt {

struct DetectorOptions {
  std::string state_dir;                 // empty: state lives in memory only
  bool learn = false;                    // warm-up: build history, write no alert
  // The alerts' @timestamp: the stream's event-time watermark (--alert-time event: a replay gives
  // byte-identical alerts) instead of the wall clock when each alert is made (Kibana's).
  bool alert_time_event = false;
  uint64_t max_state_mb = 0;             // 0: no cap; past it the oldest entries are evicted
  uint64_t checkpoint_events = 200000;   // checkpoint after this many events (and at finish)
  uint64_t checkpoint_ms = 10000;        // ... or after this much wall time with events flowing
  // A state directory written for another rule set (none of its rule ids among the loaded rules)
  // is refused; with adopt_state it is taken over: its rules' state is discarded.
  bool adopt_state = false;
  // redis://HOST:PORT[/PREFIX]: new-terms history, threshold buckets, max_signals budgets and the
  // alerts written are the fleet's, shared through that Redis (runtime/shared/fleet_state.h).
  std::string shared_state;
  // Indicator feeds (NDJSON) for threat_match rules: loaded at the start, loaded again between two
  // events when a feed is replaced, and as time moves on when a rule's selection reads `now`.
  std::vector<std::string> indicators;
  std::vector<std::string> indicator_names;  // per feed: its name (empty: from its file name)
  // Value lists (id, file) for exception items `is in list` / `is not in list`.
  std::vector<std::pair<std::string, std::string>> value_lists;
  std::string program = "rulec";  // what its messages on stderr start with
  // This process's name in the alerts it claims there; empty: derived from the host and the
  // --state directory (stable across restarts), or random without one.
  std::string writer;
};

struct RuleCounters {
  uint64_t matched = 0;     // events the rule matched
  uint64_t alerts = 0;      // alerts written
  uint64_t suppressed = 0;  // alerts over max_signals in their interval (counted, not written)
  uint64_t learned = 0;     // alerts not written because of --learn
  uint64_t no_time = 0;     // matched events with no readable event time (skipped)
  uint64_t late = 0;        // matched events older than the look-back allows (skipped)
  uint64_t terms_capped = 0;  // events whose term tuples were cut at the per-event cap
  uint64_t duplicates = 0;  // alerts already written before a restart (same uuid)
  uint64_t elsewhere = 0;   // shared state: alerts written by another process of the fleet
};

struct FleetBatch;   // shared state: decisions waiting for Redis (fleet_batch.h)
struct FleetFlight;  // ... a batch of them
struct SequenceAlertIds;

class Detector {
 public:
  // Opens (or creates) the state in options.state_dir and the alert sink at `alerts_path`.
  // `recovered` tells what an existing state held (empty for a fresh start). Refused with the
  // reason: a damaged state, one of a newer format, or one written for another rule set.
  static std::unique_ptr<Detector> create(std::vector<RuleInfo> rules, DetectorOptions options,
                                          const std::string& alerts_path, std::string& error,
                                          std::string& recovered);
  ~Detector();

  // One event and the set of rules (indexes into the rule list) that matched it. False on an
  // I/O error writing alerts or state (error() says why); the state on disk stays the last
  // checkpoint.
  [[nodiscard]] bool on_event(const Event& ev, const RuleBits& matched);
  // End of input: checkpoint (alerts flushed and synced first).
  [[nodiscard]] bool finish();
  [[nodiscard]] bool checkpoint();
  // Shared state: resolves the decisions waiting for Redis and writes their alerts (also done
  // every few hundred events and at each checkpoint). Call when input is idle.
  [[nodiscard]] bool flush_shared();
  bool shared() const { return fleet_ != nullptr; }
  // Shared state: while Redis is away, how a stop request ends the wait (the loop's flag).
  void set_stop_flag(const std::atomic<uint32_t>* flag, uint32_t stop_bits);
  void set_program(const char* program);  // the prefix of what it says on stderr
  // What the indicator feeds hold (one line), or which threat_match rules have none; empty when
  // no rule is a threat_match rule.
  std::string indicators_report() const;
  const IndicatorIndex* indicators() const { return indicators_.get(); }
  // Between two events (also done every 256 events): loads the feeds again when one was replaced,
  // or when a rule's selection reads `now` and an interval has passed. Looks at most once a second.
  void refresh_indicators();
  bool watches_feeds() const { return !options_.indicators.empty(); }
  // Before replace_rules: the feeds and value lists the new rules read (a reloaded bundle's).
  void set_sources(std::vector<std::string> indicators, std::vector<std::string> names,
                   std::vector<std::pair<std::string, std::string>> value_lists) {
    options_.indicators = std::move(indicators), options_.indicator_names = std::move(names);
    options_.value_lists = std::move(value_lists);
  }
  // Which rules name a value list that was not given (they raise nothing), or empty.
  std::string value_lists_report() const;
  // Shared state: what it is and what it cost ("redis://... : N round trips, M commands").
  std::string shared_report() const;
  // Shared state: Redis keys and bytes per rule (SCAN and MEMORY USAGE: for an operator, not
  // for a hot path), one line per rule with keys.
  [[nodiscard]] bool shared_usage(std::string& report);

  // Called after each checkpoint, once alerts and state are durable (a stream source acknowledges
  // its entries then). False with the reason fails the checkpoint.
  void set_on_durable(std::function<bool(std::string& error)> fn) { on_durable_ = std::move(fn); }
  // Idle input: checkpoint when events (or `unacknowledged` input) wait since checkpoint_ms (a
  // second at most).
  [[nodiscard]] bool idle_checkpoint(bool unacknowledged);
  // Replayed stream entries follow (delivered before and never acknowledged), on behalf of
  // `owner` ("" for this process); nullptr: new entries again. A replay is judged late against
  // its own events only (the watermark moved on past it before), and the fleet decides each of
  // its alerts again (an owner's alert is written by whoever replays it).
  void set_replay(const std::string* owner);

  // Hot reload, between two events: switches to `rules`. Rules whose id and definition hash are
  // unchanged keep their state (new-terms history, threshold groups, max_signals buckets) and
  // counters; the others start fresh. The alert sink, recent alert ids and watermark carry over.
  struct ReloadStats {
    size_t kept = 0, added = 0, dropped = 0;
  };
  ReloadStats replace_rules(std::vector<RuleInfo> rules);

  const std::vector<RuleInfo>& rules() const { return rules_; }
  const std::vector<RuleCounters>& counters() const { return counters_; }
  uint64_t evictions() const { return evictions_; }
  // EQL sequences: partial sequences held, their bytes, and partials evicted over the caps.
  struct SequenceStats {
    size_t partials = 0, bytes = 0;
    uint64_t evictions = 0;
  };
  SequenceStats sequence_stats() const;
  // Events that matched a rule but had no readable event time (the rule's timestamp_override or
  // @timestamp), so raised nothing; each event counted once.
  uint64_t events_without_time() const { return events_without_time_; }
  uint64_t state_entries() const;
  const std::string& error() const { return error_; }

 private:
  Detector(std::vector<RuleInfo> rules, DetectorOptions options);
  void raise(size_t rule, const Event& ev, int64_t t, AlertFacts facts, std::vector<std::string> key);
  int64_t& signal_count(size_t rule, int64_t t);  // alerts written in t's interval bucket
  void on_new_terms(size_t rule, const Event& ev, int64_t t);
  void on_threshold(size_t rule, const Event& ev, int64_t t);
  void expire_and_cap();
  // EQL sequences (sequence_detector.cpp).
  // One machine per Sequence rule; old_index[i]: the index in `old` of rule i when it is kept.
  void make_sequences(std::vector<std::unique_ptr<SequenceMachine>> old, const std::vector<size_t>& old_index);
  void on_sequence_terms(const Event& ev);
  void advance_sequences(bool flush);
  void raise_sequence(size_t rule, const SequenceMachine::Completed& steps);
  // Writes a sequence's building blocks and shell (its max_signals and dedupe decided already).
  bool write_sequence(size_t rule, const SequenceMachine::Completed& steps, const SequenceAlertIds& ids, int64_t latest);
  bool has_sequences() const;
  // threat_match (threat_detector.cpp).
  bool load_indicators(std::string& error);
  bool load_value_lists(std::string& error);
  bool listed_out(size_t rule, const Event& ev);  // its value-list exception items exclude the event
  const std::vector<ThreatMatchFact>* threat_matches(size_t rule, const Event& ev);
  const std::vector<ThreatMatchFact>* threat_matches(size_t rule, std::string_view raw);
  bool durable();  // the end of a checkpoint: on_durable_
  // Shared state (fleet_detector.cpp).
  bool open_fleet(std::string& error);
  void fleet_event(size_t rule, const Event& ev, int64_t t);
  void fleet_new_terms(size_t rule, const Event& ev, int64_t t);
  void fleet_threshold(size_t rule, const Event& ev, int64_t t);
  uint32_t fleet_event_index(const Event& ev);
  void fleet_sequence_term(uint32_t rule, uint32_t term, const Event& ev, int64_t t, const std::string& join_key);
  bool submit_shared();  // hands the batch to the worker
  bool land_shared();    // takes in the batch in flight, writes its alerts
  bool land_flight(FleetFlight& f);  // takes in what a resolved batch decided, writes its alerts
  // Sequences `writer` found in the fleet's keys and may not have written (fleet_sequences.cpp):
  // this process's own after a restart (takeover ""), or a dead stream consumer's.
  bool recover_fleet_sequences(const std::string& writer, const std::string& takeover);
  bool fleet_sequences_durable();  // after a checkpoint: the outbox entries are no longer needed
  void expire_fleet_cache();
  // After a restart (fleet_settle.cpp): the checkpoint's last alerts that another stream worker
  // took over meanwhile are removed from the alerts file; the rest are settled as this writer's.
  bool settle_takeovers(Snapshot& snap, const std::string& alerts_path, std::string& recovered, std::string& error);

  std::vector<RuleInfo> rules_;
  DetectorOptions options_;
  std::vector<RuleCounters> counters_;
  std::vector<RuleState> state_;
  DedupeSet dedupe_;
  std::unique_ptr<AlertSink> sink_;
  int64_t watermark_ = INT64_MIN;  // the largest event time seen
  uint64_t since_checkpoint_ = 0;
  int64_t last_checkpoint_ms_ = 0;  // steady clock
  uint64_t events_ = 0;
  uint64_t evictions_ = 0;
  uint64_t events_without_time_ = 0;
  bool rewrite_state_ = false;  // the state log ends in a torn record: rewrite it at the next checkpoint
  std::string error_;
  // Scratch for term tuples (reused: no allocation per event after warm-up for common shapes).
  std::vector<std::vector<std::string_view>> values_;
  std::vector<size_t> tuple_idx_;
  std::vector<std::string_view> tuple_;
  std::unordered_set<std::string_view> seen_;  // de-duplicates a field's many values
  AlertBuilder alerts_;  // shares one event's parse among its alerts
  std::optional<std::pair<uint64_t, uint64_t>> event_hash_;  // of the current event, when needed
  // The event time a rule reads, found once per event per distinct timestamp field.
  std::vector<uint32_t> time_slot_;           // per rule: its field's index in time_fields_
  std::vector<std::string> time_fields_;      // distinct timestamp_field values ("": @timestamp)
  std::vector<std::optional<int64_t>> times_;  // this event's, valid where times_at_ == events_
  std::vector<uint64_t> times_at_;
  void index_time_fields();
  std::optional<int64_t> time_of(const Event& ev, size_t rule);
  std::pair<uint64_t, uint64_t> event_hash(const Event& ev);
  std::unique_ptr<IndicatorIndex> indicators_;
  std::unique_ptr<ValueLists> lists_;
  std::vector<uint8_t> lists_missing_;  // per rule: names a value list not given
  int64_t feeds_checked_ms_ = 0;     // steady clock
  int64_t indicators_due_ms_ = INT64_MAX;  // wall clock: selections read `now` again then
  std::string feed_error_;           // the last reload failure said (said once)
  std::string program_;
  Decoder threat_decoder_;           // shared state: the event of a decided alert, decoded again
  Event threat_event_;
  std::vector<std::unique_ptr<SequenceMachine>> sequences_;  // per rule: a Sequence rule's state
  std::vector<uint32_t> seq_terms_;                         // this event's matched sequence terms
  std::vector<SequenceMachine::Completed> completed_;
  std::string seq_key_;
  int64_t seq_now_ = INT64_MIN;    // the largest @timestamp a sequence saw
  uint64_t seq_advanced_at_ = 0;   // events_ when the machines last moved on
  std::unique_ptr<FleetState> fleet_;
  std::unique_ptr<FleetBatch> batch_;
  std::function<bool(std::string&)> on_durable_;
  bool replay_ = false;
  std::string replay_owner_;
  std::unordered_set<std::string> sequences_taken_over_;  // the dead writers whose sequences were recovered
  bool sequence_input_ended_ = false;  // shared state: this process told the fleet its input ended
  int64_t saved_watermark_ = INT64_MIN;  // the watermark before the replay
  // Shared state with --state: the alerts written since the last checkpoint (Snapshot::claims)
  // and the alerts file's size at that checkpoint.
  std::vector<std::pair<std::string, std::string>> unsettled_;
  uint64_t settled_offset_ = 0;
};

}  // namespace rulec::rt
