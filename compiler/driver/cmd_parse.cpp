// `rulec parse QUERY`: prints the syntax tree of one KQL query, or its syntax error.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/printer.h"

namespace rulec::driver {

Runner add_parse_command(CLI::App& app) {
  struct Options {
    std::string query;
    bool from_file = false;
    bool json = false;
    bool canonical = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("parse", "Parse one KQL query and print its syntax tree");
  cmd->add_option("query", opts->query, "The KQL query (with --file: a file holding it, - for stdin)")->required();
  cmd->add_flag("-f,--file", opts->from_file, "Read the query from the file named by QUERY");
  cmd->add_flag("--json", opts->json, "Print the tree as JSON");
  cmd->add_flag("--canonical", opts->canonical, "Print the canonical KQL text instead of the tree");
  cmd->footer(
      "Exit status: 0 valid, 1 syntax error, 2 usage error.\n"
      "Examples:\n"
      "  rulec parse 'event.category:process and process.name:(bash or sh)'\n"
      "  rulec parse --json 'source.ip:10.0.0.0/8'\n"
      "  echo 'a:b' | rulec parse --file -");
  return [opts]() {
    std::string text = opts->query;
    if (opts->from_file && !read_input(opts->query, text)) return kExitFindings;
    auto result = kql::parse(text);
    if (!result) {
      fmt::print(stderr, "{}\n", render(*result.error, text));
      return kExitFindings;
    }
    if (opts->json)
      fmt::print("{}\n", kql::to_json(*result.ast));
    else if (opts->canonical)
      fmt::print("{}\n", kql::print(*result.ast));
    else
      fmt::print("{}", kql::dump(*result.ast));
    return kExitOk;
  };
}

}  // namespace rulec::driver
