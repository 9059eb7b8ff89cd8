// Durable file writes (state checkpoints, bundles): whole files and appends, undone on failure.
#include "runtime/common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rulec::rt {

bool write_all(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return false;
    if (w == 0) return errno = EIO, false;
    done += static_cast<size_t>(w);
  }
  return true;
}

bool write_file_durably(const std::string& path, const std::string& bytes, std::string& error, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return error = fmt::format("cannot write {}: {}", path, std::strerror(errno)), false;
  const char* failed = !write_all(fd, bytes) ? "write" : ::fsync(fd) != 0 ? "sync" : nullptr;
  int err = errno;
  if (::close(fd) != 0 && !failed) failed = "close", err = errno;
  if (!failed) return true;
  error = fmt::format("cannot {} {}: {}", failed, path, std::strerror(err));
  ::unlink(path.c_str());
  return false;
}

bool replace_file_durably(const std::string& path, const std::string& bytes, std::string& error, mode_t mode,
                          const std::string& tmp_name) {
  const std::string tmp = tmp_name.empty() ? path + ".tmp-" + std::to_string(::getpid()) : tmp_name;
  if (!write_file_durably(tmp, bytes, error, mode)) return false;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot replace {}: {}", path, std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // make the rename durable
    ::close(dfd);
  }
  return true;
}

bool append_file_durably(const std::string& path, std::string_view bytes, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return error = fmt::format("cannot append to {}: {}", path, std::strerror(errno)), false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = fmt::format("cannot append to {}: {}", path, std::strerror(errno));
    ::close(fd);
    return false;
  }
  const char* failed = !write_all(fd, bytes) ? "append to" : ::fsync(fd) != 0 ? "sync" : nullptr;
  if (failed) {
    error = fmt::format("cannot {} {}: {}", failed, path, std::strerror(errno));
    if (::ftruncate(fd, st.st_size) == 0) ::fsync(fd);  // best effort: no partial record left
  }
  if (::close(fd) != 0 && !failed) {
    error = fmt::format("cannot close {}: {}", path, std::strerror(errno));
    return false;
  }
  return !failed;
}

}  // namespace rulec::rt
