// The indicators scenario: threat-intelligence indicator documents as Elastic's ti_* integrations write them (a feed for threat_match rules).
#include <fmt/format.h>

#include "eventgen/event_gen.h"
#include "eventgen/gen_text.h"
#include "runtime/common/dates.h"

namespace rulec::gen {

namespace {

struct Feed {
  const char* module;
  const char* dataset;
  const char* name;
};
constexpr Feed kFeeds[] = {{"ti_abusech", "ti_abusech.malware", "AbuseCH Malware"},
                           {"ti_abusech", "ti_abusech.url", "AbuseCH URL"},
                           {"ti_otx", "ti_otx.threat", "AlienVault OTX"},
                           {"ti_misp", "ti_misp.threat", "MISP"},
                           {"threatintel", "threatintel.anomali", "Anomali"}};

std::string hex(Rng& r, int digits) {
  std::string s;
  while (digits > 0) {
    mix::append_hex(s, r.next(), std::min(digits, 16));
    digits -= 16;
  }
  return s;
}

}  // namespace

std::string indicator_value(uint64_t seed, uint64_t i, IndicatorKind kind) {
  Rng r(seed * 0x9E3779B97F4A7C15ull + i * 0xBF58476D1CE4E5B9ull + static_cast<uint64_t>(kind));
  switch (kind) {
    case IndicatorKind::Sha256: return hex(r, 64);
    case IndicatorKind::Md5: return hex(r, 32);
    case IndicatorKind::Ip: {
      const uint64_t v = r.next();
      return fmt::format("{}.{}.{}.{}", 1 + (v & 0x7f) + 64, (v >> 8) & 0xff, (v >> 16) & 0xff, 1 + ((v >> 24) % 254));
    }
    case IndicatorKind::Url: return fmt::format("http://{}.example/{}/payload.bin", hex(r, 10), hex(r, 6));
    case IndicatorKind::Email: return fmt::format("{}@{}.example", hex(r, 8), hex(r, 6));
    case IndicatorKind::Registry:
      return fmt::format("HKEY_USERS\\S-1-5-21-{}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\{}", r.below(1000000000),
                         hex(r, 8));
  }
  return {};
}

IndicatorKind indicator_kind(uint64_t i) {
  // Mostly file hashes and addresses, as real feeds.
  static constexpr IndicatorKind kMix[] = {IndicatorKind::Sha256, IndicatorKind::Sha256, IndicatorKind::Sha256,
                                           IndicatorKind::Ip,     IndicatorKind::Ip,     IndicatorKind::Url,
                                           IndicatorKind::Email,  IndicatorKind::Registry};
  return kMix[i % (sizeof kMix / sizeof kMix[0])];
}

void generate_indicators(const IndicatorScenario& s, const std::function<void(std::string_view)>& emit) {
  Rng r(s.seed ^ 0x1d1ca7025ull);
  std::string line;
  for (uint64_t i = 0; i < s.count; ++i) {
    const Feed& feed = kFeeds[r.below(sizeof kFeeds / sizeof kFeeds[0])];
    // A few are older than the rules' 30-day look at indicators, a few come from the IOC
    // transform's source index (both left out by the corpus rules' threat_query).
    const bool stale = r.chance(s.stale);
    const bool transform_source = r.chance(0.02);
    const int64_t t = stale ? s.start_ms - 86400000LL * (40 + static_cast<int64_t>(r.below(60)))
                            : s.start_ms + static_cast<int64_t>(r.below(static_cast<uint64_t>(std::max<int64_t>(s.span_ms, 1))));
    const IndicatorKind kind = indicator_kind(i);
    const std::string v = indicator_value(s.seed, i, kind);
    std::string body;
    switch (kind) {
      case IndicatorKind::Sha256:
        body = fmt::format(R"("type":"file","file":{{"hash":{{"sha256":"{}","md5":"{}"}},"size":{}}})", v,
                           indicator_value(s.seed, i, IndicatorKind::Md5), 1000 + r.below(5000000));
        break;
      case IndicatorKind::Md5: body = fmt::format(R"("type":"file","file":{{"hash":{{"md5":"{}"}}}})", v); break;
      case IndicatorKind::Ip: body = fmt::format(R"("type":"ipv4-addr","ip":"{}","port":{})", v, 80 + r.below(9000)); break;
      case IndicatorKind::Url:
        body = fmt::format(R"("type":"url","url":{{"full":"{}","original":"{}","scheme":"http"}})", v, v);
        break;
      case IndicatorKind::Email: body = fmt::format(R"("type":"email-addr","email":{{"address":"{}"}})", v); break;
      case IndicatorKind::Registry: {
        std::string escaped;
        for (char c : v) escaped += c == '\\' ? std::string("\\\\") : std::string(1, c);
        body = fmt::format(R"("type":"windows-registry-key","registry":{{"path":"{}"}})", escaped);
        break;
      }
    }
    line = fmt::format(
        R"({{"@timestamp":"{}","event":{{"kind":"enrichment","category":"threat","type":"indicator","module":"{}","dataset":"{}","ingested":"{}"}},)"
        R"("data_stream":{{"dataset":"{}","namespace":"default","type":"logs"}},)"
        R"("threat":{{"feed":{{"name":"{}"}},"indicator":{{{},"first_seen":"{}","provider":"{}","confidence":"{}"}}}})"
        R"({}}})",
        iso8601_ms(t), feed.module, feed.dataset, iso8601_ms(t + 60000), feed.dataset, feed.name, body, iso8601_ms(t - 86400000),
        feed.module, r.chance(0.5) ? "High" : "Medium",
        transform_source ? R"(,"labels":{"is_ioc_transform_source":"true"})" : "");
    emit(line);
  }
}

}  // namespace rulec::gen
