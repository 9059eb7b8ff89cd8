// Whole-file input for the driver, with "-" meaning standard input.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "compiler/driver/commands.h"

namespace rulec::driver {

bool read_input(const std::string& path, std::string& out, size_t spare) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    out = ss.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "rulec: cannot read {}: {}\n", path, std::strerror(errno));
    return false;
  }
  // One allocation of the file's size (plus `spare`), then one read; a stream that cannot seek
  // (a pipe given by name) is read to its end.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in) {
    in.clear();
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
  }
  out.reserve(static_cast<size_t>(size) + spare);
  out.resize(static_cast<size_t>(size));
  if (!in.read(out.data(), size)) {
    fmt::print(stderr, "rulec: cannot read {}: {}\n", path, std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace rulec::driver
