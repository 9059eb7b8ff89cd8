// Exception list items (Kibana export, "type":"simple") -> KQL AST, as Kibana's buildExceptionFilter builds them.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/frontend/ast.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/rule.h"

namespace rulec {

// How entries map (Kibana build_exception_filter.ts; "excluded" wraps the entry in Not):
//   match     {field, value}        -> Is(field, "value") quoted   (Kibana: match_phrase)
//   match_any {field, value: [...]} -> Or of quoted Is             (Kibana: should of match_phrase)
//   wildcard  {field, value}        -> Is(field, Pattern) from ES wildcard syntax (`*`, `?`, `\`
//                                      escapes), case-SENSITIVE: Kibana sends {wildcard: {field: value}}
//                                      with no case_insensitive flag
//   exists    {field}               -> Exists(field)
//   nested    {field, entries}      -> Nested(field, AND of the inner entries, fields relative)
//   list      {field, list: {id}}   -> RUL303 error: the value list's contents are not in the export
// The entries of an item are ANDed; the item is not negated here (the rule negates each item).
// os_types [o...] adds, first, Or(host.os.type:"o"..., host.os.name.caseless:"o"...), as Kibana's
// transformOsType does.

// The AND of `entries`; null after RUL303 diagnostics when any entry cannot be translated.
// Fields with leading/trailing blanks are kept as written (Elasticsearch looks them up verbatim,
// so such an entry never matches) and get a RUL303 warning.
kql::NodePtr translate_exception_entries(const nlohmann::json& entries, std::vector<Diagnostic>& diags);

// translate_exception_entries plus the os_types clause.
kql::NodePtr translate_exception_item(const nlohmann::json& entries, const std::vector<std::string>& os_types,
                                      std::vector<Diagnostic>& diags);

// An item from its exported object. Diagnostics (in item->diagnostics) are prefixed with the
// item's name and item_id. Returns null (and sets *error) when the object is not an item at all
// (not an object, or no list_id to attach it by).
std::unique_ptr<ExceptionItem> exception_item_from_json(const nlohmann::json& obj, std::string* error = nullptr);

}  // namespace rulec
