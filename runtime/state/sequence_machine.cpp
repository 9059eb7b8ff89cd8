// EQL sequence state machine: stages per join key, newest partial wins, maxspan, until, missing events.
#include "runtime/state/sequence_machine.h"

#include <algorithm>
#include <cstddef>

namespace rulec::rt {

SequenceMachine::SequenceMachine(const SequenceSpec& spec) : spec_(spec) {
  if (spec_.sample) {  // one list of events per filter (stage_lists())
    for (uint32_t t = 0; t < spec_.terms.size(); ++t) stage_term_.push_back(t);
    return;
  }
  for (uint32_t t = 0; t < spec_.terms.size(); ++t) {
    if (spec_.terms[t].missing) {
      missing_terms_.push_back({t, stage_term_.size()});
      continue;
    }
    for (int64_t r = 0; r < spec_.terms[t].runs; ++r) stage_term_.push_back(t);
  }
  for (const auto& m : missing_terms_) has_trailing_ = has_trailing_ || m.before_stage == stage_term_.size();
}

void SequenceMachine::join_key(const std::vector<std::string_view>& values, std::string& out) {
  out.clear();
  for (std::string_view v : values) {
    const auto n = static_cast<uint32_t>(v.size());
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(v);
  }
}

void SequenceMachine::add_bytes(const Partial& p) {
  ++partials_;
  for (const Step& s : p.steps) bytes_ += s.raw.size() + sizeof(Step);
}

void SequenceMachine::forget(Partial& p) {
  --partials_;
  for (const Step& s : p.steps) bytes_ -= std::min(bytes_, s.raw.size() + sizeof(Step));
}

bool SequenceMachine::rejected_by_missing(const KeyState& ks, const Partial& p, bool trailing_too) const {
  const int64_t span = spec_.maxspan_ms;
  for (size_t m = 0; m < missing_terms_.size(); ++m) {
    const size_t b = missing_terms_[m].before_stage;
    const auto& times = ks.missing[m];
    if (b > 0 && b < stage_term_.size()) {  // between two positive events
      const int64_t lo = p.steps[b - 1].time, hi = p.steps[b].time;
      if (std::any_of(times.begin(), times.end(), [&](int64_t t) { return t > lo && t < hi; })) return true;
    } else if (b == 0) {  // leading: the latest one before the first event
      int64_t latest = INT64_MIN;
      for (int64_t t : times)
        if (t < p.first_time()) latest = std::max(latest, t);
      if (latest != INT64_MIN && p.last_time() - latest <= span) return true;
    } else if (trailing_too) {  // trailing: the earliest one after the last event
      int64_t earliest = INT64_MAX;
      for (int64_t t : times)
        if (t > p.last_time()) earliest = std::min(earliest, t);
      if (earliest != INT64_MAX && earliest - p.first_time() <= span) return true;
    }
  }
  return false;
}

void SequenceMachine::accept(KeyState& ks, Partial p, std::vector<Completed>& out) {
  if (!missing_terms_.empty()) {
    if (rejected_by_missing(ks, p, false)) return;
    if (has_trailing_) {  // wait until no trailing missing event can still come within maxspan
      add_bytes(p);
      ks.pending.push_back(Pending{std::move(p)});
      return;
    }
  }
  out.push_back(std::move(p.steps));
}

void SequenceMachine::on_term(uint32_t term, const std::string& key, std::string_view raw, int64_t time, uint64_t arrival,
                              std::vector<Completed>& out) {
  now_ = std::max(now_, time);
  arrival += arrival_base_;
  max_arrival_ = std::max(max_arrival_, arrival);
  auto it = keys_.find(key);  // the caller's reused key: no copy unless the key is new
  if (it == keys_.end()) {
    if (keys_.size() >= kMaxKeys) evict_stalest_key();
    it = keys_.emplace(key, KeyState{}).first;
    it->second.stages.resize(stage_lists());
    it->second.missing.resize(missing_terms_.size());
  }
  KeyState& ks = it->second;
  ks.touched = std::max(ks.touched, time);
  if (term == spec_.terms.size()) {  // the until term
    ks.until.emplace_back(time, arrival);
    return;
  }
  if (spec_.terms[term].missing) {
    for (size_t m = 0; m < missing_terms_.size(); ++m)
      if (missing_terms_[m].term == term) ks.missing[m].push_back(time);
    // A trailing missing event within maxspan of a waiting sequence's first event rejects it.
    for (auto p = ks.pending.begin(); p != ks.pending.end();) {
      if (rejected_by_missing(ks, p->p, true)) {
        forget(p->p);
        p = ks.pending.erase(p);
      } else {
        ++p;
      }
    }
    return;
  }
  auto insert_sorted = [&](std::deque<Partial>& list, Partial p) {
    auto pos = list.end();
    while (pos != list.begin() && later(p.steps.back(), std::prev(pos)->last_time(), std::prev(pos)->last_arrival())) --pos;
    add_bytes(p);
    list.insert(pos, std::move(p));
    if (list.size() > kMaxPartials) {
      forget(list.front());
      list.pop_front();
      ++evictions_;
    }
  };
  if (spec_.sample) {
    Partial p;
    p.steps.push_back(Step{std::string(raw), time, arrival});
    insert_sorted(ks.stages[term], std::move(p));
    take_sample(ks, out);
    return;
  }
  const size_t last = stage_term_.size() - 1;
  for (size_t s = stage_term_.size(); s-- > 0;) {
    if (stage_term_[s] != term) continue;
    Step step{std::string(raw), time, arrival};
    if (s == 0) {
      Partial p;
      p.steps.push_back(std::move(step));
      if (last == 0) accept(ks, std::move(p), out);
      else insert_sorted(ks.stages[0], std::move(p));
      continue;
    }
    std::deque<Partial>& prev = ks.stages[s - 1];
    // The newest partial strictly before this event.
    auto found = prev.end();
    for (auto k = prev.end(); k != prev.begin();) {
      --k;
      if (later(k->steps.back(), time, arrival)) {
        found = k;
        break;
      }
    }
    if (found == prev.end()) continue;
    Partial p = std::move(*found);
    for (auto k = prev.begin(); k != found; ++k) forget(*k);
    forget(p);
    prev.erase(prev.begin(), std::next(found));
    if (spec_.maxspan_ms > 0 && time - p.first_time() > spec_.maxspan_ms) continue;
    const Step& lastp = p.steps.back();
    const bool cut = std::any_of(ks.until.begin(), ks.until.end(), [&](const std::pair<int64_t, uint64_t>& u) {
      const bool from = u.first > lastp.time || (u.first == lastp.time && u.second >= lastp.arrival);
      const bool before = u.first < time || (u.first == time && u.second < arrival);
      return from && before;
    });
    if (cut) continue;
    p.steps.push_back(std::move(step));
    if (s == last) accept(ks, std::move(p), out);
    else insert_sorted(ks.stages[s], std::move(p));
  }
}

size_t SequenceMachine::stage_lists() const {
  if (spec_.sample) return stage_term_.size();
  return stage_term_.empty() ? 0 : stage_term_.size() - 1;
}

void SequenceMachine::take_sample(KeyState& ks, std::vector<Completed>& out) {
  // Events older than the window before the key's latest one can no longer be in a sample with it.
  for (auto& list : ks.stages) {
    while (!list.empty() && list.front().first_time() + spec_.maxspan_ms < ks.touched) {
      forget(list.front());
      list.pop_front();
    }
  }
  for (;;) {
    for (const auto& list : ks.stages)
      if (list.empty()) return;
    // The earliest event of each filter, unless their span exceeds the window: then the earliest
    // of all is too old for the others and goes.
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    size_t oldest = 0;
    for (size_t f = 0; f < ks.stages.size(); ++f) {
      const int64_t t = ks.stages[f].front().first_time();
      if (t < lo) lo = t, oldest = f;
      hi = std::max(hi, t);
    }
    if (hi - lo > spec_.maxspan_ms) {
      forget(ks.stages[oldest].front());
      ks.stages[oldest].pop_front();
      continue;
    }
    Completed sample;
    for (auto& list : ks.stages) {
      forget(list.front());
      sample.push_back(std::move(list.front().steps.front()));
      list.pop_front();
    }
    out.push_back(std::move(sample));
    return;  // one sample per event: the next one needs later events
  }
}

void SequenceMachine::advance(int64_t now, std::vector<Completed>& out) {
  now_ = std::max(now_, now);
  const int64_t span = spec_.maxspan_ms;
  for (auto it = keys_.begin(); it != keys_.end();) {
    KeyState& ks = it->second;
    for (auto p = ks.pending.begin(); p != ks.pending.end();) {
      if (now_ <= p->p.first_time() + span) {
        ++p;
        continue;
      }
      forget(p->p);
      if (!rejected_by_missing(ks, p->p, true)) out.push_back(std::move(p->p.steps));
      p = ks.pending.erase(p);
    }
    bool empty = ks.pending.empty();
    if (span > 0) {
      for (auto& list : ks.stages) {
        while (!list.empty() && list.front().first_time() + span < now_) {
          forget(list.front());
          list.pop_front();
        }
      }
      // Until and missing events matter only within maxspan of a partial that can still complete.
      const int64_t horizon = now_ - 2 * span;
      std::erase_if(ks.until, [&](const std::pair<int64_t, uint64_t>& u) { return u.first < horizon; });
      for (auto& times : ks.missing) std::erase_if(times, [&](int64_t t) { return t < horizon; });
    } else if (ks.until.size() > kMaxPartials) {
      ks.until.erase(ks.until.begin(), ks.until.end() - static_cast<ptrdiff_t>(kMaxPartials));
    }
    for (const auto& list : ks.stages) empty = empty && list.empty();
    for (const auto& times : ks.missing) empty = empty && times.empty();
    empty = empty && ks.until.empty();
    it = empty ? keys_.erase(it) : std::next(it);
  }
}

int64_t SequenceMachine::next_release() const {
  int64_t at = INT64_MAX;
  for (const auto& [key, ks] : keys_)
    for (const auto& p : ks.pending) at = std::min(at, p.p.first_time() + spec_.maxspan_ms + 1);
  return at;
}

void SequenceMachine::flush(std::vector<Completed>& out) {
  for (auto& [key, ks] : keys_) {
    for (auto& p : ks.pending) {
      forget(p.p);
      if (!rejected_by_missing(ks, p.p, true)) out.push_back(std::move(p.p.steps));
    }
    ks.pending.clear();
  }
}

namespace {
void put_steps(ByteWriter& w, const std::vector<SequenceMachine::Step>& steps) {
  w.u32(static_cast<uint32_t>(steps.size()));
  for (const auto& s : steps) w.str(s.raw), w.i64(s.time), w.u64(s.arrival);
}
}  // namespace

void SequenceMachine::encode(ByteWriter& w) const {
  w.u32(static_cast<uint32_t>(stage_term_.size())), w.u32(static_cast<uint32_t>(missing_terms_.size()));
  w.i64(now_), w.u64(evictions_), w.u64(max_arrival_);
  w.u32(static_cast<uint32_t>(keys_.size()));
  for (const auto& [key, ks] : keys_) {
    w.str(key), w.i64(ks.touched);
    for (const auto& list : ks.stages) {
      w.u32(static_cast<uint32_t>(list.size()));
      for (const auto& p : list) put_steps(w, p.steps);
    }
    w.u32(static_cast<uint32_t>(ks.until.size()));
    for (const auto& [t, a] : ks.until) w.i64(t), w.u64(a);
    for (const auto& times : ks.missing) {
      w.u32(static_cast<uint32_t>(times.size()));
      for (int64_t t : times) w.i64(t);
    }
    w.u32(static_cast<uint32_t>(ks.pending.size()));
    for (const auto& p : ks.pending) put_steps(w, p.p.steps);
  }
}

bool SequenceMachine::decode(ByteReader& r, std::string& error) {
  keys_.clear();
  partials_ = bytes_ = 0;
  const uint32_t stages = r.u32(), missing = r.u32();
  if (r.ok() && (stages != stage_term_.size() || missing != missing_terms_.size())) r.fail("state of another sequence shape");
  now_ = r.i64(), evictions_ = r.u64(), max_arrival_ = r.u64();
  // Event times are dates: no sum of two of them (a time plus maxspan) may overflow.
  auto a_time = [&](int64_t t) {
    if (r.ok() && (t < -kMaxTime || t > kMaxTime)) r.fail("a time out of range");
    return t;
  };
  if (now_ != INT64_MIN) a_time(now_);
  // A partial at stage s holds s + 1 steps; a pending one every positive stage.
  auto get_partial = [&](size_t steps_expected, Partial& p) {
    const uint32_t n = r.u32();
    if (r.ok() && n != steps_expected) return r.fail("a partial sequence of the wrong length");
    for (uint32_t k = 0; k < n && r.ok(); ++k) {
      Step s;
      s.raw = r.str(), s.time = a_time(r.i64()), s.arrival = r.u64();
      if (r.ok() && s.arrival > max_arrival_) return r.fail("an arrival past the last one recorded");
      p.steps.push_back(std::move(s));
    }
  };
  const uint32_t nkeys = r.count(8);
  for (uint32_t k = 0; k < nkeys && r.ok(); ++k) {
    std::string key = r.str();
    KeyState ks;
    ks.touched = a_time(r.i64());
    ks.stages.resize(stage_lists());
    for (size_t s = 0; s < ks.stages.size() && r.ok(); ++s) {
      const uint32_t n = r.count(4);
      if (n > kMaxPartials) r.fail("too many partial sequences at one stage");
      for (uint32_t j = 0; j < n && r.ok(); ++j) {
        Partial p;
        get_partial(spec_.sample ? 1 : s + 1, p);
        add_bytes(p);
        ks.stages[s].push_back(std::move(p));
      }
    }
    const uint32_t nu = r.count(16);
    for (uint32_t j = 0; j < nu && r.ok(); ++j) {
      const int64_t t = a_time(r.i64());
      const uint64_t a = r.u64();
      ks.until.emplace_back(t, a);
    }
    ks.missing.resize(missing_terms_.size());
    for (auto& times : ks.missing) {
      const uint32_t n = r.count(8);
      for (uint32_t j = 0; j < n && r.ok(); ++j) times.push_back(a_time(r.i64()));
    }
    const uint32_t np = r.count(4);
    for (uint32_t j = 0; j < np && r.ok(); ++j) {
      Pending p;
      get_partial(stage_term_.size(), p.p);
      add_bytes(p.p);
      ks.pending.push_back(std::move(p));
    }
    if (r.ok() && !keys_.emplace(std::move(key), std::move(ks)).second) r.fail("a join key twice");
  }
  if (!r.ok()) {
    error = r.error();
    keys_.clear();
    partials_ = bytes_ = 0;
    return false;
  }
  arrival_base_ = max_arrival_ + 1;
  return true;
}

void SequenceMachine::evict_stalest_key() {
  auto stalest = keys_.begin();
  for (auto it = keys_.begin(); it != keys_.end(); ++it)
    if (it->second.touched < stalest->second.touched) stalest = it;
  if (stalest == keys_.end()) return;
  for (auto& list : stalest->second.stages)
    for (auto& p : list) forget(p), ++evictions_;
  for (auto& p : stalest->second.pending) forget(p.p), ++evictions_;
  keys_.erase(stalest);
}

}  // namespace rulec::rt
