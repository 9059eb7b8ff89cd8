// Shared state, the worker's part for EQL sequences: a batch's sequence events landed in their keys, fed in time order once the whole fleet has landed up to their time.
//
// Decisions (README "Running a fleet"; the key itself: fleet_sequence_key.h):
// - The fleet's low watermark: every process with sequence rules says, in one hash, up to which
//   event time it has landed every sequence event it read, and when it last said so (Redis's
//   clock). A key's waiting events are fed once their time is at or before the lowest of the
//   processes heard from in the last kLiveMs (this process's own: the batch being landed). A
//   process that is silent longer, or whose input ended, no longer holds the fleet back.
// - Who visits a key: every process that landed events in it remembers it (and when it needs a
//   visit) in a sorted set of its own, mirrored in Redis; a restart reads it back, and the keys of
//   a process that ended or fell silent are adopted by the next process that sees it. When the last
//   running process's input ends, it feeds everything and releases every wait (as one process
//   does at the end of its input).
// - Writes: read the key, step it, write it back only over the version read (kSequencePut); a
//   key another process wrote meanwhile is read and stepped again.
// - The sequences found are kept in their key with their writer (fleet_sequence_key.h), and the
//   key's name in the writer's outbox set until its next checkpoint: a writer killed before its
//   alerts were durable finds them again at its restart, and a stream worker that takes a dead
//   consumer's entries over takes its sequences over too.
#include <algorithm>
#include <map>
#include <random>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/common/dates.h"
#include "runtime/common/hash128.h"
#include "runtime/shared/fleet_state.h"
#include "runtime/state/fleet_batch.h"
#include "runtime/state/fleet_sequence_key.h"

namespace rulec::rt {

namespace {

constexpr int64_t kLiveMs = 30000;
// An event waits at least this long in its key (Redis's clock) before it is fed: what other
// processes read at about the same time lands meanwhile, and is put in time order with it.
constexpr int64_t kSettleMs = 2000;
constexpr int kMaxAttempts = 32;
// This process's sets (keys to visit, keys holding its sequences) outlive it by a week at most.
constexpr int64_t kSetTtlMs = 7 * 24 * 3600 * 1000LL;

std::string clock_key(const FleetState& fleet) { return fleet.prefix() + ":seqwm"; }
std::string attention_key(const FleetState& fleet, std::string_view writer) {
  return fleet.prefix() + ":seqatt:" + std::string(writer);
}
std::string outbox_key(const FleetState& fleet, std::string_view writer) {
  return fleet.prefix() + ":seqout:" + std::string(writer);
}

// The sequence rules by their key part.
std::unordered_map<std::string_view, uint32_t> sequence_rules(const std::vector<RuleInfo>& rules,
                                                              const std::vector<std::string>& rule_keys) {
  std::unordered_map<std::string_view, uint32_t> out;
  for (uint32_t i = 0; i < rules.size() && i < rule_keys.size(); ++i)
    if (rules[i].kind == DetectionKind::Sequence) out.emplace(rule_keys[i], i);
  return out;
}

// The rule of a sequence key (PREFIX:seq:RULE:ITEM), or kNone.
uint32_t rule_of(const FleetState& fleet, const std::unordered_map<std::string_view, uint32_t>& by_key,
                 std::string_view name) {
  const size_t at = fleet.prefix().size() + 5;
  if (name.size() <= at || name.substr(fleet.prefix().size(), 5) != ":seq:") return kNone;
  const size_t end = name.find(':', at);
  if (end == std::string_view::npos) return kNone;
  const auto it = by_key.find(name.substr(at, end - at));
  return it == by_key.end() ? kNone : it->second;
}

// An event a sequence key names (by id): stored once, under its own key, for the sequences' alerts.
std::string event_key(const FleetState& fleet, std::string_view id) { return fleet.prefix() + ":ev:" + std::string(id); }

std::string new_version() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return fmt::format("{:016x}", gen());
}

bool fail(FleetFlight& f, std::string why) {
  f.error = std::move(why);
  return false;
}

// What the fleet's clock said: the lowest watermark of the processes running, whether any runs
// besides this one, and the processes that ended or fell silent.
struct FleetClock {
  int64_t now = 0;  // Redis's clock, ms
  int64_t others_low = INT64_MAX;
  bool others_running = false;
  std::vector<std::string> gone;
};

bool read_clock(FleetFlight& f, const RedisReply& r, const std::string& me, FleetClock& c) {
  int64_t& now = c.now;
  if (r.type != RedisReply::Type::Array || r.elements.size() % 2 != 1 || !reply_int(r.elements[0], now) || now < 0 ||
      now > SequenceMachine::kMaxTime)
    return fail(f, "shared state: unexpected answer from the sequences' clock");
  for (size_t i = 1; i + 1 < r.elements.size(); i += 2) {
    const std::string& who = r.elements[i].str;
    const std::string& v = r.elements[i + 1].str;
    if (who == me) continue;
    const size_t a = v.find('|'), b = a == std::string::npos ? a : v.find('|', a + 1);
    int64_t seen = 0, w = INT64_MIN;
    constexpr int64_t kMax = SequenceMachine::kMaxTime;  // times and clocks: no difference of two overflows
    if (b == std::string::npos || !text_int(v.substr(a + 1, b - a - 1), seen) || (a > 0 && !text_int(v.substr(0, a), w)) ||
        seen < 0 || seen > kMax || (w != INT64_MIN && (w < -kMax || w > kMax)))
      return fail(f, fmt::format("shared state: {}'s entry in the sequences' clock is not one rulec writes: {}", who, v));
    const bool running = v.substr(b + 1) == "l" && now - seen <= kLiveMs;
    if (!running) {
      c.gone.push_back(who);
      continue;
    }
    c.others_running = true;
    if (w != INT64_MIN) c.others_low = std::min(c.others_low, w);
  }
  return true;
}

// A writer's attention set (`key`, from ZRANGE ... WITHSCORES) merged into `into`: each key's
// earliest time, its events taken as settled. False with the reason.
bool merge_attention(const RedisReply& r, const std::string& key, std::unordered_map<std::string, FleetSequences::Attention>& into,
                     std::string& error) {
  if (r.type != RedisReply::Type::Array || r.elements.size() % 2)
    return error = fmt::format("shared state: unexpected answer reading {}", key), false;
  for (size_t k = 0; k + 1 < r.elements.size(); k += 2) {
    int64_t at = 0;
    if (!reply_int(r.elements[k + 1], at)) return error = fmt::format("shared state: {} holds a score rulec does not write", key), false;
    auto [it, fresh] = into.try_emplace(r.elements[k].str, FleetSequences::Attention{at, INT64_MIN});
    if (!fresh) it->second.at = std::min(it->second.at, at), it->second.settled = INT64_MIN;
  }
  return true;
}

// One key's visit: its rule and the events this batch lands in it.
struct Visit {
  uint32_t rule = kNone;
  std::vector<SharedSequenceKey::Landed> incoming;
};

// A sequence found (its steps name their events by id) as this process's result, still without
// its events' bytes (with_events()).
FleetFlight::SequenceFound result(uint32_t rule, const SequenceMachine::Completed& steps, const std::string& takeover) {
  FleetFlight::SequenceFound s;
  s.rule = rule;
  s.steps = steps;
  s.latest = INT64_MIN;
  for (const auto& st : steps) s.latest = std::max(s.latest, st.time);
  s.takeover = takeover;
  return s;
}

// The events of the sequences f.sequences read from Redis (their steps then hold the
// events' bytes), and the alert ids they make. An event lives as long in Redis as a key that names
// it can (its horizon, in event time from the process's watermark); a sequence whose event has
// expired meanwhile (its key waited longer than that for the fleet) or was evicted is dropped and
// counted (f.sequences_lost), not written.
bool with_events(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules) {
  std::vector<RedisCommand> cmds;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < f.sequences.size(); ++i)
    for (const auto& st : f.sequences[i].steps)
      if (index.try_emplace(st.raw, cmds.size()).second) cmds.push_back(RedisCommand{{"GET", event_key(fleet, st.raw)}, event_key(fleet, st.raw)});
  if (cmds.empty()) return true;
  std::vector<RedisReply> replies;
  if (!fleet.run(cmds, replies, f.error)) return false;
  size_t kept = 0;
  for (size_t i = 0; i < f.sequences.size(); ++i) {
    FleetFlight::SequenceFound& sq = f.sequences[i];
    bool whole = true;
    for (auto& st : sq.steps) {
      const RedisReply& r = replies[index[st.raw]];
      if (r.type == RedisReply::Type::String) st.raw = r.str;
      else if (r.type == RedisReply::Type::Nil) whole = false;
      else return fail(f, fmt::format("shared state: unexpected answer reading {}", event_key(fleet, st.raw)));
    }
    if (!whole) {
      ++f.sequences_lost;
      continue;
    }
    std::vector<std::string_view> raws;
    for (const auto& st : sq.steps) raws.push_back(st.raw);
    sq.ids = sequence_alert_ids(rules[sq.rule].rule_uuid, raws);
    if (kept != i) f.sequences[kept] = std::move(sq);
    ++kept;
  }
  f.sequences.resize(kept);
  return true;
}

}  // namespace

bool resolve_sequences(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules,
                       const std::vector<std::string>& rule_keys, FleetSequences& s, bool learn) {
  if (!f.sequence_visit && f.landings.empty()) return true;
  const auto by_key = sequence_rules(rules, rule_keys);
  const std::string& me = fleet.writer();
  const std::string mine = attention_key(fleet, me);
  std::map<std::string, Visit> visits;  // ordered: the same commands in the same order on a retry
  // Each event lands once under its own key (the sequence keys name it by id), for as long as
  // the longest-lived key that may name it.
  struct Stored {
    Key128 id;
    std::string hex;
    int64_t ttl = 60000;
  };
  std::unordered_map<uint32_t, Stored> stored;  // by event
  for (const auto& l : f.landings) {
    Visit& v = visits[fleet.key("seq", rule_keys[l.rule], hex128(l.key))];
    v.rule = l.rule;
    auto [it, fresh] = stored.try_emplace(l.event);
    Stored& e = it->second;
    if (fresh) e.id = key_of(fast_hash128(f.events[l.event].raw)), e.hex = hex128(e.id);
    const int64_t wm = f.sequence_watermark == INT64_MIN ? l.time : f.sequence_watermark;
    e.ttl = std::max(e.ttl, l.time + sequence_horizon_ms(rules[l.rule]) - wm);
    v.incoming.push_back({e.id, l.time, 0, l.term, 0, e.hex});
  }
  std::vector<RedisCommand> head;
  for (const auto& [event, e] : stored)
    head.push_back(RedisCommand{{"SET", event_key(fleet, e.hex), f.events[event].raw, "PX", std::to_string(e.ttl)}, event_key(fleet, e.hex)});
  std::vector<RedisCommand> tail;  // after the writes: sets kept up to date, adopted ones dropped
  // The keys due for a visit at `low` and Redis's clock `now` (every one: flush) join the visits.
  auto visit_due = [&](int64_t low, int64_t now, bool every) {
    for (auto it = s.attention.begin(); it != s.attention.end();) {
      if (!every && (low == INT64_MIN || it->second.at > low || it->second.settled > now)) {
        ++it;
        continue;
      }
      const uint32_t rule = rule_of(fleet, by_key, it->first);
      if (rule == kNone) {  // a rule no longer loaded here: its keys expire on their own
        tail.push_back(RedisCommand{{"ZREM", mine, it->first}, mine});
        it = s.attention.erase(it);
        continue;
      }
      visits[it->first].rule = rule;
      ++it;
    }
  };
  std::unordered_map<std::string, RedisReply> values;  // what each key held when read
  std::vector<RedisCommand> cmds;
  std::vector<RedisReply> replies;
  // Reads the visited keys not read yet (after `first_cmds`, in the same round trip).
  auto read_keys = [&](std::vector<RedisCommand> first_cmds) {
    cmds = std::move(first_cmds);
    const size_t first = cmds.size();
    for (const auto& [name, v] : visits)
      if (!values.count(name)) cmds.push_back(RedisCommand{{"GET", name}, name});
    if (cmds.empty()) return true;
    if (!fleet.run(cmds, replies, f.error)) return false;
    for (size_t i = first; i < cmds.size(); ++i) values[cmds[i].key] = std::move(replies[i]);
    return true;
  };
  // 1. The fleet's clock (this process's word, everyone's), and the keys: those this batch lands
  // in, and those due by what the fleet said last time.
  visit_due(s.low, s.clock_ms == INT64_MIN ? INT64_MIN : s.clock_ms + steady_clock_ms() - s.clock_steady_ms, false);
  const size_t at_clock = head.size();
  head.push_back(fleet.call(FleetState::kSequenceClock, clock_key(fleet),
                            {me, s.landed == INT64_MIN ? std::string() : std::to_string(s.landed), f.sequence_final ? "x" : "l"}));
  if (!read_keys(std::move(head))) return false;
  FleetClock clock;
  if (!read_clock(f, replies[at_clock], me, clock)) return false;
  s.clock_ms = clock.now, s.clock_steady_ms = steady_clock_ms();
  for (auto& [name, v] : visits)
    for (auto& e : v.incoming) e.landed_ms = clock.now;
  const bool flush = f.sequence_final && !clock.others_running;
  const int64_t low = f.sequence_final ? clock.others_low : std::min(f.sequence_watermark, clock.others_low);
  s.low = low;
  // 2. The keys of the processes that ended or fell silent become this one's to visit.
  if (!clock.gone.empty()) {
    cmds.clear();
    for (const auto& g : clock.gone) cmds.push_back(RedisCommand{{"ZRANGE", attention_key(fleet, g), "0", "-1", "WITHSCORES"}, attention_key(fleet, g)});
    if (!fleet.run(cmds, replies, f.error)) return false;
    for (size_t i = 0; i < clock.gone.size(); ++i) {
      if (!merge_attention(replies[i], cmds[i].key, s.attention, f.error)) return false;
      for (size_t k = 0; k < replies[i].elements.size(); k += 2) {
        const std::string& name = replies[i].elements[k].str;
        tail.push_back(RedisCommand{{"ZADD", mine, std::to_string(s.attention[name].at), name}, mine});
      }
      tail.push_back(RedisCommand{{"DEL", attention_key(fleet, clock.gone[i])}, attention_key(fleet, clock.gone[i])});
      tail.push_back(RedisCommand{{"HDEL", clock_key(fleet), clock.gone[i]}, clock_key(fleet)});
    }
  }
  // 3. The last process whose input ends visits every key left.
  if (flush) {
    visit_due(low, clock.now, true);
    if (!read_keys({})) return false;
  }
  // 4. Step each key, write it back over the version read; read again those another process
  // wrote meanwhile.
  std::vector<std::string> todo;
  for (const auto& [name, v] : visits) todo.push_back(name);
  for (int attempt = 0; !todo.empty() || !tail.empty(); ++attempt) {
    if (attempt == kMaxAttempts)
      return fail(f, fmt::format("shared state: sequence key {} kept changing under this process ({} attempts)", todo[0], attempt));
    struct Pending {
      std::string name;
      std::vector<FleetFlight::SequenceFound> found;
      FleetSequences::Attention attention;
      int put = -1;  // its put's index in `writes`
    };
    std::vector<Pending> pending;
    std::vector<RedisCommand> writes;
    // This process's sets change by one command each per batch: what it is to visit (the mirror
    // of s.attention: only what changes is sent) and the keys holding sequences it found.
    RedisCommand add{{"ZADD", mine}, mine}, remove{{"ZREM", mine}, mine};
    RedisCommand found_in{{"SADD", outbox_key(fleet, me)}, outbox_key(fleet, me)};
    for (const std::string& name : todo) {
      const Visit& v = visits[name];
      const RuleInfo& r = rules[v.rule];
      const RedisReply& value = values[name];
      SharedSequenceKey k;
      std::string why;
      if (value.type == RedisReply::Type::String) {
        if (!k.decode(value.str, why)) return fail(f, fmt::format("shared state: {} does not hold a sequence key: {}", name, why));
      } else if (value.type != RedisReply::Type::Nil) {
        return fail(f, fmt::format("shared state: unexpected answer reading {}", name));
      }
      SequenceKeyStep st;
      if (!step_sequence_key(r.sequence, sequence_horizon_ms(r), k, v.incoming, low, clock.now - kSettleMs, flush, st, why))
        return fail(f, fmt::format("shared state: {} does not hold a state of rule {}: {}", name, r.rule_id, why));
      Pending p{name, {}, {st.attention, st.landed_ms == INT64_MIN ? INT64_MIN : st.landed_ms + kSettleMs}};
      for (const auto& steps : st.completed) {
        p.found.push_back(result(v.rule, steps, ""));
        // Kept with this writer until its alerts are durable (not when learning: none are written).
        if (!learn) k.found.push_back({"", me, p.found.back().latest, false, steps});
      }
      if (!learn && !p.found.empty()) found_in.argv.push_back(name);
      if (st.changed) {
        const std::string read = k.version;
        k.version = new_version();
        const int64_t wm = f.sequence_watermark == INT64_MIN ? k.touched : f.sequence_watermark;
        const int64_t ttl = std::max<int64_t>(60000, k.touched == INT64_MIN ? 0 : k.touched + sequence_horizon_ms(r) - wm);
        writes.push_back(fleet.call(FleetState::kSequencePut, name, {read, k.encode(), std::to_string(ttl)}));
        p.put = static_cast<int>(writes.size() - 1);
      }
      const auto known = s.attention.find(name);
      if (st.attention == INT64_MAX) {
        if (known != s.attention.end()) remove.argv.push_back(name);
      } else if (known == s.attention.end() || known->second.at != st.attention) {
        add.argv.push_back(std::to_string(st.attention));
        add.argv.push_back(name);
      }
      pending.push_back(std::move(p));
    }
    // The sets change before the puts are known to have landed: a put that must be retried
    // sends its key's entry again; one that never lands leaves an entry a later visit removes.
    if (found_in.argv.size() > 2) {
      writes.push_back(std::move(found_in));
      writes.push_back(RedisCommand{{"PEXPIRE", outbox_key(fleet, me), std::to_string(kSetTtlMs)}, outbox_key(fleet, me)});
    }
    if (add.argv.size() > 2) writes.push_back(std::move(add));
    if (remove.argv.size() > 2) writes.push_back(std::move(remove));
    if (!pending.empty() || !tail.empty()) writes.push_back(RedisCommand{{"PEXPIRE", mine, std::to_string(kSetTtlMs)}, mine});
    for (auto& t : tail) writes.push_back(std::move(t));
    tail.clear();
    if (!fleet.run(writes, replies, f.error)) return false;
    std::vector<std::string> again;
    for (Pending& p : pending) {
      if (p.put >= 0) {
        const RedisReply& r = replies[static_cast<size_t>(p.put)];
        if (r.type != RedisReply::Type::Integer || (r.integer != 0 && r.integer != 1))
          return fail(f, fmt::format("shared state: unexpected answer writing {}", p.name));
        if (r.integer == 0) {
          again.push_back(p.name);
          values.erase(p.name);
          continue;
        }
      }
      if (p.attention.at == INT64_MAX) s.attention.erase(p.name);
      else s.attention[p.name] = p.attention;
      if (!learn && !p.found.empty()) s.outbox.push_back(p.name);
      for (auto& x : p.found) f.sequences.push_back(std::move(x));
    }
    todo = std::move(again);
    if (!todo.empty() && !read_keys({})) return false;
  }
  if (!with_events(f, fleet, rules)) return false;
  s.landed = std::max(s.landed, f.sequence_watermark);
  s.next_due = INT64_MAX;
  for (const auto& [name, a] : s.attention) s.next_due = std::min(s.next_due, a.at);
  return true;
}

bool recover_sequences(FleetFlight& f, FleetState& fleet, const std::vector<RuleInfo>& rules,
                       const std::vector<std::string>& rule_keys, const std::string& writer, const std::string& takeover,
                       FleetSequences& s) {
  const auto by_key = sequence_rules(rules, rule_keys);
  std::vector<RedisCommand> cmds{RedisCommand{{"SMEMBERS", outbox_key(fleet, writer)}, outbox_key(fleet, writer)}};
  std::vector<RedisReply> replies;
  if (!fleet.run(cmds, replies, f.error)) return false;
  if (replies[0].type != RedisReply::Type::Array) return fail(f, fmt::format("shared state: unexpected answer reading {}", cmds[0].key));
  std::vector<std::string> names;
  for (const auto& e : replies[0].elements) names.push_back(e.str);
  cmds.clear();
  for (const auto& name : names) cmds.push_back(RedisCommand{{"GET", name}, name});
  if (!cmds.empty() && !fleet.run(cmds, replies, f.error)) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    const uint32_t rule = rule_of(fleet, by_key, names[i]);
    if (rule == kNone || replies[i].type == RedisReply::Type::Nil) continue;  // another rule set's, or expired
    SharedSequenceKey k;
    std::string why;
    if (replies[i].type != RedisReply::Type::String || !k.decode(replies[i].str, why))
      return fail(f, fmt::format("shared state: {} does not hold a sequence key: {}", names[i], why));
    for (const auto& found : k.found)
      if (found.writer == writer && !found.durable) f.sequences.push_back(result(rule, found.steps, takeover));
    if (takeover.empty()) s.outbox.push_back(names[i]);
  }
  return with_events(f, fleet, rules);
}

bool load_sequence_attention(FleetState& fleet, FleetSequences& s, std::string& error) {
  const std::string key = attention_key(fleet, fleet.writer());
  std::vector<RedisCommand> cmds{RedisCommand{{"ZRANGE", key, "0", "-1", "WITHSCORES"}, key}};
  std::vector<RedisReply> replies;
  return fleet.run(cmds, replies, error) && merge_attention(replies[0], key, s.attention, error);
}

bool forget_sequence_outbox(FleetState& fleet, FleetSequences& s, std::string& error) {
  if (s.outbox.empty()) return true;
  std::sort(s.outbox.begin(), s.outbox.end());
  s.outbox.erase(std::unique(s.outbox.begin(), s.outbox.end()), s.outbox.end());
  const std::string& me = fleet.writer();
  // Each key's sequences of this writer are marked durable (written over the version read, as the
  // worker writes; the key keeps its time to live).
  std::vector<std::string> todo = s.outbox;
  std::vector<RedisCommand> cmds;
  std::vector<RedisReply> replies;
  for (int attempt = 0; !todo.empty(); ++attempt) {
    if (attempt == kMaxAttempts)
      return error = fmt::format("shared state: sequence key {} kept changing under this process ({} attempts)", todo[0], attempt),
             false;
    cmds.clear();
    for (const auto& name : todo) {
      cmds.push_back(RedisCommand{{"GET", name}, name});
      cmds.push_back(RedisCommand{{"PTTL", name}, name});
    }
    if (!fleet.run(cmds, replies, error)) return false;
    std::vector<RedisCommand> puts;
    std::vector<std::string> put_names;
    for (size_t i = 0; i < todo.size(); ++i) {
      const RedisReply& v = replies[2 * i];
      const int64_t ttl = replies[2 * i + 1].type == RedisReply::Type::Integer ? replies[2 * i + 1].integer : -1;
      if (v.type == RedisReply::Type::Nil || ttl <= 0) continue;  // gone, or about to be
      SharedSequenceKey k;
      std::string why;
      if (v.type != RedisReply::Type::String || !k.decode(v.str, why))
        return error = fmt::format("shared state: {} does not hold a sequence key: {}", todo[i], why), false;
      bool changed = false;
      for (auto& found : k.found)
        if (found.writer == me && !found.durable) found.durable = changed = true;
      if (!changed) continue;
      const std::string read = k.version;
      k.version = new_version();
      puts.push_back(fleet.call(FleetState::kSequencePut, todo[i], {read, k.encode(), std::to_string(ttl)}));
      put_names.push_back(todo[i]);
    }
    if (!puts.empty() && !fleet.run(puts, replies, error)) return false;
    todo.clear();
    for (size_t i = 0; i < puts.size(); ++i) {
      if (replies[i].type != RedisReply::Type::Integer) return error = fmt::format("shared state: unexpected answer writing {}", put_names[i]), false;
      if (replies[i].integer == 0) todo.push_back(put_names[i]);
    }
  }
  const std::string key = outbox_key(fleet, me);
  RedisCommand cmd{{"SREM", key}, key};
  for (auto& name : s.outbox) cmd.argv.push_back(std::move(name));
  s.outbox.clear();
  cmds.assign(1, std::move(cmd));
  return fleet.run(cmds, replies, error);
}

}  // namespace rulec::rt
