// rulesensor: runs a compiled rule bundle on an event stream, with hot reload and counters; no compiler inside.
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "runtime/sensor/app/sensor.h"

int main(int argc, char** argv) {
  using rulec::sensor::Options;
  Options o;
  CLI::App app{"rulesensor: run a compiled rule bundle (from `rulec compile`) on an event stream"};
  app.set_version_flag("--version", std::string("rulesensor ") + RULEC_VERSION);
  app.option_defaults()->always_capture_default();
  app.add_option("bundle", o.bundle, "The rule bundle (.rbundle)")->required();
  o.stream.add_to(&app);
  app.add_option("--trusted-key", o.trusted_key, "Public key (from `rulec keygen`) the bundle must be signed with");
  app.add_flag("--allow-unsigned", o.allow_unsigned, "Accept a bundle that is not signed");
  app.add_option("--cache-dir", o.cache_dir,
                 "Keep the Hyperscan databases this machine had to rebuild (bundle for another CPU, architecture or "
                 "library version) in this folder, for the next start (created mode 0700)");
  app.add_option("--counters", o.counters,
                 "Append per-rule counters (one JSON line) to this file on SIGUSR1 and at exit; - is stderr; "
                 "none: only SIGUSR1 writes them, to stderr");
  app.add_option("--watch-ms", o.watch_ms, "Check the bundle file for replacement this often (0: only on SIGHUP)");
  app.footer(
      "Loading checks, before any code is mapped: the checksum, the signature against --trusted-key\n"
      "(required unless --allow-unsigned), the format version, then the bundle's variant to run: the\n"
      "best CPU tier of this machine's architecture (said on stderr). Hyperscan databases the bundle\n"
      "holds for another CPU or platform are rebuilt; with --cache-dir the next start loads them from\n"
      "there (an entry is checksummed and keyed by the bundle, variant and platform: a damaged or\n"
      "foreign one is rebuilt, never used).\n"
      "Signals: SIGHUP (or replacing the bundle file, e.g. with mv) reloads the bundle between two\n"
      "events, keeping the state of rules whose id and definition are unchanged; a bad bundle leaves\n"
      "the running one in place. SIGUSR1 writes counters (see --counters). SIGTERM/SIGINT stop\n"
      "reading, flush alerts and checkpoint state, exit 0; a second one exits at once (status 128 +\n"
      "signal). Alerts (-o) are appended to the file, never overwriting it; with --state it is first cut\n"
      "back to where the last checkpoint left it. On a terminal, stderr shows progress.\n"
      "State: --state refuses a directory of a newer format, a damaged one, or one written for another\n"
      "rule set (no rule id in common; --state-adopt takes it over).\n"
      "Exit status: 0 success, 1 error (bundle refused, I/O), 2 usage.\n"
      "Examples:\n"
      "  rulesensor rules.rbundle --trusted-key build.pub --events events.ndjson -o alerts.ndjson\n"
      "  tail -F /var/log/endpoint.ndjson | rulesensor rules.rbundle --trusted-key build.pub --state /var/lib/rulec\n"
      "  rulesensor rules.rbundle --trusted-key build.pub --shared-state redis://10.0.0.5:6379/fleet \\\n"
      "    --events 'redis-stream://10.0.0.5:6379/events?group=sensors&consumer=host-1' -o alerts.ndjson");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  std::string error;
  if (!o.stream.resolve(error)) {
    std::fprintf(stderr, "rulesensor: %s\n", error.c_str());
    return 2;
  }
  if (!o.stream.inputs_readable(error)) {
    std::fprintf(stderr, "rulesensor: %s\n", error.c_str());
    return 1;
  }
  try {
    return rulec::sensor::run(o);
  } catch (const std::system_error& e) {
    // fmt::print throws when stderr itself cannot be written (a full disk under a log file): end
    // with an error status rather than an abort; state and alerts stay at their last checkpoint.
    std::fprintf(stderr, "rulesensor: %s\n", e.what());
    return 1;
  }
}
