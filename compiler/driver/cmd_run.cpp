// `rulec run RULES...`: detection on an event stream; alerts as NDJSON, a summary on stderr.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/engine_setup.h"
#include "compiler/engine/loaded_rules.h"
#include "runtime/common/dates.h"
#include "runtime/state/detector.h"

namespace rulec::driver {

using engine::ActiveEngine;
using engine::LoadedRules;
using engine::event_now;
using engine::load_runnable;

namespace {

struct Options {
  std::vector<std::string> rules;
  std::vector<std::string> events;
  std::string alerts = "-";
  std::string state;
  std::string engine = "jit";
  bool learn = false;
  uint64_t max_state_mb = 0;
  uint64_t checkpoint_events = 200000;
  SchemaOptions schema;
};

void print_summary(const rt::Detector& d, const rt::EventReader& reader, double seconds) {
  uint64_t alerts = 0, suppressed = 0;
  for (size_t i = 0; i < d.rules().size(); ++i) {
    const auto& c = d.counters()[i];
    alerts += c.alerts;
    suppressed += c.suppressed;
    if (!c.matched) continue;
    fmt::print(stderr, "  {:<60.60} matched {:>9}  alerts {:>6}", d.rules()[i].name, c.matched, c.alerts);
    if (c.suppressed) fmt::print(stderr, "  suppressed by max_signals {}", c.suppressed);
    if (c.learned) fmt::print(stderr, "  learned {}", c.learned);
    if (c.no_time) fmt::print(stderr, "  no event time {}", c.no_time);
    if (c.late) fmt::print(stderr, "  late {}", c.late);
    if (c.duplicates) fmt::print(stderr, "  already written {}", c.duplicates);
    fmt::print(stderr, "\n");
  }
  double n = static_cast<double>(reader.events_read());
  double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  fmt::print(stderr,
             "rulec run: {} events read, {} lines skipped, {} rules, {} alerts ({} suppressed by max_signals), "
             "{:.0f} events/s, {:.1f} MB/s, {:.0f} ns/event, {:.2f} s\n",
             reader.events_read(), reader.lines_skipped(), d.rules().size(), alerts, suppressed,
             seconds > 0 ? n / seconds : 0.0, seconds > 0 ? mb / seconds : 0.0, n > 0 ? seconds * 1e9 / n : 0.0,
             seconds);
  if (d.evictions()) fmt::print(stderr, "rulec run: {} state entries evicted by --max-state-mb\n", d.evictions());
}

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("run", "Run detection rules over an event stream and write alerts");
  cmd->add_option("rules", opts->rules, "Rule files or directories")->required();
  cmd->add_option("-e,--events", opts->events, "NDJSON event files, in order; - for stdin (the default)");
  cmd->add_option("-a,--alerts", opts->alerts, "Alerts output (NDJSON), - for stdout (the default)");
  cmd->add_option("--state", opts->state, "Directory for new-terms history and threshold windows (kept across runs)");
  add_engine_option(cmd, opts->engine);
  cmd->add_flag("--learn", opts->learn, "Warm-up: build history from past events without writing alerts");
  cmd->add_option("--max-state-mb", opts->max_state_mb, "Cap on state memory; the oldest entries are evicted first");
  cmd->add_option("--checkpoint-events", opts->checkpoint_events, "Checkpoint state every N events (and at the end)")
      ->check(CLI::PositiveNumber);
  opts->schema.add_to(cmd);
  cmd->footer(
      "Rules of a type the stream engine does not run (eql, esql, machine_learning, threat_match) and\n"
      "rules with errors are reported and left out. The summary (events, skipped lines, alerts per\n"
      "rule, throughput) goes to stderr. Exit status: 0 success, 1 error (no rule, I/O), 2 usage.\n"
      "Examples:\n"
      "  rulec run rules/ --events events.ndjson --alerts alerts.ndjson --state /var/lib/rulec\n"
      "  rulec run rules/ --learn --events last-week.ndjson --state /var/lib/rulec --alerts /dev/null\n"
      "  tail -F /var/log/endpoint.ndjson | rulec run rules/ --state /var/lib/rulec");
  return [opts]() {
    auto schema = opts->schema.load();
    if (!schema) return kExitFindings;
    LoadedRules loaded;
    if (!load_runnable(opts->rules, *schema, loaded)) return kExitFindings;
    auto engine = ActiveEngine::create(opts->engine, loaded.plan_rules(), loaded.compiled, *schema);
    if (!engine) return kExitFindings;

    rt::DetectorOptions dopts;
    dopts.state_dir = opts->state;
    dopts.learn = opts->learn;
    dopts.max_state_mb = opts->max_state_mb;
    dopts.checkpoint_events = opts->checkpoint_events;
    std::string error, recovered;
    auto detector = rt::Detector::create(loaded.infos, dopts, opts->alerts, error, recovered);
    if (!detector) {
      fmt::print(stderr, "rulec: {}\n", error);
      return kExitFindings;
    }
    if (!recovered.empty()) fmt::print(stderr, "rulec: {}\n", recovered);

    std::vector<std::string> events = opts->events.empty() ? std::vector<std::string>{"-"} : opts->events;
    rt::EventReader reader(events);
    report_skips_to_stderr(reader);
    reader.set_filter(engine->filter());
    rt::Event ev;
    rt::RuleBits bits(engine->evaluator().rule_count());
    const int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
    const bool needs_now = engine->needs_now();
    auto start = std::chrono::steady_clock::now();
    bool ok = true;
    while (ok && reader.next(ev)) {
      if (needs_now) engine->set_now_ms(event_now(ev, wall));
      engine->evaluator().evaluate(ev, bits);
      ok = detector->on_event(ev, bits);
    }
    ok = ok && detector->finish();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_summary(*detector, reader, seconds);
    if (!ok) {
      fmt::print(stderr, "rulec: {}; state kept at its last checkpoint\n", detector->error());
      return kExitFindings;
    }
    return kExitOk;
  };
}

}  // namespace rulec::driver
