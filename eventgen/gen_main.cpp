// rulec-gen: writes generated sample events as NDJSON (the demo's streams, the mixed benchmark workload).
#include <cstdint>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "eventgen/event_gen.h"
#include "runtime/common/dates.h"

int main(int argc, char** argv) {
  CLI::App app{"rulec-gen: generate realistic ECS events as NDJSON"};
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string("rulec-gen ") + RULEC_VERSION);
  rulec::gen::WebScenario s;
  rulec::gen::MixedScenario m;
  std::string out = "-", scenario = "web";
  double days = 7;
  int64_t count = 0, host_count = 0;  // 0: the scenario's default (checked positive when given)
  app.add_option("--scenario", scenario, "web, mixed or indicators")->check(CLI::IsMember({"web", "mixed", "indicators"}));
  app.add_option("--seed", s.seed, "Random seed (same seed, same bytes)");
  auto* events = app.add_option("-n,--count", count,
                                "Number of events (web: routine ones, 20000; mixed: all, 100000; indicators: 100000)")
                     ->default_str("scenario's");
  // The old spelling, kept for scripts; hidden because rulec's --events names event files.
  app.add_option("--events", count, "Same as --count")->group("");
  auto* hosts = app.add_option("--hosts", host_count, "Number of hosts (web: 12, mixed: 200)")->default_str("scenario's");
  auto* start = app.add_option("--start-ms", s.start_ms, "Event time of the first event (epoch ms; indicators: now - 20 days)");
  auto* span = app.add_option("--days", days, "Span of event time in days (more than 0; indicators: 20)");
  auto* attacks = app.add_flag("--attacks", s.attacks, "web only: add the attacks the seed rule must catch");
  auto* suspicious = app.add_option("--suspicious", m.suspicious, "mixed only: fraction of suspicious events")
                         ->check(CLI::Range(0.0, 1.0));
  app.add_option("-o,--output", out, "Output file (overwritten), - for stdout");
  app.footer(
      "Scenario `web`: Linux process events from web servers and other parents.\n"
      "Scenario `indicators`: threat-intelligence indicator documents (logs-ti_*: file hashes, addresses,\n"
      "URLs, e-mail addresses, registry keys; 5% older than 30 days), a feed for rulec run --indicators.\n"
      "Scenario `mixed`: a benchmark workload of Windows, Linux and macOS hosts: Elastic Defend process,\n"
      "network and file events and Windows/Linux authentication events (1.3-2.5 KB, a few longer),\n"
      "about 0.5% of them suspicious (values corpus rules look for; --suspicious 0 for none).\n"
      "An option the chosen scenario does not use (--attacks with mixed, --suspicious with web) is a\n"
      "usage error. Exit status: 0 written, 1 I/O error, 2 usage.\n"
      "Examples:\n"
      "  rulec-gen --count 50000 --days 7 -o history.ndjson\n"
      "  rulec-gen --count 5000 --days 0.5 --start-ms 1767830400000 --attacks -o live.ndjson\n"
      "  rulec-gen --scenario mixed --count 1000000 --seed 7 -o mixed.ndjson");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto usage = [](const std::string& why) {
    fmt::print(stderr, "rulec-gen: {}\nRun with --help for more information.\n", why);
    return 2;
  };
  const bool count_given = events->count() || app.get_option("--events")->count();
  if (count_given && count <= 0) return usage(fmt::format("--count must be more than 0 (got {})", count));
  if (hosts->count() && host_count <= 0) return usage(fmt::format("--hosts must be more than 0 (got {})", host_count));
  if (host_count > 1000000) return usage(fmt::format("--hosts must be at most 1000000 (got {})", host_count));
  if (!(days > 0)) return usage(fmt::format("--days must be more than 0 (got {})", days));
  if (scenario == "mixed" && attacks->count()) return usage("--attacks is not used by the mixed scenario (web only)");
  if (scenario == "web" && suspicious->count()) return usage("--suspicious is not used by the web scenario (mixed only)");
  if (scenario == "indicators" && (attacks->count() || suspicious->count() || hosts->count()))
    return usage("--attacks, --suspicious and --hosts are not used by the indicators scenario");
  if (count_given) s.events = m.events = static_cast<uint64_t>(count);
  if (hosts->count()) s.hosts = m.hosts = static_cast<int>(host_count);
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
  if (scenario == "indicators") {
    rulec::gen::IndicatorScenario ind;
    ind.seed = s.seed;
    if (count_given) ind.count = static_cast<uint64_t>(count);
    if (span->count()) ind.span_ms = s.span_ms;
    ind.start_ms = start->count() ? s.start_ms : rulec::wall_clock_ms() - ind.span_ms;
    rulec::gen::generate_indicators(ind, write);
  } else if (scenario == "mixed") {
    m.seed = s.seed, m.start_ms = s.start_ms, m.span_ms = s.span_ms;
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
