// The rulesensor application: bundle loading, the detection loop, signals, hot reload and counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rulec::sensor {

struct Options {
  std::string bundle;
  std::vector<std::string> events;
  std::string alerts = "-";
  std::string state;
  std::string trusted_key;
  bool allow_unsigned = false;
  bool learn = false;
  uint64_t max_state_mb = 0;
  uint64_t checkpoint_events = 200000;
  std::string counters = "-";
  uint64_t watch_ms = 1000;
};

// Runs the sensor; returns the exit status (0 success, 1 error).
int run(const Options& o);

}  // namespace rulec::sensor
