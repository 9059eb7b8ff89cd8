// Append-only NDJSON alert output with fsync'ed offsets; an I/O error leaves only whole lines behind.
#include "runtime/alerts/alert_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/common/durable_file.h"

namespace rulec::rt {

namespace {
constexpr size_t kBufferBytes = 64 * 1024;  // alerts to a regular file are written in blocks of this
}  // namespace

std::unique_ptr<AlertSink> AlertSink::open(const std::string& path, uint64_t truncate_to, std::string& error,
                                           uint64_t* truncated_bytes) {
  if (truncated_bytes) *truncated_bytes = 0;
  if (path == "-") return std::unique_ptr<AlertSink>(new AlertSink(STDOUT_FILENO, path, 0));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > truncate_to) {
    if (::truncate(path.c_str(), static_cast<off_t>(truncate_to)) != 0) {
      error = fmt::format("cannot cut {} back to its checkpoint ({} bytes): {}", path, truncate_to, std::strerror(errno));
      return nullptr;
    }
    if (truncated_bytes) *truncated_bytes = static_cast<uint64_t>(st.st_size) - truncate_to;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = fmt::format("cannot open alerts file {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  const off_t end = ::lseek(fd, 0, SEEK_END);
  return std::unique_ptr<AlertSink>(new AlertSink(fd, path, end < 0 ? 0 : static_cast<uint64_t>(end)));
}

AlertSink::AlertSink(int fd, std::string path, uint64_t offset)
    : fd_(fd), path_(std::move(path)), written_(offset) {
  struct stat st {};
  regular_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  if (regular_) buffer_.reserve(kBufferBytes);
}

AlertSink::~AlertSink() {
  if (fd_ != STDOUT_FILENO) ::close(fd_);
}

bool AlertSink::fail(const char* what) {
  error_ = fmt::format("cannot {} alerts to {}: {}", what, path_ == "-" ? "stdout" : path_, std::strerror(errno));
  // Only whole lines stay in a regular file: cut off what a failed write left of the last block.
  if (regular_ && ::ftruncate(fd_, static_cast<off_t>(written_)) == 0) ::fsync(fd_);
  buffer_.clear();
  return false;
}

bool AlertSink::flush() {
  if (buffer_.empty()) return true;
  if (!write_all(fd_, buffer_)) return fail("write");
  written_ += buffer_.size();
  buffer_.clear();
  return true;
}

bool AlertSink::write(std::string_view line) {
  if (!error_.empty()) return false;
  if (regular_ && buffer_.size() + line.size() + 1 > kBufferBytes && !flush()) return false;
  buffer_.append(line);
  buffer_.push_back('\n');
  // To a pipe or a terminal each alert goes out at once: a live stream's alerts are not held back.
  return regular_ || flush();
}

bool AlertSink::sync() {
  if (!error_.empty()) return false;
  if (!flush()) return false;
  // Only regular files can be made durable; pipes, terminals and /dev/null cannot be fsync'ed.
  if (regular_ && ::fsync(fd_) != 0) return fail("sync");
  return true;
}

}  // namespace rulec::rt
