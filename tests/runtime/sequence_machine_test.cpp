// The EQL sequence state machine against the vectors and rules of eql.md §4 (newest partial wins, maxspan, until, runs, missing events, checkpoints).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/state/sequence_machine.h"

namespace sequence_machine_test {

using rulec::rt::ByteReader;
using rulec::rt::ByteWriter;
using rulec::rt::SequenceMachine;
using rulec::rt::SequenceSpec;
using rulec::rt::SequenceTermSpec;

SequenceTermSpec term(int64_t runs = 1, bool missing = false) {
  SequenceTermSpec t;
  t.runs = runs;
  t.missing = missing;
  return t;
}

SequenceSpec spec(std::vector<SequenceTermSpec> terms, int64_t maxspan_ms = 0, bool until = false) {
  SequenceSpec s;
  s.terms = std::move(terms);
  s.maxspan_ms = maxspan_ms;
  s.has_until = until;
  return s;
}

// Feeds events named like "A3" (term letter, time in seconds) in the given order, each its own
// arrival, all with one key; returns each completed sequence as its names joined by spaces.
struct Feeder {
  SequenceMachine m;
  uint64_t arrival = 0;
  std::vector<std::string> done;
  explicit Feeder(const SequenceSpec& s) : m(s) {}
  void feed(const std::string& name, const std::string& key = "k") {
    const uint32_t t = name[0] == 'U' ? static_cast<uint32_t>(m_terms()) : static_cast<uint32_t>(name[0] - 'A');
    std::vector<SequenceMachine::Completed> out;
    m.on_term(t, key, name, std::stoll(name.substr(1)) * 1000, ++arrival, out);
    collect(out);
  }
  void advance(int64_t seconds) {
    std::vector<SequenceMachine::Completed> out;
    m.advance(seconds * 1000, out);
    collect(out);
  }
  void flush() {
    std::vector<SequenceMachine::Completed> out;
    m.flush(out);
    collect(out);
  }
  void collect(const std::vector<SequenceMachine::Completed>& out) {
    for (const auto& c : out) {
      std::string s;
      for (const auto& step : c) s += (s.empty() ? "" : " ") + step.raw;
      done.push_back(s);
    }
  }
  size_t terms = 0;
  size_t m_terms() const { return terms; }
};

// `from`'s state as checkpoint bytes, decoded into `to` (which then counts arrivals from zero,
// as a restarted process does); the bytes, for the tests that damage them.
std::string restore(const Feeder& from, Feeder& to) {
  ByteWriter w;
  from.m.encode(w);
  const std::string bytes = w.take();
  ByteReader r(bytes);
  std::string why;
  EXPECT_TRUE(to.m.decode(r, why)) << why;
  EXPECT_TRUE(r.at_end());
  to.arrival = 0;
  return bytes;
}

// Events fed in time order (the stream order), the vectors of eql.md §4 [18].
std::vector<std::string> run(const SequenceSpec& s, const std::vector<std::string>& events) {
  Feeder f(s);
  f.terms = s.terms.size();
  for (const auto& e : events) f.feed(e);
  f.flush();
  return f.done;
}

TEST(SequenceMachine, NewestPartialWins) {
  EXPECT_EQ(run(spec({term(), term()}), {"A1", "A2", "B3"}), std::vector<std::string>{"A2 B3"});
  // B3 and B4 find no partial left at stage 1: A1 was consumed by B2.
  EXPECT_EQ(run(spec({term(), term()}), {"A1", "B2", "B3", "B4"}), std::vector<std::string>{"A1 B2"});
  EXPECT_EQ(run(spec({term(), term(), term()}), {"A1", "B2", "A3", "B4", "C5"}), std::vector<std::string>{"A3 B4 C5"});
  EXPECT_EQ(run(spec({term(), term(), term()}), {"C1", "B2", "A3", "C4", "A5", "C6", "B7", "A8", "C9"}),
            std::vector<std::string>{"A5 B7 C9"});
}

TEST(SequenceMachine, StrictlyLaterEventsOnly) {
  // The same event cannot fill two stages of one partial: a term matching both A and B at one
  // instant is fed once per stage; equal times order by arrival.
  EXPECT_EQ(run(spec({term(), term()}), {"A5", "B5"}), std::vector<std::string>{"A5 B5"});
  EXPECT_TRUE(run(spec({term(), term()}), {"B5", "A5"}).empty());
}

TEST(SequenceMachine, MaxspanIsInclusive) {
  EXPECT_EQ(run(spec({term(), term()}, 10'000), {"A1", "B11"}), std::vector<std::string>{"A1 B11"});
  EXPECT_TRUE(run(spec({term(), term()}, 10'000), {"A1", "B12"}).empty());
  // The too-old partial is dropped, not kept for a later one.
  EXPECT_EQ(run(spec({term(), term()}, 10'000), {"A1", "A5", "B12"}), std::vector<std::string>{"A5 B12"});
}

TEST(SequenceMachine, UntilCutsPartialsOfItsKey) {
  SequenceSpec s = spec({term(), term()}, 0, true);
  EXPECT_TRUE(run(s, {"A1", "U2", "B3"}).empty());
  EXPECT_EQ(run(s, {"A1", "U2", "A3", "B4"}), std::vector<std::string>{"A3 B4"});
  // An until event after the last stage does not matter.
  EXPECT_EQ(run(s, {"A1", "B3", "U4"}), std::vector<std::string>{"A1 B3"});
}

TEST(SequenceMachine, RunsRepeatATerm) {
  SequenceSpec s = spec({term(3)});
  EXPECT_EQ(run(s, {"A1", "A2", "A3"}), std::vector<std::string>{"A1 A2 A3"});
  EXPECT_TRUE(run(s, {"A1", "A2"}).empty());
  SequenceSpec t = spec({term(2), term()});
  EXPECT_EQ(run(t, {"A1", "A2", "B3"}), std::vector<std::string>{"A1 A2 B3"});
}

TEST(SequenceMachine, KeysAreSeparate) {
  Feeder f(spec({term(), term()}));
  f.terms = 2;
  f.feed("A1", "h1");
  f.feed("B2", "h2");
  EXPECT_TRUE(f.done.empty());
  f.feed("B3", "h1");
  EXPECT_EQ(f.done, std::vector<std::string>{"A1 B3"});
}

TEST(SequenceMachine, TrailingMissingEventWaitsOutMaxspan) {
  SequenceSpec s = spec({term(), term(), term(1, true)}, 10'000);
  // C (missing) within maxspan of the first event: rejected.
  EXPECT_TRUE(run(s, {"A1", "B2", "C5"}).empty());
  // C after first + maxspan: accepted, but only once time passed first + maxspan.
  Feeder f(s);
  f.terms = 3;
  f.feed("A1");
  f.feed("B2");
  f.advance(5);
  EXPECT_TRUE(f.done.empty()) << "decided before maxspan elapsed";
  f.advance(12);
  EXPECT_EQ(f.done, std::vector<std::string>{"A1 B2"});
  // The input ending decides too.
  EXPECT_EQ(run(s, {"A1", "B2"}), std::vector<std::string>{"A1 B2"});
}

TEST(SequenceMachine, LeadingAndMiddleMissingEvents) {
  SequenceSpec lead = spec({term(1, true), term(), term()}, 10'000);
  EXPECT_TRUE(run(lead, {"A1", "B3", "C4"}).empty());        // the latest A is within maxspan of the last event
  EXPECT_EQ(run(lead, {"A1", "B20", "C21"}), std::vector<std::string>{"B20 C21"});
  SequenceSpec mid = spec({term(), term(1, true), term()}, 10'000);
  EXPECT_TRUE(run(mid, {"A1", "B2", "C3"}).empty());
  EXPECT_EQ(run(mid, {"A1", "C3", "B4"}), std::vector<std::string>{"A1 C3"});
}

TEST(SequenceMachine, CheckpointRoundTripContinuesTheSameWay) {
  SequenceSpec s = spec({term(), term(), term()}, 60'000);
  Feeder a(s), b(s);
  a.terms = b.terms = 3;
  a.feed("A1");
  a.feed("B2");
  const std::string bytes = restore(a, b);
  EXPECT_EQ(b.m.partials(), a.m.partials());
  b.feed("C3");
  EXPECT_EQ(b.done, std::vector<std::string>{"A1 B2 C3"});
  // Damaged or foreign bytes are refused with a reason, never trusted.
  std::string why;
  SequenceMachine other(spec({term(), term()}));
  ByteReader r2(bytes);
  EXPECT_FALSE(other.decode(r2, why));
  EXPECT_FALSE(why.empty());
  for (size_t cut = 0; cut < bytes.size(); cut += 7) {
    SequenceMachine m(s);
    ByteReader rc(std::string_view(bytes).substr(0, cut));
    std::string e;
    EXPECT_FALSE(m.decode(rc, e) && rc.at_end()) << "cut at " << cut;
  }
}

TEST(SequenceMachine, PartialsPerKeyAndStageAreCapped) {
  Feeder f(spec({term(), term()}));
  f.terms = 2;
  for (int i = 1; i <= 200; ++i) f.feed("A" + std::to_string(i));
  EXPECT_EQ(f.m.partials(), SequenceMachine::kMaxPartials);
  EXPECT_EQ(f.m.evictions(), 200 - SequenceMachine::kMaxPartials);
  f.feed("B500");
  EXPECT_EQ(f.done, std::vector<std::string>{"A200 B500"});
}

// Samples (eql.md §4 `sample`): unordered filters, one event of each, all within the window
// (maxspan here: the rule's interval + lookback), the earliest of each filter, used once.
SequenceSpec sample_spec(size_t filters, int64_t window_ms) {
  SequenceSpec s = spec(std::vector<SequenceTermSpec>(filters, term()), window_ms);
  s.sample = true;
  return s;
}

TEST(SequenceMachine, SampleTakesOneEventOfEachFilterInAnyOrder) {
  const SequenceSpec s = sample_spec(2, 60'000);
  EXPECT_EQ(run(s, {"A1", "B2"}), std::vector<std::string>{"A1 B2"});
  EXPECT_EQ(run(s, {"B1", "A2"}), std::vector<std::string>{"A2 B1"});  // filter order, not time order
  EXPECT_EQ(run(s, {"A1", "A2", "A3"}), std::vector<std::string>{});    // no event of B
  // The earliest event of each filter; those are used up, the next sample needs later events.
  EXPECT_EQ(run(s, {"A1", "A2", "B3", "B4", "A5"}), (std::vector<std::string>{"A1 B3", "A2 B4"}));
  EXPECT_EQ(run(sample_spec(3, 60'000), {"C1", "A2", "B3", "C4"}), std::vector<std::string>{"A2 B3 C1"});
}

TEST(SequenceMachine, SampleEventsLieWithinTheWindow) {
  const SequenceSpec s = sample_spec(2, 10'000);
  EXPECT_EQ(run(s, {"A1", "B11"}), std::vector<std::string>{"A1 B11"});  // 10 s apart: inside
  EXPECT_EQ(run(s, {"A1", "B12"}), std::vector<std::string>{});          // 11 s: outside
  // A too-old event gives way to a later one of its filter.
  EXPECT_EQ(run(s, {"A1", "A5", "B14"}), std::vector<std::string>{"A5 B14"});
  // Out of order too: B arrives before an A that is within the window of it.
  EXPECT_EQ(run(s, {"B20", "A1", "A15"}), std::vector<std::string>{"A15 B20"});
}

TEST(SequenceMachine, SampleKeysAreSeparateAndStateRoundTrips) {
  const SequenceSpec s = sample_spec(2, 60'000);
  Feeder a(s), b(s);
  a.terms = b.terms = 2;
  a.feed("A1", "h1");
  a.feed("B2", "h2");
  EXPECT_TRUE(a.done.empty());
  const std::string bytes = restore(a, b);
  EXPECT_EQ(b.m.partials(), 2u);
  b.feed("B3", "h1");
  b.feed("A4", "h2");
  EXPECT_EQ(b.done, (std::vector<std::string>{"A1 B3", "A4 B2"}));
  // A sequence machine of the same shape refuses a sample's state and the other way round only
  // when the shapes differ; a sample of three filters refuses this one's.
  SequenceMachine three(sample_spec(3, 60'000));
  ByteReader r3(bytes);
  std::string why;
  EXPECT_FALSE(three.decode(r3, why));
}

TEST(SequenceMachine, SampleEventsOutsideTheWindowAreDroppedAsTimeMoves) {
  Feeder f(sample_spec(2, 10'000));
  f.terms = 2;
  for (int i = 0; i < 100; ++i) f.feed("A" + std::to_string(i));
  f.advance(200);
  EXPECT_EQ(f.m.partials(), 0u);
}

}  // namespace sequence_machine_test
