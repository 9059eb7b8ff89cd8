// One join key of an EQL sequence rule as the fleet keeps it in Redis: decided state, events waiting for the fleet's watermark, sequences found.
//
// Decisions (README "Running a fleet", sequences):
// - Events of one key reach Redis from several processes in no useful order (each lands a batch
//   when it is done with it). They wait in the key until every live process of the fleet has
//   landed its events up to their time (the fleet's low watermark, fleet_sequences.cpp) and they
//   have waited a few seconds (a process that has not yet said how far it is lands its first
//   batch meanwhile); then they are fed to the key's state machine in (time, landing) order, as
//   one process reading the stream in time order feeds them. An event at or before what is decided already (a late one,
//   or a process that ran behind) is fed at once, as one process feeds a late event.
// - An event is named by a hash of its bytes: landing it again (a restart re-reading its input,
//   a stream entry replayed for a dead consumer) changes nothing while the key remembers it
//   (the horizon: twice the longer of maxspan and the rule's window). The fleet keeps the event's
//   bytes once, under a key of their own, and the sequence keys only its id (fleet_sequences.cpp).
// - A completed sequence is kept in the key with the writer that found it until the horizon
//   passes: a writer killed before it wrote the alerts finds them there at its restart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/eval/rule_info.h"
#include "runtime/state/rule_state.h"
#include "runtime/state/sequence_machine.h"

namespace rulec::rt {

struct SharedSequenceKey {
  struct Landed {
    Key128 id;
    int64_t time = 0;
    uint64_t seq = 0;  // landing order in this key
    uint32_t term = 0;
    int64_t landed_ms = 0;  // when it landed, by Redis's clock
    std::string raw;        // what the machine's steps hold: the fleet stores the event's id here
  };
  struct Found {
    std::string shell;   // unused (kept in the bytes: the ids come from the events)
    std::string writer;  // who found it (and writes its alerts)
    int64_t latest = 0;  // its latest event's time
    bool durable = false;  // its alerts are in a checkpoint of the writer
    SequenceMachine::Completed steps;
  };
  std::string version;          // the value's version ("" : no value yet)
  int64_t decided = INT64_MIN;  // events at or before this time have been fed to the machine
  int64_t touched = INT64_MIN;  // the latest event time landed
  uint64_t next_seq = 0;
  std::string machine;          // SequenceMachine::encode of the key's one-key machine ("" : fresh)
  std::vector<Landed> waiting;  // time > decided, in landing order
  std::vector<std::pair<Key128, int64_t>> fed;  // ids and times of events fed, within the horizon
  std::vector<Found> found;

  // The Redis value: "VERSION|" then the bytes. decode validates every count; false with the reason.
  std::string encode() const;
  [[nodiscard]] bool decode(std::string_view value, std::string& error);
};

// What step() did to a key.
struct SequenceKeyStep {
  std::vector<SequenceMachine::Completed> completed;  // in the order found
  bool changed = false;
  // When the key next needs a visit even if no event lands: its earliest waiting event, or the
  // release of a sequence waiting on a trailing missing event (INT64_MAX: never)...
  int64_t attention = INT64_MAX;
  // ...and when its waiting events landed: the earliest (Redis's clock; INT64_MIN: none waits).
  int64_t landed_ms = INT64_MIN;
};

// Lands `incoming` (in landing order; those already landed are skipped), feeds the waiting
// events in (time, landing) order as long as they are at or before `low` and landed at or before
// `settled_ms` (Redis's clock), moves the machine on to what it fed (`flush`: the fleet's input
// ended, everything is fed and every wait released), forgets what is past the horizon. False with
// the reason when the key's machine state is not one of this spec.
[[nodiscard]] bool step_sequence_key(const SequenceSpec& spec, int64_t horizon_ms, SharedSequenceKey& k,
                                     std::vector<SharedSequenceKey::Landed> incoming, int64_t low, int64_t settled_ms,
                                     bool flush, SequenceKeyStep& out, std::string& error);

// The horizon of a rule's keys: twice the longer of its maxspan and its window.
int64_t sequence_horizon_ms(const RuleInfo& r);

}  // namespace rulec::rt
