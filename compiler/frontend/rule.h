// The rule model: one detection rule from any file format, with every key of spec rules.md §1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"

namespace rulec {

enum class RuleType : uint8_t { Query, NewTerms, Threshold, ThreatMatch, Eql, Esql, MachineLearning, Saved, Unknown };
const char* to_string(RuleType t);
RuleType rule_type_from(std::string_view s);

struct ExceptionListRef {
  std::string id;
  std::string list_id;
  std::string namespace_type;  // single | agnostic
  std::string type;            // detection | rule_default | endpoint
};

// One exception item (Kibana export: "type":"simple" with "entries").
// An exception entry `field is (not) in list ID` (type "list"): the list's values come from a file
// (--value-list ID=FILE), not from the export.
struct ValueListRef {
  std::string field;
  std::string id;
  std::string type;       // the list's type: keyword, text, ip, ip_range, long, double...
  bool included = true;   // "is in list" (operator included) or "is not in list" (excluded)
};

struct ExceptionItem {
  std::string item_id;
  std::string list_id;
  std::string name;
  std::string namespace_type;
  nlohmann::json entries;  // as exported
  kql::NodePtr ast;        // AND of the entries (not yet negated); null if it could not be translated
  // An item whose entries are all value lists (null `ast`): Kibana applies it after the search
  // (filterEventsAgainstList), so the runtime does, with the lists' files.
  std::vector<ValueListRef> value_lists;

  // Added by the loader: the saved-object id, os_types (Kibana ANDs "host.os.type or
  // host.os.name.caseless is one of them" onto the entries; already part of `ast`), expire_time as
  // written (empty when none; Kibana drops expired items at run time), where the item came from,
  // and problems found translating it (copied onto every rule the item attaches to).
  std::string id;
  std::vector<std::string> os_types;
  std::string expire_time;
  std::string path;
  uint32_t line = 0;
  std::vector<Diagnostic> diagnostics;
};

struct NewTermsSpec {
  std::vector<std::string> fields;    // 1 to 3, ordered
  std::string history_window_start;   // date math, e.g. "now-7d"
};

struct ThresholdCardinality {
  std::string field;
  int64_t value = 0;
};

struct ThresholdSpec {
  std::vector<std::string> fields;  // may be empty (count over all matching events)
  int64_t value = 0;
  std::vector<ThresholdCardinality> cardinality;
};

// Where a rule came from, for messages: the file and, in NDJSON, the line.
struct RuleOrigin {
  std::string path;
  uint32_t line = 0;  // 1-based line in an NDJSON file; 0 for whole-file formats
};

struct Rule {
  RuleOrigin origin;

  // Keys of spec rules.md §1, defaults applied.
  std::string rule_id;
  std::string name;
  std::string description;
  RuleType type = RuleType::Unknown;
  std::string type_name;  // as written
  std::string language;   // "kuery", "lucene", "eql", "esql", ... (empty for machine_learning)
  std::string query;
  std::vector<std::string> index;
  std::string from = "now-6m";
  std::string to = "now";
  std::string interval = "5m";
  int64_t max_signals = 100;
  int64_t risk_score = 0;
  std::string severity;
  std::vector<std::string> tags;
  nlohmann::json threat = nlohmann::json::array();  // MITRE mapping, as written
  std::string note;
  std::optional<std::string> timestamp_override;
  nlohmann::json filters = nlohmann::json::array();  // ES DSL filters, as written
  std::vector<ExceptionListRef> exceptions_list;
  nlohmann::json alert_suppression;  // null when absent
  std::string building_block_type;
  int64_t version = 1;
  std::optional<NewTermsSpec> new_terms;
  std::optional<ThresholdSpec> threshold;
  nlohmann::json raw;  // every key as loaded, in Kibana API shape (threat_match keys, author, ...)

  // Filled by the loader.
  kql::NodePtr filters_ast;                // AND of the enabled filters; null when none
  kql::NodePtr threat_filters_ast;         // threat_match: AND of the enabled threat_filters; null when none
  std::vector<const ExceptionItem*> exception_items;  // attached items (owned by the RuleSet)
  std::vector<Diagnostic> diagnostics;     // problems found while loading this rule (not the query)
};

// Everything loaded from a set of paths: rules, exception items, and per-file errors.
struct FileError {
  std::string path;
  uint32_t line = 0;  // NDJSON line, when relevant
  Diagnostic diag;
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<std::unique_ptr<ExceptionItem>> exception_items;
  std::vector<FileError> file_errors;  // files (or NDJSON lines) that gave no rule at all
  std::vector<ExceptionListRef> exception_lists;  // exception list containers loaded (export lines)
};

// Loads every rule file below the given paths (files or directories, recursively: *.toml,
// *.json, *.ndjson), attaches exception items to the rules whose exceptions_list names their
// list, and translates filters and exception items to ASTs. A broken file never stops the others.
RuleSet load_rules(const std::vector<std::string>& paths);

// obj[key] when obj is an object that has it, else null.
inline const nlohmann::json* json_member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// Durations and date math used by rules: "5m" -> 300000 ms; "now-6m" -> -360000 ms relative to now.
std::optional<int64_t> parse_interval_ms(std::string_view s);
std::optional<int64_t> parse_now_offset_ms(std::string_view s);

}  // namespace rulec
