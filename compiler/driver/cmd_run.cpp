// `rulec run RULES...`: detection on an event stream; alerts as NDJSON, a summary on stderr.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/pipeline/loaded_rules.h"
#include "runtime/common/dates.h"
#include "runtime/sensor/detect_loop.h"
#include "runtime/sensor/stop_signals.h"
#include "runtime/sensor/stream_options.h"
#include "runtime/state/detector.h"

namespace rulec::driver {

namespace {

struct RunOptions {
  RuleSetOptions rules;
  rt::StreamOptions stream;  // events, alerts, state
  std::string engine = "jit";
};

}  // namespace

Runner add_run_command(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run detection rules over an event stream and write alerts");
  opts->stream.add_to(cmd);
  add_engine_option(cmd, opts->engine);
  opts->rules.add_to(cmd);
  cmd->footer(
      "Rules of a type the stream engine does not run (eql, esql, machine_learning) and rules with\n"
      "errors are reported and left out. threat_match rules match the indicator documents of the\n"
      "--indicators feeds their threat_query selects; exception items `is in list` read --value-list files. The summary (events, skipped lines, alerts per\n"
      "rule, throughput) goes to stderr (--json: one JSON object). On a terminal, stderr shows progress\n"
      "(events, MB/s, share of the input read). Events are given with -e (the positional arguments are\n"
      "the rules). The alerts file (-o) is appended to, never overwritten; with --state it is first\n"
      "cut back to where the state's last checkpoint left it (a replay writes those alerts again).\n"
      "SIGTERM/SIGINT stop reading, flush alerts and checkpoint state, exit 0; a second one exits at\n"
      "once (status 128 + signal). --state refuses a directory of a newer format, a damaged one, or\n"
      "one written for another rule set (--state-adopt takes it over). Exit status: 0 success, 1 error (no rule, I/O), 2 usage.\n"
      "Examples:\n"
      "  rulec run rules/ --events events.ndjson -o alerts.ndjson --state /var/lib/rulec\n"
      "  rulec run rules/ --learn --events last-week.ndjson --state /var/lib/rulec -o /dev/null\n"
      "  tail -F /var/log/endpoint.ndjson | rulec run rules/ --state /var/lib/rulec");
  return [opts]() {
    std::string error;
    if (!opts->stream.resolve(error)) {
      fmt::print(stderr, "rulec run: {}\n", error);
      return kExitUsage;
    }
    if (!opts->stream.inputs_readable(error)) {
      fmt::print(stderr, "rulec run: {}\n", error);
      return kExitFindings;
    }
    opts->rules.value_lists = rt::value_list_ids(opts->stream.detector.value_lists);
    const auto set = opts->rules.load();
    if (!set) return kExitFindings;
    const pipeline::LoadedRules& loaded = set->rules;
    auto engine = ActiveEngine::create(opts->engine, loaded.plan_rules(), loaded.trees, set->schema,
                                       loaded.build_options());
    if (!engine) return kExitFindings;

    auto detector = rt::open_detector(loaded.infos, opts->stream.detector, opts->stream.alerts, "rulec");
    if (!detector) return kExitFindings;

    const auto reader_ptr = rt::open_reader(opts->stream, *detector, "rulec");
    if (!reader_ptr) return kExitFindings;
    rt::EventReader& reader = *reader_ptr;
    // SIGTERM/SIGINT stop reading; the loop then flushes alerts and checkpoints state (exit 0).
    rt::install_stop_signals(/*reload_and_counters=*/false);
    rt::LoopControl control;
    control.attention = &rt::signal_attention();
    control.serve = [](uint32_t req, rt::StreamEngine*&) { return !(req & rt::kAttentionStop); };
    const rt::LoopResult res = rt::run_detection(reader, *detector, engine.get(), &control, opts->stream.loop("rulec"));
    rt::print_summary("rulec run", *detector, reader, res.seconds, opts->stream.json);
    if (opts->stream.shared_usage) rt::print_shared_usage("rulec run", *detector);
    return rt::report_end("rulec", res, *detector) == 0 ? kExitOk : kExitFindings;
  };
}

}  // namespace rulec::driver
