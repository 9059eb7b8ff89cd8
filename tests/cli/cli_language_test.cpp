// The command-line language of rulec, rulesensor and rulec-gen: help, exit codes, shared flags, --json, progress on a terminal, install.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cli_util.h"

using namespace rulec::testing;

namespace {
namespace cli_language_test {

const std::string kSeed = std::string(RULEC_SOURCE_DIR) + "/rules";

std::string gen(const std::string& args) { return bin("rulec-gen") + " " + args; }

// Web events with the attacks (3000 routine ones: past the progress line's first look at 1024).
std::string web_events(const TempDir& d) {
  const std::string events = d.str("events.ndjson");
  EXPECT_EQ(run_shell(gen("--seed 3 --count 3000 --attacks -o " + quote(events))).status, 0);
  return events;
}

// `CMD` run with a pseudo-terminal as its stdin, stdout and stderr (util-linux script): what the
// terminal showed, and the command's exit status.
CmdResult on_terminal(const std::string& cmd) {
  return run_shell("RULEC_PROGRESS_MS=0 script -qec " + quote(cmd) + " /dev/null </dev/null");
}

TEST(CliLanguage, HelpCommandPrintsACommandsHelpOrTheOverview) {
  auto run = run_rulec("help run");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("rulec run"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--events"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("is required"), std::string::npos) << run.out;
  EXPECT_EQ(run.out, run_rulec("run --help").out);
  auto top = run_rulec("help");
  EXPECT_EQ(top.status, 0) << top.out;
  for (const char* cmd : {"check", "match", "run", "compile", "help"}) EXPECT_NE(top.out.find(cmd), std::string::npos) << cmd;
  auto bad = run_rulec("help nosuch");
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_NE(bad.out.find("nosuch"), std::string::npos) << bad.out;
}

// No parse error exits 0, in any of the three programs; help and version do.
TEST(CliLanguage, ParseErrorsExitTwoHelpAndVersionZero) {
  for (const std::string args : {"", "nosuch", "run", "run rules --nosuch", "help run extra", "match", "check --cost-threshold x r",
                                 "compile rules", "explain --emit nosuch rules"}) {
    auto r = run_rulec(args);
    EXPECT_EQ(r.status, 2) << "rulec " << args << "\n" << r.out;
    EXPECT_FALSE(r.out.empty()) << "rulec " << args << " says why";
  }
  for (const std::string args : {"", "--nosuch b.rbundle", "b.rbundle --watch-ms x", "b.rbundle extra"}) {
    auto r = run_shell(bin("rulesensor") + " " + args + " 2>&1");
    EXPECT_EQ(r.status, 2) << "rulesensor " << args << "\n" << r.out;
  }
  for (const std::string args : {"--nosuch", "--count x", "--scenario nope", "extra"}) {
    auto r = run_shell(gen(args) + " 2>&1 >/dev/null");
    EXPECT_EQ(r.status, 2) << "rulec-gen " << args << "\n" << r.out;
  }
  for (const char* program : {"rulec", "rulesensor", "rulec-gen"}) {
    auto v = run_shell(bin(program) + " --version 2>&1");
    EXPECT_EQ(v.status, 0) << program;
    EXPECT_EQ(v.out.rfind(std::string(program) + " ", 0), 0u) << v.out;
    auto h = run_shell(bin(program) + " --help 2>&1");
    EXPECT_EQ(h.status, 0) << program;
  }
}

// Every help shows the defaults of the options that have one.
TEST(CliLanguage, HelpShowsDefaults) {
  // The option's own line (its names, then TYPE=DEFAULT) shows `dflt`.
  auto contains = [](const std::string& help, const std::string& opt, const std::string& dflt) {
    for (const std::string& line : nonempty_lines(help)) {
      const size_t start = line.find_first_not_of(' ');
      if (start == std::string::npos || line[start] != '-') continue;
      const std::string head = line.substr(start, line.find(' ', start) - start);  // "-o,-a,--output,--alerts"
      if (("," + head + ",").find("," + opt + ",") == std::string::npos) continue;
      return line.find("=" + dflt) != std::string::npos;
    }
    return false;
  };
  const std::string run = run_rulec("run --help").out;
  EXPECT_TRUE(contains(run, "--claim-idle-ms", "60000")) << run;
  EXPECT_TRUE(contains(run, "--engine", "jit")) << run;
  EXPECT_TRUE(contains(run, "--max-compile-ms", "10000")) << run;
  EXPECT_TRUE(contains(run, "--output", "-")) << run;
  const std::string compile = run_rulec("compile --help").out;
  EXPECT_TRUE(contains(compile, "--cpu", "baseline")) << compile;
  EXPECT_TRUE(contains(compile, "--target", "x86_64-linux-gnu")) << compile;
  EXPECT_TRUE(contains(run_rulec("check --help").out, "--cost-threshold", "200"));
  EXPECT_TRUE(contains(run_rulec("bench --help").out, "--repeat", "3")) << run_rulec("bench --help").out;
  EXPECT_TRUE(contains(run_rulec("explain --help").out, "--emit", "summary"));
  const std::string sensor = run_shell(bin("rulesensor") + " --help").out;
  EXPECT_TRUE(contains(sensor, "--watch-ms", "1000")) << sensor;
  const std::string g = run_shell(gen("--help")).out;
  EXPECT_TRUE(contains(g, "--days", "7")) << g;
  EXPECT_TRUE(contains(g, "--scenario", "web")) << g;
}

// run writes its alerts with -o as with -a/--alerts; match takes events with -e as positionally.
TEST(CliLanguage, OutputAndEventsFlagsMeanTheSameEverywhere) {
  TempDir d;
  const std::string events = web_events(d);
  for (const char* flag : {"-o", "--output", "-a", "--alerts"}) {
    const std::string out = d.str(std::string("alerts") + flag + ".ndjson");
    // Event-time stamps: the four files compare byte for byte.
    auto r = run_rulec("run " + quote(kSeed) + " -e " + quote(events) + " --alert-time event " + flag + " " + quote(out));
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(read_file(out), read_file(d.str("alerts-o.ndjson"))) << flag;
  }
  EXPECT_GE(nonempty_lines(read_file(d.str("alerts-o.ndjson"))).size(), 5u);
  const std::string q = "match -q 'process.parent.name:(apache2 or nginx)' ";
  auto positional = run_rulec(q + quote(events));
  auto flagged = run_rulec(q + "-e " + quote(events));
  auto both = run_rulec(q + "--events " + quote(events) + " " + quote(events));
  ASSERT_EQ(positional.status, 0) << positional.out;
  EXPECT_EQ(flagged.status, 0);
  EXPECT_EQ(positional.out, flagged.out);
  EXPECT_EQ(both.out, positional.out + positional.out);
  EXPECT_FALSE(positional.out.empty());
}

// Without --state the alerts file is appended to; with --state it is cut back to the checkpoint.
TEST(CliLanguage, AlertsFileIsAppendedTo) {
  TempDir d;
  const std::string events = web_events(d), out = d.str("alerts.ndjson");
  const std::string cmd = "run " + quote(kSeed) + " -e " + quote(events) + " -o " + quote(out);
  ASSERT_EQ(run_rulec(cmd).status, 0);
  const size_t once = nonempty_lines(read_file(out)).size();
  ASSERT_GT(once, 0u);
  ASSERT_EQ(run_rulec(cmd).status, 0);
  EXPECT_EQ(nonempty_lines(read_file(out)).size(), 2 * once) << "appended, not overwritten";
  EXPECT_NE(run_rulec("run --help").out.find("appended to, never overwritten"), std::string::npos);
}

TEST(CliLanguage, CheckJsonIsOneDocumentWithEveryRuleAndTotals) {
  auto r = run_shell(bin("rulec") + " check --json " + quote(std::string(RULEC_SOURCE_DIR) + "/tests/data/rules/tree") +
                     " 2>/dev/null");
  EXPECT_EQ(r.status, 1) << "a broken rule is an error: " << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("rules") && j.contains("summary") && j.contains("file_errors")) << r.out;
  const auto& s = j["summary"];
  EXPECT_EQ(s["rules"].get<size_t>(), j["rules"].size() + j["file_errors"].size());
  EXPECT_GE(s["errors"].get<int>(), 1);
  EXPECT_GE(s["ok"].get<int>(), 2);
  bool error_seen = false;
  for (const auto& rule : j["rules"]) {
    for (const char* key : {"file", "rule_id", "name", "status", "diagnostics"}) EXPECT_TRUE(rule.contains(key)) << key;
    if (rule["status"] == "error") {
      error_seen = true;
      ASSERT_FALSE(rule["diagnostics"].empty());
      const auto& diag = rule["diagnostics"][0];
      for (const char* key : {"severity", "code", "message", "part"}) EXPECT_TRUE(diag.contains(key)) << key;
    }
  }
  EXPECT_TRUE(error_seen || !j["file_errors"].empty()) << r.out;
  auto seed = run_shell(bin("rulec") + " check --json " + quote(kSeed));
  EXPECT_EQ(seed.status, 0);
  EXPECT_EQ(nlohmann::json::parse(seed.out)["summary"]["ok"], 1);
}

TEST(CliLanguage, ExplainJson) {
  auto r = run_shell(bin("rulec") + " explain --json " + quote(kSeed) + " 2>/dev/null");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"rules", "atoms", "on_demand_atoms", "fields", "string_groups", "shared", "per_rule"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["rules"], 1);
  ASSERT_EQ(j["per_rule"].size(), 1u);
  EXPECT_GT(j["per_rule"][0]["tests"].get<int>(), 0);
  EXPECT_FALSE(j["fields"]["paths"].empty());
  EXPECT_EQ(run_rulec("explain --json --emit ir " + quote(kSeed)).status, 2);
}

// run --json: the summary as one JSON object on stderr; alerts untouched on stdout.
TEST(CliLanguage, RunJsonSummary) {
  TempDir d;
  const std::string events = web_events(d);
  auto r = run_shell(bin("rulec") + " run --json " + quote(kSeed) + " -e " + quote(events) + " 2>" + quote(d.str("err")));
  ASSERT_EQ(r.status, 0);
  const auto alerts = nonempty_lines(r.out);
  ASSERT_FALSE(alerts.empty());
  for (const auto& a : alerts) EXPECT_TRUE(nlohmann::json::parse(a).contains("kibana.alert.uuid")) << a;
  const auto err = nonempty_lines(read_file(d.str("err")));
  ASSERT_FALSE(err.empty());
  const auto j = nlohmann::json::parse(err.back());
  EXPECT_EQ(j["program"], "rulec run");
  EXPECT_GE(j["events"].get<int>(), 3000) << err.back();
  EXPECT_EQ(j["alerts"].get<size_t>(), alerts.size());
  for (const char* key : {"bytes", "lines_skipped", "seconds", "events_per_s", "mb_per_s", "rules", "suppressed"})
    EXPECT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["rules"].size(), 1u);
  EXPECT_EQ(j["rules"][0]["alerts"].get<size_t>(), alerts.size());
}

TEST(CliLanguage, GenRefusesBadCountsAndOptionsItsScenarioIgnores) {
  struct Case {
    std::string args, says;
  };
  for (const Case& c : std::vector<Case>{{"--hosts 0", "--hosts"},
                                         {"--hosts -3", "--hosts"},
                                         {"--scenario mixed --hosts 0", "--hosts"},
                                         {"--count 0", "--count"},
                                         {"--count -5", "--count"},
                                         {"--events 0", "--count"},
                                         {"--days 0", "--days"},
                                         {"--scenario mixed --attacks", "--attacks"},
                                         {"--suspicious 0.1", "--suspicious"}}) {
    auto r = run_shell(gen(c.args) + " 2>&1 >/dev/null");
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.find("Aborted"), std::string::npos) << r.out;
  }
  auto mixed = run_shell(gen("--scenario mixed --attacks") + " 2>&1 >/dev/null");
  EXPECT_NE(mixed.out.find("mixed"), std::string::npos) << "names the scenario: " << mixed.out;
  auto ok = run_shell(gen("--hosts 1 -n 10"));
  EXPECT_EQ(ok.status, 0);
  EXPECT_EQ(nonempty_lines(ok.out).size(), 10u);
  EXPECT_EQ(run_shell(gen("--scenario mixed --hosts 1 --count 10")).status, 0);
}

// Progress lines (\r, redrawn) appear on a terminal and never in a file or pipe.
TEST(CliLanguage, ProgressOnlyOnATerminal) {
  TempDir d;
  const std::string events = web_events(d);
  const std::string run = bin("rulec") + " run " + quote(kSeed) + " -e " + quote(events) + " -o /dev/null";
  auto tty = on_terminal(run);
  EXPECT_EQ(tty.status, 0) << tty.out;
  EXPECT_NE(tty.out.find("\r1024 events, "), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("% of the input read"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find(" MB/s"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("\r\033[K"), std::string::npos) << "cleared at the end";
  auto file = run_shell("RULEC_PROGRESS_MS=0 " + run + " 2>" + quote(d.str("err")));
  EXPECT_EQ(file.status, 0);
  EXPECT_EQ(read_file(d.str("err")).find('\r'), std::string::npos) << read_file(d.str("err"));
  auto pipe = run_shell("RULEC_PROGRESS_MS=0 " + run + " 2>&1 | cat");
  EXPECT_EQ(pipe.out.find('\r'), std::string::npos) << pipe.out;

  // A message during the run (a skipped line after 2,100 events) starts on a cleared line.
  std::string broken;
  size_t n = 0;
  for (const std::string& line : nonempty_lines(read_file(events))) {
    broken += line + "\n";
    if (++n == 2100) broken += "not json\n";
  }
  d.write("broken.ndjson", broken);
  auto skip = on_terminal(bin("rulec") + " run " + quote(kSeed) + " -e " + quote(d.str("broken.ndjson")) + " -o /dev/null");
  EXPECT_NE(skip.out.find("\r\033[Krulec: " + d.str("broken.ndjson") + ":2101: skipped"), std::string::npos) << skip.out;

  auto check = on_terminal(bin("rulec") + " check " + quote(kSeed));
  EXPECT_NE(check.out.find("rulec check: 0 of 1 rules checked"), std::string::npos) << check.out;
  EXPECT_EQ(run_rulec("check " + quote(kSeed)).out.find('\r'), std::string::npos);
  auto compile = on_terminal(bin("rulec") + " compile " + quote(kSeed) + " -o " + quote(d.str("b.rbundle")));
  EXPECT_EQ(compile.status, 0) << compile.out;
  EXPECT_NE(compile.out.find("rules analysed"), std::string::npos) << compile.out;
  EXPECT_EQ(run_rulec("compile " + quote(kSeed) + " -o " + quote(d.str("c.rbundle"))).out.find('\r'), std::string::npos);

  auto sensor = on_terminal(bin("rulesensor") + " " + quote(d.str("b.rbundle")) + " --allow-unsigned -e " + quote(events) +
                            " -o /dev/null");
  EXPECT_EQ(sensor.status, 0) << sensor.out;
  EXPECT_NE(sensor.out.find("\r1024 events, "), std::string::npos) << sensor.out;
  // rulesensor --json: the same summary object as rulec run's, on stderr.
  auto json = run_shell(bin("rulesensor") + " " + quote(d.str("b.rbundle")) + " --allow-unsigned --json -e " + quote(events) +
                        " -o /dev/null 2>&1 >/dev/null");
  ASSERT_EQ(json.status, 0) << json.out;
  const auto summary = nlohmann::json::parse(nonempty_lines(json.out).back());
  EXPECT_EQ(summary["program"], "rulesensor");
  EXPECT_GE(summary["events"].get<int>(), 3000);
  EXPECT_EQ(json.out.find('\r'), std::string::npos);
}

// `cmake --install` puts the programs, man pages, completion files and the compile helper under the prefix; the
// installed rulec runs on its embedded schema.
TEST(CliLanguage, InstallPutsProgramsManPagesAndCompletions) {
  TempDir d;
  const std::string prefix = d.str("prefix");
  auto r = run_shell("cmake --install " + quote(RULEC_BINARY_DIR) + " --prefix " + quote(prefix) + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.out;
  namespace fs = std::filesystem;
  for (const char* f : {"bin/rulec", "bin/rulesensor", "bin/rulec-gen", "share/man/man1/rulec.1", "share/man/man1/rulesensor.1",
                        "share/man/man1/rulec-gen.1", "share/bash-completion/completions/rulec",
                        "share/bash-completion/completions/rulesensor", "share/bash-completion/completions/rulec-gen",
                        "share/zsh/site-functions/_rulec", "libexec/rulec/rulec-hs-compile"})
    EXPECT_TRUE(fs::exists(fs::path(prefix) / f)) << f;
  // rulec's Hyperscan compile helper (found from bin/ as ../libexec/rulec/) is not for users.
  auto helper = run_shell(quote(prefix + "/libexec/rulec/rulec-hs-compile") + " --help 2>&1");
  EXPECT_EQ(helper.status, 2) << helper.out;
  for (const char* program : {"rulec", "rulesensor", "rulec-gen"}) {
    auto v = run_shell("cd / && env -u RULEC_SCHEMA_DIR " + quote(prefix + "/bin/" + program) + " --version 2>&1");
    EXPECT_EQ(v.status, 0) << v.out;
    EXPECT_EQ(v.out.rfind(std::string(program) + " 0.", 0), 0u) << v.out;
  }
  auto check = run_shell("cd / && env -u RULEC_SCHEMA_DIR " + quote(prefix + "/bin/rulec") + " check " + quote(kSeed) + " 2>&1");
  EXPECT_EQ(check.status, 0) << check.out;
  // The bash completion loads and completes subcommands and flags.
  auto bash = run_shell("bash -c " + quote("source " + prefix + "/share/bash-completion/completions/rulec; "
                                                              "COMP_WORDS=(rulec ru); COMP_CWORD=1; _rulec; echo ${COMPREPLY[@]}; "
                                                              "COMP_WORDS=(rulec run --out); COMP_CWORD=2; _rulec; echo ${COMPREPLY[@]}"));
  EXPECT_EQ(bash.out, "run\n--output\n") << bash.out;
  // The zsh completion, through zsh's own completion system: subcommands, flags, and only flags
  // the program's help knows.
  auto zsh = [&](const std::string& line) {
    auto out = run_shell("zsh " + quote(std::string(RULEC_SOURCE_DIR) + "/tests/data/zsh_complete.zsh") + " " +
                       quote(prefix + "/share/zsh/site-functions") + " " + quote(d.str("zsh.out")) + " " + quote(line));
    std::set<std::string> hits;
    for (const auto& h : nonempty_lines(out.out)) hits.insert(h);
    return hits;
  };
  EXPECT_EQ(zsh("rulec ru"), (std::set<std::string>{"run"}));
  EXPECT_EQ(zsh("rulec run --out"), (std::set<std::string>{"--output"}));
  for (const auto& [line, help] : std::vector<std::pair<std::string, std::string>>{
           {"rulec run --", "rulec run --help"}, {"rulesensor --", "rulesensor --help"},
           {"rulec check --", "rulec check --help"}, {"rulec-gen --", "rulec-gen --help"}}) {
    const std::set<std::string> flags = zsh(line);
    EXPECT_GE(flags.size(), 3u) << line;
    const std::string text = run_shell(quote(prefix + "/bin/") + help + " 2>&1").out;
    for (const auto& flag : flags) EXPECT_NE(text.find(flag), std::string::npos) << line << ": " << flag << " is not in " << help;
  }
  EXPECT_TRUE(zsh("rulesensor --").count("--trusted-key"));
  // The man pages render without warnings.
  auto man = run_shell("for f in " + quote(prefix) + "/share/man/man1/*.1; do groff -man -Tutf8 -ww -z \"$f\" 2>&1; done");
  EXPECT_EQ(man.out, "") << man.out;
}

}  // namespace cli_language_test
}  // namespace
