// Internals of the event synthesizer shared by its two source files (solver, vocabulary); not an API.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/frontend/schema.h"
#include "compiler/interp/interp.h"
#include "diff/event_synth.h"
#include "diff/synth_model.h"
#include "diff/synth_values.h"

namespace rulec::diff {

// A concrete leaf to write for one predicate.
struct Candidate {
  std::string path;  // where the value goes (a multi-field's parent, an object's sub-field)
  JVal value;
  FieldInfo info;    // the facts of the field the predicate tests
};

// One field of the vocabulary random events draw from.
struct VocabField {
  std::string path;    // document path
  std::string nested;  // the array-of-objects path it lies in (from `p:{...}`), or ""
  FieldInfo info;      // the schema facts of `path`
  std::vector<JVal> values;
};

// One field of one learned rule, with that rule's own values: those that make its predicate true
// (`pos`, taken with the predicate's polarity) and those that make a negated one hold (`neg`).
struct ThemeField {
  size_t vocab = 0;  // index into Impl::vocab
  std::vector<JVal> pos, neg;
};

struct EventSynth::Impl {
  Impl(const Schema& s, const SynthOptions& o) : schema(s), opts(o), eval(s, o.now_ms) {}

  // Field-name patterns (`process.*`) become one concrete name: a schema field or a filled glob.
  std::string concrete_name(const kql::Node& n, const std::string& prefix, Rng& rng);
  // A value for predicate `n` (taken as true) inside an element whose names are relative to `prefix`.
  Candidate candidate(const kql::Node& n, const std::string& prefix, Rng& rng);
  // query AND filters AND NOT each exception, in the synthesizer's own model.
  bool rule_holds(const RuleTrees& rule, const Doc& doc);

  const Schema& schema;
  const SynthOptions& opts;
  ModelEval eval;
  std::vector<VocabField> vocab;
  std::map<std::string, size_t> vocab_index;
  std::vector<std::vector<ThemeField>> themes;  // per learned rule: its fields and values
};

// `*` in a field name filled with 1-6 random characters.
std::string fill_name(const kql::Pattern& p, Rng& rng);

}  // namespace rulec::diff
