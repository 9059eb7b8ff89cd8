// `rulec test PATH...`: runs the unit tests kept beside rules (x.test.toml), one suite; diffs on failure, JUnit XML for CI.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/command_setup.h"
#include "compiler/driver/commands.h"
#include "compiler/frontend/rule_test_file.h"
#include "compiler/driver/rule_test_run.h"

namespace rulec::driver {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  bool update = false;
  bool verbose = false;
  std::string junit;
  SchemaOptions schema;
};

struct TestedFile {
  TestFile file;
  FileOutcome outcome;
};

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': case '\t': case '\r': out += static_cast<char>(c); break;
      default:
        if (c < 0x20) out += "\xEF\xBF\xBD";  // U+FFFD: other control characters are not allowed in XML 1.0
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string case_title(const TestCase& c) { return fmt::format("[[{}]] \"{}\"", to_string(c.kind), c.name); }

// The JUnit XML report (the schema Jenkins, GitLab and GitHub test reporters read): one
// testsuite per test file, one testcase per case; a file that could not run is one errored case.
std::string junit_xml(const std::vector<TestedFile>& files, double seconds) {
  size_t tests = 0, failures = 0, errors = 0;
  std::string body;
  for (const auto& t : files) {
    const std::string name = xml_escape(t.file.path);
    std::string cases;
    size_t f_tests = 0, f_fail = 0, f_err = 0;
    double f_time = 0;
    if (!t.outcome.error.empty()) {
      f_tests = f_err = 1;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"load\" file=\"{}\" time=\"0\">\n"
                           "      <error message=\"{}\"/>\n    </testcase>\n",
                           name, name, xml_escape(t.outcome.error));
    }
    for (const auto& c : t.outcome.cases) {
      ++f_tests;
      f_time += c.seconds;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.6f}\"", name,
                           xml_escape(case_title(*c.test)), name, c.test->line, c.seconds);
      if (c.passed) {
        cases += "/>\n";
        continue;
      }
      ++f_fail;
      const std::string first = c.detail.substr(0, c.detail.find('\n'));
      cases += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                           xml_escape(first.substr(first.find_first_not_of(' ') == std::string::npos
                                                       ? 0
                                                       : first.find_first_not_of(' '))),
                           xml_escape(c.detail));
    }
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.6f}\">\n{}  "
                        "</testsuite>\n",
                        name, f_tests, f_fail, f_err, f_time, cases);
    tests += f_tests;
    failures += f_fail;
    errors += f_err;
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rulec test\" tests=\"{}\" "
                     "failures=\"{}\" errors=\"{}\" time=\"{:.6f}\">\n{}</testsuites>\n",
                     tests, failures, errors, seconds, body);
}

bool write_text(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

// --update: the alerts every [[alerts]] case raised now become its recorded alerts.
bool record(const TestedFile& t, bool& wrote) {
  wrote = false;
  std::map<std::string, std::vector<std::string>> alerts;
  for (const auto& c : t.outcome.cases) {
    if (c.test->kind != TestCase::Kind::Alerts) continue;
    if (!c.passed) {
      fmt::print(stderr, "rulec test: {}: not updated: {} failed\n", t.file.recorded_path(), case_title(*c.test));
      return false;
    }
    alerts[c.test->name] = c.alerts;
  }
  if (alerts.empty()) return true;
  std::string error;
  if (!write_recorded(t.file, alerts, error)) {
    fmt::print(stderr, "rulec test: {}\n", error);
    return false;
  }
  wrote = true;
  return true;
}

}  // namespace

Runner add_test_command(CLI::App& app) {
  auto opts = std::make_shared<TestOptions>();
  CLI::App* cmd = app.add_subcommand("test", "Run the unit tests kept beside rules (RULE.test.toml)");
  cmd->add_option("paths", opts->paths, "Rule directories, rule files or .test.toml files")->required();
  cmd->add_flag("--update", opts->update,
                "Record the alerts each [[alerts]] case raises now in RULE.test.alerts (match and no_match cases are "
                "still checked)");
  cmd->add_option("--junit", opts->junit, "Also write a JUnit XML report to FILE (- for stdout)")->type_name("FILE");
  cmd->add_flag("-v,--verbose", opts->verbose, "List every case, passed ones too");
  opts->schema.add_to(cmd);
  cmd->footer(
      "A rule file rules/x.toml (or .json, .ndjson) is tested by rules/x.test.toml beside it:\n"
      "  rule_id = \"...\"          # which rule, when the file holds several\n"
      "  fields = [\"host.name\"]    # alert fields recorded besides time, reason, new terms, threshold\n"
      "  [[match]]                # every event must match the rule (query, filters, exceptions)\n"
      "  name = \"nginx starting a database dump\"\n"
      "  event = '''{\"process\": {...}}'''     # or events = '''NDJSON''', or events_file = \"x.ndjson\"\n"
      "  [[no_match]]             # no event may match\n"
      "  [[alerts]]               # the alerts `rulec run` raises on the events, after learning history\n"
      "  history = '''NDJSON'''   # optional (or history_file): new-terms history, no alert\n"
      "  events = '''NDJSON'''\n"
      "  count = 1                # optional: how many alerts\n"
      "The alerts of [[alerts]] cases are recorded in rules/x.test.alerts by --update and compared\n"
      "on every later run (a diff on failure). Each case runs on both evaluators, the compiled engine\n"
      "and the interpreter; a difference between them is a failure.\n"
      "Exit status: 0 every test passed, 1 a test failed or could not run (or no test was found), 2 usage.\n"
      "Examples:\n"
      "  rulec test rules/\n"
      "  rulec test rules/ --junit report.xml\n"
      "  rulec test rules/x.toml --update");
  return [opts]() {
    const auto start = std::chrono::steady_clock::now();
    FoundTests found = find_tests(opts->paths);
    for (const auto& e : found.errors) fmt::print(stderr, "rulec test: {}\n", e);
    if (found.test_files.empty()) {
      if (found.errors.empty()) fmt::print(stderr, "rulec test: no test found in {}\n", fmt::join(opts->paths, " "));
      return kExitFindings;
    }
    auto schema = opts->schema.load();
    if (!schema) return kExitUsage;
    pipeline::LoadedRules loaded;
    loaded.quiet = true;  // a rule that cannot run fails its tests, with the reason
    pipeline::load_runnable(found.rule_paths, *schema, loaded);

    std::vector<TestedFile> tested;
    size_t cases = 0, failed = 0, broken = 0, updated = 0;
    for (const auto& path : found.test_files) {
      TestedFile t{read_test_file(path), {}};
      t.outcome = run_test_file(t.file, loaded, *schema, opts->update);
      if (!t.outcome.error.empty()) {
        ++broken;
        fmt::print("ERROR {}: {}\n", path, t.outcome.error);
      }
      for (const auto& c : t.outcome.cases) {
        ++cases;
        if (c.passed) {
          if (opts->verbose) fmt::print("ok    {}:{} {}\n", path, c.test->line, case_title(*c.test));
          continue;
        }
        ++failed;
        fmt::print("FAIL  {}:{} {} (rule {})\n{}", path, c.test->line, case_title(*c.test), t.outcome.rule, c.detail);
      }
      if (opts->update && t.outcome.error.empty()) {
        bool wrote = false;
        if (!record(t, wrote)) ++broken;
        updated += wrote;
      }
      tested.push_back(std::move(t));
    }
    std::fflush(stdout);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!opts->junit.empty() && !write_text(opts->junit, junit_xml(tested, seconds))) {
      fmt::print(stderr, "rulec test: cannot write the JUnit report {}\n", opts->junit);
      ++broken;
    }
    size_t untested = 0;
    for (const Rule& r : loaded.set.rules) {
      bool covered = false;
      for (const auto& t : tested) covered = covered || t.outcome.tested == &r;
      untested += !covered;
    }
    auto n = [](size_t k, const char* what) { return fmt::format("{} {}{}", k, what, k == 1 ? "" : "s"); };
    fmt::print(stderr, "rulec test: {} in {}: {} passed, {} failed{}{}{} ({:.2f} s)\n", n(cases, "case"),
               n(tested.size(), "file"), cases - failed, failed,
               broken ? fmt::format(", {} could not run", n(broken, "file")) : "",
               untested ? fmt::format("; {} without tests", n(untested, "rule")) : "",
               opts->update ? fmt::format("; alerts recorded for {}", n(updated, "file")) : "", seconds);
    return failed || broken || !found.errors.empty() ? kExitFindings : kExitOk;
  };
}

}  // namespace rulec::driver
