// libFuzzer target: the EQL sequence state machine on arbitrary event streams, and its checkpoint decoder on arbitrary bytes.
//
// Byte 0 picks the sequence's shape (terms, runs, a missing event, until, maxspan); byte 1's bit 1
// makes it a sample instead (1..4 unordered filters within a window). Byte 1 even:
// the rest is a stream of events (term, key, time step) fed to the machine; every completed
// sequence must hold one event per positive stage, each strictly after the one before it, the
// right terms in order, one key, within maxspan; the state must survive an encode and decode and
// go on the same way. Byte 1 odd: the rest is a checkpoint's bytes, which must decode or be
// refused, never crash, and re-encode to the same bytes when they decode. Byte 1 with bit 4: the
// rest is a fleet sequence key's value as Redis holds it (fleet_sequence_key.h): decoded or
// refused, re-encoded the same, and stepped (fed, moved on, flushed with bit 8) without a crash.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/state/fleet_sequence_key.h"
#include "runtime/state/sequence_machine.h"

namespace {

using namespace rulec::rt;

struct Shape {
  SequenceSpec spec;
  std::vector<uint32_t> stage_term;  // per positive stage
};

Shape shape_of(uint8_t b, bool sample) {
  Shape s;
  if (sample) {
    for (int t = 0; t < 1 + (b & 3); ++t) s.spec.terms.emplace_back();
    s.spec.sample = true;
    s.spec.maxspan_ms = 1000 * (1 + (b >> 2));
    for (uint32_t t = 0; t < s.spec.terms.size(); ++t) s.stage_term.push_back(t);
    return s;
  }
  const int positive = 1 + (b & 3);  // 1..4 positive terms
  for (int t = 0; t < positive; ++t) {
    SequenceTermSpec term;
    term.runs = (b >> 2 & 1) && t == 0 ? 2 : 1;
    s.spec.terms.push_back(term);
  }
  if (b >> 3 & 1) {  // a missing event, leading or trailing
    SequenceTermSpec m;
    m.missing = true;
    if (b >> 4 & 1) s.spec.terms.insert(s.spec.terms.begin(), m);
    else s.spec.terms.push_back(m);
  }
  if (positive == 1 && s.spec.terms.size() == 1) s.spec.terms[0].runs = 3;
  s.spec.has_until = b >> 5 & 1;
  s.spec.maxspan_ms = (b >> 6 & 1) || (b >> 3 & 1) ? 1000 * (1 + (b >> 7)) : 0;
  for (uint32_t t = 0; t < s.spec.terms.size(); ++t)
    if (!s.spec.terms[t].missing)
      for (int64_t r = 0; r < s.spec.terms[t].runs; ++r) s.stage_term.push_back(t);
  return s;
}

void check(const Shape& sh, const std::vector<SequenceMachine::Completed>& done) {
  for (const auto& c : done) {
    if (c.size() != sh.stage_term.size()) std::abort();
    for (size_t i = 0; i < c.size(); ++i) {
      // raw holds "term/key"; the terms in stage order, one key for all
      if (c[i].raw.substr(0, c[i].raw.find('/')) != std::to_string(sh.stage_term[i])) std::abort();
      if (c[i].raw.substr(c[i].raw.find('/')) != c[0].raw.substr(c[0].raw.find('/'))) std::abort();
      if (sh.spec.sample) continue;  // a sample's events are in filter order, any time order
      if (i && !(c[i].time > c[i - 1].time || (c[i].time == c[i - 1].time && c[i].arrival > c[i - 1].arrival))) std::abort();
    }
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (const auto& step : c) lo = std::min(lo, step.time), hi = std::max(hi, step.time);
    if (sh.spec.maxspan_ms && hi - lo > sh.spec.maxspan_ms) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Shape sh = shape_of(data[0], data[1] & 2);
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  if (data[1] & 4) {
    SharedSequenceKey k;
    std::string why;
    if (!k.decode(rest, why)) return 0;
    const std::string bytes = k.encode();
    SharedSequenceKey again;
    if (!again.decode(bytes, why) || again.encode() != bytes) std::abort();
    SequenceKeyStep st;
    const int64_t low = k.decided == INT64_MIN ? 0 : k.decided + 1000;
    if (step_sequence_key(sh.spec, 60000, k, {}, low, INT64_MAX, data[1] & 8, st, why)) {
      SharedSequenceKey after;
      if (!after.decode(k.encode(), why)) std::abort();
    }
    return 0;
  }
  if (data[1] & 1) {
    SequenceMachine m(sh.spec);
    ByteReader r(rest);
    std::string why;
    if (m.decode(r, why) && r.at_end()) {
      ByteWriter w;
      m.encode(w);
      SequenceMachine again(sh.spec);
      ByteReader r2(w.bytes());
      if (!again.decode(r2, why) || !r2.at_end()) std::abort();
    }
    return 0;
  }
  SequenceMachine a(sh.spec), b(sh.spec);
  std::vector<SequenceMachine::Completed> da, db;
  const size_t terms = sh.spec.terms.size() + (sh.spec.has_until ? 1 : 0);
  int64_t time = 0;
  uint64_t arrival = 0;
  const size_t half = rest.size() / 6;  // events are 3 bytes; the second half runs after a round trip
  for (size_t i = 0; i + 3 <= rest.size(); i += 3) {
    const auto term = static_cast<uint32_t>(static_cast<uint8_t>(rest[i]) % terms);
    const std::string key(1, static_cast<char>('a' + static_cast<uint8_t>(rest[i + 1]) % 3));
    time += static_cast<int8_t>(rest[i + 2]) * 50;  // time may go backwards
    ++arrival;
    const std::string raw = std::to_string(term) + "/" + key;
    a.on_term(term, key, raw, time, arrival, da);
    if (i / 3 == half) {  // b: a's state through a checkpoint, from here on
      ByteWriter w;
      a.encode(w);
      ByteReader r(w.bytes());
      std::string why;
      if (!b.decode(r, why) || !r.at_end()) std::abort();
      da.clear();
    } else if (i / 3 > half) {
      b.on_term(term, key, raw, time, arrival, db);
    }
    if (i % 30 == 0) a.advance(time, da), (i / 3 >= half ? b.advance(time, db) : void());
  }
  a.flush(da);
  b.flush(db);
  check(sh, da);
  check(sh, db);
  if (da.size() != db.size()) std::abort();  // the restored machine goes on the same way
  return 0;
}
