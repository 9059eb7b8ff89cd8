// The fleet's shared detection state in Redis: key names, script calls, and retrying while Redis is away.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/shared/redis_client.h"

namespace rulec::rt {

class FleetState {
 public:
  enum Script : uint8_t { kNewTerms, kThreshold, kSignals, kSettle, kSequencePut, kSequenceClock, kScriptCount };

  // Connects to the Redis of `url` (redis://HOST:PORT[/PREFIX], any node of a cluster), with the
  // credentials of the environment, and loads the scripts. `writer` names this process in the
  // alerts it claims (stable across its restarts). nullptr with the reason.
  static std::unique_ptr<FleetState> open(const std::string& url, std::string writer, std::string& error);
  ~FleetState();
  // This process's name in the claims: the host and its --state directory made absolute (a
  // restart, from any working directory, is the same writer), or without one the host and a
  // random number.
  static std::string default_writer(const std::string& state_dir);

  const std::string& writer() const { return writer_; }
  const std::string& prefix() const { return prefix_; }
  std::string describe() const;  // "redis://host:port/prefix (cluster of 3 masters)"

  // Key of `kind` ("nt", "th", "sig") for a rule (its key part, rule_key()) and an item.
  std::string key(std::string_view kind, std::string_view rule, std::string_view item) const;
  // A rule's part of its keys: its id and definition (an edited rule starts afresh), hashed.
  static std::string rule_key(std::string_view rule_id, uint64_t definition_hash);

  // A script call on `key` with `args`.
  RedisCommand call(Script s, std::string key, std::vector<std::string> args) const;

  // Runs `cmds` (script calls and plain commands, all safe to run twice). While Redis cannot be
  // reached it retries with backoff (100 ms up to 5 s), saying so on stderr (prefixed by the
  // program's name) every few seconds, until it answers or `*flag & stop_bits` becomes non-zero. False with the
  // reason: stopped while Redis was away, or a reply that is an error (a wrong-typed key, a value
  // the scripts did not write).
  [[nodiscard]] bool run(std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies, std::string& error);
  void set_stop(const std::atomic<uint32_t>* flag, uint32_t stop_bits) { stop_ = flag, stop_bits_ = stop_bits; }
  void set_program(const char* program) { program_ = program; }

  uint64_t round_trips() const { return client_->round_trips(); }
  uint64_t commands() const { return commands_; }
  RedisClient& client() { return *client_; }

 private:
  FleetState() = default;
  std::unique_ptr<RedisClient> client_;
  std::string prefix_, writer_, url_;
  std::string sha_[kScriptCount];
  const std::atomic<uint32_t>* stop_ = nullptr;
  uint32_t stop_bits_ = 0;
  const char* program_ = "rulec";
  uint64_t commands_ = 0;
};

}  // namespace rulec::rt
