// Kibana's kibana.alert.rule.* metadata of a rule: its parameters object, its saved-object id, its lists.
#pragma once

#include <string>

#include "compiler/frontend/rule.h"
#include "runtime/eval/rule_info.h"

namespace rulec {

// Fills the alert metadata of `out` from `rule`: rule_uuid (the rule's `id` when it has one, else
// a stable UUID of its rule_id), from/to/interval, author, references, false_positives, index,
// license, immutable, and parameters_json: what Kibana's buildAlertFields writes in
// kibana.alert.rule.parameters (commonParamsCamelToSnake without output_index, then
// typeSpecificCamelToSnake for the rule's type; keys whose value is undefined are left out), and
// rule_fields_json: created_at and updated_at (an export's, or a rule file's [metadata] dates),
// created_by and updated_by ('' when unknown, as Kibana writes), meta.* flattened.
void lower_alert_metadata(const Rule& rule, rt::RuleInfo& out);

}  // namespace rulec
