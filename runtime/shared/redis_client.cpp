// hiredis connections, pipelined batches and the Redis Cluster slot map: the one place that routes keys to nodes.
#include "runtime/shared/redis_client.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace rulec::rt {

namespace {

constexpr int kSlots = 16384;
constexpr int kMaxAttempts = 12;  // redirections and cluster retries per batch

// CRC16/XMODEM (polynomial 0x1021), as Redis Cluster computes key slots.
uint16_t crc16(std::string_view s) {
  uint16_t crc = 0;
  for (unsigned char b : s) {
    crc ^= static_cast<uint16_t>(b << 8);
    for (int i = 0; i < 8; ++i) crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

RedisReply copy_reply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::Integer, out.integer = r->integer; break;
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::String, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::Status, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::Error, out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
      break;
    default: out.type = RedisReply::Type::Nil; break;
  }
  return out;
}

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381": the slot and the node.
bool parse_redirect(const std::string& msg, int& slot, RedisEndpoint& ep) {
  const size_t a = msg.find(' ');
  const size_t b = a == std::string::npos ? a : msg.find(' ', a + 1);
  if (b == std::string::npos) return false;
  slot = std::atoi(msg.c_str() + a + 1);
  const std::string addr = msg.substr(b + 1);
  const size_t colon = addr.rfind(':');
  if (colon == std::string::npos || slot < 0 || slot >= kSlots) return false;
  ep.host = addr.substr(0, colon);
  if (!ep.host.empty() && ep.host.front() == '[') ep.host = ep.host.substr(1, ep.host.size() - 2);
  ep.port = static_cast<uint16_t>(std::atoi(addr.c_str() + colon + 1));
  return ep.port != 0;
}

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

timeval to_timeval(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

}  // namespace

uint16_t redis_key_slot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return static_cast<uint16_t>(crc16(key) % kSlots);
}

struct RedisClient::Node {
  RedisEndpoint ep;
  redisContext* c = nullptr;
  int replicas = 0;  // cluster: the replicas CLUSTER SLOTS lists for this master
  ~Node() { close(); }
  void close() {
    if (c) redisFree(c);
    c = nullptr;
  }
};

RedisClient::~RedisClient() = default;

RedisClient::Node* RedisClient::node_for(const RedisEndpoint& e) {
  for (auto& n : nodes_)
    if (n->ep == e) return n.get();
  nodes_.push_back(std::make_unique<Node>());
  nodes_.back()->ep = e;
  return nodes_.back().get();
}

bool RedisClient::open(Node& n, std::string& error) {
  if (n.c) return true;
  redisContext* c = redisConnectWithTimeout(n.ep.host.c_str(), n.ep.port, to_timeval(options_.connect_timeout_ms));
  if (!c || c->err) {
    error = fmt::format("cannot connect to Redis at {}: {}", n.ep.str(), c ? c->errstr : "out of memory");
    if (c) redisFree(c);
    return false;
  }
  redisSetTimeout(c, to_timeval(options_.command_timeout_ms));
  redisEnableKeepAlive(c);
  if (!credentials_.password.empty()) {
    std::vector<const char*> argv{"AUTH"};
    std::vector<size_t> len{4};
    if (!credentials_.user.empty()) argv.push_back(credentials_.user.c_str()), len.push_back(credentials_.user.size());
    argv.push_back(credentials_.password.c_str()), len.push_back(credentials_.password.size());
    auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), len.data()));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      error = fmt::format("Redis at {} refused the credentials: {}", n.ep.str(),
                          r ? std::string(r->str, r->len) : std::string(c->errstr));
      if (r) freeReplyObject(r);
      redisFree(c);
      return false;
    }
    freeReplyObject(r);
  }
  n.c = c;
  return true;
}

std::unique_ptr<RedisClient> RedisClient::connect(const RedisEndpoint& seed, const RedisCredentials& credentials,
                                                  const Options& options, std::string& error) {
  std::unique_ptr<RedisClient> c(new RedisClient());
  c->options_ = options;
  c->credentials_ = credentials;
  c->seeds_.push_back(seed);
  Node* n = c->node_for(seed);
  if (!c->open(*n, error)) return nullptr;
  RedisReply r;
  std::vector<RedisReply> replies;
  if (!c->round_trip(*n, {RedisCommand{{"CLUSTER", "SLOTS"}, {}}}, {0}, {0}, replies, error, false)) return nullptr;
  r = std::move(replies[0]);
  if (r.is_error()) {
    if (r.str.find("cluster support disabled") == std::string::npos) {
      error = fmt::format("Redis at {}: {}", seed.str(), r.str);
      return nullptr;
    }
    return c;  // a standalone server
  }
  c->cluster_ = true;
  if (!c->refresh_slots(error)) return nullptr;
  return c;
}

bool RedisClient::refresh_slots(std::string& error) {
  // Ask every node known (and the seeds) until one answers with a complete map.
  std::vector<RedisEndpoint> ask;
  for (auto& n : nodes_) ask.push_back(n->ep);
  for (auto& s : seeds_)
    if (std::find(ask.begin(), ask.end(), s) == ask.end()) ask.push_back(s);
  std::string last = "no node known";
  for (const RedisEndpoint& ep : ask) {
    Node* n = node_for(ep);
    if (!open(*n, last)) continue;
    std::vector<RedisReply> replies;
    if (!round_trip(*n, {RedisCommand{{"CLUSTER", "SLOTS"}, {}}}, {0}, {0}, replies, last, false)) continue;
    const RedisReply& r = replies[0];
    if (r.type != RedisReply::Type::Array) {
      last = fmt::format("{} answered CLUSTER SLOTS with {}", ep.str(), r.is_error() ? r.str : "something else than a map");
      continue;
    }
    std::vector<int32_t> slots(kSlots, -1);
    size_t covered = 0;
    for (const RedisReply& range : r.elements) {
      if (range.type != RedisReply::Type::Array || range.elements.size() < 3) continue;
      const RedisReply& master = range.elements[2];
      if (range.elements[0].type != RedisReply::Type::Integer || range.elements[1].type != RedisReply::Type::Integer ||
          master.type != RedisReply::Type::Array || master.elements.size() < 2)
        continue;
      RedisEndpoint m;
      m.host = master.elements[0].str.empty() ? ep.host : master.elements[0].str;  // "" means the node asked
      m.port = static_cast<uint16_t>(master.elements[1].integer);
      node_for(m)->replicas = static_cast<int>(range.elements.size()) - 3;
      int32_t idx = 0;
      for (size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->ep == m) idx = static_cast<int32_t>(i);
      const int64_t from = std::max<int64_t>(0, range.elements[0].integer);
      const int64_t to = std::min<int64_t>(kSlots - 1, range.elements[1].integer);
      for (int64_t s = from; s <= to; ++s) slots[static_cast<size_t>(s)] = idx, ++covered;
    }
    if (covered == 0) {
      last = fmt::format("{} knows no slot assignment (is the cluster created?)", ep.str());
      continue;
    }
    slots_ = std::move(slots);
    slots_read_ = std::chrono::steady_clock::now();
    return true;
  }
  error = "cannot read the Redis Cluster slot map: " + last;
  return false;
}

std::vector<RedisEndpoint> RedisClient::masters() const {
  if (!cluster_) return {seeds_.front()};
  std::vector<RedisEndpoint> out;
  for (int32_t idx : slots_)
    if (idx >= 0 && std::find(out.begin(), out.end(), nodes_[static_cast<size_t>(idx)]->ep) == out.end())
      out.push_back(nodes_[static_cast<size_t>(idx)]->ep);
  return out;
}

bool RedisClient::wait_for_replicas(Node& n, int64_t acked, std::string& error) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.replica_catch_up_ms);
  bool refreshed = false;
  while (acked < n.replicas) {
    if (std::chrono::steady_clock::now() >= end)
      return error = fmt::format("Redis at {}: {} of its {} replicas have the last writes after {} ms", n.ep.str(), acked,
                                 n.replicas, options_.replica_catch_up_ms),
             false;
    if (!refreshed) {  // a replica that failed is no longer listed: not waited for
      refreshed = true;
      std::string why;
      if (refresh_slots(why) && acked >= n.replicas) break;
    }
    auto* r = static_cast<redisReply*>(redisCommand(n.c, "WAIT %d %d", n.replicas, options_.replica_wait_ms));
    if (!r) {
      error = fmt::format("Redis at {}: {}", n.ep.str(), n.c->errstr[0] ? n.c->errstr : "connection lost");
      n.close();
      return false;
    }
    acked = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
  }
  return true;
}

bool RedisClient::round_trip(Node& n, const std::vector<RedisCommand>& cmds, const std::vector<size_t>& which,
                             const std::vector<char>& asking, std::vector<RedisReply>& replies, std::string& error,
                             bool wait_replicas) {
  ++round_trips_;
  if (replies.size() < cmds.size()) replies.resize(cmds.size());
  std::vector<const char*> argv;
  std::vector<size_t> len;
  for (size_t i : which) {
    if (i < asking.size() && asking[i]) {
      redisAppendCommand(n.c, "ASKING");
    }
    argv.clear(), len.clear();
    for (const auto& a : cmds[i].argv) argv.push_back(a.data()), len.push_back(a.size());
    redisAppendCommandArgv(n.c, static_cast<int>(argv.size()), argv.data(), len.data());
  }
  // A master with replicas answers once they have the batch (a failover then loses none of it).
  const bool wait = wait_replicas && cluster_ && n.replicas > 0;
  if (wait) redisAppendCommand(n.c, "WAIT %d %d", n.replicas, options_.replica_wait_ms);
  for (size_t i : which) {
    for (int part = (i < asking.size() && asking[i]) ? 0 : 1; part < 2; ++part) {
      void* raw = nullptr;
      if (redisGetReply(n.c, &raw) != REDIS_OK || !raw) {
        const bool timeout = n.c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
        error = timeout ? fmt::format("Redis at {} did not answer within {} ms", n.ep.str(), options_.command_timeout_ms)
                        : fmt::format("Redis at {}: {}", n.ep.str(), n.c->errstr[0] ? n.c->errstr : "connection lost");
        n.close();
        return false;
      }
      auto* r = static_cast<redisReply*>(raw);
      if (part == 1) replies[i] = copy_reply(r);
      freeReplyObject(r);
    }
  }
  if (wait) {
    void* raw = nullptr;
    if (redisGetReply(n.c, &raw) != REDIS_OK || !raw) {
      error = fmt::format("Redis at {}: {}", n.ep.str(), n.c->errstr[0] ? n.c->errstr : "connection lost");
      n.close();
      return false;
    }
    auto* r = static_cast<redisReply*>(raw);
    const int64_t acked = r->type == REDIS_REPLY_INTEGER ? r->integer : 0;
    freeReplyObject(r);
    if (acked < n.replicas) return wait_for_replicas(n, acked, error);
  }
  return true;
}

bool RedisClient::execute_on(const RedisEndpoint& node, const std::vector<RedisCommand>& cmds,
                             std::vector<RedisReply>& replies, std::string& error) {
  Node* n = node_for(node);
  if (!open(*n, error)) return false;
  std::vector<size_t> all(cmds.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  replies.assign(cmds.size(), {});
  return round_trip(*n, cmds, all, {}, replies, error);
}

bool RedisClient::command(const RedisCommand& cmd, RedisReply& reply, std::string& error) {
  std::vector<RedisReply> replies;
  if (!execute({cmd}, replies, error)) return false;
  reply = std::move(replies[0]);
  return true;
}

bool RedisClient::execute(const std::vector<RedisCommand>& cmds, std::vector<RedisReply>& replies, std::string& error) {
  // The map is read again now and then: replicas that joined since are waited for too.
  if (cluster_ && std::chrono::steady_clock::now() - slots_read_ > std::chrono::seconds(10)) {
    std::string why;
    if (!refresh_slots(why)) slots_read_ = std::chrono::steady_clock::now();  // not again at once; the batch finds out
  }
  replies.assign(cmds.size(), {});
  std::vector<size_t> todo(cmds.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::vector<Node*> ask_node(cmds.size(), nullptr);
  std::vector<char> asking(cmds.size(), 0);
  for (int attempt = 0; !todo.empty(); ++attempt) {
    if (attempt == kMaxAttempts) {
      error = fmt::format("Redis Cluster: {} commands still redirected or refused after {} attempts ({})", todo.size(),
                          kMaxAttempts, replies[todo.front()].str);
      return false;
    }
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(20 * attempt * attempt, 500)));
    // Each command's node, in order; one round trip per node.
    std::vector<std::pair<Node*, std::vector<size_t>>> groups;
    for (size_t i : todo) {
      Node* n = ask_node[i];
      if (!n) {
        if (!cluster_ || cmds[i].key.empty()) {
          n = nodes_.front().get();
          if (cluster_) {  // any master
            for (int32_t idx : slots_)
              if (idx >= 0) {
                n = nodes_[static_cast<size_t>(idx)].get();
                break;
              }
          }
        } else {
          const int32_t idx = slots_[redis_key_slot(cmds[i].key)];
          if (idx < 0) {
            if (!refresh_slots(error)) return false;
            if (slots_[redis_key_slot(cmds[i].key)] < 0) return error = "Redis Cluster: a slot has no master", false;
          }
          n = nodes_[static_cast<size_t>(slots_[redis_key_slot(cmds[i].key)])].get();
        }
      }
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == n; });
      if (it == groups.end()) groups.emplace_back(n, std::vector<size_t>{i});
      else it->second.push_back(i);
    }
    std::vector<size_t> next;
    bool refresh = false;
    for (auto& [n, which] : groups) {
      std::string why;
      if (!open(*n, why) || !round_trip(*n, cmds, which, asking, replies, why)) {
        // A node that failed: in a cluster its slots may have moved (failover); else give up.
        if (!cluster_) return error = why, false;
        error = why;
        refresh = true;
        next.insert(next.end(), which.begin(), which.end());
        continue;
      }
      for (size_t i : which) {
        ask_node[i] = nullptr;
        asking[i] = 0;
        const RedisReply& r = replies[i];
        if (!r.is_error()) continue;
        int slot = 0;
        RedisEndpoint to;
        if (starts_with(r.str, "MOVED ") && parse_redirect(r.str, slot, to)) {
          node_for(to);
          for (size_t k = 0; k < nodes_.size(); ++k)
            if (nodes_[k]->ep == to) slots_[static_cast<size_t>(slot)] = static_cast<int32_t>(k);
          refresh = true;
          next.push_back(i);
        } else if (starts_with(r.str, "ASK ") && parse_redirect(r.str, slot, to)) {
          ask_node[i] = node_for(to);
          asking[i] = 1;
          next.push_back(i);
        } else if (starts_with(r.str, "TRYAGAIN") || starts_with(r.str, "CLUSTERDOWN") || starts_with(r.str, "LOADING")) {
          refresh = refresh || starts_with(r.str, "CLUSTERDOWN");
          next.push_back(i);
        }
      }
    }
    if (refresh && cluster_) {
      std::string why;
      if (!refresh_slots(why) && next.size() == todo.size()) {
        error = why;
        // keep trying: a failover leaves the cluster without a master for a moment
      }
    }
    std::sort(next.begin(), next.end());  // keep the callers' order for commands retried together
    todo = std::move(next);
  }
  return true;
}

}  // namespace rulec::rt
