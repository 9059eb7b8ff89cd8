// Helpers for command-line tests: run a built binary, capture its output and exit status, temp dirs.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

struct SpawnOptions {
  uint64_t max_file_bytes = 0;  // RLIMIT_FSIZE (SIGXFSZ ignored): past it writes fail with EFBIG
  bool merge_stderr = false;    // stderr into the same pipe as stdout
};

// Starts `sh -c "exec CMD"` with its stdout in a pipe whose read end goes to *out_fd.
inline pid_t spawn_shell(const std::string& cmd, int* out_fd, const SpawnOptions& o = {}) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    if (o.merge_stderr) ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    if (o.max_file_bytes) {
      std::signal(SIGXFSZ, SIG_IGN);
      struct rlimit lim {o.max_file_bytes, o.max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

struct Finished : CmdResult {
  long max_rss_kb = 0;  // the child's peak RSS
};

// Reads a spawned child's output to the end and reaps it.
inline Finished finish(pid_t pid, int out_fd) {
  Finished r;
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = ::read(out_fd, buf.data(), buf.size())) > 0) r.out.append(buf.data(), static_cast<size_t>(n));
  ::close(out_fd);
  int st = 0;
  struct rusage ru {};
  ::wait4(pid, &st, 0, &ru);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.max_rss_kb = ru.ru_maxrss;
  return r;
}

// `CMD` with writes to regular files limited to `max_file_bytes`, as on a full disk without one.
inline Finished run_with_file_limit(const std::string& cmd, uint64_t max_file_bytes) {
  int fd = -1;
  const pid_t pid = spawn_shell(cmd, &fd, {.max_file_bytes = max_file_bytes});
  return pid > 0 ? finish(pid, fd) : Finished{};
}

// Waits for what the program under test makes observable (a file, a line in its log), polling;
// false after `limit`, which only bounds a hang: no test depends on how fast the machine is.
template <class Pred>
bool wait_until(Pred&& ready, std::chrono::milliseconds limit = std::chrono::seconds(180)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The writing end of a FIFO the program under test reads, opened without blocking: a blocking open
// would wait forever if the program died before opening its end. -1 after wait_until's limit.
inline int open_fifo_writer(const std::string& fifo) {
  int fd = -1;
  wait_until([&] { return (fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) >= 0; });
  if (fd >= 0 && ::fcntl(fd, F_SETFL, 0) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits up to `limit` for child `pid` to end: its wait status, or -1 if it is still running.
inline int wait_for_exit(pid_t pid, std::chrono::milliseconds limit = std::chrono::seconds(180)) {
  int st = 0;
  return wait_until([&] { return ::waitpid(pid, &st, WNOHANG) == pid; }, limit) ? st : -1;
}

inline std::string bin(const char* name) { return std::string(RULEC_BINARY_DIR) + "/" + name; }

// `rulec ARGS` with stderr merged into the output.
inline CmdResult run_rulec(const std::string& args) { return run_shell(bin("rulec") + " " + args + " 2>&1"); }

inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The lines of `text` that are not empty (NDJSON records, command output).
inline std::vector<std::string> nonempty_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (!l.empty()) out.push_back(l);
  return out;
}

// How many times `what` occurs in `text` (not overlapping).
inline size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
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
  std::ofstream(dir / (id + ".json")) << R"({"severity":"low","risk_score":21,"rule_id":")" << id << R"(","name":")" << id
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
  // A failed test's files stay, for a look at what it saw.
  ~TempDir() {
    if (::testing::Test::HasFailure()) std::fprintf(stderr, "kept %s\n", path_.c_str());
    else std::filesystem::remove_all(path_);
  }
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

// `rulec keygen` into T/build: returns the name (NAME.key, NAME.pub).
inline std::string keygen(const TempDir& t) {
  const std::string name = (t.path() / "build").string();
  auto r = run_rulec("keygen " + quote(name));
  EXPECT_EQ(r.status, 0) << r.out;
  return name;
}

}  // namespace rulec::testing
