// The command-line options rulec run and rulesensor share, registered on a CLI11 command.
#include "runtime/sensor/stream_options.h"

#include <CLI/CLI.hpp>

namespace rulec::rt {

void StreamOptions::add_to(CLI::App* app) {
  app->add_option("-e,--events", events, "NDJSON event files, in order; - for stdin (the default)");
  app->add_option("-a,--alerts", alerts, "Alerts output (NDJSON), - for stdout (the default)");
  app->add_option("--state", detector.state_dir, "Directory for new-terms history and threshold windows (kept across runs)");
  app->add_flag("--state-adopt", detector.adopt_state,
                "Take over a --state directory written for another rule set, discarding its state");
  app->add_flag("--learn", detector.learn, "Warm-up: build history from past events without writing alerts");
  app->add_option("--max-state-mb", detector.max_state_mb, "Cap on state memory; the oldest entries are evicted first");
  app->add_option("--checkpoint-events", detector.checkpoint_events, "Checkpoint state every N events (and at the end)")
      ->check(CLI::PositiveNumber);
}

}  // namespace rulec::rt
