// rulec-gen: writes generated sample events as NDJSON (the demo's history and live streams).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/gen/event_gen.h"

int main(int argc, char** argv) {
  CLI::App app{"rulec-gen: generate realistic ECS events as NDJSON"};
  rulec::gen::WebScenario s;
  std::string out = "-";
  double days = 7;
  app.add_option("--seed", s.seed, "Random seed (same seed, same bytes)");
  app.add_option("--events", s.events, "Number of routine events");
  app.add_option("--hosts", s.hosts, "Number of hosts");
  app.add_option("--start-ms", s.start_ms, "Event time of the first event (epoch ms)");
  app.add_option("--days", days, "Span of event time in days");
  app.add_flag("--attacks", s.attacks, "Add the attacks the seed rule must catch");
  app.add_option("-o,--output", out, "Output file, - for stdout");
  app.footer(
      "Scenario `web`: Linux process events from web servers and other parents.\n"
      "Examples:\n"
      "  rulec-gen --events 50000 --days 7 -o history.ndjson\n"
      "  rulec-gen --events 5000 --days 0.5 --start-ms 1767830400000 --attacks -o live.ndjson");
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
  bool ok = true;
  rulec::gen::generate_web(s, [&](std::string_view line) {
    ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fputc('\n', f) != EOF;
  });
  if (std::fflush(f) != 0) ok = false;
  if (f != stdout) ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    fmt::print(stderr, "rulec-gen: write error on {}\n", out);
    return 1;
  }
  return 0;
}
