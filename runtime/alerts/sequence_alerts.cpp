// The alerts of one completed EQL sequence: Kibana's id scheme (sha256 with libsodium) and the deep intersection of its events.
#include "runtime/alerts/sequence_alerts.h"

#include <optional>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "runtime/alerts/alert_json.h"

namespace rulec::rt {

namespace {

using ojson = nlohmann::ordered_json;

std::string sha256_hex(std::string_view bytes) {
  unsigned char sum[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(sum, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : sum) out += kHex[c >> 4], out += kHex[c & 15];
  return out;
}

// The part of `a` and `b` that is the same: members both objects have, intersected; equal values.
std::optional<ojson> intersect(const ojson& a, const ojson& b) {
  if (a.is_object() && b.is_object()) {
    ojson out = ojson::object();
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end()) continue;
      if (auto common = intersect(it.value(), *other)) out[it.key()] = std::move(*common);
    }
    if (out.empty()) return std::nullopt;
    return out;
  }
  if (a == b) return a;
  return std::nullopt;
}

ojson source_of(std::string_view event_json) {
  ojson doc = ojson::parse(event_json.begin(), event_json.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return ojson::object();
  if (auto src = doc.find("_source"); src != doc.end() && src->is_object()) return *src;
  return doc;
}

}  // namespace

SequenceAlertIds sequence_alert_ids(std::string_view rule_uuid, const std::vector<std::string_view>& events) {
  std::string base;
  for (std::string_view e : events) {
    auto [id, index] = event_ancestor(e);
    base += id;
    base += index;
  }
  base += rule_uuid;
  SequenceAlertIds ids;
  for (size_t i = 0; i < events.size(); ++i) ids.building_blocks.push_back(sha256_hex(base + std::to_string(i)));
  ids.shell = sha256_hex(base);
  return ids;
}

std::string shared_fields_json(const std::vector<std::string_view>& events) {
  if (events.empty()) return "{}";
  std::optional<ojson> common = source_of(events.front());
  for (size_t i = 1; i < events.size() && common; ++i) common = intersect(*common, source_of(events[i]));
  if (!common || !common->is_object()) return "{}";
  return common->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rulec::rt
