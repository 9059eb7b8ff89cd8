// The detection loop `rulec run` and `rulesensor` share: events -> engine -> detector -> alerts, summary, counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/decoder/decoder.h"
#include "runtime/eval/evaluator.h"
#include "runtime/sensor/stream_options.h"
#include "runtime/state/detector.h"

namespace rulec::rt {

// Requests raised asynchronously (signal handlers, a file watcher) and served between two events.
enum Attention : uint32_t {
  kAttentionReload = 1,    // SIGHUP or the bundle file replaced
  kAttentionCounters = 2,  // SIGUSR1: print per-rule counters
  kAttentionStop = 4,      // SIGTERM / SIGINT: stop reading, flush, checkpoint
  kAttentionTick = 8,      // shared state: resolve the decisions waiting for Redis (every 200 ms)
};

struct LoopControl {
  std::atomic<uint32_t>* attention = nullptr;
  // Called between two events with the pending requests (already cleared). It may switch the
  // engine (the loop re-reads `engine` and its decoder filter) and the detector's rules. Returns
  // false to stop the loop.
  std::function<bool(uint32_t requests, StreamEngine*& engine)> serve;
};

struct LoopResult {
  bool ok = true;          // false: an I/O error writing alerts or state (detector.error())
  bool stopped = false;    // ended by a stop request rather than the end of input
  std::string input_error;  // the input failed (a stream's server answered with an error)
  double seconds = 0;
};

// Opens the detector (state, alert sink) and prints what an existing state held, or why it could
// not open, prefixed by `program`. nullptr on failure.
std::unique_ptr<Detector> open_detector(std::vector<RuleInfo> rules, const DetectorOptions& options,
                                        const std::string& alerts, const char* program);

// The reader of `o`'s inputs: files and stdin, or a Redis Stream (redis-stream://), whose
// entries `detector` then acknowledges at each checkpoint. Skipped lines are reported on stderr.
// nullptr after saying why on stderr, prefixed by `program` (a string literal).
std::unique_ptr<EventReader> open_reader(const StreamOptions& o, Detector& detector, const char* program);

// Reads every event of `reader`, evaluates it with `engine` and feeds the detector; then finish()
// (flush, checkpoint). The engine's decoder filter is applied to the reader.
LoopResult run_detection(EventReader& reader, Detector& detector, StreamEngine* engine, LoopControl* control = nullptr,
                         const LoopOptions& options = {});

// The summary on stderr: per-rule lines for rules that matched, then totals and throughput,
// each line prefixed by `program` ("rulec run", "rulesensor"); with `json`, counters_json() with
// "program" and "state_evictions" added, as one line instead.
void print_summary(const char* program, const Detector& d, const EventReader& reader, double seconds, bool json = false);

// How the run ended, on stderr prefixed by `program`: stopped by a signal, or the I/O error that
// stopped it (the state then stays at its last checkpoint). The exit status: 0, or 1 on an error.
[[nodiscard]] int report_end(const char* program, const LoopResult& res, const Detector& d);

// Prints skipped input lines to stderr as `PROGRAM: PATH:LINE: skipped: REASON` (and unreadable
// inputs as `PROGRAM: PATH: REASON`): the first ten, then only a count unless `every`; with a hint
// when an input as a whole is not NDJSON. `program` must outlive the reader (a string literal).
void report_skips_to_stderr(EventReader& reader, const char* program, bool every = false);

// --shared-usage: the shared state's keys and bytes per rule, on stderr.
void print_shared_usage(const char* program, Detector& d);

// Per-rule counters and throughput as one JSON object (one line).
std::string counters_json(const Detector& d, const EventReader& reader, double seconds);

}  // namespace rulec::rt
