// `rulec help [COMMAND]`: the overview, or one command's help (as `rulec COMMAND --help`); exit 2 for an unknown command.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "compiler/driver/commands.h"

namespace rulec::driver {

Runner add_help_command(CLI::App& app) {
  auto topic = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("help", "Print the help of a command, or this overview");
  cmd->add_option("command", *topic, "The command whose help to print");
  cmd->footer("Exit status: 0 help printed, 2 unknown command.\nExample:\n  rulec help run");
  CLI::App* top = &app;
  return [top, topic]() {
    if (topic->empty()) {
      // Not top->help(): that delegates to the parsed subcommand, `help` itself.
      fmt::print("{}", top->get_formatter()->make_help(top, top->get_name(), CLI::AppFormatMode::Normal));
      return kExitOk;
    }
    for (CLI::App* sub : top->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() != *topic) continue;
      fmt::print("{}", sub->help(top->get_name()));
      return kExitOk;
    }
    fmt::print(stderr, "rulec help: no command '{}'; the commands:", *topic);
    for (const CLI::App* sub : top->get_subcommands([](const CLI::App*) { return true; }))
      fmt::print(stderr, " {}", sub->get_name());
    fmt::print(stderr, "\n");
    return kExitUsage;
  };
}

}  // namespace rulec::driver
