// Shared state: the detector's new-terms, threshold and max_signals decisions made by the fleet in Redis, a batch at a time.
//
// Decisions (see README "Running a fleet"):
// - The same semantics as detector.cpp, with the fleet's history: a term is new when no process
//   of the fleet saw it in [t - W, t); a threshold bucket counts every process's events; an
//   interval's max_signals budget is the fleet's.
// - Events are read on without waiting: each matched rule leaves a candidate alert and, when this
//   process's cache cannot decide, a script call. A batch (1,024 events, or a checkpoint, or idle
//   input) goes to Redis in two round trips per node: the gating calls (new terms, threshold),
//   then the claims of the alerts against max_signals. Alerts are written in stream order.
// - Every call may run twice with the same outcome (fleet_scripts.h): an occurrence asks as the
//   alert id it would raise, so a replay after a restart, or a retry after a lost connection,
//   gets the answer the first ask got, and the alert is written by the process that claimed it.
// - The cache: a term this process knows the fleet saw within the window needs no call; its
//   last-seen time is sent when it moved on by W/1024 (at least a second), so other processes'
//   view of it is at most that stale. A bucket known to be alerted, or full, needs no call.
#include <unistd.h>

#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "runtime/state/detector.h"
#include "runtime/state/fleet_batch.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {
using namespace terms;

namespace {

constexpr uint32_t kNone = UINT32_MAX;

std::string hex128(std::pair<uint64_t, uint64_t> h) { return fmt::format("{:016x}{:016x}", h.first, h.second); }
std::string hex128(const Key128& k) { return hex128(std::pair<uint64_t, uint64_t>{k.a, k.b}); }

// This process's name in the claims: the host and its --state directory (a restart is the same
// writer), or the host and a random number.
std::string default_writer(const std::string& state_dir) {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  if (!state_dir.empty()) {
    std::error_code ec;
    const std::string abs = std::filesystem::weakly_canonical(state_dir, ec).string();
    return fmt::format("{}:{:016x}", host, Hash128().add(abs).value().first);
  }
  std::random_device rd;
  return fmt::format("{}:{:08x}{:08x}", host, rd(), rd());
}

// A key must live until no event that is not late can reach its bucket (at least a minute).
int64_t bucket_ttl(const RuleInfo& r, int64_t bucket, int64_t watermark) {
  if (watermark == INT64_MIN) return 60000;
  return std::max<int64_t>(60000, (bucket + 2) * r.interval_ms + r.lookback_ms - watermark);
}

bool parse_int(const RedisReply& r, int64_t& out) {
  if (r.type == RedisReply::Type::Integer) return out = r.integer, true;
  if (r.type != RedisReply::Type::String || r.str.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(r.str.c_str(), &end, 10);
  return errno == 0 && end && *end == '\0';
}

}  // namespace

bool Detector::open_fleet(std::string& error) {
  fleet_ = FleetState::open(options_.shared_state,
                            options_.writer.empty() ? default_writer(options_.state_dir) : options_.writer, error);
  if (!fleet_) return false;
  batch_ = std::make_unique<FleetBatch>();
  batch_->cache.resize(rules_.size());
  for (const RuleInfo& r : rules_) batch_->rule_keys.push_back(FleetState::rule_key(r.rule_id, r.definition_hash));
  return true;
}

void Detector::set_stop_flag(const std::atomic<uint32_t>* flag, uint32_t stop_bits) {
  if (fleet_) fleet_->set_stop(flag, stop_bits);
}

void Detector::set_program(const char* program) {
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
    b.current_event = static_cast<int64_t>(b.events.size());
    b.events.push_back(FleetBatch::EventCopy{std::string(ev.raw), watermark_, replay_ ? replay_owner_ : std::string(), replay_});
  }
  return static_cast<uint32_t>(b.current_event);
}

namespace {

// The call on `key` in this batch, created with its head arguments when it is the first.
FleetBatch::Call& call_on(FleetBatch& b, const FleetState& fleet, FleetState::Script s, std::string key, uint32_t rule,
                          Key128 cache_key, int64_t bucket, std::vector<std::string> head) {
  auto [it, fresh] = b.call_of_key.try_emplace(key, static_cast<uint32_t>(b.calls.size()));
  if (fresh) {
    FleetBatch::Call c;
    c.cmd = fleet.call(s, std::move(key), std::move(head));
    c.script = s;
    c.rule = rule;
    c.cache_key = cache_key;
    c.bucket = bucket;
    b.calls.push_back(std::move(c));
  }
  return b.calls[it->second];
}

}  // namespace

void Detector::fleet_event(size_t rule, const Event& ev, int64_t t) {
  FleetBatch::Candidate c;
  c.event = fleet_event_index(ev);
  c.rule = static_cast<uint32_t>(rule);
  c.t = t;
  c.facts.alert_time_ms = watermark_;
  c.facts.uuid = alert_uuid(event_hash(ev), rules_[rule].rule_id, {});
  batch_->candidates.push_back(std::move(c));
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
    std::string key = fleet_->key("nt", b.rule_keys[rule], hex128(k));
    // A replayed entry asks the fleet even for a term it knows: it may own the term's alert.
    const bool pending = b.call_of_key.count(key) > 0 || replay_;
    auto head = [&] {
      return std::vector<std::string>{std::to_string(r.history_window_ms), std::to_string(horizon),
                                      std::to_string(watermark_ == INT64_MIN ? t : watermark_)};
    };
    if (!pending && seen.last != INT64_MIN && seen.last >= t - r.history_window_ms) {
      // Not new: the fleet saw it within the window. Its last-seen time goes out at a bounded rate.
      seen.last = std::max(seen.last, t);
      if (t >= seen.sent + step) {
        FleetBatch::Call& c = call_on(b, *fleet_, FleetState::kNewTerms, std::move(key), static_cast<uint32_t>(rule), k, 0, head());
        c.cmd.argv.push_back(std::to_string(t));
        c.cmd.argv.emplace_back();
        c.candidates.push_back(kNone);
        seen.sent = t;
      }
      return;
    }
    // Maybe new: the fleet decides, with the alert this occurrence would raise as its owner.
    FleetBatch::Candidate cand;
    cand.event = fleet_event_index(ev);
    cand.rule = static_cast<uint32_t>(rule);
    cand.t = t;
    cand.facts.alert_time_ms = watermark_;
    cand.facts.new_terms.assign(tuple.begin(), tuple.end());
    cand.facts.uuid = alert_uuid(event_hash(ev), r.rule_id, cand.facts.new_terms);
    FleetBatch::Call& c = call_on(b, *fleet_, FleetState::kNewTerms, std::move(key), static_cast<uint32_t>(rule), k, 0, head());
    cand.op = static_cast<uint32_t>(&c - b.calls.data());
    cand.slot = static_cast<uint32_t>(c.candidates.size());
    c.cmd.argv.push_back(std::to_string(t));
    c.cmd.argv.push_back(cand.facts.uuid);
    c.candidates.push_back(static_cast<uint32_t>(b.candidates.size()));
    seen.sent = std::max(seen.sent, t);
    seen.last = std::max(seen.last, t);
    b.candidates.push_back(std::move(cand));
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
  if (!r.cardinality_field.empty()) field_values(ev, TermField{r.cardinality_field, r.cardinality_ignore_above}, card, seen_);
  const int64_t bucket = floor_div(t, r.interval_ms);
  const std::string bucket_text = std::to_string(bucket);
  if (tuple_count(values_, nf) > kMaxTuplesPerEvent) counters_[rule].terms_capped++;
  const std::string event_id = hex128(event_hash(ev));
  for_each_tuple(values_, nf, tuple_idx_, tuple_, [&](const std::vector<std::string_view>& tuple) {
    const Key128 gk = tuple_key(tuple, bucket_text);
    if (!replay_ && b.cache[rule].alerted_groups.count(gk)) return;  // the fleet raised this bucket's alert already
    FleetBatch::Candidate cand;
    cand.event = fleet_event_index(ev);
    cand.rule = static_cast<uint32_t>(rule);
    cand.t = t;
    cand.facts.alert_time_ms = watermark_;
    cand.facts.threshold_terms.assign(tuple.begin(), tuple.end());
    cand.facts.threshold_from_ms = bucket * r.interval_ms;
    std::vector<std::string> key(tuple.begin(), tuple.end());
    key.push_back(bucket_text);
    cand.facts.uuid = alert_uuid(event_hash(ev), r.rule_id, key);
    FleetBatch::Call& c =
        call_on(b, *fleet_, FleetState::kThreshold, fleet_->key("th", b.rule_keys[rule], hex128(gk)),
                static_cast<uint32_t>(rule), gk, bucket,
                {std::to_string(r.threshold_value), std::to_string(r.cardinality_field.empty() ? 0 : r.cardinality_value),
                 std::to_string(bucket_ttl(r, bucket, watermark_))});
    cand.op = static_cast<uint32_t>(&c - b.calls.data());
    cand.slot = static_cast<uint32_t>(c.candidates.size());
    c.cmd.argv.push_back(event_id);
    c.cmd.argv.push_back(std::to_string(card.size()));
    for (auto v : card) c.cmd.argv.push_back(hex128(Hash128().add(v).value()));
    c.candidates.push_back(static_cast<uint32_t>(b.candidates.size()));
    b.candidates.push_back(std::move(cand));
  });
}

bool Detector::flush_shared() {
  if (!fleet_) return true;
  FleetBatch& b = *batch_;
  if (b.empty()) {
    b.clear_batch();
    return true;
  }
  auto bad_answer = [&](const RedisCommand& cmd, const RedisReply& r) {
    error_ = fmt::format("shared state: unexpected answer for key {} ({})", cmd.key,
                         r.is_error() ? r.str : "not what the script returns");
    return false;
  };
  // 1. The gating calls.
  std::vector<RedisCommand> cmds;
  cmds.reserve(b.calls.size());
  for (auto& c : b.calls) cmds.push_back(std::move(c.cmd));
  std::vector<RedisReply> replies;
  if (!fleet_->run(cmds, replies, error_)) return false;
  for (size_t i = 0; i < b.calls.size(); ++i) {
    const FleetBatch::Call& c = b.calls[i];
    const RedisReply& r = replies[i];
    const size_t n = c.candidates.size();
    if (c.script == FleetState::kNewTerms) {
      int64_t last = 0;
      if (r.type != RedisReply::Type::Array || r.elements.size() != n + 1 || !parse_int(r.elements[n], last))
        return bad_answer(cmds[i], r);
      FleetBatch::TermSeen& seen = batch_->cache[c.rule].terms[c.cache_key];
      seen.last = std::max(seen.last, last);
      for (size_t j = 0; j < n; ++j)
        if (r.elements[j].type == RedisReply::Type::Integer && r.elements[j].integer == 1 && c.candidates[j] != kNone)
          b.candidates[c.candidates[j]].raise = true;
    } else {
      if (r.type != RedisReply::Type::Array || r.elements.size() != n) return bad_answer(cmds[i], r);
      for (size_t j = 0; j < n; ++j) {
        const RedisReply& e = r.elements[j];
        if (e.type == RedisReply::Type::Array) {
          if (e.elements.size() != 2) return bad_answer(cmds[i], r);
          FleetBatch::Candidate& cand = b.candidates[c.candidates[j]];
          cand.raise = true;
          parse_int(e.elements[0], cand.facts.threshold_count);
          int64_t d = 0;
          parse_int(e.elements[1], d);
          if (!rules_[c.rule].cardinality_field.empty()) cand.facts.cardinality = d;
        }
        if (e.type == RedisReply::Type::Array || (e.type == RedisReply::Type::Integer && e.integer < 0))
          batch_->cache[c.rule].alerted_groups[c.cache_key] = c.bucket;
      }
    }
  }
  // 2. The alerts' claims against their rule's max_signals bucket, in stream order.
  enum : uint8_t { kSkip, kWrite };
  std::vector<uint8_t> outcome(b.candidates.size(), kSkip);
  std::vector<FleetBatch::Call> claims;
  std::unordered_map<std::string, uint32_t> claim_of_key;
  for (uint32_t i = 0; i < b.candidates.size(); ++i) {
    FleetBatch::Candidate& cand = b.candidates[i];
    if (cand.op != kNone && !cand.raise) continue;
    RuleCounters& rc = counters_[cand.rule];
    if (options_.learn) {
      ++rc.learned;
      continue;
    }
    if (dedupe_.seen.count(key_of(Hash128().add(cand.facts.uuid).value()))) {
      ++rc.duplicates;
      continue;
    }
    const RuleInfo& r = rules_[cand.rule];
    const int64_t bucket = floor_div(cand.t, r.interval_ms);
    const FleetBatch::EventCopy& from = b.events[cand.event];
    if (!from.replay && b.cache[cand.rule].full_buckets.count(bucket)) {
      ++rc.suppressed;
      continue;
    }
    std::string key = fleet_->key("sig", b.rule_keys[cand.rule], std::to_string(bucket));
    auto [it, fresh] = claim_of_key.try_emplace(key, static_cast<uint32_t>(claims.size()));
    if (fresh) {
      FleetBatch::Call c;
      c.cmd = fleet_->call(FleetState::kSignals, std::move(key),
                           {std::to_string(r.max_signals), std::to_string(bucket_ttl(r, bucket, watermark_)), fleet_->writer()});
      c.rule = cand.rule;
      c.bucket = bucket;
      claims.push_back(std::move(c));
    }
    claims[it->second].cmd.argv.push_back(cand.facts.uuid);
    claims[it->second].cmd.argv.push_back(from.takeover);
    claims[it->second].candidates.push_back(i);
  }
  if (!claims.empty()) {
    cmds.clear();
    for (auto& c : claims) cmds.push_back(std::move(c.cmd));
    if (!fleet_->run(cmds, replies, error_)) return false;
    for (size_t i = 0; i < claims.size(); ++i) {
      const FleetBatch::Call& c = claims[i];
      const RedisReply& r = replies[i];
      if (r.type != RedisReply::Type::Array || r.elements.size() != c.candidates.size()) return bad_answer(cmds[i], r);
      for (size_t j = 0; j < c.candidates.size(); ++j) {
        const int64_t v = r.elements[j].type == RedisReply::Type::Integer ? r.elements[j].integer : -1;
        RuleCounters& rc = counters_[c.rule];
        if (v == 1 || v == 2) outcome[c.candidates[j]] = kWrite;
        else if (v == 3) ++rc.elsewhere;
        else if (v == 0) ++rc.suppressed, b.cache[c.rule].full_buckets[c.bucket] = true;
        else return bad_answer(cmds[i], r);
      }
    }
  }
  // 3. The alerts, in stream order.
  int64_t last_event = -1;
  for (uint32_t i = 0; i < b.candidates.size(); ++i) {
    if (outcome[i] != kWrite) continue;
    FleetBatch::Candidate& cand = b.candidates[i];
    if (static_cast<int64_t>(cand.event) != last_event) alerts_.next_event(), last_event = cand.event;
    cand.facts.event_json = b.events[cand.event].raw;
    if (!sink_->write(alerts_.build(rules_[cand.rule], cand.facts))) {
      if (error_.empty()) error_ = sink_->error();
      return false;
    }
    dedupe_.seen[key_of(Hash128().add(cand.facts.uuid).value())] = cand.t;
    ++counters_[cand.rule].alerts;
  }
  alerts_.next_event();
  b.clear_batch();
  return true;
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
      it = it->second < oldest ? c.alerted_groups.erase(it) : std::next(it);
    while (!c.full_buckets.empty() && c.full_buckets.begin()->first < oldest) c.full_buckets.erase(c.full_buckets.begin());
  }
}

bool Detector::shared_usage(std::string& report) {
  if (!fleet_) return report = "no shared state", false;
  // Per rule key: keys of each kind and bytes (MEMORY USAGE: the key, its value and overhead).
  struct Use {
    uint64_t nt = 0, th = 0, sig = 0, bytes = 0;
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
        (kind == "nt" ? u.nt : kind == "th" ? u.th : u.sig) += b == std::string_view::npos ? 0 : 1;
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
    report += fmt::format("  {:<60.60} new-terms {:>8}  threshold {:>7}  max_signals {:>6}  {:>10} bytes\n", rules_[i].name,
                          u.nt, u.th, u.sig, u.bytes);
    total.nt += u.nt, total.th += u.th, total.sig += u.sig, total.bytes += u.bytes;
    use.erase(it);
  }
  for (const auto& [k, u] : use) fleet.nt += u.nt, fleet.th += u.th, fleet.sig += u.sig, fleet.bytes += u.bytes;
  report += fmt::format("  total for these rules: {} keys, {} bytes; keys of other rules under the prefix: {} bytes\n",
                        total.nt + total.th + total.sig, total.bytes, fleet.bytes);
  return true;
}

}  // namespace rulec::rt
