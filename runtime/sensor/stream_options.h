// The command-line options rulec run and rulesensor share: event inputs, alerts output and state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/shared/stream_source.h"
#include "runtime/state/detector.h"

namespace CLI {
class App;
}

namespace rulec::rt {

struct LoopOptions {
  bool prefilter = true;  // the engine's raw-line prefilter (if it has one) applied before decoding
  // Threads evaluating batches of lines (files and stdin; a stream's entries are read on one):
  // results applied in input order, the alerts byte-identical to one thread's.
  unsigned threads = 1;
  const char* program = "rulec";  // what the loop's messages start with (a string literal)
};

// --value-list ID=FILE (repeatable): the file of the value list an exception item names by id.
void add_value_list_option(CLI::App* app, std::vector<std::pair<std::string, std::string>>& lists);
// The ids of `lists`, in order.
std::vector<std::string> value_list_ids(const std::vector<std::pair<std::string, std::string>>& lists);

struct StreamOptions {
  std::vector<std::string> events;  // empty: stdin; or one redis-stream:// URL
  std::string alerts = "-";
  DetectorOptions detector;
  StreamSourceOptions stream;  // --claim-idle-ms, --idle-exit-ms, -v, --no-prefilter, --threads
  bool shared_usage = false;   // --shared-usage: Redis keys and bytes per rule at the end
  bool verbose = false;        // -v: every skipped line reported, not only the first ten
  bool json = false;           // --json: the summary as one JSON object on stderr
  bool prefilter = true;       // --no-prefilter: decode every line
  unsigned threads = 1;        // --threads N

  void add_to(CLI::App* app);  // -e/--events, -o/--output (-a/--alerts), --json, --state, --state-adopt, --alert-time, --learn, --max-state-mb, --checkpoint-events, --shared-state, --shared-usage, --claim-idle-ms, --idle-exit-ms, -v
  std::vector<std::string> inputs() const { return events.empty() ? std::vector<std::string>{"-"} : events; }
  // After parsing: a redis-stream:// input must be the only one; its consumer is this process's
  // writer in the shared state, and it checkpoints (and acknowledges) well within claim_idle_ms.
  // False with the reason.
  [[nodiscard]] bool resolve(std::string& error);
  // Every events file can be read (checked before any state is touched). False with the reason.
  [[nodiscard]] bool inputs_readable(std::string& error) const;
  bool reads_stream() const { return events.size() == 1 && is_stream_url(events[0]); }
  LoopOptions loop(const char* program) const { return {prefilter, threads, program}; }
};

}  // namespace rulec::rt
