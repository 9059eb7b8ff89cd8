// The command-line options rulec run and rulesensor share: event inputs, alerts output and state.
#pragma once

#include <string>
#include <vector>

#include "runtime/state/detector.h"

namespace CLI {
class App;
}

namespace rulec::rt {

struct StreamOptions {
  std::vector<std::string> events;  // empty: stdin
  std::string alerts = "-";
  DetectorOptions detector;

  void add_to(CLI::App* app);  // -e/--events, -a/--alerts, --state, --state-adopt, --learn, --max-state-mb, --checkpoint-events
  std::vector<std::string> inputs() const { return events.empty() ? std::vector<std::string>{"-"} : events; }
};

}  // namespace rulec::rt
