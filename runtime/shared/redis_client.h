// A small Redis client over hiredis: pipelined batches, AUTH, and Redis Cluster slot routing (MOVED, ASK, failover).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/shared/redis_url.h"

struct redisContext;

namespace rulec::rt {

// A reply, copied out of hiredis (RESP2 types).
struct RedisReply {
  enum class Type : uint8_t { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  int64_t integer = 0;
  std::string str;  // String, Status, Error
  std::vector<RedisReply> elements;
  bool is_error() const { return type == Type::Error; }
  bool is_nil() const { return type == Type::Nil; }
};

// One command: its arguments, and the key that routes it in a cluster (empty: any node).
struct RedisCommand {
  std::vector<std::string> argv;
  std::string key;
};

// The hash slot of a key (CRC16/XMODEM of the key or of its {hash tag}, modulo 16384).
uint16_t redis_key_slot(std::string_view key);

class RedisClient {
 public:
  struct Options {
    int connect_timeout_ms = 2000;
    int command_timeout_ms = 15000;  // longer than any blocking read the callers issue
    // Cluster: each batch to a master with replicas ends with WAIT for them, so what a master
    // acknowledged survives its failover (Redis replicates asynchronously). A WAIT lasts up to
    // replica_wait_ms; replicas still behind after replica_catch_up_ms (the topology read again
    // meanwhile: a failed replica is not waited for) fail the batch, which the caller retries.
    int replica_wait_ms = 1000;
    int replica_catch_up_ms = 10000;
  };
  // Connects to `seed`, authenticates, and asks whether it is a cluster node (then loads the slot
  // map). nullptr with the reason when the server cannot be reached, refuses the credentials, or
  // answers something else than Redis would.
  static std::unique_ptr<RedisClient> connect(const RedisEndpoint& seed, const RedisCredentials& credentials,
                                              const Options& options, std::string& error);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs `cmds`, pipelined (one round trip per node), and fills `replies` in the same order.
  // Commands to one node run in their order. In a cluster each goes to the master of its key's
  // slot; MOVED and ASK redirections are followed, the slot map refreshed, TRYAGAIN and
  // CLUSTERDOWN retried for a while. A command's own error (WRONGTYPE...) is its reply. False
  // with the reason when a node cannot be reached or stops answering: which commands ran is then
  // unknown, so callers send only commands that may run twice.
  [[nodiscard]] bool execute(const std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies, std::string& error);
  // One command.
  [[nodiscard]] bool command(const RedisCommand& cmd, RedisReply& reply, std::string& error);

  bool is_cluster() const { return cluster_; }
  // Round trips so far (one per node per batch, redirections included).
  uint64_t round_trips() const { return round_trips_; }
  // The masters (every node of a standalone setup: the one), for commands meant for each.
  std::vector<RedisEndpoint> masters() const;
  // Runs `cmds` on one node, unrouted (SCRIPT LOAD on each master, SCAN).
  [[nodiscard]] bool execute_on(const RedisEndpoint& node, const std::vector<RedisCommand>& cmds,
                                std::vector<RedisReply>& replies, std::string& error);

 private:
  struct Node;
  RedisClient() = default;
  Node* node_for(const RedisEndpoint& e);
  bool open(Node& n, std::string& error);
  bool refresh_slots(std::string& error);
  // Sends the commands `which` (indexes into cmds) to `n` in one round trip; ASKING before those
  // marked in `asking`. Replies go to replies[which[i]]. In a cluster (unless `wait` is false: a
  // read of the topology) the batch is done once the master's replicas have it. False: the node
  // failed (closed), or its replicas did not catch up.
  bool round_trip(Node& n, const std::vector<RedisCommand>& cmds, const std::vector<size_t>& which,
                  const std::vector<char>& asking, std::vector<RedisReply>& replies, std::string& error, bool wait = true);
  // After a batch with WAIT answered `acked`: waits until every replica has it. False with the reason.
  bool wait_for_replicas(Node& n, int64_t acked, std::string& error);

  Options options_;
  RedisCredentials credentials_;
  std::vector<RedisEndpoint> seeds_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<int32_t> slots_;  // cluster: slot -> index into nodes_ (-1: unknown)
  std::chrono::steady_clock::time_point slots_read_{};
  bool cluster_ = false;
  uint64_t round_trips_ = 0;
};

}  // namespace rulec::rt
