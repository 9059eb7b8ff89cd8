// Running Redis commands through an outage: retry with backoff, say so on stderr, stop on request.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/shared/redis_client.h"

namespace rulec::rt {

// What a caller waiting for Redis says and how it is stopped.
struct RedisRetry {
  std::string what;                           // "shared state redis://..." / "event stream redis-stream://..."
  const char* program = "rulec";              // prefix of the stderr lines
  const std::atomic<uint32_t>* stop = nullptr;  // a non-zero `*stop & stop_bits` ends the wait
  uint32_t stop_bits = 0;
};

// Runs `cmds` on `client` until they get answers: while Redis cannot be reached it retries with
// backoff (100 ms doubling up to 5 s), saying on stderr that it is "unreachable for X s (why);
// holding events, retrying" at once and every 5 s, and "reachable again after X s; resuming" when
// it answers. Every command must be safe to run twice. False (with the reason) only when stopped.
[[nodiscard]] bool execute_retrying(RedisClient& client, const std::vector<RedisCommand>& cmds,
                                    std::vector<RedisReply>& replies, const RedisRetry& how, std::string& error);

}  // namespace rulec::rt
