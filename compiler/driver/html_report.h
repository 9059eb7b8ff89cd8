// A self-contained HTML report (no network: styles, data and script inline) for `bench --report` and `check --cost --report`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rulec::driver {

struct ReportThroughput {
  std::string name;           // "raw simdjson parse", "jit (decode + evaluate)", ...
  uint64_t events = 0;
  double events_per_s = 0, mb_per_s = 0, ns_per_event = 0;
  double percent_of_raw = 0;  // against the parse ceiling measured in the same run
};

struct ReportRule {
  std::string rule_id, name, type;
  std::optional<double> measured_ns;    // bench: own evaluation + share of the field scans, ns/event
  std::optional<double> worst, expected;  // check --cost: estimated bit tests per event
  bool flagged = false;                 // over the cost threshold or a compile limit
  std::string note;                     // why it is flagged (or left out)
  std::optional<uint64_t> matches, alerts;  // bench: over the events given, through the detector
};

struct Report {
  std::string title;
  std::vector<std::string> facts;  // one line each, under the title ("50,000 events, 31.5 MB", ...)
  std::vector<ReportThroughput> throughput;
  std::vector<ReportRule> rules;
};

// The page: a throughput chart against the raw-parse ceiling, then one row per rule with cost
// bars (measured and estimated, as given), matches and alerts; columns sort on click.
std::string render_html_report(const Report& report);

// Writes `html` to `path`; false with the reason on stderr.
bool write_report(const std::string& path, const std::string& html);

}  // namespace rulec::driver
