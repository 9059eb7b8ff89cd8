// The rulesensor application: bundle loading, the detection loop, signals, hot reload and counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/sensor/stream_options.h"

namespace rulec::sensor {

struct Options {
  std::string bundle;
  rt::StreamOptions stream;  // events, alerts, state
  std::string trusted_key;
  bool allow_unsigned = false;
  std::string cache_dir;  // --cache-dir
  std::string counters;  // --counters: empty, none at exit (SIGUSR1: stderr); "-": stderr
  uint64_t watch_ms = 1000;
};

// Runs the sensor; returns the exit status (0 success, 1 error).
int run(const Options& o);

}  // namespace rulec::sensor
