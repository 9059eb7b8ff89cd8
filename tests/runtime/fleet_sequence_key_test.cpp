// A sequence key as the fleet keeps it: events landed in any order and in pieces are fed in time order, once; its bytes are validated.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "runtime/common/hash128.h"
#include "runtime/state/fleet_sequence_key.h"

namespace fleet_sequence_key_test {

using rulec::rt::Key128;
using rulec::rt::SequenceKeyStep;
using rulec::rt::SequenceMachine;
using rulec::rt::SequenceSpec;
using rulec::rt::SequenceTermSpec;
using rulec::rt::SharedSequenceKey;

constexpr int64_t kHorizon = 3'600'000;

SequenceSpec spec(size_t terms, int64_t maxspan_ms, bool until) {
  SequenceSpec s;
  s.terms.resize(terms);
  for (auto& t : s.terms) t.runs = 1;
  s.maxspan_ms = maxspan_ms;
  s.has_until = until;
  return s;
}

// An event named like "B7" (term letter, U for until; time in seconds).
SharedSequenceKey::Landed event(const std::string& name, const SequenceSpec& s, int64_t landed_ms = 0) {
  SharedSequenceKey::Landed e;
  const auto h = rulec::rt::fast_hash128(name);
  e.id = Key128{h.first, h.second};
  e.term = name[0] == 'U' ? static_cast<uint32_t>(s.terms.size()) : static_cast<uint32_t>(name[0] - 'A');
  e.time = std::stoll(name.substr(1)) * 1000;
  e.landed_ms = landed_ms;
  e.raw = name;
  return e;
}

std::string joined(const SequenceMachine::Completed& c) {
  std::string s;
  for (const auto& step : c) s += (s.empty() ? "" : " ") + step.raw;
  return s;
}

// One step of `k` through its bytes, as a process reads the key, steps it and writes it back;
// the fleet has landed every event up to `low` seconds.
std::vector<std::string> step(const SequenceSpec& s, std::string& bytes, const std::vector<std::string>& names, int64_t low,
                              int64_t settled_ms = INT64_MAX, bool flush = false, int64_t landed_ms = 0) {
  if (low != INT64_MAX) low *= 1000;
  SharedSequenceKey k;
  std::string why;
  if (!bytes.empty()) {
    EXPECT_TRUE(k.decode(bytes, why)) << why;
  }
  std::vector<SharedSequenceKey::Landed> in;
  for (const auto& n : names) in.push_back(event(n, s, landed_ms));
  SequenceKeyStep st;
  EXPECT_TRUE(rulec::rt::step_sequence_key(s, kHorizon, k, in, low, settled_ms, flush, st, why)) << why;
  k.version = "v";
  bytes = k.encode();
  std::vector<std::string> out;
  for (const auto& c : st.completed) out.push_back(joined(c));
  return out;
}

// What one process feeding the events in time order finds.
std::vector<std::string> in_time_order(const SequenceSpec& s, std::vector<std::string> names) {
  std::stable_sort(names.begin(), names.end(),
                   [](const std::string& a, const std::string& b) { return std::stoll(a.substr(1)) < std::stoll(b.substr(1)); });
  SequenceMachine m(s);
  std::vector<SequenceMachine::Completed> done;
  uint64_t arrival = 0;
  for (const auto& n : names) {
    const auto e = event(n, s);
    m.on_term(e.term, "", n, e.time, arrival++, done);
  }
  m.flush(done);
  std::vector<std::string> out;
  for (const auto& c : done) out.push_back(joined(c));
  return out;
}

TEST(FleetSequenceKey, EventsLandedOutOfOrderAreFedInTimeOrder) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  // B3 lands first (another process was quicker), then A2 and A1: one process finds A2 B3.
  EXPECT_TRUE(step(s, bytes, {"B3"}, 0).empty()) << "the fleet has not landed up to 3 s: nothing is fed";
  EXPECT_EQ(step(s, bytes, {"A2", "A1"}, 3), std::vector<std::string>{"A2 B3"});
}

TEST(FleetSequenceKey, AnyLandingOrderAndSplitFindsWhatTimeOrderFinds) {
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    const bool until = round % 3 == 0;
    const SequenceSpec s = spec(2 + round % 2, round % 2 ? 6000 : 0, until);
    std::vector<std::string> names;
    const int n = 3 + static_cast<int>(rng() % 10);
    for (int i = 0; i < n; ++i) {  // distinct times: time order is the stream's order
      const char letter = until && rng() % 5 == 0 ? 'U' : static_cast<char>('A' + rng() % s.terms.size());
      names.push_back(std::string(1, letter) + std::to_string(i * 2 + 1));
    }
    std::vector<std::string> landing = names;
    std::shuffle(landing.begin(), landing.end(), rng);
    // Landed in pieces, each step deciding up to a watermark that lags what has landed.
    std::string bytes;
    std::vector<std::string> found;
    size_t at = 0;
    while (at < landing.size()) {
      const size_t take = 1 + rng() % 3;
      std::vector<std::string> piece(landing.begin() + static_cast<std::ptrdiff_t>(at),
                                     landing.begin() + static_cast<std::ptrdiff_t>(std::min(landing.size(), at + take)));
      at += piece.size();
      // Every event at or before `low` has landed.
      int64_t low = 0;
      for (int t = 1;; t += 2) {
        const std::string* e = nullptr;
        for (const auto& x : names)
          if (std::stoll(x.substr(1)) == t) e = &x;
        if (!e || std::find(landing.begin(), landing.begin() + static_cast<std::ptrdiff_t>(at), *e) ==
                      landing.begin() + static_cast<std::ptrdiff_t>(at))
          break;
        low = t;
      }
      for (auto& x : step(s, bytes, piece, low)) found.push_back(x);
    }
    for (auto& x : step(s, bytes, {}, INT64_MAX, INT64_MAX, true)) found.push_back(x);
    EXPECT_EQ(found, in_time_order(s, names)) << "round " << round;
  }
}

TEST(FleetSequenceKey, EventsWaitUntilTheyHaveSettled) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  // Landed at 1,000 ms by Redis's clock; only what landed by 500 ms may be fed: nothing.
  EXPECT_TRUE(step(s, bytes, {"A1", "B2"}, 10, 500, false, 1000).empty());
  SharedSequenceKey k;
  std::string why;
  ASSERT_TRUE(k.decode(bytes, why)) << why;
  EXPECT_EQ(k.waiting.size(), 2u);
  EXPECT_LT(k.decided, 1000) << "the first unsettled event holds back its time";
  EXPECT_EQ(step(s, bytes, {}, 10, 1000), std::vector<std::string>{"A1 B2"});
}

TEST(FleetSequenceKey, AnEventLandedAgainIsFedOnce) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  EXPECT_TRUE(step(s, bytes, {"A1"}, 1).empty());
  // A restart re-reads A1 and lands it again: it does not start a second partial.
  EXPECT_EQ(step(s, bytes, {"A1", "B2"}, 2), std::vector<std::string>{"A1 B2"});
  EXPECT_TRUE(step(s, bytes, {"B2", "A1"}, 2).empty()) << "landed again after it completed: nothing new";
}

TEST(FleetSequenceKey, ALateEventIsFedAtOnceAsOneProcessFeedsIt) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  EXPECT_TRUE(step(s, bytes, {"B5"}, 10).empty());
  // A1 is older than what is decided: fed on landing, after B5 (as a late event is).
  EXPECT_TRUE(step(s, bytes, {"A1"}, 10).empty());
  EXPECT_EQ(step(s, bytes, {"B12"}, 12), std::vector<std::string>{"A1 B12"});
}

TEST(FleetSequenceKey, WhatIsPastTheHorizonIsForgotten) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  step(s, bytes, {"A1"}, 1);
  step(s, bytes, {"B2"}, 2);  // completes A1 B2
  SharedSequenceKey k;
  std::string why;
  ASSERT_TRUE(k.decode(bytes, why));
  EXPECT_EQ(k.fed.size(), 2u);
  step(s, bytes, {}, kHorizon / 1000 + 10);
  ASSERT_TRUE(k.decode(bytes, why));
  EXPECT_TRUE(k.fed.empty());
}

TEST(FleetSequenceKey, BytesRoundTripAndDamageIsRefused) {
  const SequenceSpec s = spec(2, 0, false);
  std::string bytes;
  step(s, bytes, {"A1", "B9"}, 3);  // A1 fed, B9 waits
  SharedSequenceKey k;
  std::string why;
  ASSERT_TRUE(k.decode(bytes, why)) << why;
  k.found.push_back({"shell", "w1", 9000, false, {SequenceMachine::Step{"A1", 1000, 0}}});
  k.version = "0123456789abcdef";
  const std::string again = k.encode();
  SharedSequenceKey back;
  ASSERT_TRUE(back.decode(again, why)) << why;
  EXPECT_EQ(back.encode(), again);
  EXPECT_EQ(back.version, "0123456789abcdef");
  ASSERT_EQ(back.waiting.size(), 1u);
  EXPECT_EQ(back.waiting[0].raw, "B9");
  ASSERT_EQ(back.found.size(), 1u);
  EXPECT_EQ(back.found[0].writer, "w1");
  // Every cut is refused with a reason, never read past its end.
  for (size_t n = 0; n < again.size(); ++n) {
    SharedSequenceKey cut;
    EXPECT_FALSE(cut.decode(again.substr(0, n), why)) << n;
    EXPECT_FALSE(why.empty());
  }
  EXPECT_FALSE(back.decode(again + "x", why));
  EXPECT_FALSE(back.decode("1|" + std::string(40, 'x'), why));
  EXPECT_FALSE(back.decode("no version bar", why));
  // A machine of another shape: the step says so.
  SharedSequenceKey other;
  ASSERT_TRUE(other.decode(again, why));
  SequenceKeyStep st;
  EXPECT_FALSE(rulec::rt::step_sequence_key(spec(3, 0, false), kHorizon, other, {}, 10, INT64_MAX, false, st, why));
  EXPECT_NE(why.find("shape"), std::string::npos) << why;
}

}  // namespace fleet_sequence_key_test
