// Where alerts go: an append-only NDJSON file (or stdout) with durable offsets for checkpoints.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rulec::rt {

class AlertSink {
 public:
  // Opens `path` for appending ("-" is stdout). When `truncate_to` is below the file's size the
  // file is cut back to it first (alerts written after the last checkpoint are regenerated on
  // replay). Returns null with `error` set on failure.
  static std::unique_ptr<AlertSink> open(const std::string& path, uint64_t truncate_to, std::string& error,
                                         uint64_t* truncated_bytes = nullptr);
  ~AlertSink();

  // One alert line (no newline). To a pipe or terminal it is written at once, so a live stream's
  // alerts are not held back until the next checkpoint. False on an I/O error (see error()); a
  // regular file is then cut back to its last whole line, and every later call fails too.
  [[nodiscard]] bool write(std::string_view line);
  // Flushes and fsyncs; the offset after a successful sync is durable.
  [[nodiscard]] bool sync();
  uint64_t offset() const { return written_ + buffer_.size(); }  // bytes accepted
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  AlertSink(int fd, std::string path, uint64_t offset);
  bool flush();
  bool fail(const char* what);  // records the error and cuts a regular file back to whole lines
  int fd_;
  std::string path_;
  uint64_t written_;  // bytes written to the file, all whole lines
  bool regular_ = false;  // a regular file: buffered and fsync'ed at checkpoints; else written per alert
  std::string buffer_;
  std::string error_;
};

}  // namespace rulec::rt
