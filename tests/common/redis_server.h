// Real Redis servers for the tests: a standalone server and a Redis Cluster, on free loopback ports, from Debian's redis-server.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "common/cli_util.h"

namespace rulec::testing {

// A loopback port nothing listens on now (the kernel's pick for an ephemeral bind).
inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

inline CmdResult redis_cli(int port, const std::string& args) {
  return run_shell(fmt::format("redis-cli -h 127.0.0.1 -p {} {} 2>&1", port, args));
}

// Appends `docs` to `stream` on the server at `port`, each as an entry whose field `event` holds
// it (XADD * event DOC), in one `redis-cli --pipe` (the RESP protocol written to `scratch`).
inline bool xadd_events(int port, const std::string& stream, const std::vector<std::string>& docs,
                        const std::filesystem::path& scratch) {
  std::string resp;
  for (const auto& d : docs) {
    resp += fmt::format("*5\r\n$4\r\nXADD\r\n${}\r\n{}\r\n$1\r\n*\r\n$5\r\nevent\r\n${}\r\n", stream.size(), stream,
                        d.size());
    resp += d;
    resp += "\r\n";
  }
  FILE* f = std::fopen(scratch.c_str(), "wb");
  if (!f) return false;
  const bool wrote = std::fwrite(resp.data(), 1, resp.size(), f) == resp.size();
  std::fclose(f);
  const CmdResult r = run_shell(fmt::format("redis-cli -h 127.0.0.1 -p {} --pipe < {} 2>&1", port, quote(scratch.string())));
  return wrote && r.status == 0 && r.out.find("errors: 0") != std::string::npos;
}

// One redis-server in the foreground of a child process, its files in `dir`. Stopped (SIGKILL)
// when destroyed.
class RedisServer {
 public:
  RedisServer(std::filesystem::path dir, std::vector<std::string> extra = {}) : dir_(std::move(dir)), extra_(std::move(extra)) {
    std::filesystem::create_directories(dir_);
  }
  ~RedisServer() { kill9(); }

  // Starts on a free port (or the port it had: a restart), and waits until it answers PING.
  bool start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (!port_) port_ = free_port();
      std::string cmd = fmt::format("exec redis-server --port {} --bind 127.0.0.1 --dir {} --save '' --protected-mode no "
                                    "--logfile {}",
                                    port_, quote(dir_.string()), quote((dir_ / "redis.log").string()));
      for (const auto& e : extra_) cmd += " " + e;
      pid_ = ::fork();
      if (pid_ == 0) {
        // Not the test's files: a FIFO's write end held here would never let its reader see the end.
        ::close_range(3, ~0u, 0);
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
      }
      if (wait_until([&] { return ping(); }, std::chrono::seconds(20))) return true;
      kill9();
      port_ = 0;
    }
    return false;
  }
  // Up and answering (a server with a password answers NOAUTH).
  bool ping() const {
    const std::string r = redis_cli(port_, "ping").out;
    return r == "PONG\n" || r.find("NOAUTH") != std::string::npos;
  }
  void kill9() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  int port() const { return port_; }
  // Stops the server (SIGSTOP) or lets it go on (SIGCONT): a node that stalls.
  void pause(bool stop) {
    if (pid_ > 0) ::kill(pid_, stop ? SIGSTOP : SIGCONT);
  }
  // The end of its log, for a failure message.
  std::string log_tail(int lines = 12) const {
    return run_shell(fmt::format("tail -n {} {} 2>&1", lines, quote((dir_ / "redis.log").string()))).out;
  }
  std::string url(const std::string& prefix) const { return fmt::format("redis://127.0.0.1:{}/{}", port_, prefix); }
  CmdResult cli(const std::string& args) const { return redis_cli(port_, args); }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> extra_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A Redis Cluster of `masters` masters, each with `replicas` replicas (a failover needs one),
// created with `redis-cli --cluster create`; a node that fails is noticed within a second.
class RedisCluster {
 public:
  RedisCluster(const std::filesystem::path& dir, int masters = 3, int replicas = 0) : replicas_(replicas) {
    for (int i = 0; i < masters * (1 + replicas); ++i) {
      const auto d = dir / fmt::format("node{}", i);
      // The bus port is chosen too (port + 10000 by default: it may be taken, or past 65535);
      // a replica fails over whatever its last contact with the master (validity factor 0): a
      // master stalled by a loaded machine must not leave its slots without one.
      nodes_.push_back(std::make_unique<RedisServer>(
          d, std::vector<std::string>{"--cluster-enabled yes", "--cluster-node-timeout 2000",
                                      fmt::format("--cluster-port {}", free_port()),
                                      "--cluster-replica-validity-factor 0",
                                      "--cluster-config-file " + quote((d / "nodes.conf").string()),
                                      "--appendonly yes", "--appendfsync always"}));
    }
  }
  // Starts the nodes, creates the cluster and waits until every node says cluster_state:ok.
  bool start() {
    std::string addrs;
    for (auto& n : nodes_) {
      if (!n->start()) return false;
      addrs += fmt::format(" 127.0.0.1:{}", n->port());
    }
    const CmdResult r =
        run_shell(fmt::format("redis-cli --cluster create{} --cluster-replicas {} --cluster-yes 2>&1", addrs, replicas_));
    if (r.status != 0) {
      error_ = r.out;
      return false;
    }
    return wait_ok();
  }
  // Every node says cluster_state:ok, and every master lists its replicas in CLUSTER SLOTS
  // (the map clients read) and has them online (replicating).
  bool wait_ok() {
    return wait_until(
        [&] {
          const auto slots = nonempty_lines(nodes_[0]->cli("cluster slots").out);
          for (auto& n : nodes_) {
            if (n->cli("cluster info").out.find("cluster_state:ok") == std::string::npos) return false;
            const std::string info = n->cli("info replication").out;
            if (info.find("role:master") != std::string::npos) {
              int online = 0;
              for (size_t p = info.find("state=online"); p != std::string::npos; p = info.find("state=online", p + 1)) ++online;
              if (online < replicas_) return false;
            } else if (std::find(slots.begin(), slots.end(), std::to_string(n->port())) == slots.end()) {
              return false;  // a replica the map does not list yet
            }
          }
          return true;
        },
        std::chrono::seconds(60));
  }
  // Kills the master that owns `key`'s slot and waits until one of its replicas serves the slot
  // and the cluster is whole again. The killed node stays down.
  bool fail_master_of(const std::string& key) {
    const int slot = std::atoi(nodes_[0]->cli("cluster keyslot " + key).out.c_str());
    for (auto& n : nodes_) {
      if (!n->port() || n->cli("role").out.rfind("master", 0) != 0 || !owns_slot(*n, slot)) continue;
      RedisServer* failed = n.get();
      failed->kill9();
      return wait_until(
          [&] {
            for (auto& m : nodes_)
              if (m.get() != failed && m->ping() && owns_slot(*m, slot) &&
                  m->cli("cluster info").out.find("cluster_state:ok") != std::string::npos)
                return true;
            return false;
          },
          std::chrono::seconds(60));
    }
    return false;
  }
  std::string url(const std::string& prefix) const { return nodes_[0]->url(prefix); }
  RedisServer& node(size_t i) { return *nodes_[i]; }
  std::string logs() const {
    std::string out;
    for (size_t i = 0; i < nodes_.size(); ++i) out += fmt::format("== node {}\n{}", i, nodes_[i]->log_tail());
    return out;
  }
  size_t size() const { return nodes_.size(); }
  const std::string& error() const { return error_; }
  // Does `n` serve `slot` (its own line of CLUSTER NODES)?
  static bool owns_slot(RedisServer& n, int slot) {
    for (const auto& line : split_lines(n.cli("cluster nodes").out)) {
      if (line.find("myself") == std::string::npos) continue;
      size_t pos = 0;
      for (int field = 0; field < 8 && pos != std::string::npos; ++field) pos = line.find(' ', pos + 1);
      while (pos != std::string::npos && pos < line.size()) {
        const size_t end = line.find(' ', pos + 1);
        int a = 0, b = 0;
        const int got = std::sscanf(line.c_str() + pos + 1, "%d-%d", &a, &b);
        if (got == 1) b = a;
        if (got >= 1 && slot >= a && slot <= b) return true;
        pos = end;
      }
    }
    return false;
  }

 private:
  static std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    size_t a = 0;
    while (a < s.size()) {
      size_t b = s.find('\n', a);
      if (b == std::string::npos) b = s.size();
      out.push_back(s.substr(a, b - a));
      a = b + 1;
    }
    return out;
  }
  std::vector<std::unique_ptr<RedisServer>> nodes_;
  int replicas_ = 0;
  std::string error_;
};

}  // namespace rulec::testing
