// Rule unit test files (`rulec test`): finding them beside rules, reading their cases, and the recorded alerts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rulec {

// A rule's tests live beside it: rules/x.toml is tested by rules/x.test.toml; the alerts its
// `[[alerts]]` cases expect are recorded (by `rulec test --update`) in rules/x.test.alerts.
inline constexpr const char* kTestSuffix = ".test.toml";
inline constexpr const char* kRecordedSuffix = ".test.alerts";

struct TestCase {
  enum class Kind { Match, NoMatch, Alerts };
  Kind kind = Kind::Match;
  std::string name;
  uint32_t line = 0;                  // of its [[match]], [[no_match]] or [[alerts]] header
  std::vector<std::string> events;    // one JSON document each
  std::vector<std::string> history;   // alerts: learned first (new-terms history; no alert)
  int64_t alert_count = -1;           // alerts: `count = N` when given
};
const char* to_string(TestCase::Kind k);

struct TestFile {
  std::string path;        // the .test.toml
  std::string rule_path;   // the rule file beside it (empty: none found)
  std::string rule_id;     // `rule_id = ...`: which rule of the file (needed when it holds several)
  std::vector<std::string> fields;  // `fields = [...]`: alert fields recorded besides time, reason, terms
  std::vector<TestCase> cases;
  std::string error;       // the file cannot be used: where and why ("x.test.toml:3:1: ...")
  // Recorded alerts per case name (one JSON object per alert), from the .test.alerts file.
  std::map<std::string, std::vector<std::string>> recorded;
  bool has_recorded = false;
  std::string recorded_path() const;
};

// The test files for `paths`: a directory gives every *.test.toml below it; a rule file its
// .test.toml (an error if there is none); a .test.toml itself. Problems go to `errors`.
struct FoundTests {
  std::vector<std::string> test_files;
  std::vector<std::string> rule_paths;  // what to load the rules from (directories and rule files)
  std::vector<std::string> errors;
};
FoundTests find_tests(const std::vector<std::string>& paths);

// Reads one test file and the alerts recorded for it (parse errors land in `error`).
TestFile read_test_file(const std::string& path);

// Writes the recorded alerts of `file` (case name -> alert lines) to its .test.alerts; false with
// the reason on failure (written to a temporary file first, then renamed over the old one).
bool write_recorded(const TestFile& file, const std::map<std::string, std::vector<std::string>>& alerts,
                    std::string& error);

}  // namespace rulec
