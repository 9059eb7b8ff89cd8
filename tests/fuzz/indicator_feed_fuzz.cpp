// libFuzzer target: indicator feeds (the input is a feed file) loaded for a threat_match rule, each of its lines then matched as an event and its alerts built.
//
// The rule maps an address (ip comparison), a port (number), a lowercase-normalized name and a
// path (exact), one mapping with two entries ANDed; its selection keeps every document. Aborts if
// a match names an indicator that is not one of the input's lines.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/pipeline/loaded_rules.h"
#include "runtime/alerts/alert_json.h"
#include "runtime/decoder/decoder.h"
#include "runtime/state/indicator_index.h"

namespace {

const std::vector<rulec::rt::RuleInfo>& rules() {
  static const std::vector<rulec::rt::RuleInfo> infos = [] {
    using namespace rulec;
    Diagnostic err;
    static const Schema schema = *Schema::builtin(err, std::string(RULEC_SHARED_DIR) + "/schema");
    const auto dir = std::filesystem::temp_directory_path() / ("rulec-fuzz-feed-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "r.json") << R"({"rule_id":"f","name":"f","type":"threat_match","language":"kuery",
      "severity":"low","risk_score":1,"query":"*","threat_query":"*",
      "threat_mapping":[{"entries":[{"field":"source.ip","type":"mapping","value":"threat.indicator.ip"},
                                    {"field":"destination.port","type":"mapping","value":"threat.indicator.port"}]},
                        {"entries":[{"field":"user.name","type":"mapping","value":"threat.indicator.user"}]},
                        {"entries":[{"field":"file.path","type":"mapping","value":"threat.indicator.file.path"}]}]})";
    pipeline::LoadedRules loaded;
    loaded.quiet = true;
    if (!pipeline::load_runnable({dir.string()}, schema, loaded)) std::abort();
    std::filesystem::remove_all(dir);
    return loaded.infos;
  }();
  return infos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rulec::rt;
  const auto& infos = rules();
  const int fd = ::memfd_create("feed", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (size && ::write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  std::string error;
  auto index = IndicatorIndex::load({"/proc/self/fd/" + std::to_string(fd)}, infos, 1767225600000, error, nullptr);
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (index) {
    Decoder decoder;
    Event ev;
    size_t lines = 0;
    for (size_t at = 0; at < in.size() && lines < 64; ++lines) {
      size_t nl = in.find('\n', at);
      if (nl == std::string_view::npos) nl = in.size();
      const std::string_view line = in.substr(at, nl - at);
      at = nl + 1;
      if (decoder.decode(line, ev) != DecodeError::None) continue;
      for (size_t r = 0; r < infos.size(); ++r) {
        const auto& facts = index->match(r, ev);
        for (const ThreatMatchFact& f : facts)
          if (in.find(f.indicator_json) == std::string_view::npos) std::abort();  // not a line of the feed
        if (facts.empty()) continue;
        AlertFacts a;
        a.event_json = line;
        a.threat_matches = &facts;
        if (alert_json(infos[r], a).empty()) std::abort();
      }
    }
  }
  ::close(fd);
  return 0;
}
