// Internal interface between the rule loader's parts: file walking, TOML, JSON/NDJSON, the rule filler.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "compiler/frontend/rule.h"

namespace rulec::detail {

inline constexpr uint64_t kMaxRuleFileBytes = 64ull << 20;  // larger files are refused

// Line of each key of a TOML [rule] table, so that messages can point at it (empty for JSON).
using KeyLines = std::map<std::string, uint32_t, std::less<>>;

// Fills `rule` from an API-shape rule object (a Kibana rule; TOML is converted to this shape
// first): every key of rule.h with defaults applied, `raw` = obj, RUL301 diagnostics naming each
// missing or mistyped key (appended to whatever rule.diagnostics already holds), filters translated
// into filters_ast. Returns false when the object has neither a rule_id nor a name: then there is
// no rule to report and the caller makes a FileError from rule.diagnostics.
bool rule_from_api_json(const nlohmann::json& obj, const RuleOrigin& origin, Rule& rule,
                        const KeyLines* lines = nullptr);

// A FileError whose diagnostic has `code`, the message, and (when line != 0) the position.
FileError file_error(std::string path, uint32_t line, uint32_t column, std::string message,
                     std::string_view code = diag::kRuleFile);

// Sorts one JSON object of a .json file or an NDJSON line into `out`: a rule, an exception list,
// an exception item; connectors and the export-details line are skipped. `line` is the NDJSON line
// (0 for a .json file).
void add_json_object(const nlohmann::json& obj, const std::string& path, uint32_t line, RuleSet& out);

// Parsers of one file's text; they append rules, items and errors to `out` and never throw.
void load_toml_text(const std::string& path, std::string_view text, RuleSet& out);
void load_json_text(const std::string& path, std::string_view text, RuleSet& out);
void load_ndjson_text(const std::string& path, std::string_view text, RuleSet& out);

// Links exception items to the rules whose exceptions_list names their list (by list_id, or by the
// list's saved-object id), copies item diagnostics onto those rules, and warns about lists that are
// referenced but not loaded.
void attach_exception_items(RuleSet& set);

}  // namespace rulec::detail
