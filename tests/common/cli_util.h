// Helpers for command-line tests: run a built binary, capture its output and exit status, temp dirs.
#pragma once

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rulec::testing {

struct CmdResult {
  int status = -1;  // exit status, -1 when killed by a signal
  std::string out;  // stdout (and stderr unless redirected by the command)
};

inline CmdResult run_shell(const std::string& cmd) {
  CmdResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// `sh -c CMD` with writes to regular files limited to `max_file_bytes` (RLIMIT_FSIZE, SIGXFSZ
// ignored): past it a write fails with EFBIG, as on a full disk, without needing one.
inline CmdResult run_with_file_limit(const std::string& cmd, uint64_t max_file_bytes) {
  CmdResult r;
  int fds[2];
  if (::pipe(fds) != 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim {max_file_bytes, max_file_bytes};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = ::read(fds[0], buf.data(), buf.size())) > 0) r.out.append(buf.data(), static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string bin(const char* name) { return std::string(RULEC_BINARY_DIR) + "/" + name; }

// `rulec ARGS` with stderr merged into the output.
inline CmdResult run_rulec(const std::string& args) { return run_shell(bin("rulec") + " " + args + " 2>&1"); }

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes a Kibana JSON query rule with `query` as DIR/ID.json.
inline void write_query_rule(const std::filesystem::path& dir, const std::string& id, const std::string& query) {
  std::string q;
  for (char c : query) q += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
  std::ofstream(dir / (id + ".json")) << R"({"rule_id":")" << id << R"(","name":")" << id
                                      << R"(","type":"query","language":"kuery","query":")" << q << "\"}";
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("rulec-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::filesystem::path& path() const { return path_; }
  std::string str(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace rulec::testing
