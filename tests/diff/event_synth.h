// Event synthesis for differential testing: events that satisfy a rule, near misses, and random realistic events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/interp/interp.h"

namespace rulec::diff {

// One synthesized event.
struct SynthEvent {
  std::string json;       // one NDJSON line, without the newline
  bool expected = false;  // the synthesizer's own verdict on the rule (its model, NOT the oracle)
  std::string note;       // how it was made: the choices taken, or the predicate flipped
};

// What synthesize() gives for one rule.
struct RuleEvents {
  std::vector<SynthEvent> satisfying;   // each from its own satisfying assignment, best first
  std::vector<SynthEvent> near_misses;  // a satisfying event with one predicate flipped
  bool solved = false;                  // some assignment holds in the synthesizer's own model
  std::string why;                      // when not solved: the predicates no value satisfied
};

struct SynthOptions {
  int64_t now_ms = 1715774400000;  // anchors date math (2024-05-15T12:00:00Z); evaluate with the same now
  size_t satisfying = 3;           // satisfying events wanted per rule
  size_t near_misses = 8;          // near misses wanted per rule
  size_t attempts = 12;            // assignments tried (total) for the satisfying events
  size_t tries_per_value = 8;      // candidate values tried per predicate
  size_t noise_fields = 3;         // unrelated fields added to a satisfying event (at most)
};

// Builds events from rule ASTs (query AND filters AND NOT each exception item, as
// RuleTrees holds them) and the schema. Every result depends only on the seed given,
// the options and what was learned.
//
// Satisfying events: an assignment of the rule's boolean structure is chosen at random (`or`: one
// branch; `and`: all; `not x`: x false, pushed down to the predicates; `p:{q}`: a new element of
// an array of objects p satisfying q), then each positive predicate gets a value of the field's
// schema type that satisfies it (wildcards filled with random text, `?` with one character, a value
// inside a range or CIDR, a date inside the interval, `.caseless` / `.text` multi-fields written to
// their parent with case changes or extra tokens, exists: any value), retried until no negated
// predicate holds. Values are typed as the schema says: numbers, sometimes numeric strings, ECS ip
// and date formats (ISO-8601, epoch millis).
//
// Near misses: one satisfying event with one edit: a value changed by one character, its case
// changed, a range bound crossed by one, a field removed, a negated predicate made true, an
// element of a nested array split in two, array values reordered, a value retyped (number <->
// string). Not all of them change the answer; `expected` says what the synthesizer thinks.
class EventSynth {
 public:
  explicit EventSynth(const Schema& schema, SynthOptions opts = {});
  ~EventSynth();
  EventSynth(const EventSynth&) = delete;
  EventSynth& operator=(const EventSynth&) = delete;

  const SynthOptions& options() const { return opts_; }

  RuleEvents synthesize(const RuleTrees& rule, uint64_t seed);

  // Adds the rule's fields and literals (and values made from them) to the vocabulary that
  // random_events() draws from.
  void learn(const RuleTrees& rule, uint64_t seed = 0);
  size_t vocabulary_fields() const;

  // Random realistic events: fields from the learned vocabulary (often all the fields of one
  // learned rule), values from the rules' literals, often mutated, sometimes arrays, nulls or values
  // of the wrong type; an @timestamp near now. Needs learn() first (else only generic fields).
  std::vector<std::string> random_events(size_t n, uint64_t seed);

  struct Impl;  // internal (event_synth_impl.h)

 private:
  const Schema& schema_;
  SynthOptions opts_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rulec::diff
