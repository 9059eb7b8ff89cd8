// Unknown-field checks: field names in no loaded schema, and the schema field the author probably meant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/schema.h"

namespace rulec {

// What the schema says about a field name a rule reads.
//   Known        a field of a loaded schema, a multi-field (`.text`, `.caseless`), an object path
//                that leads to fields (`process.parent`), a key under an object or flattened field
//                (`labels.env`, `container.labels.app`), or an Elasticsearch metadata field (`_id`)
//   Typo         in no loaded schema, and a schema field is close to it: `suggestion` (same name
//                but for case, or at most 1 edit in names under 10 bytes, 2 from 10 bytes on;
//                edits are insertions, deletions, substitutions and swaps of adjacent bytes)
//   Unmapped     in no loaded schema and close to none of its fields: an integration's own field
//                (`aws.cloudtrail.event_type`, `winlog.event_data.TargetUserName`, Elastic
//                Defend's `file.Ext.*`); typed keyword, as Kibana would find it unmapped
enum class FieldVerdict : uint8_t { Known, Typo, Unmapped };

struct FieldCheck {
  FieldVerdict verdict = FieldVerdict::Known;
  std::string suggestion;  // set for Typo
};

FieldCheck check_field_name(const Schema& schema, std::string_view field);

// Edit distance with adjacent swaps (optimal string alignment) over bytes; `max + 1` as soon as it
// exceeds `max`.
size_t edit_distance(std::string_view a, std::string_view b, size_t max);

// `unknown field 'proces.name' (in no loaded schema); did you mean 'process.name'?`, as a KQL209
// warning at `pos`; `where` (e.g. "exception item 'x'"), when given, prefixes the message.
Diagnostic unknown_field_warning(std::string_view field, const std::string& suggestion, SourcePos pos,
                                 std::string_view where = {});

// The field names a KQL tree reads that are not Known: one KQL209 warning per Typo (in source
// order), and the Unmapped names appended to `unmapped`. Names with wildcards (`process.*`) are not
// checked (Kibana expands them to the mapped fields that match). Nested queries' fields are checked
// with their path (`items:{ name:x }` reads `items.name`).
std::vector<Diagnostic> check_field_names(const kql::Node& ast, const Schema& schema, std::string_view query_text,
                                          std::vector<std::string>& unmapped, std::string_view where = {});

}  // namespace rulec
