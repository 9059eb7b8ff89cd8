// Writing a whole file durably (write, fsync, close), the step before an atomic rename.
#pragma once

#include <string>
#include <sys/types.h>

namespace rulec::rt {

// Creates or truncates `path` with `mode`, writes `bytes` and fsyncs it. False with the reason.
[[nodiscard]] bool write_file_durably(const std::string& path, const std::string& bytes, std::string& error,
                                      mode_t mode = 0600);

}  // namespace rulec::rt
