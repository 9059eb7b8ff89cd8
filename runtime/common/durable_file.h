// Durable file writes (state checkpoints, bundles): whole files before an atomic rename, and appends.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace rulec::rt {

// Creates or truncates `path` with `mode`, writes `bytes` and fsyncs it. False with the reason;
// a partly written file is removed (the caller renames a complete one into place).
[[nodiscard]] bool write_file_durably(const std::string& path, const std::string& bytes, std::string& error,
                                      mode_t mode = 0600);

// Replaces `path` whole: a temporary file beside it (written and fsynced), renamed over it, then
// the folder fsynced. Readers see the old file or the new one, never a part. False with the reason
// (the temporary file removed, `path` untouched). The temporary file is `tmp`, by default
// PATH.tmp-PID (writers in other processes never share one); a single writer may name a fixed one.
[[nodiscard]] bool replace_file_durably(const std::string& path, const std::string& bytes, std::string& error,
                                        mode_t mode = 0600, const std::string& tmp = "");

// Appends `bytes` to the existing file `path` and fsyncs it. False with the reason; the file is
// then cut back to its size before the call (a full disk leaves no partial record behind).
[[nodiscard]] bool append_file_durably(const std::string& path, std::string_view bytes, std::string& error);

// Writes all of `bytes` to `fd` (retrying short writes and EINTR). False with errno set.
[[nodiscard]] bool write_all(int fd, std::string_view bytes);

}  // namespace rulec::rt
