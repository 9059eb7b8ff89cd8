// Front-end verdict for one loaded rule: parse its query, check it against the schema, classify it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/eql_ast.h"
#include "compiler/frontend/rule.h"
#include "compiler/frontend/schema.h"

namespace rulec {

enum class RuleStatus : uint8_t { Ok, Unsupported, Error };
const char* to_string(RuleStatus s);

// Which part of a rule a diagnostic points into, so positions can be shown against the right text.
enum class RulePart : uint8_t { Rule, Query, ThreatQuery, Filters, Exceptions, NewTermsFields, Threshold };
const char* to_string(RulePart p);

struct RuleDiagnostic {
  RulePart part = RulePart::Rule;
  Diagnostic diag;
};

struct AnalyzedRule {
  const Rule* rule = nullptr;
  RuleStatus status = RuleStatus::Ok;
  kql::NodePtr query;   // the parsed query (null unless status is Ok or only semantic errors)
  std::vector<RuleDiagnostic> diagnostics;  // errors first, then warnings, in source order
  std::string unsupported_reason;           // set when status is Unsupported
  // Fields the rule reads that are in no loaded schema and close to none of its fields
  // (FieldVerdict::Unmapped: integration fields, typed keyword), sorted, each once.
  std::vector<std::string> unmapped_fields;
  // An EQL sequence: its query (keys, maxspan, runs), and each term's filter as a tree (the terms
  // in order, then the until term). `query` is then a tree that never matches.
  std::shared_ptr<const eql::Query> eql_sequence;
  std::vector<kql::NodePtr> sequence_terms;

  bool has_errors() const { return status == RuleStatus::Error; }
};

// Runs the front end on one rule: eligibility (type and language the engine runs), query syntax,
// semantic checks of the query, its filters and its exception items against the schema; field
// names of all of those and of new_terms and threshold fields against the schema (KQL209).
// `value_lists`: the ids of the value lists given (--value-list ID=FILE); an exception item naming
// another list is a RUL303 error.
AnalyzedRule analyze(const Rule& rule, const Schema& schema, const std::vector<std::string>& value_lists = {});

// The types of fields in no loaded schema that EQL rules compare with numbers or booleans
// (Schema::infer), inferred from every rule of `rules` before any of them is analysed: a rule's
// meaning then does not depend on the order its file comes in. Call before the analyze() loop.
void infer_field_types(const std::vector<Rule>& rules, const Schema& schema);

// The text a RuleDiagnostic's position refers to (the query, the threat query), or empty.
std::string_view part_text(const Rule& rule, RulePart part);

// One diagnostic as `rulec check` prints it: where (file and line), severity, code, which rule,
// where inside it, why; with `verbose`, the source line and a caret under the position follow.
std::string format_rule_diagnostic(const Rule& rule, const RuleDiagnostic& rd, bool verbose);

// Where a rule comes from: its file, and the line for formats with one rule per line.
std::string rule_origin(const Rule& rule);

}  // namespace rulec
