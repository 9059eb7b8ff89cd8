// The command-line options rulec run and rulesensor share, registered on a CLI11 command.
#include "runtime/sensor/stream_options.h"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "runtime/decoder/decoder.h"

namespace rulec::rt {

void add_value_list_option(CLI::App* app, std::vector<std::pair<std::string, std::string>>& lists) {
  app->add_option_function<std::vector<std::string>>(
         "--value-list",
         [&lists](const std::vector<std::string>& given) {
           for (const auto& g : given) {
             const size_t eq = g.find('=');
             if (eq == 0 || eq == std::string::npos || eq + 1 == g.size())
               throw CLI::ValidationError("--value-list", "'" + g + "' is not ID=FILE");
             lists.emplace_back(g.substr(0, eq), g.substr(eq + 1));
           }
         },
         "The file of value list ID, one value per line, for exception items `is in list` / `is not in list` "
         "(repeatable); rules naming a list not given are left out")
      ->type_name("ID=FILE");
}

std::vector<std::string> value_list_ids(const std::vector<std::pair<std::string, std::string>>& lists) {
  std::vector<std::string> ids;
  for (const auto& [id, path] : lists) ids.push_back(id);
  return ids;
}

void StreamOptions::add_to(CLI::App* app) {
  app->add_option("-e,--events", events,
                  "NDJSON event files, in order; - for stdin (none: stdin); or one "
                  "redis-stream://HOST:PORT/STREAM?group=G&consumer=C (each entry's field 'event' holds one event)");
  app->add_option("-o,--output,-a,--alerts", alerts,
                  "Alerts output (NDJSON), - for stdout. A file is appended to, never overwritten; with --state it is "
                  "first cut back to where the state's last checkpoint left it (alerts after it are written again)");
  app->add_option("--state", detector.state_dir,
                  "Directory for new-terms history and threshold windows (kept across runs); none: nothing is kept");
  app->add_flag("--state-adopt", detector.adopt_state,
                "Take over a --state directory written for another rule set, discarding its state");
  app->add_option_function<std::string>(
         "--alert-time", [this](const std::string& v) { detector.alert_time_event = v == "event"; },
         "The alerts' @timestamp: now (when each alert is made, as Kibana writes it; the default) or event (the "
         "stream's event time, so that a replayed stream gives byte-identical alerts)")
      ->check(CLI::IsMember({"now", "event"}));
  app->add_flag("--learn", detector.learn, "Warm-up: build history from past events without writing alerts");
  app->add_option("--max-state-mb", detector.max_state_mb, "Cap on state memory (0: none); the oldest entries are evicted first");
  app->add_option("--checkpoint-events", detector.checkpoint_events, "Checkpoint state every N events (and at the end)")
      ->check(CLI::PositiveNumber);
  app->add_option("--shared-state", detector.shared_state,
                  "redis://HOST:PORT[/PREFIX]: share new-terms history, threshold buckets, max_signals and the alerts "
                  "written with every process naming the same Redis and prefix (credentials: RULEC_REDIS_USER, "
                  "RULEC_REDIS_PASSWORD or RULEC_REDIS_PASSWORD_FILE)");
  app->add_option("--indicators", detector.indicators,
                  "Indicator feed for threat_match rules (NDJSON indicator documents, e.g. logs-ti_*; repeatable); "
                  "a replaced feed is loaded again between two events")
      ->type_name("FILE");
  add_value_list_option(app, detector.value_lists);
  app->add_flag("--shared-usage", shared_usage, "At the end, the shared state's Redis keys and bytes per rule");
  app->add_option("--claim-idle-ms", stream.claim_idle_ms,
                  "Stream input: take over the entries another consumer has left pending this long")
      ->check(CLI::Range(int64_t{100}, int64_t{86400000}));
  app->add_option("--idle-exit-ms", stream.idle_exit_ms,
                  "Stream input: end after this long without an entry (the default, -1, keeps waiting)")
      ->check(CLI::Range(int64_t{0}, int64_t{86400000}));
  app->add_flag("-v,--verbose", verbose, "Report every skipped input line (default: the first 10, then a count)");
  app->add_flag("--json", json, "The summary at the end as one JSON object (one line) on stderr instead of text");
  app->add_option("--threads", threads,
                  "Threads decoding and evaluating events (files and stdin; default 1): the alerts are the same as "
                  "with one")
      ->check(CLI::Range(1u, 256u));
  app->add_flag("!--no-prefilter", prefilter,
                "Decode every event; by default an event in whose raw text no rule's literal occurs is not decoded");
}

bool StreamOptions::inputs_readable(std::string& error) const {
  return reads_stream() || rt::inputs_readable(inputs(), error);
}

bool StreamOptions::resolve(std::string& error) {
  if (shared_usage && detector.shared_state.empty()) return error = "--shared-usage needs --shared-state", false;
  const auto streams = std::count_if(events.begin(), events.end(), [](const std::string& e) { return is_stream_url(e); });
  if (streams && events.size() > 1) return error = "a redis-stream:// input must be the only --events", false;
  if (!streams) {
    if (stream.idle_exit_ms >= 0) return error = "--idle-exit-ms is for a redis-stream:// input", false;
    return true;
  }
  StreamUrl u;
  if (!parse_stream_url(events[0], u, error)) return false;
  if (detector.writer.empty()) detector.writer = u.consumer;
  // Entries are acknowledged at checkpoints: often enough that no live consumer's entries look dead.
  detector.checkpoint_ms = std::min<uint64_t>(detector.checkpoint_ms, static_cast<uint64_t>(stream.claim_idle_ms / 4));
  return true;
}

}  // namespace rulec::rt
