// Shared state, the worker's part: a batch's ids, its gating calls and its claims against max_signals, resolved in Redis.
#include <fmt/format.h>

#include "runtime/common/hash128.h"
#include "runtime/shared/fleet_state.h"
#include "runtime/state/fleet_batch.h"
#include "runtime/state/term_tuples.h"

namespace rulec::rt {

using namespace terms;

std::string signal_key(const FleetState& fleet, const FleetBatch& b, const std::vector<RuleInfo>& rules, uint32_t rule,
                       int64_t t) {
  return fleet.key("sig", b.rule_keys[rule], std::to_string(floor_div(t, rules[rule].interval_ms)));
}

namespace {



// An event's Hash128 (in its alerts' ids), computed once.
std::pair<uint64_t, uint64_t> event_hash(FleetFlight& f, uint32_t e) {
  FleetFlight::EventCopy& ev = f.events[e];
  if (!ev.hashed) ev.hash = Hash128().add(ev.raw).value(), ev.hashed = true;
  return ev.hash;
}

// The owners the reading thread left out of the gating calls: an event's id, or a would-be
// alert's (its event, rule and terms), from the event's fast hash. A candidate's alert id, which
// hashes the whole event the slow way, waits until the fleet says it is an alert.
void fill_owners(FleetFlight& f, const std::vector<RuleInfo>& rules) {
  auto fast = [&](uint32_t e) {
    FleetFlight::EventCopy& ev = f.events[e];
    if (!ev.fast_hashed) ev.fast = fast_hash128(ev.raw), ev.fast_hashed = true;
    return ev.fast;
  };
  for (FleetFlight::Call& call : f.calls)
    for (const FleetFlight::Fill& fill : call.fills) {
      const FleetFlight::Candidate& c = f.candidates[fill.candidate];
      call.cmd.argv[fill.arg] = fill.event_id ? hex128(fast(c.event)) : alert_uuid(fast(c.event), rules[c.rule].rule_id, c.key);
    }
}

// A claim's index that names f.sequences, not f.candidates.
constexpr uint32_t kSequenceClaim = 0x80000000u;

bool bad_answer(FleetFlight& f, const RedisCommand& cmd, const RedisReply& r) {
  f.error = fmt::format("shared state: unexpected answer for key {} ({})", cmd.key,
                        r.is_error() ? r.str : "not what the script returns");
  return false;
}

}  // namespace

bool resolve_flight(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules, const FleetBatch& b, bool learn) {
  f.counters.assign(rules.size(), {});
  fill_owners(f, rules);
  // 1. The gating calls: which candidates are alerts.
  std::vector<RedisCommand> cmds;
  cmds.reserve(f.calls.size());
  for (auto& c : f.calls) cmds.push_back(std::move(c.cmd));
  std::vector<RedisReply> replies;
  if (!cmds.empty() && !fleet.run(cmds, replies, f.error)) return false;
  for (size_t i = 0; i < f.calls.size(); ++i) {
    const FleetFlight::Call& c = f.calls[i];
    const RedisReply& r = replies[i];
    const size_t n = c.candidates.size();
    if (c.script == FleetState::kNewTerms) {
      int64_t last = 0;
      if (r.type != RedisReply::Type::Array || r.elements.size() < n + 1 || r.elements.size() > n + 3 ||
          !reply_int(r.elements[n], last))
        return bad_answer(f, cmds[i], r);
      // The owners' times: the latest one's, then the latest of the others' ("": unknown).
      int64_t owner_t = FleetBatch::kNoOwner, older_max = FleetBatch::kNoOwner;
      for (size_t k = n + 1; k < r.elements.size(); ++k) {
        int64_t ot = 0;
        if (!reply_int(r.elements[k], ot)) {
          if (r.elements[k].type != RedisReply::Type::String || !r.elements[k].str.empty()) return bad_answer(f, cmds[i], r);
          ot = FleetBatch::kUnknownOwner;
        }
        if (k == n + 1 && ot == FleetBatch::kUnknownOwner) older_max = ot;
        else if (k == n + 1) owner_t = ot;
        else older_max = std::max(older_max, ot);
      }
      f.terms.push_back({c.rule, c.cache_key, last, owner_t, older_max});
      for (size_t j = 0; j < n; ++j)
        if (r.elements[j].type == RedisReply::Type::Integer && r.elements[j].integer == 1 && c.candidates[j] != kNone)
          f.candidates[c.candidates[j]].raise = true;
      continue;
    }
    if (r.type != RedisReply::Type::Array || r.elements.size() != n) return bad_answer(f, cmds[i], r);
    for (size_t j = 0; j < n; ++j) {
      const RedisReply& e = r.elements[j];
      if (e.type == RedisReply::Type::Array) {
        int64_t count = 0, distinct = 0, first = 0, last = 0;
        if ((e.elements.size() != 2 && e.elements.size() != 4) || !reply_int(e.elements[0], count) ||
            !reply_int(e.elements[1], distinct))
          return bad_answer(f, cmds[i], r);
        FleetFlight::Candidate& cand = f.candidates[c.candidates[j]];
        if (e.elements.size() == 4) {  // the bucket's earliest and latest event when it crossed
          if (!reply_int(e.elements[2], first) || !reply_int(e.elements[3], last)) return bad_answer(f, cmds[i], r);
          cand.facts.threshold_first_ms = first;
          cand.facts.threshold_last_ms = last;
        }
        cand.raise = true;
        cand.facts.threshold_count = count;
        if (!rules[c.rule].cardinality_field.empty()) cand.facts.cardinality = distinct;
        f.groups.push_back({c.rule, c.cache_key, c.bucket, cand.t});
      } else if (e.type == RedisReply::Type::String) {  // raised by another event, at this time
        int64_t owner_t = 0;
        if (reply_int(e, owner_t)) f.groups.push_back({c.rule, c.cache_key, c.bucket, owner_t});
        else if (!e.str.empty()) return bad_answer(f, cmds[i], r);
      } else if (e.type != RedisReply::Type::Integer || e.integer != 0) {
        return bad_answer(f, cmds[i], r);
      }
    }
  }
  // 2. The alerts' claims against their rule's max_signals bucket, in stream order; then the
  // sequences the fleet completed (one claim each: max_signals counts sequences).
  std::vector<FleetFlight::Call> claims;
  std::unordered_map<std::string, uint32_t> claim_of_key;
  auto claim = [&](uint32_t rule, int64_t t, int64_t alert_time, const std::string& id, const std::string& takeover,
                   uint32_t index) {
    const RuleInfo& r = rules[rule];
    const int64_t bucket = floor_div(t, r.interval_ms);
    std::string key = signal_key(fleet, b, rules, rule, t);
    auto [it, fresh] = claim_of_key.try_emplace(key, static_cast<uint32_t>(claims.size()));
    if (fresh) {
      FleetFlight::Call c;
      c.cmd = fleet.call(FleetState::kSignals, std::move(key),
                         {std::to_string(r.max_signals), std::to_string(bucket_ttl(r, bucket, alert_time)), fleet.writer()});
      c.rule = rule;
      c.bucket = bucket;
      claims.push_back(std::move(c));
    }
    claims[it->second].cmd.argv.push_back(id);
    claims[it->second].cmd.argv.push_back(takeover);
    claims[it->second].candidates.push_back(index);
  };
  for (uint32_t i = 0; i < f.candidates.size(); ++i) {
    FleetFlight::Candidate& cand = f.candidates[i];
    if (cand.op != kNone && !cand.raise) continue;
    if (learn) {
      ++f.counters[cand.rule].learned;
      continue;
    }
    const RuleInfo& r = rules[cand.rule];
    const FleetFlight::EventCopy& from = f.events[cand.event];
    if (!from.replay && b.cache[cand.rule].full_buckets.count(floor_div(cand.t, r.interval_ms))) {
      ++f.counters[cand.rule].suppressed;
      continue;
    }
    cand.facts.uuid = alert_uuid(event_hash(f, cand.event), r.rule_id, cand.key);
    claim(cand.rule, cand.t, cand.facts.alert_time_ms, cand.facts.uuid, from.takeover, i);
  }
  for (uint32_t i = 0; i < f.sequences.size(); ++i) {
    const FleetFlight::SequenceFound& sq = f.sequences[i];
    if (learn) {
      ++f.counters[sq.rule].learned;
      continue;
    }
    claim(sq.rule, sq.latest, f.sequence_watermark, sq.ids.shell, sq.takeover, kSequenceClaim | i);
  }
  if (claims.empty()) return true;
  cmds.clear();
  for (auto& c : claims) cmds.push_back(std::move(c.cmd));
  if (!fleet.run(cmds, replies, f.error)) return false;
  for (size_t i = 0; i < claims.size(); ++i) {
    const FleetFlight::Call& c = claims[i];
    const RedisReply& r = replies[i];
    if (r.type != RedisReply::Type::Array || r.elements.size() != c.candidates.size()) return bad_answer(f, cmds[i], r);
    RuleCounters& rc = f.counters[c.rule];
    for (size_t j = 0; j < c.candidates.size(); ++j) {
      const int64_t v = r.elements[j].type == RedisReply::Type::Integer ? r.elements[j].integer : -1;
      const uint32_t x = c.candidates[j];
      if (v == 1 || v == 2) (x & kSequenceClaim ? f.sequences[x & ~kSequenceClaim].write : f.candidates[x].write) = true;
      else if (v == 3) ++rc.elsewhere;
      else if (v == 0) ++rc.suppressed, f.full.emplace_back(c.rule, c.bucket);
      else return bad_answer(f, cmds[i], r);
    }
  }
  return true;
}

}  // namespace rulec::rt
