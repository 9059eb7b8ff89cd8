// libFuzzer target: state recovery from a damaged state directory (the state log's bytes are the input).
//
// The first byte picks the mode. Even: the bytes are the log as they are (framing, magics, the
// checksum check). Odd: every record's checksum is recomputed first, so that mutations inside a
// checkpoint's body reach the body parser instead of stopping at the checksum; a checkpoint that
// then loads must survive a save and a reload unchanged.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/common/hash128.h"
#include "runtime/state/rule_state.h"

namespace {

using namespace rulec::rt;

constexpr size_t kHeader = 16, kChecksum = 16;  // record: magic, body length | body | checksum

void fix_checksums(std::string& log) {
  size_t pos = 0;
  while (log.size() - pos >= kHeader + kChecksum) {
    uint64_t len;
    std::memcpy(&len, log.data() + pos + 8, 8);
    if (len > log.size() - pos - kHeader - kChecksum) break;
    auto [a, b] = Hash128().add(std::string_view(log.data() + pos + kHeader, len)).value();
    std::memcpy(log.data() + pos + kHeader + len, &a, 8);
    std::memcpy(log.data() + pos + kHeader + len + 8, &b, 8);
    pos += kHeader + len + kChecksum;
  }
}

bool same(const Snapshot& x, const Snapshot& y) {
  if (x.alerts_offset != y.alerts_offset || x.alerts_path != y.alerts_path || x.watermark != y.watermark ||
      x.rule_ids != y.rule_ids || x.states.size() != y.states.size() || x.dedupe.seen != y.dedupe.seen)
    return false;
  for (size_t i = 0; i < x.states.size(); ++i) {
    const RuleState &p = x.states[i], &q = y.states[i];
    if (p.signal_buckets != q.signal_buckets || p.terms != q.terms || p.groups.size() != q.groups.size()) return false;
    for (const auto& [k, g] : p.groups) {
      auto it = q.groups.find(k);
      if (it == q.groups.end() || it->second.bucket != g.bucket || it->second.count != g.count ||
          it->second.alerted != g.alerted || it->second.distinct != g.distinct)
        return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto dir = std::filesystem::temp_directory_path() / ("rulec-fuzz-state-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const bool reframe = data[0] & 1;
  std::string log(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (reframe) fix_checksums(log);
  std::ofstream(dir / "state.log", std::ios::binary | std::ios::trunc) << log;
  Snapshot s;
  std::string error;
  if (load_snapshot(dir.string(), s, error) != LoadStatus::Ok || !reframe) return 0;
  // Round trip: what loaded is saved (rewritten) and must load back the same.
  const auto again = dir / "again";
  if (!save_snapshot(again.string(), s, error, /*rewrite=*/true)) __builtin_trap();
  Snapshot t;
  if (load_snapshot(again.string(), t, error) != LoadStatus::Ok || !same(s, t)) __builtin_trap();
  return 0;
}
