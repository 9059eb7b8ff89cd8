// libFuzzer target: rule unit test files (RULE.test.toml, `rulec test`) and their recorded alerts.
// The first byte splits the input: that many bytes of it (scaled) are the .test.alerts file, the rest the .test.toml.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/frontend/rule_test_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto dir = std::filesystem::temp_directory_path() / ("rulec-fuzz-tests-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const size_t rest = size - 1;
  const size_t recorded = rest * data[0] / 256;
  auto write = [&](const char* name, const uint8_t* from, size_t n) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(from), static_cast<std::streamsize>(n));
  };
  write("r.toml", data, 0);  // the rule beside the tests (its content does not matter here)
  write("r.test.alerts", data + 1, recorded);
  write("r.test.toml", data + 1 + recorded, rest - recorded);
  rulec::TestFile f = rulec::read_test_file((dir / "r.test.toml").string());
  // What was accepted is usable: every case has events.
  if (f.error.empty())
    for (const auto& c : f.cases)
      if (c.events.empty()) __builtin_trap();
  return 0;
}
