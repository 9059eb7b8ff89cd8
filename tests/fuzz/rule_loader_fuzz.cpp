// libFuzzer target: rule loading (TOML, Kibana rule JSON, export NDJSON) and analysis of what loads.
// The first byte picks the format; the rest is the file.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/frontend/analyze.h"
#include "compiler/frontend/rule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec;
  static const std::optional<Schema> schema = [] {
    Diagnostic err;
    return Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
  }();
  if (size == 0 || !schema) return 0;
  static const char* kExt[] = {".toml", ".json", ".ndjson"};
  const auto dir = std::filesystem::temp_directory_path() / ("rulec-fuzz-rules-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / (std::string("rule") + kExt[data[0] % 3]);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  }
  RuleSet set = load_rules({path.string()});
  for (const Rule& r : set.rules) (void)analyze(r, *schema);
  return 0;
}
