// kibana.alert.reason: Kibana's reason template (reason_formatters.ts, buildReasonMessageUtil).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rulec::rt {

// Where Kibana reads the reason's fields from: query alerts read the hit's `fields` block (every
// value an array of the leaves at that path, so a number renders), new_terms and threshold alerts
// the `_source` (a value as stored: a bare number or boolean has no `.length` and counts as absent).
enum class ReasonView : uint8_t { Fields, Source };

// The reason text for `doc` (the event's source document; for a threshold alert, its grouping
// terms as flat keys). Absent: missing, null, "", [], "-", ["-"]; arrays are joined with ", ".
// "with" only when a field of interest (process, parent process, file, source or destination
// address or port) is present. Template, severity and name as Kibana's English default message.
std::string kibana_reason(const nlohmann::ordered_json& doc, ReasonView view, std::string_view severity,
                          std::string_view rule_name);

}  // namespace rulec::rt
