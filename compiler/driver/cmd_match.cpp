// `rulec match --query KQL [FILE...|-]`: prints the events a query matches, as they were (like grep).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/command_setup.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/semantic.h"
#include "compiler/pipeline/loaded_rules.h"

namespace rulec::driver {


Runner add_match_command(CLI::App& app) {
  struct Options {
    std::string query;
    std::vector<std::string> files;
    std::vector<std::string> events;  // -e/--events, as `run` takes them
    bool count = false;
    bool invert = false;
    bool verbose = false;
    std::string engine = "jit";
    SchemaOptions schema;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("match", "Print the NDJSON events a KQL query matches");
  cmd->add_option("-q,--query", opts->query, "The KQL query")->required();
  cmd->add_option("files", opts->files, "NDJSON event files; - or none for stdin");
  cmd->add_option("-e,--events", opts->events, "NDJSON event files, as `rulec run -e` takes them (before FILE...)");
  cmd->add_flag("-c,--count", opts->count, "Print only the number of matching events");
  cmd->add_flag("--invert-match", opts->invert, "Select the events that do not match");
  cmd->add_flag("-v,--verbose", opts->verbose, "Report every skipped input line (default: the first 10, then a count)");
  add_engine_option(cmd, opts->engine);
  opts->schema.add_to(cmd);
  cmd->footer(
      "Malformed lines are reported on stderr with their line number and skipped.\n"
      "Exit status: 0 some event matched, 1 none did, 2 error (bad query, unreadable file, usage).\n"
      "Examples:\n"
      "  rulec match -q 'process.parent.name:(apache2 or nginx)' events.ndjson\n"
      "  rulec match -q 'event.category:process' -e events.ndjson --count\n"
      "  zcat events.ndjson.gz | rulec match -q 'source.ip:10.0.0.0/8' --count -");
  return [opts]() {
    auto parsed = kql::parse(opts->query);
    if (!parsed) {
      fmt::print(stderr, "{}\n", render(*parsed.error, opts->query));
      return kExitUsage;
    }
    auto schema = opts->schema.load();
    if (!schema) return kExitUsage;
    bool bad = false;
    for (const auto& d : check_semantics(*parsed.ast, *schema, opts->query)) {
      fmt::print(stderr, "{}\n", render(d, opts->query));
      bad = bad || d.severity == Severity::Error;
    }
    if (bad) return kExitUsage;

    plan::RuleAsts rule;
    rule.name = "query";
    rule.query = parsed.ast.get();
    auto engine = ActiveEngine::create(opts->engine, {rule}, {RuleTrees{parsed.ast.get(), nullptr, {}}}, *schema);
    if (!engine) return kExitUsage;
    engine->set_now_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count());
    std::vector<std::string> files = opts->events;
    files.insert(files.end(), opts->files.begin(), opts->files.end());
    if (files.empty()) files.push_back("-");
    std::string unreadable;
    if (!rt::inputs_readable(files, unreadable)) {
      fmt::print(stderr, "rulec match: {}\n", unreadable);
      return kExitUsage;
    }
    rt::EventReader reader(files);
    report_skips_to_stderr(reader, opts->verbose);
    reader.set_filter(engine->decode_filter());
    rt::Event ev;
    rt::RuleBits bits(1);
    uint64_t selected = 0;
    while (reader.next(ev)) {
      engine->evaluator().evaluate(ev, bits);
      if (bits.test(0) == opts->invert) continue;
      ++selected;
      if (!opts->count) {
        std::fwrite(ev.raw.data(), 1, ev.raw.size(), stdout);
        std::fputc('\n', stdout);
      }
    }
    if (opts->count) fmt::print("{}\n", selected);
    if (reader.lines_skipped()) fmt::print(stderr, "rulec match: {} lines skipped\n", reader.lines_skipped());
    if (reader.inputs_failed()) return kExitUsage;  // each one said why as it failed
    if (std::fflush(stdout) != 0) {
      fmt::print(stderr, "rulec: write error on standard output\n");
      return kExitUsage;
    }
    return selected ? kExitOk : kExitFindings;
  };
}

}  // namespace rulec::driver
