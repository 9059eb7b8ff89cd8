// `rulec run RULES...`: detection on an event stream; alerts as NDJSON, a summary on stderr.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/engine_setup.h"
#include "compiler/engine/loaded_rules.h"
#include "runtime/common/dates.h"
#include "runtime/sensor/detect_loop.h"
#include "runtime/state/detector.h"

namespace rulec::driver {

using engine::ActiveEngine;
using engine::LoadedRules;
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
  engine::CompileLimits limits;
};

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
  add_limit_options(cmd, opts->limits);
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
    loaded.limits = opts->limits;
    if (!load_runnable(opts->rules, *schema, loaded)) return kExitFindings;
    auto engine = ActiveEngine::create(opts->engine, loaded.plan_rules(), loaded.compiled, *schema,
                                       loaded.build_options());
    if (!engine) return kExitFindings;

    rt::DetectorOptions dopts;
    dopts.state_dir = opts->state;
    dopts.learn = opts->learn;
    dopts.max_state_mb = opts->max_state_mb;
    dopts.checkpoint_events = opts->checkpoint_events;
    auto detector = rt::open_detector(loaded.infos, dopts, opts->alerts, "rulec");
    if (!detector) return kExitFindings;

    std::vector<std::string> events = opts->events.empty() ? std::vector<std::string>{"-"} : opts->events;
    rt::EventReader reader(events);
    report_skips_to_stderr(reader);
    const rt::LoopResult res = rt::run_detection(reader, *detector, engine.get());
    rt::print_summary("rulec run", *detector, reader, res.seconds);
    const bool ok = res.ok;
    if (!ok) {
      fmt::print(stderr, "rulec: {}; state kept at its last checkpoint\n", detector->error());
      return kExitFindings;
    }
    return kExitOk;
  };
}

}  // namespace rulec::driver
