// libFuzzer target: state recovery from a damaged state directory (the state log's bytes are the input).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/state/rule_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec::rt;
  const auto dir = std::filesystem::temp_directory_path() / ("rulec-fuzz-state-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "state.log", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Snapshot s;
  std::string error;
  (void)load_snapshot(dir.string(), s, error);
  return 0;
}
