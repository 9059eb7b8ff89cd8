// Signal handling for the stream runners (rulec run, rulesensor): stop, reload and counter requests.
#pragma once

#include <atomic>
#include <cstdint>

namespace rulec::rt {

// The requests (Attention bits, detect_loop.h) raised by signals since the loop last served them.
std::atomic<uint32_t>& signal_attention();

// Installs the handlers (SA_RESTART; an idle input is woken by the reader's poll timeout):
// SIGTERM and SIGINT ask the loop to stop, flush alerts and checkpoint state; a second one while
// that runs exits at once with status 128 + the signal (nothing further is written). With
// `reload_and_counters`, SIGHUP asks for a reload and SIGUSR1 for counters. SIGPIPE is ignored:
// a closed alerts pipe is an I/O error reported like any other.
void install_stop_signals(bool reload_and_counters);

}  // namespace rulec::rt
