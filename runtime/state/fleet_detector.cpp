// Shared state: the detector's new-terms, threshold and max_signals decisions made by the fleet in Redis, a batch at a time.
//
// Decisions (see README "Running a fleet"):
// - The same semantics as detector.cpp, with the fleet's history: a term is new when no process
//   of the fleet saw it in [t - W, t); a threshold bucket counts every process's events; an
//   interval's max_signals budget is the fleet's.
// - Events are read on without waiting: each matched rule leaves a candidate alert and, when this
//   process's cache cannot decide, a script call. A batch (1,024 events, or a checkpoint, or idle
//   input) goes to a worker thread (fleet_resolve.cpp) that hashes the ids and asks Redis in two
//   round trips per node: the gating calls (new terms, threshold), then the claims of the alerts
//   against max_signals. Meanwhile the next batch is read; the first one's alerts are written, in
//   stream order, before the second one goes out.
// - Every call may run twice with the same outcome (fleet_scripts.h): an occurrence asks as the
//   alert id it would raise, so a replay after a restart, or a retry after a lost connection,
//   gets the answer the first ask got, and the alert is written by the process that claimed it.
// - The cache: a term this process knows the fleet saw within the window needs no call; its
//   last-seen time is sent when it moved on by W/1024 (at least a second), so other processes'
//   view of it is at most that stale. A bucket known to be alerted, or full, needs no call.
#include <fmt/format.h>

#include "runtime/state/detector.h"

#include "runtime/common/dates.h"
#include "runtime/state/fleet_batch.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {
using namespace terms;

bool Detector::open_fleet(std::string& error) {
  fleet_ = FleetState::open(options_.shared_state,
                            options_.writer.empty() ? FleetState::default_writer(options_.state_dir) : options_.writer, error);
  if (!fleet_) return false;
  batch_ = std::make_unique<FleetBatch>();
  batch_->cache.resize(rules_.size());
  for (const RuleInfo& r : rules_) batch_->rule_keys.push_back(FleetState::rule_key(r.rule_id, r.definition_hash));
  return !has_sequences() || load_sequence_attention(*fleet_, batch_->sequences, error);
}

void Detector::set_stop_flag(const std::atomic<uint32_t>* flag, uint32_t stop_bits) {
  if (fleet_) fleet_->set_stop(flag, stop_bits);
}

void Detector::set_program(const char* program) {
  program_ = program;
  if (fleet_) fleet_->set_program(program);
}

std::string Detector::shared_report() const {
  if (!fleet_) return {};
  return fmt::format("shared state {} as {}: {} round trips, {} script calls, {:.1f} round trips per 1,000 events",
                     fleet_->describe(), fleet_->writer(), fleet_->round_trips(), fleet_->commands(),
                     events_ ? 1000.0 * static_cast<double>(fleet_->round_trips()) / static_cast<double>(events_) : 0.0);
}

uint32_t Detector::fleet_event_index(const Event& ev) {
  FleetBatch& b = *batch_;
  if (b.current_event < 0) {
    b.current_event = static_cast<int64_t>(b.building->events.size());
    FleetFlight::EventCopy copy;
    copy.raw.assign(ev.raw);
    copy.replay = replay_;
    if (replay_) copy.takeover = replay_owner_;
    b.building->events.push_back(std::move(copy));
  }
  return static_cast<uint32_t>(b.current_event);
}

void Detector::fleet_sequence_term(uint32_t rule, uint32_t term, const Event& ev, int64_t t, const std::string& join_key) {
  FleetFlight::Landing l;
  l.rule = rule;
  l.term = term;
  l.event = fleet_event_index(ev);
  l.time = t;
  l.key = key_of(fast_hash128(join_key));  // compared by the shared state only: the fast hash
  batch_->building->landings.push_back(l);
}

namespace {

// What names a call in a batch: the script, the rule and the item.
Key128 call_id(FleetState::Script s, uint32_t rule, Key128 item) {
  return Key128{item.a ^ (0x9E3779B97F4A7C15ull * (rule + 1)), item.b ^ (0xBF58476D1CE4E5B9ull * (s + 1))};
}

// The call on `item` in this batch, created (its key named by make_key(), its head arguments by
// make_head()) when it is the first.
template <class MakeKey, class MakeHead>
FleetFlight::Call& call_on(FleetBatch& b, const FleetState& fleet, FleetState::Script s, uint32_t rule, Key128 item,
                           int64_t bucket, MakeKey&& make_key, MakeHead&& make_head) {
  auto [it, fresh] = b.call_of_key.try_emplace(call_id(s, rule, item), static_cast<uint32_t>(b.building->calls.size()));
  if (fresh) {
    FleetFlight::Call c;
    c.cmd = fleet.call(s, make_key(), make_head());
    c.script = s;
    c.rule = rule;
    c.cache_key = item;
    c.bucket = bucket;
    b.building->calls.push_back(std::move(c));
  }
  return b.building->calls[it->second];
}

// A candidate alert of the event being read; its id is the worker's to compute.
FleetFlight::Candidate& add_candidate(FleetBatch& b, uint32_t event, size_t rule, int64_t t, int64_t watermark) {
  FleetFlight::Candidate& c = b.building->candidates.emplace_back();
  c.event = event;
  c.rule = static_cast<uint32_t>(rule);
  c.t = t;
  c.facts.alert_time_ms = watermark;
  return c;
}

// An occurrence gated by `call`, asking as `candidate`'s alert id (or its event's id).
void gate(FleetFlight::Call& call, FleetBatch& b, uint32_t candidate, bool event_id) {
  b.building->candidates[candidate].op = static_cast<uint32_t>(&call - b.building->calls.data());
  call.fills.push_back({static_cast<uint32_t>(call.cmd.argv.size()), candidate, event_id});
  call.cmd.argv.emplace_back();
  call.candidates.push_back(candidate);
}

}  // namespace

void Detector::fleet_event(size_t rule, const Event& ev, int64_t t) {
  // Over max_signals fleet-wide already (a replayed entry asks anyway: it may own an alert).
  if (!replay_ && batch_->cache[rule].full_buckets.count(floor_div(t, rules_[rule].interval_ms))) {
    ++counters_[rule].suppressed;
    return;
  }
  add_candidate(*batch_, fleet_event_index(ev), rule, t, watermark_);
}

void Detector::fleet_new_terms(size_t rule, const Event& ev, int64_t t) {
  const RuleInfo& r = rules_[rule];
  FleetBatch& b = *batch_;
  const size_t nf = r.new_terms_fields.size();
  if (values_.size() < nf) values_.resize(nf);
  for (size_t i = 0; i < nf; ++i) {
    field_values(ev, r.new_terms_fields[i], values_[i], seen_);
    if (values_[i].empty()) return;
  }
  if (tuple_count(values_, nf) > kMaxTuplesPerEvent) counters_[rule].terms_capped++;
  const int64_t step = std::max<int64_t>(1000, r.history_window_ms / 1024);
  const int64_t horizon = r.history_window_ms + r.lookback_ms + r.interval_ms;
  for_each_tuple(values_, nf, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
    const Key128 k = tuple_key(tuple);
    FleetBatch::TermSeen& seen = b.cache[rule].terms[k];
    auto key = [&] { return fleet_->key("nt", b.rule_keys[rule], hex128(k)); };
    // A replayed entry asks the fleet even for a term it knows: it may own the term's alert.
    const auto in_batch = b.call_of_key.find(call_id(FleetState::kNewTerms, static_cast<uint32_t>(rule), k));
    const bool pending = replay_ || in_batch != b.call_of_key.end();
    auto head = [&] {
      return std::vector<std::string>{std::to_string(r.history_window_ms), std::to_string(horizon),
                                      std::to_string(watermark_ == INT64_MIN ? t : watermark_)};
    };
    // An occurrence that only moves the term's last-seen time, at a bounded rate.
    auto refresh = [&] {
      seen.last = std::max(seen.last, t);
      if (t < seen.sent + step) return;
      FleetFlight::Call& c = call_on(b, *fleet_, FleetState::kNewTerms, static_cast<uint32_t>(rule), k, 0, key, head);
      c.cmd.argv.push_back(std::to_string(t));
      c.cmd.argv.emplace_back();
      c.candidates.push_back(kNone);
      c.max_t = std::max(c.max_t, t);
      seen.sent = t;
    };
    // The fleet saw it within the window before t: not new. At or after t, the fleet's history may
    // hold this very occurrence (re-read after a restart, the fleet having seen the term later
    // since): not new unless it is the occurrence that found the term new.
    const bool known = seen.last != INT64_MIN && seen.last >= t - r.history_window_ms &&
                       (seen.last < t || seen.not_an_owner(t));
    if (!pending && known) return refresh();
    // The script takes a call's occurrences in order: after one at max_t, an occurrence at t is
    // new only when max_t < t - window. Not new, whatever the fleet answers: no candidate.
    if (!replay_ && pending && b.building->calls[in_batch->second].max_t >= t - r.history_window_ms) return refresh();
    // Maybe new: the fleet decides, with the alert this occurrence would raise as its owner.
    const uint32_t event = fleet_event_index(ev);
    FleetFlight::Candidate& cand = add_candidate(b, event, rule, t, watermark_);
    cand.facts.new_terms.assign(tuple.begin(), tuple.end());
    cand.key = cand.facts.new_terms;
    const uint32_t index = static_cast<uint32_t>(b.building->candidates.size() - 1);
    FleetFlight::Call& c = call_on(b, *fleet_, FleetState::kNewTerms, static_cast<uint32_t>(rule), k, 0, key, head);
    c.cmd.argv.push_back(std::to_string(t));
    gate(c, b, index, false);
    c.max_t = std::max(c.max_t, t);
    seen.sent = std::max(seen.sent, t);
    seen.last = std::max(seen.last, t);
  });
}

void Detector::fleet_threshold(size_t rule, const Event& ev, int64_t t) {
  const RuleInfo& r = rules_[rule];
  FleetBatch& b = *batch_;
  const size_t nf = r.threshold_fields.size();
  if (values_.size() < nf + 1) values_.resize(nf + 1);
  for (size_t i = 0; i < nf; ++i) {
    field_values(ev, r.threshold_fields[i], values_[i], seen_);
    if (values_[i].empty()) return;
  }
  std::vector<std::string_view>& card = values_[nf];
  card.clear();
  if (!r.cardinality_field.empty()) field_values(ev, r.cardinality_field, r.cardinality_ignore_above, card, seen_);
  const int64_t bucket = floor_div(t, r.interval_ms);
  const std::string bucket_text = std::to_string(bucket);
  if (tuple_count(values_, nf) > kMaxTuplesPerEvent) counters_[rule].terms_capped++;
  for_each_tuple(values_, nf, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
    const Key128 gk = tuple_key(tuple, bucket_text);
    // The fleet raised this bucket's alert already, for an event at another time: nothing to ask.
    if (!replay_) {
      const auto alerted = b.cache[rule].alerted_groups.find(gk);
      if (alerted != b.cache[rule].alerted_groups.end() && alerted->second.owner_t != t) return;
    }
    const uint32_t event = fleet_event_index(ev);
    FleetFlight::Candidate& cand = add_candidate(b, event, rule, t, watermark_);
    cand.facts.threshold_terms.assign(tuple.begin(), tuple.end());
    cand.facts.threshold_from_ms = bucket * r.interval_ms;
    cand.facts.threshold_last_ms = t;
    cand.key.assign(tuple.begin(), tuple.end());
    cand.key.push_back(bucket_text);
    const uint32_t index = static_cast<uint32_t>(b.building->candidates.size() - 1);
    FleetFlight::Call& c =
        call_on(b, *fleet_, FleetState::kThreshold, static_cast<uint32_t>(rule), gk, bucket,
                [&] { return fleet_->key("th", b.rule_keys[rule], hex128(gk)); },
                [&] {
                  return std::vector<std::string>{
                      std::to_string(r.threshold_value), std::to_string(r.cardinality_field.empty() ? 0 : r.cardinality_value),
                      std::to_string(bucket_ttl(r, bucket, watermark_))};
                });
    gate(c, b, index, true);
    c.cmd.argv.push_back(std::to_string(t));
    c.cmd.argv.push_back(std::to_string(card.size()));
    for (auto v : card) c.cmd.argv.push_back(hex128(key_of(Hash128().add(v).value())));
  });
}

// Waits for the batch in flight, takes in what the fleet answered and writes its alerts.
bool Detector::land_shared() {
  FleetBatch& b = *batch_;
  if (!b.flying) return true;
  const bool ok = b.inflight.get();
  std::unique_ptr<FleetFlight> f = std::move(b.flying);
  if (!ok) {
    if (error_.empty()) error_ = f->error;
    return false;
  }
  struct Recycle {  // whatever way this returns, the batch's storage serves the next one
    FleetBatch& b;
    std::unique_ptr<FleetFlight>& f;
    ~Recycle() {
      f->clear();
      b.spare = std::move(f);
    }
  } recycle{b, f};
  return land_flight(*f);
}

bool Detector::land_flight(FleetFlight& flight) {
  FleetBatch& b = *batch_;
  FleetFlight* f = &flight;
  for (const auto& u : f->terms) {
    FleetBatch::TermSeen& seen = b.cache[u.rule].terms[u.key];
    seen.last = std::max(seen.last, u.last);
    seen.owner_t = u.owner_t;
    seen.older_max = u.older_max;
  }
  for (const auto& u : f->groups) b.cache[u.rule].alerted_groups[u.key] = {u.bucket, u.owner_t};
  for (const auto& [rule, bucket] : f->full) b.cache[rule].full_buckets.insert(bucket);
  for (size_t i = 0; i < counters_.size() && i < f->counters.size(); ++i) {
    counters_[i].suppressed += f->counters[i].suppressed;
    counters_[i].elsewhere += f->counters[i].elsewhere;
    counters_[i].learned += f->counters[i].learned;
  }
  int64_t last_event = -1;
  for (FleetFlight::Candidate& cand : f->candidates) {
    if (!cand.write) continue;
    const Key128 id = key_of(Hash128().add(cand.facts.uuid).value());
    if (dedupe_.seen.count(id)) {  // written before a restart
      ++counters_[cand.rule].duplicates;
      continue;
    }
    if (rules_[cand.rule].kind == DetectionKind::ThreatMatch &&
        !(cand.facts.threat_matches = threat_matches(cand.rule, std::string_view(f->events[cand.event].raw))))
      continue;
    if (static_cast<int64_t>(cand.event) != last_event) alerts_.next_event(), last_event = cand.event;
    cand.facts.event_json = f->events[cand.event].raw;
    if (!options_.alert_time_event) cand.facts.alert_time_ms = wall_clock_ms();
    if (!sink_->write(alerts_.build(rules_[cand.rule], cand.facts))) {
      if (error_.empty()) error_ = sink_->error();
      return false;
    }
    dedupe_.seen[id] = cand.t;
    if (!options_.state_dir.empty()) unsettled_.emplace_back(signal_key(*fleet_, *batch_, rules_, cand.rule, cand.t), cand.facts.uuid);
    ++counters_[cand.rule].alerts;
  }
  alerts_.next_event();
  if (f->sequences_lost)
    fmt::print(stderr,
               "{}: shared state: {} sequences found whose events had expired from Redis (a key waited longer than its "
               "rule's horizon for the fleet's slowest process): not written\n",
               program_, f->sequences_lost);
  for (const FleetFlight::SequenceFound& sq : f->sequences) {
    if (!sq.write) continue;
    if (dedupe_.seen.count(key_of(Hash128().add(sq.ids.shell).value()))) {  // written before a restart
      ++counters_[sq.rule].duplicates;
      continue;
    }
    if (!write_sequence(sq.rule, sq.steps, sq.ids, sq.latest)) return false;
    if (!options_.state_dir.empty()) unsettled_.emplace_back(signal_key(*fleet_, b, rules_, sq.rule, sq.latest), sq.ids.shell);
  }
  return true;
}

bool Detector::recover_fleet_sequences(const std::string& writer, const std::string& takeover) {
  if (!flush_shared()) return false;
  FleetFlight f;
  f.sequence_watermark = seq_now_;
  if (!recover_sequences(f, *fleet_, rules_, batch_->rule_keys, writer, takeover, batch_->sequences) ||
      !resolve_flight(f, *fleet_, rules_, *batch_, options_.learn)) {
    if (error_.empty()) error_ = f.error;
    return false;
  }
  return land_flight(f);
}

bool Detector::fleet_sequences_durable() {
  if (!fleet_) return true;
  return forget_sequence_outbox(*fleet_, batch_->sequences, error_);
}

// Hands the batch being built to a worker thread (after landing the one in flight).
bool Detector::submit_shared() {
  if (!land_shared()) return false;
  FleetBatch& b = *batch_;
  // The fleet hears from this process and its keys are visited (on idle input, only when there
  // is something to do or to say).
  if (!sequence_input_ended_ && has_sequences() &&
      (b.building->sequence_final ||
       b.sequences.visit_due(!b.building->landings.empty(), seq_now_, steady_clock_ms()))) {
    b.building->sequence_visit = true;
    b.building->sequence_watermark = seq_now_;
    b.sequences.visited_ms = steady_clock_ms();
    b.sequences.visited_watermark = seq_now_;
  }
  if (b.building->empty()) {
    b.restart();
    return true;
  }
  b.flying = std::move(b.building);
  b.restart();
  FleetFlight* f = b.flying.get();
  b.inflight = std::async(std::launch::async, [this, f] {
    return resolve_sequences(*f, *fleet_, rules_, batch_->rule_keys, batch_->sequences, options_.learn) &&
           resolve_flight(*f, *fleet_, rules_, *batch_, options_.learn);
  });
  return true;
}

bool Detector::flush_shared() {
  if (!fleet_) return true;
  return submit_shared() && land_shared();
}

void Detector::expire_fleet_cache() {
  if (!fleet_ || watermark_ == INT64_MIN) return;
  for (size_t i = 0; i < rules_.size() && i < batch_->cache.size(); ++i) {
    const RuleInfo& r = rules_[i];
    FleetBatch::RuleCache& c = batch_->cache[i];
    const int64_t horizon = r.history_window_ms + r.lookback_ms + r.interval_ms;
    for (auto it = c.terms.begin(); it != c.terms.end();)
      it = it->second.last < watermark_ - horizon ? c.terms.erase(it) : std::next(it);
    const int64_t oldest = floor_div(watermark_ - r.lookback_ms - r.interval_ms, r.interval_ms);
    for (auto it = c.alerted_groups.begin(); it != c.alerted_groups.end();)
      it = it->second.bucket < oldest ? c.alerted_groups.erase(it) : std::next(it);
    for (auto it = c.full_buckets.begin(); it != c.full_buckets.end();) it = *it < oldest ? c.full_buckets.erase(it) : std::next(it);
  }
}

bool Detector::shared_usage(std::string& report) {
  if (!fleet_) return report = "no shared state", false;
  // Per rule key: keys of each kind and bytes (MEMORY USAGE: the key, its value and overhead).
  struct Use {
    uint64_t nt = 0, th = 0, sig = 0, seq = 0, bytes = 0;
  };
  std::unordered_map<std::string, Use> use;
  Use fleet;  // keys of rules not loaded here
  RedisClient& c = fleet_->client();
  const std::string pattern = fleet_->prefix() + ":*";
  for (const RedisEndpoint& node : c.masters()) {
    std::string cursor = "0";
    do {
      std::vector<RedisReply> r;
      if (!c.execute_on(node, {RedisCommand{{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, {}}}, r, report))
        return false;
      if (r[0].type != RedisReply::Type::Array || r[0].elements.size() != 2) return report = "unexpected reply to SCAN", false;
      cursor = r[0].elements[0].str;
      const auto& keys = r[0].elements[1].elements;
      std::vector<RedisCommand> sizes;
      for (const auto& k : keys) sizes.push_back(RedisCommand{{"MEMORY", "USAGE", k.str}, {}});
      std::vector<RedisReply> bytes;
      if (!sizes.empty() && !c.execute_on(node, sizes, bytes, report)) return false;
      for (size_t i = 0; i < keys.size(); ++i) {
        // PREFIX:KIND:RULE:ITEM
        const std::string_view k = std::string_view(keys[i].str).substr(fleet_->prefix().size() + 1);
        const size_t a = k.find(':'), b = a == std::string_view::npos ? a : k.find(':', a + 1);
        Use& u = b == std::string_view::npos ? fleet : use[std::string(k.substr(a + 1, b - a - 1))];
        const std::string_view kind = k.substr(0, a);
        (kind == "nt" ? u.nt : kind == "th" ? u.th : kind == "seq" ? u.seq : u.sig) += b == std::string_view::npos ? 0 : 1;
        u.bytes += bytes[i].type == RedisReply::Type::Integer ? static_cast<uint64_t>(bytes[i].integer) : 0;
      }
    } while (cursor != "0");
  }
  report = fmt::format("shared state {}: keys and bytes per rule\n", fleet_->describe());
  Use total;
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto it = use.find(batch_->rule_keys[i]);
    if (it == use.end()) continue;
    const Use& u = it->second;
    report += fmt::format("  {:<60.60} new-terms {:>8}  threshold {:>7}  sequences {:>7}  max_signals {:>6}  {:>10} bytes\n",
                          rules_[i].name, u.nt, u.th, u.seq, u.sig, u.bytes);
    total.nt += u.nt, total.th += u.th, total.seq += u.seq, total.sig += u.sig, total.bytes += u.bytes;
    use.erase(it);
  }
  for (const auto& [k, u] : use) fleet.bytes += u.bytes;
  report += fmt::format("  total for these rules: {} keys, {} bytes; other keys under the prefix (other rules, the fleet's clock and sets): {} bytes\n",
                        total.nt + total.th + total.seq + total.sig, total.bytes, fleet.bytes);
  return true;
}

}  // namespace rulec::rt
