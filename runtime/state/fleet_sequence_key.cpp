// One join key of a sequence rule in the fleet's Redis: its value's bytes and the step that lands events and decides them in time order.
#include "runtime/state/fleet_sequence_key.h"

#include <algorithm>
#include <unordered_set>

#include "runtime/common/byte_io.h"

namespace rulec::rt {

namespace {
constexpr std::string_view kMagic = "RSQ2";

void put_steps(ByteWriter& w, const SequenceMachine::Completed& steps) {
  w.u32(static_cast<uint32_t>(steps.size()));
  for (const auto& s : steps) w.str(s.raw), w.i64(s.time), w.u64(s.arrival);
}
}  // namespace

std::string SharedSequenceKey::encode() const {
  ByteWriter w;
  w.raw(version), w.raw("|"), w.raw(kMagic);
  w.i64(decided), w.i64(touched), w.u64(next_seq);
  w.str(machine);
  w.u32(static_cast<uint32_t>(waiting.size()));
  for (const auto& e : waiting) w.u64(e.id.a), w.u64(e.id.b), w.i64(e.time), w.u64(e.seq), w.u32(e.term), w.i64(e.landed_ms), w.str(e.raw);
  w.u32(static_cast<uint32_t>(fed.size()));
  for (const auto& [id, t] : fed) w.u64(id.a), w.u64(id.b), w.i64(t);
  w.u32(static_cast<uint32_t>(found.size()));
  for (const auto& f : found) w.str(f.shell), w.str(f.writer), w.i64(f.latest), w.boolean(f.durable), put_steps(w, f.steps);
  return w.take();
}

bool SharedSequenceKey::decode(std::string_view value, std::string& error) {
  *this = SharedSequenceKey{};
  const size_t bar = value.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar > 32) return error = "no version", false;
  version.assign(value.substr(0, bar));
  ByteReader r(value.substr(bar + 1));
  if (r.raw(kMagic.size()) != kMagic) r.fail("not a sequence key of this format");
  // Times are dates (or INT64_MIN: none yet): no sum of two of them may overflow.
  auto a_time = [&](int64_t t, bool none_ok) {
    if (r.ok() && !(none_ok && t == INT64_MIN) && (t < -SequenceMachine::kMaxTime || t > SequenceMachine::kMaxTime))
      r.fail("a time out of range");
    return t;
  };
  decided = a_time(r.i64(), true), touched = a_time(r.i64(), true), next_seq = r.u64();
  machine = r.str();
  const uint32_t nw = r.count(48);
  for (uint32_t i = 0; i < nw && r.ok(); ++i) {
    Landed e;
    e.id.a = r.u64(), e.id.b = r.u64(), e.time = a_time(r.i64(), false), e.seq = r.u64(), e.term = r.u32(),
    e.landed_ms = a_time(r.i64(), false), e.raw = r.str();
    if (r.ok() && (e.seq >= next_seq || e.time <= decided)) r.fail("a waiting event out of place");
    waiting.push_back(std::move(e));
  }
  const uint32_t nf = r.count(24);
  for (uint32_t i = 0; i < nf && r.ok(); ++i) {
    Key128 id;
    id.a = r.u64(), id.b = r.u64();
    fed.emplace_back(id, a_time(r.i64(), false));
  }
  const uint32_t nfound = r.count(25);
  for (uint32_t i = 0; i < nfound && r.ok(); ++i) {
    Found f;
    f.shell = r.str(), f.writer = r.str(), f.latest = a_time(r.i64(), false), f.durable = r.boolean();
    const uint32_t ns = r.count(20);
    if (r.ok() && ns == 0) r.fail("a sequence of no events");
    for (uint32_t j = 0; j < ns && r.ok(); ++j) {
      SequenceMachine::Step s;
      s.raw = r.str(), s.time = a_time(r.i64(), false), s.arrival = r.u64();
      f.steps.push_back(std::move(s));
    }
    found.push_back(std::move(f));
  }
  if (r.ok() && !r.at_end()) r.fail("bytes after its end");
  if (!r.ok()) return error = r.error(), false;
  return true;
}

int64_t sequence_horizon_ms(const RuleInfo& r) {
  return 2 * std::max<int64_t>({r.sequence.maxspan_ms, r.interval_ms + r.lookback_ms, 60000});
}

bool step_sequence_key(const SequenceSpec& spec, int64_t horizon_ms, SharedSequenceKey& k,
                       std::vector<SharedSequenceKey::Landed> incoming, int64_t low, int64_t settled_ms, bool flush,
                       SequenceKeyStep& out, std::string& error) {
  const std::string before = k.encode();
  SequenceMachine m(spec);
  if (!k.machine.empty()) {
    ByteReader r(k.machine);
    if (!m.decode(r, error)) return false;
    if (!r.at_end()) return error = "bytes after the machine state", false;
  }
  const uint32_t terms = static_cast<uint32_t>(spec.terms.size()) + (spec.has_until ? 1 : 0);
  uint64_t arrival = 0;  // the machine's arrivals count on from its restored state
  auto feed = [&](const SharedSequenceKey::Landed& e) {
    m.on_term(e.term, std::string(), e.raw, e.time, arrival++, out.completed);
    k.fed.emplace_back(e.id, e.time);
  };
  for (const auto& e : k.waiting)
    if (e.term >= terms) return error = "a waiting event of a term the rule does not have", false;
  std::unordered_set<Key128, Key128Hash> known;
  for (const auto& [id, t] : k.fed) known.insert(id);
  for (const auto& e : k.waiting) known.insert(e.id);
  for (auto& e : incoming) {
    if (!known.insert(e.id).second) continue;  // landed before
    e.seq = k.next_seq++;
    k.touched = std::max(k.touched, e.time);
    if (e.time <= k.decided) feed(e);
    else k.waiting.push_back(std::move(e));
  }
  // Every live process has landed its events up to `low`: those are fed in time order.
  const int64_t upto = flush ? std::max(k.decided, k.touched) : std::max(k.decided, low);
  std::stable_sort(k.waiting.begin(), k.waiting.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  });
  size_t n = 0;
  while (n < k.waiting.size() && k.waiting[n].time <= upto && (flush || k.waiting[n].landed_ms <= settled_ms))
    feed(k.waiting[n++]);
  // What is fed is decided; an event that has not waited long enough holds back its time.
  const int64_t held = n < k.waiting.size() && k.waiting[n].time <= upto ? k.waiting[n].time - 1 : upto;
  k.waiting.erase(k.waiting.begin(), k.waiting.begin() + static_cast<ptrdiff_t>(n));
  k.decided = std::max(k.decided, held);
  if (k.decided != INT64_MIN) m.advance(k.decided, out.completed);
  if (flush) m.flush(out.completed);
  ByteWriter w;
  m.encode(w);
  k.machine = w.take();
  if (k.decided != INT64_MIN) {
    const int64_t forget = k.decided - horizon_ms;
    std::erase_if(k.fed, [&](const auto& f) { return f.second < forget; });
    std::erase_if(k.found, [&](const auto& f) { return f.latest < forget; });
  }
  out.attention = m.next_release();
  for (const auto& e : k.waiting) {
    out.attention = std::min(out.attention, e.time);
    out.landed_ms = out.landed_ms == INT64_MIN ? e.landed_ms : std::min(out.landed_ms, e.landed_ms);
  }
  out.changed = !out.completed.empty() || k.encode() != before;
  return true;
}

}  // namespace rulec::rt
