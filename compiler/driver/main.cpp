// rulec: the compiler driver; dispatches to the subcommands (parse, check, match, run, explain, bench, compile, keygen, inspect, test, help).
#include <cstdio>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"

int main(int argc, char** argv) {
  using namespace rulec::driver;
  CLI::App app{"rulec: compile Kibana KQL detection rules ahead of time"};
  app.set_version_flag("--version", std::string("rulec ") + RULEC_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // every option's default shown in its help
  app.footer(
      "Examples:\n"
      "  rulec check rules/                      check every rule below rules/\n"
      "  rulec parse 'process.name:(bash or sh)' print the syntax tree of a query\n"
      "  rulec match -q 'process.name:nginx' events.ndjson   print the events a query matches\n"
      "  rulec run rules/ -e events.ndjson --state st/   detect and write alerts\n"
      "  rulec explain rules/                    show the compiled plan\n"
      "  rulec bench rules/ --events events.ndjson   measure throughput against raw parsing\n"
      "  rulec keygen build                      create build.key and build.pub\n"
      "  rulec compile rules/ -o r.rbundle --sign build.key   compile a bundle for rulesensor\n"
      "  rulec inspect r.rbundle                 print a bundle's manifest and rules\n"
      "  rulec test rules/                       run the unit tests kept beside the rules\n"
      "Run `rulec help COMMAND` or `rulec COMMAND --help` for a command's options.");

  // Each add_* registers its subcommand last; remember it with its runner.
  std::vector<std::pair<CLI::App*, Runner>> commands;
  auto add = [&](Runner r) {
    auto all = app.get_subcommands([](const CLI::App*) { return true; });
    commands.emplace_back(all.back(), std::move(r));
  };
  add(add_parse_command(app));
  add(add_check_command(app));
  add(add_match_command(app));
  add(add_run_command(app));
  add(add_explain_command(app));
  add(add_bench_command(app));
  add(add_compile_command(app));
  add(add_keygen_command(app));
  add(add_inspect_command(app));
  add(add_test_command(app));
  add(add_help_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);  // prints help, version or the usage error
    return rc == 0 ? kExitOk : kExitUsage;
  }
  try {
    for (auto& [cmd, run] : commands)
      if (cmd->parsed()) return run();
  } catch (const std::system_error& e) {
    // fmt::print throws when stderr itself cannot be written (a full disk under a log file): end
    // with an error status rather than an abort; state and alerts stay at their last checkpoint.
    std::fprintf(stderr, "rulec: %s\n", e.what());
    return kExitFindings;
  }
  return kExitUsage;
}
