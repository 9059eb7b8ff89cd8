// A temporary directory (mkdtemp under $TMPDIR, else /tmp) removed with its content when it goes out of scope.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

namespace rulec::pipeline {

class ScratchDir {
 public:
  // `name`: the directory's prefix ("rulec-link" gives /tmp/rulec-link-XXXXXX).
  explicit ScratchDir(const char* name) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = fmt::format("{}/{}-XXXXXX", base && *base ? base : "/tmp", name);
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
    else error_ = fmt::format("cannot create a temporary directory {}: {}", tmpl, std::strerror(errno));
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& error() const { return error_; }  // empty when the directory exists
  const std::filesystem::path& path() const { return path_; }
  std::string at(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
  std::string error_;
};

}  // namespace rulec::pipeline
