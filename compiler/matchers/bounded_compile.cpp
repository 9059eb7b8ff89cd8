// Hyperscan compilation in a killable child process: a deadline and an address-space cap per database.
#include "compiler/matchers/bounded_compile.h"

#include <hs/hs.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "runtime/common/cpu_time.h"

// Under AddressSanitizer the shadow memory takes terabytes of address space: no RLIMIT_AS there.
#if defined(__SANITIZE_ADDRESS__)
#define RULEC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RULEC_ASAN 1
#endif
#endif

namespace rulec::matchers {

namespace {

using Clock = std::chrono::steady_clock;

// In this process: the database, or why not.
CompileResult compile_here(const std::vector<rt::StringGroupSpec::Pattern>& patterns, const hs_platform_info* platform) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].regex.c_str());
    flags.push_back(rt::hs_flags(patterns[i]));
    ids.push_back(static_cast<unsigned>(i));
  }
  CompileResult r;
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       platform, &db, &err) != HS_SUCCESS) {
    r.outcome = CompileOutcome::Refused;
    r.bad = err ? err->expression : -1;
    r.message = err && err->message ? err->message : "compile error";
    if (r.message.find("memory") != std::string::npos) r.outcome = CompileOutcome::OutOfMemory;
    hs_free_compile_error(err);
    return r;
  }
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) == HS_SUCCESS) {
    r.outcome = CompileOutcome::Ok;
    r.database.assign(bytes, len);
    std::free(bytes);
  } else {
    r.message = "the database could not be serialized";
  }
  hs_free_database(db);
  return r;
}

bool write_all(int fd, const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n) {
    const ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w, n -= static_cast<size_t>(w);
  }
  return true;
}

// The child's reply: outcome (1 byte), bad (8), message length (8), database length (8), then both.
[[noreturn]] void child(int fd, const std::vector<rt::StringGroupSpec::Pattern>& patterns,
                        const hs_platform_info* platform, const CompileBudget& budget) {
#ifndef RULEC_ASAN
  if (budget.max_memory_mb) {
    // The cap counts on top of what the process already maps (libraries, the rules in memory).
    rlim_t mapped = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      unsigned long pages = 0;
      if (std::fscanf(f, "%lu", &pages) == 1) mapped = rlim_t{pages} * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
      std::fclose(f);
    }
    const rlim_t cap = mapped + (rlim_t{budget.max_memory_mb} << 20);
    rlimit lim{cap, cap};
    setrlimit(RLIMIT_AS, &lim);
  }
#else
  (void)budget;
#endif
  CompileResult r;
  try {
    r = compile_here(patterns, platform);
  } catch (const std::bad_alloc&) {
    r.outcome = CompileOutcome::OutOfMemory;
  } catch (...) {
    r.outcome = CompileOutcome::Failed;
    r.message = "internal error in the compiler";
  }
  const uint8_t o = static_cast<uint8_t>(r.outcome);
  const int64_t bad = r.bad;
  const uint64_t ml = r.message.size(), dl = r.database.size();
  const bool ok = write_all(fd, &o, 1) && write_all(fd, &bad, 8) && write_all(fd, &ml, 8) && write_all(fd, &dl, 8) &&
                  write_all(fd, r.message.data(), ml) && write_all(fd, r.database.data(), dl);
  _exit(ok ? 0 : 3);
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
  // Without a budget, or for a set too small to blow up (a few glob expressions: literals, `.*`
  // and `.`, which Hyperscan compiles in milliseconds and little memory), no child is forked.
  size_t bytes = 0;
  bool globs = true;
  for (const auto& p : patterns) bytes += p.regex.size(), globs = globs && glob_shaped(p.regex);
  const bool small = globs && patterns.size() <= kInProcessPatterns && bytes <= kInProcessBytes;
  if ((!budget.max_ms && !budget.max_memory_mb) || small) {
    CompileResult r = compile_here(patterns, platform);
    r.ms = elapsed();
    return remember(r);
  }
  CompileResult r;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    r.message = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    r.message = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]), ::close(fds[1]);
    return r;
  }
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], patterns, platform, budget);
  }
  ::close(fds[1]);
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
    pollfd p{fds[0], POLLIN, 0};
    const int n = ::poll(&p, 1, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;  // deadline check above
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    reply.append(buf, static_cast<size_t>(got));
  }
  ::close(fds[0]);
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
  uint8_t o = 0;
  int64_t bad = -1;
  uint64_t ml = 0, dl = 0;
  if (reply.size() < 25 || (std::memcpy(&o, reply.data(), 1), std::memcpy(&bad, reply.data() + 1, 8),
                            std::memcpy(&ml, reply.data() + 9, 8), std::memcpy(&dl, reply.data() + 17, 8),
                            ml > reply.size() || dl > reply.size() || 25 + ml + dl != reply.size()) ||
      o > static_cast<uint8_t>(CompileOutcome::Failed)) {
    // No complete reply: killed by the memory cap (an allocation failure that aborted) or crashed.
    const bool oom = budget.max_memory_mb && WIFSIGNALED(status) &&
                     (WTERMSIG(status) == SIGABRT || WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGKILL);
    r.outcome = oom ? CompileOutcome::OutOfMemory : CompileOutcome::Failed;
    r.message = oom ? "over the memory cap of " + std::to_string(budget.max_memory_mb) + " MB"
                    : "the compiling process ended without a result (status " + std::to_string(status) + ")";
    return r;
  }
  r.outcome = static_cast<CompileOutcome>(o);
  r.bad = bad;
  r.message = reply.substr(25, ml);
  r.database = reply.substr(25 + ml, dl);
  if (r.outcome == CompileOutcome::OutOfMemory && r.message.empty())
    r.message = "over the memory cap of " + std::to_string(budget.max_memory_mb) + " MB";
  return remember(r);
}

}  // namespace rulec::matchers
