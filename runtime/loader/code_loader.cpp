// Evaluation code loading: target/CPU checks, ELF header validation, memfd + dlopen, symbol lookup.
#include "runtime/loader/code_loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rulec::rt {

const char* host_arch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

namespace {

uint16_t host_machine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#else
  return EM_NONE;
#endif
}

bool cpu_has(const std::string& f) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (f == "x86-64") return true;
  if (f == "x86-64-v2") return __builtin_cpu_supports("x86-64-v2");
  if (f == "x86-64-v3") return __builtin_cpu_supports("x86-64-v3");
  if (f == "x86-64-v4") return __builtin_cpu_supports("x86-64-v4");
  if (f == "avx2") return __builtin_cpu_supports("avx2");
  if (f == "avx512f") return __builtin_cpu_supports("avx512f");
  if (f == "avx512bw") return __builtin_cpu_supports("avx512bw");
#elif defined(__aarch64__)
  if (f == "neon" || f == "armv8-a") return true;
#endif
  return false;
}

bool known_feature(const std::string& f) {
  static const char* kKnown[] = {"x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4", "avx2", "avx512f", "avx512bw", "neon", "armv8-a"};
  for (const char* k : kKnown)
    if (f == k) return true;
  return false;
}

}  // namespace

bool check_target(std::string_view triple, std::string& error) {
  const std::string_view arch = triple.substr(0, triple.find('-'));
  if (arch != host_arch()) {
    error = fmt::format("the bundle's code is for {} ({}); this machine is {}: compile the rules with --target {}-linux-gnu",
                        arch, triple, host_arch(), host_arch());
    return false;
  }
  if (triple.find("-linux") == std::string_view::npos) {
    error = fmt::format("the bundle's code is for {}, not for Linux", triple);
    return false;
  }
  return true;
}

bool check_cpu_features(const std::vector<std::string>& required, std::string& error) {
  for (const auto& f : required) {
    if (!known_feature(f)) {
      error = fmt::format("the bundle needs CPU feature '{}', which this rulesensor cannot check", f);
      return false;
    }
    if (!cpu_has(f)) {
      error = fmt::format("this CPU lacks '{}', which the bundle's CPU tier needs: compile with --cpu baseline", f);
      return false;
    }
  }
  return true;
}

bool map_code(std::string_view so, MappedCode& out, std::string& error) {
  out = MappedCode{};
  Elf64_Ehdr eh;
  if (so.size() < sizeof eh) return error = "code section: too short for an ELF header", false;
  std::memcpy(&eh, so.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return error = "code section: not an ELF file", false;
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return error = "code section: not a 64-bit little-endian ELF file", false;
  if (eh.e_type != ET_DYN) return error = "code section: not a shared object", false;
  if (eh.e_machine != host_machine())
    return error = fmt::format("code section: ELF machine {} is not this machine's ({})", eh.e_machine, host_machine()), false;
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > so.size() || eh.e_phnum > (so.size() - eh.e_phoff) / sizeof(Elf64_Phdr))
    return error = "code section: program header table out of bounds", false;
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, so.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_LOAD && (ph.p_offset > so.size() || ph.p_filesz > so.size() - ph.p_offset || ph.p_memsz < ph.p_filesz ||
                                 ph.p_memsz > (uint64_t{1} << 30)))
      return error = fmt::format("code section: segment {} out of bounds", i), false;
  }

  const int fd = ::memfd_create("rulec-bundle-code", MFD_CLOEXEC);
  if (fd < 0) return error = fmt::format("memfd_create: {}", std::strerror(errno)), false;
  size_t done = 0;
  while (done < so.size()) {
    ssize_t w = ::write(fd, so.data() + done, so.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = fmt::format("writing the code to memory: {}", std::strerror(errno));
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(w);
  }
  const std::string path = fmt::format("/proc/self/fd/{}", fd);
  // The loader knows objects by the path they were opened with: the descriptor stays open while
  // the code is mapped, so no later bundle gets the same /proc/self/fd path (and this object).
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = ::dlerror();
    error = fmt::format("loading the code: {}", why ? why : "dlopen failed");
    ::close(fd);
    return false;
  }
  out.handle = std::shared_ptr<void>(h, [fd](void* p) {
    ::dlclose(p);
    ::close(fd);
  });
  out.fn = reinterpret_cast<EvalFn>(::dlsym(h, kEvalSymbol));
  auto* shape = static_cast<const uint32_t*>(::dlsym(h, kShapeSymbol));
  if (!out.fn || !shape) {
    out = MappedCode{};
    error = fmt::format("code section: the shared object does not export {} and {}", kEvalSymbol, kShapeSymbol);
    return false;
  }
  out.rule_count = shape[0], out.atom_count = shape[1], out.memo_count = shape[2];
  return true;
}

}  // namespace rulec::rt
