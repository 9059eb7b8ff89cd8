// Lowers a loaded rule to the runtime's RuleInfo: alert metadata, detection parameters, schema facts.
#pragma once

#include <optional>
#include <string>

#include "compiler/frontend/eql_ast.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"
#include "runtime/eval/rule_info.h"

namespace rulec {

// The rule as the runtime runs it, or nullopt with `error` set when the rule's type is not one the
// runtime detects (query, new_terms, threshold) or a duration in it cannot be read.
std::optional<rt::RuleInfo> lower_rule_info(const Rule& rule, const Schema& schema, std::string& error);

// Makes `r` (an EQL rule's info) the sequence `q`: kind Sequence, its terms' keys (the sequence's
// `by` keys then the term's own), missing events, runs, until and maxspan.
void lower_sequence(const eql::Query& q, const Schema& schema, rt::RuleInfo& r);

// The info of term `term` of sequence `owner` (at `owner_index` in the rule list; term ==
// terms.size() is the until term): a SequenceTerm rule that raises nothing itself.
rt::RuleInfo sequence_term_info(const rt::RuleInfo& owner, uint32_t owner_index, uint32_t term);

}  // namespace rulec
