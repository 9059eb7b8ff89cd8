// Running one rule test file: its rule on both evaluators (the compiled engine and the interpreter), case by case.
#pragma once

#include <string>
#include <vector>

#include "compiler/frontend/rule_test_file.h"
#include "compiler/frontend/schema.h"
#include "compiler/pipeline/loaded_rules.h"

namespace rulec::driver {

struct CaseOutcome {
  const TestCase* test = nullptr;
  bool passed = false;
  std::string detail;               // why it failed: a diff of alerts, or the events that did (not) match
  std::vector<std::string> alerts;  // [[alerts]] cases: the alerts raised, as recorded (JSON objects)
  double seconds = 0;
};

struct FileOutcome {
  const Rule* tested = nullptr;     // the rule tested (in the LoadedRules given)
  std::string rule;                 // "RULE_ID \"NAME\"" of the rule tested
  std::string error;                // the rule could not be tested at all (then no case ran)
  std::vector<CaseOutcome> cases;
};

// Runs every case of `file` against its rule in `loaded`. With `update`, [[alerts]] cases pass
// with whatever alerts the rule raises now (the caller records them); [[match]] and [[no_match]]
// cases are checked either way. Both evaluators run each case; a difference between them fails it.
FileOutcome run_test_file(const TestFile& file, const pipeline::LoadedRules& loaded, const Schema& schema, bool update);

}  // namespace rulec::driver
