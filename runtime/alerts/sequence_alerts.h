// The alerts of one completed EQL sequence as Kibana writes them: ids of the building blocks and the shell, and the shell's shared fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rulec::rt {

// Kibana's ids for a sequence's alerts (buildAlertGroupFromSequence): B is, for every event in
// order, its ancestor's id then index (event_ancestor), then the rule's uuid; building block i is
// hex(sha256(B + i)) and the shell hex(sha256(B)). Deterministic: a replay writes the same ids.
struct SequenceAlertIds {
  std::vector<std::string> building_blocks;
  std::string shell;
};
SequenceAlertIds sequence_alert_ids(std::string_view rule_uuid, const std::vector<std::string_view>& events);

// The shell alert's source: the fields every event holds with the same value (objects intersected
// member by member, any other value kept only when equal in all), as one JSON object. Events that
// are search hits stand for their _source.
std::string shared_fields_json(const std::vector<std::string_view>& events);

}  // namespace rulec::rt
