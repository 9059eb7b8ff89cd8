// lld as a subprocess: temporary directory, posix_spawn, captured diagnostics.
#include "compiler/bundle/linker.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "compiler/pipeline/scratch_dir.h"

extern char** environ;

namespace rulec::bundle {

namespace {

bool write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out.flush());
}

bool read_file(const std::filesystem::path& p, std::string& bytes) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  bytes = ss.str();
  return true;
}


}  // namespace

bool link_shared_object(const std::string& object, const std::string& triple, std::string& so, std::string& error) {
  std::string emulation;
  if (triple.rfind("x86_64", 0) == 0) emulation = "elf_x86_64";
  else if (triple.rfind("aarch64", 0) == 0) emulation = "aarch64linux";
  else return error = fmt::format("cannot link for {}: only x86_64 and aarch64 Linux targets are supported", triple), false;

  const pipeline::ScratchDir dir("rulec-link");
  if (!dir.error().empty()) return error = dir.error(), false;
  const auto obj = dir.path() / "eval.o", out = dir.path() / "eval.so", log = dir.path() / "lld.log";
  if (!write_file(obj, object)) return error = fmt::format("cannot write {}", obj.string()), false;

  // No -soname: the dynamic loader would take a second bundle's code for the first one's when
  // both carried the same soname (hot reload loads them side by side).
  std::vector<std::string> args = {RULEC_LLD, "-m", emulation, "-shared", "-z", "defs", "-z", "noexecstack",
                                   "-z", "relro", "-z", "now", "--build-id=none", "--hash-style=gnu",
                                   "-o", out.string(), obj.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid;
  const int rc = posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return error = fmt::format("cannot run the linker {}: {}", args[0], std::strerror(rc)), false;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string msg;
    read_file(log, msg);
    error = fmt::format("ld.lld failed ({}): {}", WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status)) : "killed", msg);
    return false;
  }
  if (!read_file(out, so)) return error = "ld.lld wrote no output", false;
  return true;
}

}  // namespace rulec::bundle
