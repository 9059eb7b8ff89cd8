// Turns (event, rules it matched) into alerts: query, new-terms and threshold semantics on a stream.
//
// Decisions (spec rules.md §3):
// - Event time is the rule's timestamp_override field when the event has a readable one, else
//   `@timestamp`; a matched event with neither is counted (no_time) and skipped for that rule.
// - The alert's `@timestamp` is when it was made (the wall clock, as Kibana's), or with
//   --alert-time event the stream's event-time watermark (largest event time seen), so that a
//   replayed stream gives byte-identical alerts. The alert id never depends on it.
// - kibana.alert.uuid hashes the source event bytes, the rule id and the terms: a replay after a
//   restart recomputes the same ids, and ids written since the horizon are not written again.
// - New terms: a matching event at t with term T alerts when T was not seen in [t - W, t); an
//   earlier event that arrives after a later one with the same term is history (no second alert).
// - Threshold: tumbling buckets of `interval` in event time; a group alerts once per bucket, at
//   the event that makes its count reach the threshold (and the cardinality, when set).
// - A matched event older than the watermark minus (lookback + interval) is late: counted and left
//   out, as Kibana's execution for its time has already run. This also makes a replay after a
//   restart idempotent.
// - max_signals: at most that many alerts per rule per `interval` bucket of event time; the rest
//   are counted as suppressed.
#include "runtime/state/detector.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "runtime/common/dates.h"
#include "runtime/common/hash128.h"
#include "runtime/common/utf8.h"
#include "runtime/state/fleet_batch.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {
using namespace terms;  // the helpers the shared detector (fleet_detector.cpp) also reads

namespace {

// Why a checkpoint belongs to another rule set, or empty: it holds rules and shares no rule id
// with `rules` (a rule set whose rules were edited keeps its ids and its state directory).
std::string other_rule_set(const Snapshot& snap, const std::vector<RuleInfo>& rules) {
  if (snap.rule_ids.empty()) return {};
  std::unordered_set<std::string_view> ids;
  for (const auto& r : rules) ids.insert(r.rule_id);
  for (const auto& [id, hash] : snap.rule_ids)
    if (ids.count(id)) return {};
  std::string sample;
  for (size_t i = 0; i < snap.rule_ids.size() && i < 3; ++i) sample += fmt::format("{}{}", i ? ", " : "", snap.rule_ids[i].first);
  return fmt::format("none of its {} rules ({}{}) is among the {} rules loaded", snap.rule_ids.size(), sample,
                     snap.rule_ids.size() > 3 ? ", ..." : "", rules.size());
}

}  // namespace

Detector::Detector(std::vector<RuleInfo> rules, DetectorOptions options)
    : rules_(std::move(rules)),
      options_(std::move(options)),
      counters_(rules_.size()),
      state_(rules_.size()),
      last_checkpoint_ms_(steady_clock_ms()),
      program_(options_.program) {
  index_time_fields();
  make_sequences({}, {});
}

Detector::~Detector() = default;

void Detector::index_time_fields() {
  time_fields_.clear();
  time_slot_.assign(rules_.size(), 0);
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto it = std::find(time_fields_.begin(), time_fields_.end(), rules_[i].timestamp_field);
    time_slot_[i] = static_cast<uint32_t>(it - time_fields_.begin());
    if (it == time_fields_.end()) time_fields_.push_back(rules_[i].timestamp_field);
  }
  times_.assign(time_fields_.size(), std::nullopt);
  times_at_.assign(time_fields_.size(), UINT64_MAX);
}

std::optional<int64_t> Detector::time_of(const Event& ev, size_t rule) {
  const uint32_t k = time_slot_[rule];
  if (times_at_[k] != events_) times_[k] = event_time(ev, time_fields_[k]), times_at_[k] = events_;
  return times_[k];
}

std::unique_ptr<Detector> Detector::create(std::vector<RuleInfo> rules, DetectorOptions options,
                                           const std::string& alerts_path, std::string& error,
                                           std::string& recovered) {
  std::unique_ptr<Detector> d(new Detector(std::move(rules), std::move(options)));
  uint64_t truncate_to = UINT64_MAX;
  if (!d->options_.state_dir.empty()) {
    Snapshot snap;
    LoadStatus st = load_snapshot(d->options_.state_dir, snap, error);
    if (st == LoadStatus::Error) return nullptr;
    if (st == LoadStatus::Ok && !d->options_.adopt_state) {
      std::string other = other_rule_set(snap, d->rules_);
      if (!other.empty()) {
        error = fmt::format("state {} was written for another rule set: {}; use this rule set's own --state "
                            "directory, or pass --state-adopt to discard that state and take the directory over",
                            d->options_.state_dir, other);
        return nullptr;
      }
    }
    if (st == LoadStatus::Ok && !d->options_.shared_state.empty()) {
      if (!d->open_fleet(error)) return nullptr;
      if (snap.alerts_path == alerts_path && !d->settle_takeovers(snap, alerts_path, recovered, error)) return nullptr;
    }
    if (st == LoadStatus::Ok) {
      size_t kept = 0, dropped = 0, entries = 0;
      for (size_t i = 0; i < snap.rule_ids.size(); ++i) {
        auto it = std::find_if(d->rules_.begin(), d->rules_.end(), [&](const RuleInfo& r) {
          return r.rule_id == snap.rule_ids[i].first && r.definition_hash == snap.rule_ids[i].second;
        });
        if (it == d->rules_.end()) {
          ++dropped;
          continue;
        }
        entries += snap.states[i].entries();
        const auto at = static_cast<size_t>(it - d->rules_.begin());
        d->state_[at] = std::move(snap.states[i]);
        if (d->sequences_[at] && !d->state_[at].sequence.empty()) {
          ByteReader r(d->state_[at].sequence);
          std::string why;
          if (!d->sequences_[at]->decode(r, why) || !r.at_end()) {
            error = fmt::format("state {}: the sequence state of rule {} is not usable: {}", d->options_.state_dir,
                                it->rule_id, why.empty() ? "trailing bytes" : why);
            return nullptr;
          }
          std::string().swap(d->state_[at].sequence);
        }
        ++kept;
      }
      d->dedupe_ = std::move(snap.dedupe);
      d->watermark_ = snap.watermark;
      if (snap.alerts_path == alerts_path) truncate_to = snap.alerts_offset;
      d->rewrite_state_ = snap.torn_tail_bytes > 0;  // the next checkpoint must not append after it
      if (snap.torn_tail_bytes)
        recovered += fmt::format("an interrupted checkpoint ({} bytes) was ignored; ", snap.torn_tail_bytes);
      recovered += fmt::format(
          "state {}: recovered {} rules ({} entries, {} recent alert ids), dropped {} changed or removed rules; "
          "checkpoint of {}",
          d->options_.state_dir, kept, entries, d->dedupe_.seen.size(), dropped,
          snap.watermark == INT64_MIN ? std::string("an empty stream") : "event time " + iso8601_ms(snap.watermark));
    }
  }
  if (!d->options_.shared_state.empty() && !d->fleet_ && !d->open_fleet(error)) return nullptr;
  if (!d->load_indicators(error) || !d->load_value_lists(error)) return nullptr;
  uint64_t truncated = 0;
  d->sink_ = AlertSink::open(alerts_path, truncate_to, error, &truncated);
  if (!d->sink_) return nullptr;
  d->settled_offset_ = d->sink_->offset();
  // Shared sequences this process found before it stopped, whose alerts were not yet durable.
  if (d->fleet_ && d->has_sequences() && !d->options_.state_dir.empty() &&
      !d->recover_fleet_sequences(d->fleet_->writer(), "")) {
    error = d->error_;
    return nullptr;
  }
  if (truncated)
    recovered += fmt::format("; cut {} bytes of alerts written after the checkpoint from {} (they are regenerated on replay)",
                             truncated, alerts_path);
  return d;
}

Detector::ReloadStats Detector::replace_rules(std::vector<RuleInfo> rules) {
  ReloadStats st;
  // Shared state: the waiting decisions are the old rules'; the cache is dropped (Redis keeps the state).
  if (fleet_ && !flush_shared() && error_.empty()) error_ = "shared state: cannot resolve the decisions before the reload";
  std::unordered_map<std::string, size_t> old_index;
  for (size_t i = 0; i < rules_.size(); ++i) old_index.emplace(rules_[i].rule_id, i);
  std::vector<RuleCounters> counters(rules.size());
  std::vector<RuleState> state(rules.size());
  std::vector<size_t> kept_from(rules.size(), SIZE_MAX);
  for (size_t i = 0; i < rules.size(); ++i) {
    auto it = old_index.find(rules[i].rule_id);
    if (it == old_index.end() || rules_[it->second].definition_hash != rules[i].definition_hash) {
      ++st.added;
      continue;
    }
    kept_from[i] = it->second;
    state[i] = std::move(state_[it->second]);
    counters[i] = counters_[it->second];
    ++st.kept;
  }
  st.dropped = rules_.size() - st.kept;
  rules_ = std::move(rules);
  index_time_fields();
  make_sequences(std::move(sequences_), kept_from);
  if (std::string why; !load_value_lists(why)) {
    fmt::print(stderr, "{}: value lists not reloaded for the new rules ({}): rules with value-list exceptions raise nothing\n",
               program_, why);
    lists_.reset();
    lists_missing_.assign(rules_.size(), 1);
  }
  if (const bool same = indicators_ && indicators_->paths() == options_.indicators && indicators_->rebind(rules_); !same) {
    std::string why;
    if (!load_indicators(why)) {
      fmt::print(stderr, "{}: indicators not reloaded for the new rules ({}): its threat_match rules raise nothing\n", program_, why);
      indicators_.reset();
    }
  }
  counters_ = std::move(counters);
  state_ = std::move(state);
  if (fleet_) {
    batch_->cache.assign(rules_.size(), {});
    batch_->rule_keys.clear();
    for (const RuleInfo& r : rules_) batch_->rule_keys.push_back(FleetState::rule_key(r.rule_id, r.definition_hash));
  }
  return st;
}

uint64_t Detector::state_entries() const {
  uint64_t n = 0;
  for (const auto& s : state_) n += s.entries();
  return n + dedupe_.seen.size();
}

std::pair<uint64_t, uint64_t> Detector::event_hash(const Event& ev) {
  if (!event_hash_) event_hash_ = Hash128().add(ev.raw).value();
  return *event_hash_;
}

int64_t& Detector::signal_count(size_t rule, int64_t t) {
  const RuleInfo& r = rules_[rule];
  int64_t bucket = floor_div(t, r.interval_ms);
  auto& buckets = state_[rule].signal_buckets;
  int64_t& n = buckets[bucket];
  // Keep only the buckets late events can still reach (the watermark, or for sequences the
  // latest time a sequence saw: a rule set of sequences alone moves no watermark).
  const int64_t now = std::max(watermark_, seq_now_);
  if (now == INT64_MIN) return n;
  int64_t oldest = floor_div(now - r.lookback_ms - r.interval_ms, r.interval_ms);
  while (!buckets.empty() && buckets.begin()->first < oldest && buckets.begin()->first != bucket) buckets.erase(buckets.begin());
  return n;
}

void Detector::raise(size_t rule, const Event& ev, int64_t t, AlertFacts facts, std::vector<std::string> key) {
  RuleCounters& c = counters_[rule];
  if (options_.learn) {
    ++c.learned;
    return;
  }
  // Over max_signals in its interval: suppressed before its id is made (the id hashes the whole
  // event; a noisy rule's suppressed alerts are most of its matches).
  int64_t& signals = signal_count(rule, t);
  if (signals >= rules_[rule].max_signals) {
    ++c.suppressed;
    return;
  }
  facts.uuid = alert_uuid(event_hash(ev), rules_[rule].rule_id, key);
  Key128 id = key_of(Hash128().add(facts.uuid).value());
  if (dedupe_.seen.count(id)) {
    ++c.duplicates;
    return;
  }
  ++signals;
  facts.event_json = ev.raw;
  facts.alert_time_ms = options_.alert_time_event ? watermark_ : wall_clock_ms();
  if (!sink_->write(alerts_.build(rules_[rule], facts))) {
    if (error_.empty()) error_ = sink_->error();
    return;
  }
  dedupe_.seen[id] = t;
  ++c.alerts;
}

void Detector::on_new_terms(size_t rule, const Event& ev, int64_t t) {
  const RuleInfo& r = rules_[rule];
  size_t nf = r.new_terms_fields.size();
  if (values_.size() < nf) values_.resize(nf);
  for (size_t i = 0; i < nf; ++i) {
    field_values(ev, r.new_terms_fields[i], values_[i], seen_);
    if (values_[i].empty()) return;  // a missing field: no term, no alert, no history
  }
  auto& terms = state_[rule].terms;
  if (tuple_count(values_, nf) > kMaxTuplesPerEvent) counters_[rule].terms_capped++;
  for_each_tuple(values_, nf, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
    Key128 k = tuple_key(tuple);
    auto [it, inserted] = terms.try_emplace(k, t);
    bool is_new = inserted || it->second < t - r.history_window_ms;
    if (!inserted) it->second = std::max(it->second, t);
    if (!is_new) return;
    it->second = std::max(it->second, t);
    AlertFacts f;
    f.new_terms.assign(tuple.begin(), tuple.end());
    raise(rule, ev, t, std::move(f), std::vector<std::string>(tuple.begin(), tuple.end()));
  });
}

void Detector::on_threshold(size_t rule, const Event& ev, int64_t t) {
  const RuleInfo& r = rules_[rule];
  size_t nf = r.threshold_fields.size();
  if (values_.size() < nf + 1) values_.resize(nf + 1);
  for (size_t i = 0; i < nf; ++i) {
    field_values(ev, r.threshold_fields[i], values_[i], seen_);
    if (values_[i].empty()) return;  // Kibana's terms aggregation leaves out documents missing a field
  }
  std::vector<std::string_view>& card = values_[nf];  // scratch another rule may have filled: reset
  card.clear();
  if (!r.cardinality_field.empty()) field_values(ev, r.cardinality_field, r.cardinality_ignore_above, card, seen_);
  int64_t bucket = floor_div(t, r.interval_ms);
  const std::string bucket_text = std::to_string(bucket);
  if (tuple_count(values_, nf) > kMaxTuplesPerEvent) counters_[rule].terms_capped++;
  for_each_tuple(values_, nf, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
    // One group per (values, bucket): a late event still counts in its own bucket.
    ThresholdGroup& g = state_[rule].groups[tuple_key(tuple, bucket_text)];
    g.bucket = bucket;
    ++g.count;
    g.first = std::min(g.first, t);
    g.last = std::max(g.last, t);
    for (auto v : card) g.distinct.insert(key_of(Hash128().add(v).value()));
    bool reached = g.count >= r.threshold_value &&
                   (r.cardinality_field.empty() || static_cast<int64_t>(g.distinct.size()) >= r.cardinality_value);
    if (!reached || g.alerted) return;
    g.alerted = true;
    AlertFacts f;
    f.threshold_terms.assign(tuple.begin(), tuple.end());
    f.threshold_count = g.count;
    f.threshold_from_ms = bucket * r.interval_ms;
    f.threshold_first_ms = g.first;
    f.threshold_last_ms = g.last;
    if (!r.cardinality_field.empty()) f.cardinality = static_cast<int64_t>(g.distinct.size());
    std::vector<std::string> key(tuple.begin(), tuple.end());
    key.push_back(std::to_string(bucket));
    raise(rule, ev, t, std::move(f), std::move(key));
  });
}

bool Detector::on_event(const Event& ev, const RuleBits& matched) {
  if ((events_ & 255) == 0 && !options_.indicators.empty()) refresh_indicators();
  ++events_;
  event_hash_.reset();
  alerts_.next_event();
  if (fleet_) batch_->current_event = -1;
  bool timeless = false;
  matched.for_each([&](size_t i) {
    if (i >= rules_.size()) return;
    RuleCounters& c = counters_[i];
    ++c.matched;
    if (rules_[i].kind == DetectionKind::SequenceTerm) {  // fed to its sequence after this loop
      seq_terms_.push_back(static_cast<uint32_t>(i));
      return;
    }
    if (!rules_[i].value_list_items.empty() && listed_out(i, ev)) return;
    auto t = time_of(ev, i);
    if (!t) {
      ++c.no_time;
      events_without_time_ += !timeless;
      timeless = true;
      return;
    }
    // Later than the look-back tolerates: Kibana's execution for that time has run already (and
    // on a replay after a restart, the event was processed before the checkpoint).
    if (watermark_ != INT64_MIN && *t < watermark_ - rules_[i].lookback_ms - rules_[i].interval_ms) {
      ++c.late;
      return;
    }
    watermark_ = std::max(watermark_, *t);
    if (fleet_) {
      switch (rules_[i].kind) {
        case DetectionKind::Query: fleet_event(i, ev, *t); break;
        case DetectionKind::ThreatMatch:
          if (threat_matches(i, ev)) fleet_event(i, ev, *t);
          break;
        case DetectionKind::NewTerms: fleet_new_terms(i, ev, *t); break;
        case DetectionKind::Threshold: fleet_threshold(i, ev, *t); break;
        case DetectionKind::Sequence:
        case DetectionKind::SequenceTerm: break;  // sequences are this process's own
      }
      return;
    }
    switch (rules_[i].kind) {
      case DetectionKind::Query: raise(i, ev, *t, AlertFacts{}, {}); break;
      case DetectionKind::NewTerms: on_new_terms(i, ev, *t); break;
      case DetectionKind::Threshold: on_threshold(i, ev, *t); break;
      case DetectionKind::ThreatMatch: {
        AlertFacts f;
        if ((f.threat_matches = threat_matches(i, ev))) raise(i, ev, *t, std::move(f), {});
        break;
      }
      case DetectionKind::Sequence:  // its own query never matches; its terms feed it
      case DetectionKind::SequenceTerm: break;
    }
  });
  if (!seq_terms_.empty()) {
    on_sequence_terms(ev);
    seq_terms_.clear();
  }
  if (!error_.empty()) return false;
  if (fleet_ && (++batch_->events_seen >= kFleetBatchEvents || batch_->building->candidates.size() >= kFleetBatchCandidates) &&
      !submit_shared())
    return false;
  if (++since_checkpoint_ >= options_.checkpoint_events) return checkpoint();
  // A slow stream still checkpoints: look at the clock every 256 events.
  if ((since_checkpoint_ & 255) == 0 && steady_clock_ms() - last_checkpoint_ms_ >= static_cast<int64_t>(options_.checkpoint_ms))
    return checkpoint();
  return true;
}

void Detector::expire_and_cap() {
  expire_fleet_cache();
  // Expire what the window no longer needs.
  int64_t horizon = 0;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const RuleInfo& r = rules_[i];
    horizon = std::max({horizon, r.history_window_ms, r.lookback_ms + r.interval_ms});
    if (watermark_ == INT64_MIN) continue;
    auto& terms = state_[i].terms;
    for (auto it = terms.begin(); it != terms.end();)
      // A term is needed while an event that is not late (t >= watermark - lookback - interval)
      // could still find it inside its window.
      it = it->second < watermark_ - r.history_window_ms - r.lookback_ms - r.interval_ms ? terms.erase(it) : std::next(it);
    auto& groups = state_[i].groups;
    int64_t oldest = floor_div(watermark_ - r.lookback_ms - r.interval_ms, r.interval_ms);
    for (auto it = groups.begin(); it != groups.end();) it = it->second.bucket < oldest ? groups.erase(it) : std::next(it);
  }
  if (watermark_ != INT64_MIN)
    for (auto it = dedupe_.seen.begin(); it != dedupe_.seen.end();)
      it = it->second < watermark_ - horizon ? dedupe_.seen.erase(it) : std::next(it);
  if (!options_.max_state_mb) return;
  // Past the cap, evict new-terms entries with the oldest last-seen first (about 64 bytes each).
  constexpr uint64_t kEntryBytes = 64;
  uint64_t cap = options_.max_state_mb * 1024 * 1024 / kEntryBytes;
  uint64_t total = state_entries();
  if (total <= cap) return;
  std::vector<int64_t> times;
  for (const auto& s : state_)
    for (const auto& [k, t] : s.terms) times.push_back(t);
  uint64_t excess = std::min<uint64_t>(total - cap * 9 / 10, times.size());
  if (!excess) return;
  std::nth_element(times.begin(), times.begin() + static_cast<ptrdiff_t>(excess - 1), times.end());
  int64_t cut = times[excess - 1];
  for (auto& s : state_)
    for (auto it = s.terms.begin(); it != s.terms.end();)
      it = it->second <= cut ? (++evictions_, s.terms.erase(it)) : std::next(it);
}

bool Detector::checkpoint() {
  if (fleet_ && !flush_shared()) return false;
  since_checkpoint_ = 0;
  last_checkpoint_ms_ = steady_clock_ms();
  expire_and_cap();
  if (!sink_->sync()) {
    if (error_.empty()) error_ = sink_->error();
    return false;
  }
  if (options_.state_dir.empty()) return durable() && fleet_sequences_durable();
  Snapshot s;
  s.alerts_offset = sink_->offset();
  s.alerts_path = sink_->path();
  s.watermark = replay_ ? std::max(watermark_, saved_watermark_) : watermark_;
  for (size_t i = 0; i < rules_.size(); ++i) s.rule_ids.emplace_back(rules_[i].rule_id, rules_[i].definition_hash);
  for (size_t i = 0; i < sequences_.size(); ++i) {  // sequences: their machines as bytes
    if (!sequences_[i]) continue;
    ByteWriter w;
    sequences_[i]->encode(w);
    state_[i].sequence = w.take();
  }
  // Lent, not copied: the snapshot is encoded and written before this returns, and the state
  // comes back whatever happens (no deep copy of every term and group at each checkpoint).
  s.states = std::move(state_);
  s.dedupe = std::move(dedupe_);
  struct GiveBack {
    Snapshot& s;
    Detector& d;
    ~GiveBack() {
      d.state_ = std::move(s.states), d.dedupe_ = std::move(s.dedupe);
      for (auto& st : d.state_) std::string().swap(st.sequence);  // the machines hold it
    }
  };
  s.region_start = settled_offset_;
  s.claims = unsettled_;
  bool saved;
  {
    GiveBack give_back{s, *this};
    saved = save_snapshot(options_.state_dir, s, error_, rewrite_state_);
  }
  if (!saved) return false;
  rewrite_state_ = false;
  settled_offset_ = s.alerts_offset;
  unsettled_.clear();
  return durable() && fleet_sequences_durable();
}

bool Detector::durable() {
  if (on_durable_ && !on_durable_(error_)) return false;
  return true;
}

bool Detector::idle_checkpoint(bool unacknowledged) {
  if (!options_.indicators.empty()) refresh_indicators();
  if (!since_checkpoint_ && !unacknowledged) return true;
  if (steady_clock_ms() - last_checkpoint_ms_ < std::min<int64_t>(1000, static_cast<int64_t>(options_.checkpoint_ms))) return true;
  return checkpoint();
}

void Detector::set_replay(const std::string* owner) {
  if (owner && !replay_) {
    saved_watermark_ = watermark_;
    watermark_ = INT64_MIN;
  } else if (!owner && replay_) {
    watermark_ = std::max(watermark_, saved_watermark_);
  }
  replay_ = owner != nullptr;
  replay_owner_ = owner ? *owner : std::string();
  // A dead consumer's entries: the sequences it found and may not have written are taken over too.
  if (owner && !owner->empty() && fleet_ && has_sequences() && sequences_taken_over_.insert(*owner).second)
    recover_fleet_sequences(*owner, *owner);
}

bool Detector::finish() {
  advance_sequences(/*flush=*/true);  // the input ended: sequences waiting on a trailing missing event are decided
  if (!error_.empty()) return false;
  if (fleet_ && has_sequences() && !sequence_input_ended_) {
    // Shared sequences: the fleet hears that this input ended; the last process running decides
    // what waits (fleet_sequences.cpp).
    if (!flush_shared()) return false;
    batch_->building->sequence_final = true;
    if (!flush_shared()) return false;
    sequence_input_ended_ = true;
  }
  return checkpoint();
}

}  // namespace rulec::rt
