// Durable whole-file writes (state checkpoints, bundles).
#include "runtime/common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rulec::rt {

bool write_file_durably(const std::string& path, const std::string& bytes, std::string& error, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return error = fmt::format("cannot write {}: {}", path, std::strerror(errno)), false;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0) {
    error = fmt::format("cannot sync {}: {}", path, std::strerror(errno));
    ::close(fd);
    return false;
  }
  return ::close(fd) == 0 || (error = fmt::format("cannot close {}: {}", path, std::strerror(errno)), false);
}

}  // namespace rulec::rt
