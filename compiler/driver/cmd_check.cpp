// `rulec check PATH...`: loads every rule below the paths and reports the ones that are not fine.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/engine_setup.h"
#include "compiler/frontend/analyze.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"

namespace rulec::driver {

namespace {

struct Options {
  std::vector<std::string> paths;
  SchemaOptions schema;
  bool verbose = false;
  bool quiet_warnings = false;
};

const char* severity_name(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

std::string origin(const RuleOrigin& o) { return o.line ? fmt::format("{}:{}", o.path, o.line) : o.path; }

// One line: where, what, which rule, where inside it, why.
void print_diagnostic(const Rule& rule, const RuleDiagnostic& rd, bool verbose) {
  const Diagnostic& d = rd.diag;
  std::string at;
  if (rd.part != RulePart::Rule)
    at = d.pos.known() ? fmt::format("{} line {}, column {}: ", to_string(rd.part), d.pos.line, d.pos.column)
                       : fmt::format("{}: ", to_string(rd.part));
  fmt::print("{}: {} [{}] rule {} \"{}\": {}{}\n", origin(rule.origin), severity_name(d.severity), d.code,
             rule.rule_id.empty() ? "(no rule_id)" : rule.rule_id, rule.name, at, d.message);
  if (verbose && d.pos.known()) {
    std::string shown = render(d, part_text(rule, rd.part));
    auto nl = shown.find('\n');  // the first line repeats the message
    if (nl != std::string::npos) fmt::print("{}\n", shown.substr(nl + 1));
  }
}

}  // namespace

Runner add_check_command(CLI::App& app) {
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("check", "Load rules and report every rule that is not fine");
  cmd->add_option("paths", opts->paths, "Rule files or directories (TOML, Kibana JSON, export NDJSON)")->required();
  opts->schema.add_to(cmd);
  cmd->add_flag("-v,--verbose", opts->verbose, "Show the query line and a caret under each error position");
  cmd->add_flag("--no-warnings", opts->quiet_warnings, "Do not print warnings");
  cmd->footer(
      "Prints one line per rule that has an error, is unsupported, or has a warning, then\n"
      "`N rules: X ok, Y unsupported, Z errors`. Exit status: 0 no errors, 1 some rule has an\n"
      "error, 2 usage error. Rules of a type the engine does not run (eql, esql,\n"
      "machine_learning) are unsupported, never errors.\n"
      "Examples:\n"
      "  rulec check rules/\n"
      "  rulec check ../shared/corpus/detection-rules ../shared/corpus/kibana-export.ndjson\n"
      "  rulec check --schema my-fields.json -v my-rule.toml");
  return [opts]() {
    auto schema = opts->schema.load();
    if (!schema) return kExitFindings;

    RuleSet set = load_rules(opts->paths);
    size_t ok = 0, unsupported = 0, errors = 0;
    for (const auto& fe : set.file_errors) {
      ++errors;
      std::string where = fe.path;
      if (fe.diag.pos.known()) where += fmt::format(":{}:{}", fe.diag.pos.line, fe.diag.pos.column);
      else if (fe.line) where += fmt::format(":{}", fe.line);
      fmt::print("{}: error [{}] {}\n", where, fe.diag.code, fe.diag.message);
    }
    for (const Rule& rule : set.rules) {
      AnalyzedRule a = analyze(rule, *schema);
      switch (a.status) {
        case RuleStatus::Ok: ++ok; break;
        case RuleStatus::Unsupported:
          ++unsupported;
          fmt::print("{}: unsupported [{}] rule {} \"{}\": {}\n", origin(rule.origin), diag::kUnsupported,
                     rule.rule_id, rule.name, a.unsupported_reason);
          continue;
        case RuleStatus::Error: ++errors; break;
      }
      for (const auto& rd : a.diagnostics) {
        if (rd.diag.severity != Severity::Error && opts->quiet_warnings) continue;
        print_diagnostic(rule, rd, opts->verbose);
      }
    }
    fmt::print("{} rules: {} ok, {} unsupported, {} errors\n", ok + unsupported + errors, ok, unsupported, errors);
    return errors ? kExitFindings : kExitOk;
  };
}

}  // namespace rulec::driver
