// Hyperscan compilation in a killable process (the rulec-hs-compile helper, or a forked child): a deadline and an address-space cap per database.
#include "compiler/matchers/bounded_compile.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "runtime/common/cpu_time.h"
#include "runtime/common/durable_file.h"
#include "runtime/eval/hs_block_scan.h"

extern char** environ;

namespace rulec::matchers {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

CompileJob job_of(const std::vector<rt::StringGroupSpec::Pattern>& patterns, const hs_platform_info* platform,
                  uint32_t max_memory_mb) {
  CompileJob job;
  for (const auto& p : patterns) {
    job.expressions.push_back(p.regex);
    job.flags.push_back(rt::hs_flags(p));
  }
  // This host: its platform without AVX-512 features, as every database rulec builds
  // (runtime/eval/hs_block_scan.h).
  job.has_platform = true;
  if (platform) job.platform = *platform;
  else rt::hs_build_platform(job.platform);
  job.max_memory_mb = max_memory_mb;
  return job;
}

bool send_all(int fd, const std::string& s) {
  const char* c = s.data();
  size_t n = s.size();
  while (n) {
    const ssize_t w = ::send(fd, c, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w, n -= static_cast<size_t>(w);
  }
  return true;
}

// The helper program: beside this program (the build folder, an installed bin/), in
// ../libexec/rulec/ from it (an installed rulec), or in the build folder (the test programs,
// which run from build/tests/). Empty when none is there: compile_bounded forks instead.
std::string find_helper() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> places;
  if (!ec) {
    places.push_back(self.parent_path() / "rulec-hs-compile");
    places.push_back(self.parent_path().parent_path() / "libexec" / "rulec" / "rulec-hs-compile");
  }
#ifdef RULEC_HELPER_BUILD_DIR
  places.push_back(fs::path(RULEC_HELPER_BUILD_DIR) / "rulec-hs-compile");
#endif
  for (const auto& p : places)
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  return {};
}

std::atomic<bool> helper_allowed{true};

const std::string& helper_path() {
  static const std::string path = find_helper();
  return path;
}

// Starts the helper on one end of a socket pair (its standard input and output) and sends it the
// job; the other end is returned in `fd`. False when it could not be started.
bool start_helper(const std::string& job, pid_t& pid, int& fd) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, sv[1], STDOUT_FILENO);
  const std::string& path = helper_path();
  char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
  const int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return false;
  }
  fd = sv[0];
  // The job is read whole before the helper compiles; a helper that died early fails the send.
  send_all(fd, job);
  ::shutdown(fd, SHUT_WR);
  return true;
}

// Forks a child that compiles the job and writes its reply to the returned `fd`.
bool fork_child(const CompileJob& job, pid_t& pid, int& fd, std::string& error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]), ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    ::close(fds[0]);
    cap_address_space(job.max_memory_mb);
    _exit(rt::write_all(fds[1], encode_reply(compile_job_caught(job))) ? 0 : 3);
  }
  ::close(fds[1]);
  fd = fds[0];
  return true;
}

// Databases of large sets, by their exact patterns and platform: a rule's set compiled alone by the
// screening (see pipeline::screen_rule) is the same database when the rule is alone on its field.
constexpr size_t kCachedFrom = 64;
// Sets compiled in this process even under a budget (see compile_bounded).
constexpr size_t kInProcessPatterns = 16;
constexpr size_t kInProcessBytes = 4096;

// A glob's expression: escaped or plain literals, `.`, `.*`, anchors. No alternation, class, group
// or counted repeat, whose sets Hyperscan can take minutes to compile (an EQL regex may hold them).
bool glob_shaped(const std::string& re) {
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (c == '\\') {
      if (++i < re.size() && re[i] == 'x') i += 2;  // \xHH
      continue;
    }
    if (c == '*' && i > 0 && re[i - 1] == '.') continue;
    if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '|' || c == '+' ||
        c == '?' || c == '*')
      return false;
  }
  return true;
}
std::string cache_key(const std::vector<rt::StringGroupSpec::Pattern>& patterns, const hs_platform_info* platform) {
  std::string key;
  if (platform) key.append(reinterpret_cast<const char*>(platform), sizeof *platform);
  key += '|';
  for (const auto& p : patterns) key += p.regex + '\0' + std::to_string(rt::hs_flags(p)) + '\0';
  return key;
}
std::mutex cache_mutex;
std::unordered_map<std::string, std::string>& cache() {
  static std::unordered_map<std::string, std::string> c;
  return c;
}

}  // namespace

const char* to_string(CompileOutcome o) {
  switch (o) {
    case CompileOutcome::Ok: return "ok";
    case CompileOutcome::Refused: return "refused";
    case CompileOutcome::TimedOut: return "timed out";
    case CompileOutcome::OutOfMemory: return "out of memory";
    case CompileOutcome::Failed: return "failed";
  }
  return "failed";
}

void allow_compile_helper(bool allowed) { helper_allowed = allowed; }
bool compile_helper_found() { return !helper_path().empty(); }

CompileResult compile_bounded(const std::vector<rt::StringGroupSpec::Pattern>& patterns,
                              const hs_platform_info* platform, const CompileBudget& budget) {
  const double cpu0 = thread_cpu_ms();
  auto elapsed = [&] { return thread_cpu_ms() - cpu0; };  // in this process
  std::string key;
  if (patterns.size() >= kCachedFrom) {
    key = cache_key(patterns, platform);
    std::lock_guard lock(cache_mutex);
    if (auto it = cache().find(key); it != cache().end()) {
      CompileResult r;
      r.outcome = CompileOutcome::Ok;
      r.database = it->second;
      r.ms = elapsed();
      return r;
    }
  }
  auto remember = [&](CompileResult& r) -> CompileResult& {
    if (!key.empty() && r.outcome == CompileOutcome::Ok) {
      std::lock_guard lock(cache_mutex);
      cache().emplace(std::move(key), r.database);
    }
    return r;
  };
  const CompileJob job = job_of(patterns, platform, budget.max_memory_mb);
  // Without a budget, or for a set too small to blow up (a few glob expressions: literals, `.*`
  // and `.`, which Hyperscan compiles in milliseconds and little memory), no process is started.
  size_t bytes = 0;
  bool globs = true;
  for (const auto& p : patterns) bytes += p.regex.size(), globs = globs && glob_shaped(p.regex);
  const bool small = globs && patterns.size() <= kInProcessPatterns && bytes <= kInProcessBytes;
  if ((!budget.max_ms && !budget.max_memory_mb) || small) {
    CompileResult r = compile_job(job);
    r.ms = elapsed();
    return remember(r);
  }
  // The helper (a fresh process: starting it costs the same whatever this process's size), or a
  // forked child, whose cost grows with this process's memory (page tables, copy-on-write).
  CompileResult r;
  pid_t pid = -1;
  int fd = -1;
  const bool helper = helper_allowed && !helper_path().empty() && start_helper(encode_job(job), pid, fd);
  if (!helper && !fork_child(job, pid, fd, r.message)) return r;
  // Read the reply until EOF or the deadline: the child's CPU time reaching the budget (what it
  // would cost on an idle machine), or, should its CPU clock not be readable, wall time. A child
  // starved of CPU for ten times its budget is stopped too.
  const auto wall0 = Clock::now();
  auto wall_ms = [&] { return std::chrono::duration<double, std::milli>(Clock::now() - wall0).count(); };
  double child_ms = 0;
  auto child_time = [&] {
    const double c = process_cpu_ms(pid);
    if (c >= 0) child_ms = c;
    return c >= 0 ? c : wall_ms();
  };
  std::string reply;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    int wait_ms = -1;
    if (budget.max_ms) {
      const double left = budget.max_ms - child_time();
      if (left <= 0 || wall_ms() > 10.0 * budget.max_ms + 10000) {
        timed_out = true;
        break;
      }
      wait_ms = std::min(static_cast<int>(left) + 1, 50);  // the CPU clock is read again at each tick
    }
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;  // deadline check above
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    reply.append(buf, static_cast<size_t>(got));
  }
  ::close(fd);
  if (timed_out) ::kill(pid, SIGKILL);
  if (!timed_out) child_time();  // its CPU time up to its reply
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.ms = elapsed() + child_ms;
  if (timed_out) {
    r.outcome = CompileOutcome::TimedOut;
    r.message = "not compiled within " + std::to_string(budget.max_ms) + " ms";
    return r;
  }
  if (!decode_reply(reply, r)) {
    // No complete reply: killed by the memory cap (an allocation failure that aborted) or crashed.
    const bool oom = budget.max_memory_mb && WIFSIGNALED(status) &&
                     (WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGKILL);
    r.outcome = oom ? CompileOutcome::OutOfMemory : CompileOutcome::Failed;
    r.database.clear();
    r.message = oom ? "over the memory cap of " + std::to_string(budget.max_memory_mb) + " MB"
                    : "the compiling process ended without a result (status " + std::to_string(status) + ")";
    return r;
  }
  if (r.outcome == CompileOutcome::OutOfMemory && r.message.empty())
    r.message = "over the memory cap of " + std::to_string(budget.max_memory_mb) + " MB";
  return remember(r);
}

}  // namespace rulec::matchers
