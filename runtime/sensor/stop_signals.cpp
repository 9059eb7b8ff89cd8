// The process-wide signal handlers that turn SIGTERM/SIGINT/SIGHUP/SIGUSR1 into loop requests.
#include "runtime/sensor/stop_signals.h"

#include <unistd.h>

#include <csignal>

#include "runtime/sensor/detect_loop.h"

namespace rulec::rt {

namespace {

std::atomic<uint32_t> g_attention{0};
std::atomic<int> g_stops{0};

void on_signal(int sig) {
  switch (sig) {
    case SIGHUP: g_attention.fetch_or(kAttentionReload); break;
    case SIGUSR1: g_attention.fetch_or(kAttentionCounters); break;
    default:
      if (g_stops.fetch_add(1) > 0) _exit(128 + sig);  // the second stop request: at once
      g_attention.fetch_or(kAttentionStop);
  }
}

}  // namespace

std::atomic<uint32_t>& signal_attention() { return g_attention; }

void install_stop_signals(bool reload_and_counters) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int s : {SIGTERM, SIGINT}) sigaction(s, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed alerts pipe is a write error with a reason, not a silent death
  if (reload_and_counters)
    for (int s : {SIGHUP, SIGUSR1}) sigaction(s, &sa, nullptr);
}

}  // namespace rulec::rt
