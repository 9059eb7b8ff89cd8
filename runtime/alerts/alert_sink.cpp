// Append-only NDJSON alert output with fsync'ed offsets and clear I/O errors.
#include "runtime/alerts/alert_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rulec::rt {

std::unique_ptr<AlertSink> AlertSink::open(const std::string& path, uint64_t truncate_to, std::string& error,
                                           uint64_t* truncated_bytes) {
  if (truncated_bytes) *truncated_bytes = 0;
  if (path == "-") return std::unique_ptr<AlertSink>(new AlertSink(stdout, path, 0));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > truncate_to) {
    if (::truncate(path.c_str(), static_cast<off_t>(truncate_to)) != 0) {
      error = fmt::format("cannot cut {} back to its checkpoint ({} bytes): {}", path, truncate_to, std::strerror(errno));
      return nullptr;
    }
    if (truncated_bytes) *truncated_bytes = static_cast<uint64_t>(st.st_size) - truncate_to;
  }
  FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) {
    error = fmt::format("cannot open alerts file {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  long end = std::ftell(f);
  if (std::fseek(f, 0, SEEK_END) == 0) end = std::ftell(f);
  return std::unique_ptr<AlertSink>(new AlertSink(f, path, end < 0 ? 0 : static_cast<uint64_t>(end)));
}

AlertSink::AlertSink(FILE* f, std::string path, uint64_t offset) : file_(f), path_(std::move(path)), offset_(offset) {
  struct stat st {};
  regular_ = ::fstat(::fileno(file_), &st) == 0 && S_ISREG(st.st_mode);
}

AlertSink::~AlertSink() {
  if (file_ && file_ != stdout) std::fclose(file_);
}

bool AlertSink::write(std::string_view line) {
  if (!error_.empty()) return false;
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fputc('\n', file_) == EOF) {
    error_ = fmt::format("cannot write alerts to {}: {}", path_ == "-" ? "stdout" : path_, std::strerror(errno));
    return false;
  }
  offset_ += line.size() + 1;
  if (!regular_ && std::fflush(file_) != 0) {
    error_ = fmt::format("cannot write alerts to {}: {}", path_ == "-" ? "stdout" : path_, std::strerror(errno));
    return false;
  }
  return true;
}

bool AlertSink::sync() {
  if (!error_.empty()) return false;
  // Only regular files can be made durable; pipes, terminals and /dev/null cannot be fsync'ed.
  if (std::fflush(file_) != 0 || (regular_ && ::fsync(::fileno(file_)) != 0)) {
    error_ = fmt::format("cannot write alerts to {}: {}", path_ == "-" ? "stdout" : path_, std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace rulec::rt
