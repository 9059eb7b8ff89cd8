// rulec-gen: writes generated sample events as NDJSON (the demo's streams, the mixed benchmark workload).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "eventgen/event_gen.h"

int main(int argc, char** argv) {
  CLI::App app{"rulec-gen: generate realistic ECS events as NDJSON"};
  rulec::gen::WebScenario s;
  rulec::gen::MixedScenario m;
  std::string out = "-", scenario = "web";
  double days = 7;
  app.add_option("--scenario", scenario, "web (default) or mixed")->check(CLI::IsMember({"web", "mixed"}));
  app.add_option("--seed", s.seed, "Random seed (same seed, same bytes)");
  auto* events =
      app.add_option("--events,--count", s.events, "Number of events (web: routine ones, 20000; mixed: all, 100000)");
  auto* hosts = app.add_option("--hosts", s.hosts, "Number of hosts (web: 12, mixed: 200)");
  app.add_option("--start-ms", s.start_ms, "Event time of the first event (epoch ms)");
  app.add_option("--days", days, "Span of event time in days");
  app.add_flag("--attacks", s.attacks, "web: add the attacks the seed rule must catch");
  app.add_option("--suspicious", m.suspicious, "mixed: fraction of suspicious events (default 0.005)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("-o,--output", out, "Output file, - for stdout");
  app.footer(
      "Scenario `web`: Linux process events from web servers and other parents.\n"
      "Scenario `mixed`: a benchmark workload of Windows, Linux and macOS hosts: Elastic Defend process,\n"
      "network and file events and Windows/Linux authentication events (1.3-2.5 KB, a few longer),\n"
      "about 0.5% of them suspicious (values corpus rules look for; --suspicious 0 for none).\n"
      "Examples:\n"
      "  rulec-gen --events 50000 --days 7 -o history.ndjson\n"
      "  rulec-gen --events 5000 --days 0.5 --start-ms 1767830400000 --attacks -o live.ndjson\n"
      "  rulec-gen --scenario mixed --count 1000000 --seed 7 -o mixed.ndjson");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  s.span_ms = static_cast<int64_t>(days * 86400000.0);
  FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
  if (!f) {
    fmt::print(stderr, "rulec-gen: cannot write {}\n", out);
    return 1;
  }
  static char buf[1 << 20];
  std::setvbuf(f, buf, _IOFBF, sizeof buf);
  bool ok = true;
  auto write = [&](std::string_view line) {
    ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fputc('\n', f) != EOF;
  };
  if (scenario == "mixed") {
    m.seed = s.seed, m.start_ms = s.start_ms, m.span_ms = s.span_ms;
    if (events->count()) m.events = s.events;
    if (hosts->count()) m.hosts = s.hosts;
    rulec::gen::generate_mixed(m, write);
  } else {
    rulec::gen::generate_web(s, write);
  }
  if (std::fflush(f) != 0) ok = false;
  if (f != stdout) ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    fmt::print(stderr, "rulec-gen: write error on {}\n", out);
    return 1;
  }
  return 0;
}
