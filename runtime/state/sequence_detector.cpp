// The detector's EQL sequences: term matches fed to each rule's state machine, completed sequences written as Kibana's alert groups.
//
// Decisions (spec eql.md §4, §6):
// - A sequence orders its events by @timestamp (Kibana's timestamp_field; timestamp_override does
//   not change sequence order), then by arrival. An event without a readable @timestamp feeds no
//   sequence (counted as no_time on the sequence rule).
// - Join keys: values as the term fields of new-terms rules read them (strings, numbers, booleans
//   by their text; keyword values over ignore_above are missing); a missing optional key (`?k`)
//   is the value null; a missing required key leaves the event out of that term; multi-valued keys
//   give every combination (at most kMaxTuplesPerEvent, as new terms).
// - A completed sequence (or sample) is one result: max_signals counts results per interval of its
//   latest event's time; it writes a building block per event, then the shell alert.
// - Sequence state is this process's, saved in the crash-safe checkpoints with the other rules'
//   state (a restart goes on as one run would); with --shared-state it is the fleet's instead
//   (fleet_sequences.cpp), and this process's machines stay empty.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/alerts/sequence_alerts.h"
#include "runtime/common/dates.h"
#include "runtime/common/hash128.h"
#include "runtime/state/detector.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {
using namespace terms;

namespace {
// A missing optional key's value: no text an event can hold is it (a JSON string cannot contain
// these raw control bytes).
constexpr std::string_view kNullKey("\x00\x01null", 6);
// The machines move on (release waits, drop stale partials) after this many events.
constexpr uint64_t kAdvanceEvents = 1024;
}  // namespace

void Detector::make_sequences(std::vector<std::unique_ptr<SequenceMachine>> old, const std::vector<size_t>& old_index) {
  std::vector<std::unique_ptr<SequenceMachine>> fresh(rules_.size());
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].kind != DetectionKind::Sequence) continue;
    const size_t was = i < old_index.size() ? old_index[i] : SIZE_MAX;
    if (was < old.size() && old[was]) fresh[i] = std::move(old[was]);  // a kept rule keeps its partials
    else fresh[i] = std::make_unique<SequenceMachine>(rules_[i].sequence);
  }
  sequences_ = std::move(fresh);
}

Detector::SequenceStats Detector::sequence_stats() const {
  SequenceStats s;
  for (const auto& m : sequences_) {
    if (!m) continue;
    s.partials += m->partials();
    s.bytes += m->bytes();
    s.evictions += m->evictions();
  }
  return s;
}

void Detector::on_sequence_terms(const Event& ev) {
  std::optional<int64_t> t;
  bool timed = false;
  for (uint32_t i : seq_terms_) {
    const RuleInfo& term_rule = rules_[i];
    const uint32_t owner = term_rule.sequence_owner;
    if (owner >= rules_.size() || !sequences_[owner]) continue;
    const SequenceSpec& spec = rules_[owner].sequence;
    if (!timed) t = event_time(ev, ""), timed = true;
    if (!t) {
      ++counters_[owner].no_time;
      continue;
    }
    ++counters_[owner].matched;
    const SequenceTermSpec& ts = term_rule.sequence_term < spec.terms.size() ? spec.terms[term_rule.sequence_term] : spec.until;
    const size_t nk = ts.keys.size();
    if (values_.size() < nk) values_.resize(nk);
    bool usable = true;
    for (size_t k = 0; k < nk && usable; ++k) {
      field_values(ev, ts.keys[k], values_[k], seen_);
      if (values_[k].empty()) {
        if (k < ts.optional.size() && ts.optional[k]) values_[k].push_back(kNullKey);
        else usable = false;  // a required key is missing: the event is not this term's
      }
    }
    if (!usable) continue;
    if (tuple_count(values_, nk) > kMaxTuplesPerEvent) counters_[owner].terms_capped++;
    seq_now_ = std::max(seq_now_, *t);
    for_each_tuple(values_, nk, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
      SequenceMachine::join_key(tuple, seq_key_);
      if (fleet_) fleet_sequence_term(owner, term_rule.sequence_term, ev, *t, seq_key_);
      else sequences_[owner]->on_term(term_rule.sequence_term, seq_key_, ev.raw, *t, events_, completed_);
    });
    for (const auto& c : completed_) raise_sequence(owner, c);
    completed_.clear();
  }
  if (events_ - seq_advanced_at_ >= kAdvanceEvents) advance_sequences(false);
}

void Detector::advance_sequences(bool flush) {
  seq_advanced_at_ = events_;
  for (size_t i = 0; i < sequences_.size(); ++i) {
    if (!sequences_[i]) continue;
    if (seq_now_ != INT64_MIN) sequences_[i]->advance(seq_now_, completed_);
    if (flush) sequences_[i]->flush(completed_);
    for (const auto& c : completed_) raise_sequence(i, c);
    completed_.clear();
  }
}

void Detector::raise_sequence(size_t rule, const SequenceMachine::Completed& steps) {
  RuleCounters& c = counters_[rule];
  if (steps.empty()) return;
  if (options_.learn) {
    ++c.learned;
    return;
  }
  // The latest event's time (a sequence's last; a sample's events are in filter order).
  int64_t latest = INT64_MIN;
  for (const auto& s : steps) latest = std::max(latest, s.time);
  int64_t& signals = signal_count(rule, latest);
  if (signals >= rules_[rule].max_signals) {
    ++c.suppressed;
    return;
  }
  std::vector<std::string_view> raws;
  for (const auto& s : steps) raws.push_back(s.raw);
  const SequenceAlertIds ids = sequence_alert_ids(rules_[rule].rule_uuid, raws);
  const Key128 id = key_of(Hash128().add(ids.shell).value());
  if (dedupe_.seen.count(id)) {
    ++c.duplicates;
    return;
  }
  ++signals;
  write_sequence(rule, steps, ids, latest);
}

bool Detector::has_sequences() const {
  for (const auto& m : sequences_)
    if (m) return true;
  return false;
}

bool Detector::write_sequence(size_t rule, const SequenceMachine::Completed& steps, const SequenceAlertIds& ids,
                              int64_t latest) {
  RuleCounters& c = counters_[rule];
  const int64_t made = options_.alert_time_event ? std::max(watermark_, seq_now_) : wall_clock_ms();
  auto write = [&](AlertFacts& f) {
    alerts_.next_event();  // each alert of the group has a source of its own
    if (!sink_->write(alerts_.build(rules_[rule], f))) {
      if (error_.empty()) error_ = sink_->error();
      return false;
    }
    ++c.alerts;
    return true;
  };
  std::vector<std::string_view> raws;
  for (const auto& s : steps) raws.push_back(s.raw);
  for (size_t i = 0; i < steps.size(); ++i) {
    AlertFacts f;
    f.event_json = steps[i].raw;
    f.alert_time_ms = made;
    f.uuid = ids.building_blocks[i];
    f.group_id = ids.shell;
    f.group_index = static_cast<int64_t>(i);
    if (!write(f)) return false;
  }
  const std::string shared = shared_fields_json(raws);  // event_json views it
  AlertFacts shell;
  shell.event_json = shared;
  shell.alert_time_ms = made;
  shell.uuid = ids.shell;
  shell.group_id = ids.shell;
  shell.group_ancestors = ids.building_blocks;
  if (!write(shell)) return false;
  alerts_.next_event();  // the current event's other alerts parse it again
  dedupe_.seen[key_of(Hash128().add(ids.shell).value())] = latest;
  return true;
}

}  // namespace rulec::rt
