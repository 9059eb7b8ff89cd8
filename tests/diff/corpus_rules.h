// The corpus's runnable rules and the events synthesized from them, as the differential tests take them.
#pragma once

#include <string>
#include <vector>

#include "compiler/pipeline/loaded_rules.h"
#include "diff/event_synth.h"

namespace rulec::diff {

// The corpus's runnable rules: its detection rules and the Kibana export.
inline bool load_corpus_rules(const Schema& schema, pipeline::LoadedRules& loaded) {
  return pipeline::load_runnable({std::string(RULEC_SHARED_DIR) + "/corpus/detection-rules",
                                  std::string(RULEC_SHARED_DIR) + "/corpus/kibana-export.ndjson"},
                                 schema, loaded);
}

// Each rule's satisfying events and near misses (seeded by the rule's index), appended to `out`;
// with `learn`, each rule is also learned once its events are made (for random_events()).
inline void append_rule_events(EventSynth& synth, const std::vector<RuleTrees>& trees, std::vector<std::string>& out,
                               bool learn) {
  for (size_t r = 0; r < trees.size(); ++r) {
    RuleEvents re = synth.synthesize(trees[r], r);
    for (auto& e : re.satisfying) out.push_back(std::move(e.json));
    for (auto& e : re.near_misses) out.push_back(std::move(e.json));
    if (learn) synth.learn(trees[r], r);
  }
}

}  // namespace rulec::diff
