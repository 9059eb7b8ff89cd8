// Retrying Redis batches through an outage, with backoff and a line on stderr every few seconds.
#include "runtime/shared/redis_retry.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

namespace rulec::rt {

bool execute_retrying(RedisClient& client, const std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies,
                      const RedisRetry& how, std::string& error) {
  using clock = std::chrono::steady_clock;
  int delay_ms = 100;
  clock::time_point away_since{}, last_said{};
  uint64_t failures = 0;
  while (true) {
    std::string why;
    if (client.execute(cmds, replies, why)) {
      if (failures)
        fmt::print(stderr, "{}: {} reachable again after {:.1f} s; resuming\n", how.program, how.what,
                   std::chrono::duration<double>(clock::now() - away_since).count());
      return true;
    }
    if (!failures++) away_since = last_said = clock::now();
    if (failures == 1 || clock::now() - last_said >= std::chrono::seconds(5)) {
      fmt::print(stderr, "{}: {} unreachable for {:.1f} s ({}); holding events, retrying\n", how.program, how.what,
                 std::chrono::duration<double>(clock::now() - away_since).count(), why);
      last_said = clock::now();
    }
    for (int waited = 0; waited < delay_ms; waited += 50) {
      if (how.stop && (how.stop->load(std::memory_order_relaxed) & how.stop_bits)) {
        error = fmt::format("stopped while {} was unreachable ({})", how.what, why);
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    delay_ms = std::min(delay_ms * 2, 5000);
  }
}

}  // namespace rulec::rt
