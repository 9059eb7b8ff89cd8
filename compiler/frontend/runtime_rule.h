// Lowers a loaded rule to the runtime's RuleInfo: alert metadata, detection parameters, schema facts.
#pragma once

#include <optional>
#include <string>

#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"
#include "runtime/eval/rule_info.h"

namespace rulec {

// The rule as the runtime runs it, or nullopt with `error` set when the rule's type is not one the
// runtime detects (query, new_terms, threshold) or a duration in it cannot be read.
std::optional<rt::RuleInfo> lower_rule_info(const Rule& rule, const Schema& schema, std::string& error);

}  // namespace rulec
