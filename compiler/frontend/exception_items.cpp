// Translation of exception item entries (match, match_any, wildcard, exists, nested, list) to KQL AST.
#include "compiler/frontend/exception_items.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "compiler/frontend/es_dsl.h"

namespace rulec {
namespace {

using json = nlohmann::json;
using kql::NodePtr;

Diagnostic make_diag(Severity sev, std::string message, std::string offending = {}) {
  Diagnostic d;
  d.severity = sev;
  d.code = std::string(diag::kRuleException);
  d.message = std::move(message);
  d.offending = std::move(offending);
  return d;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class EntryTranslator {
 public:
  explicit EntryTranslator(std::vector<Diagnostic>& diags) : diags_(diags) {}

  NodePtr entries(const json& list, const std::string& where, bool in_nested) {
    if (!list.is_array() || list.empty()) return fail(where, "'entries' must be a non-empty array");
    std::vector<NodePtr> parts;
    bool ok = true;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string w = where.empty() ? fmt::format("entry {}", i + 1) : fmt::format("{}, entry {}", where, i + 1);
      NodePtr n = entry(list[i], w, in_nested);
      if (!n)
        ok = false;
      else
        parts.push_back(std::move(n));
    }
    if (!ok) return nullptr;
    return kql::make_and(std::move(parts));
  }

 private:
  std::vector<Diagnostic>& diags_;

  NodePtr fail(const std::string& where, const std::string& why, std::string offending = {}) {
    diags_.push_back(
        make_diag(Severity::Error, where.empty() ? why : fmt::format("{}: {}", where, why), std::move(offending)));
    return nullptr;
  }

  static std::string str(const json& e, const char* key) {
    auto it = e.find(key);
    return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  NodePtr entry(const json& e, const std::string& where, bool in_nested) {
    if (!e.is_object()) return fail(where, "an entry must be an object");
    std::string type = str(e, "type");
    std::string field = str(e, "field");
    if (type.empty()) return fail(where, "the entry has no 'type'");
    if (field.empty()) return fail(where, fmt::format("the {} entry has no 'field'", type));
    if (is_blank(field.front()) || is_blank(field.back()))
      diags_.push_back(make_diag(Severity::Warning,
                                 fmt::format("{}: field '{}' has leading or trailing blanks; Elasticsearch looks it up "
                                             "as written, so this entry never matches",
                                             where, field),
                                 field));
    std::string w = fmt::format("{} ({} on '{}')", where, type, field);
    if (type == "nested") {
      if (in_nested) return fail(w, "a nested entry cannot hold another nested entry", type);
      NodePtr inner = entries(e.contains("entries") ? e["entries"] : json(), w, true);
      if (!inner) return nullptr;
      return kql::make_nested(kql::literal(field), std::move(inner));
    }
    std::string op = str(e, "operator");
    if (op != "included" && op != "excluded") return fail(w, "'operator' must be \"included\" or \"excluded\"", op);
    NodePtr n;
    const json value = e.contains("value") ? e["value"] : json();
    if (type == "match") {
      if (!value.is_string() || value.get<std::string>().empty()) return fail(w, "'value' must be a non-empty string");
      n = is(field, kql::literal(value.get<std::string>(), true));
    } else if (type == "match_any") {
      if (!value.is_array() || value.empty()) return fail(w, "'value' must be a non-empty array of strings");
      std::vector<NodePtr> alts;
      for (const auto& v : value) {
        if (!v.is_string()) return fail(w, "'value' must be a non-empty array of strings");
        alts.push_back(is(field, kql::literal(v.get<std::string>(), true)));
      }
      n = kql::make_or(std::move(alts));
    } else if (type == "wildcard") {
      if (!value.is_string() || value.get<std::string>().empty()) return fail(w, "'value' must be a non-empty string");
      n = is(field, parse_es_wildcard(value.get<std::string>(), /*case_insensitive=*/false));
    } else if (type == "exists") {
      n = kql::make_exists(kql::literal(field));
    } else if (type == "list") {
      std::string id = e.contains("list") && e["list"].is_object() ? str(e["list"], "id") : std::string();
      return fail(w,
                  fmt::format("value list '{}' not available: value lists are not part of a rules export, so this "
                              "exception cannot be applied",
                              id),
                  id);
    } else {
      return fail(w, fmt::format("unknown exception entry type '{}'", type), type);
    }
    return op == "excluded" ? kql::make_not(std::move(n)) : std::move(n);
  }

  static NodePtr is(const std::string& field, kql::Pattern value) {
    kql::Value v;
    v.pattern = std::move(value);
    return kql::make_is(kql::literal(field), std::move(v));
  }
};

}  // namespace

kql::NodePtr translate_exception_entries(const nlohmann::json& entries, std::vector<Diagnostic>& diags) {
  return EntryTranslator(diags).entries(entries, "", false);
}

kql::NodePtr translate_exception_item(const nlohmann::json& entries, const std::vector<std::string>& os_types,
                                      std::vector<Diagnostic>& diags) {
  NodePtr body = translate_exception_entries(entries, diags);
  if (!body || os_types.empty()) return body;
  std::vector<NodePtr> os;
  for (const char* field : {"host.os.type", "host.os.name.caseless"})
    for (const auto& t : os_types) {
      kql::Value v;
      v.pattern = kql::literal(t, true);
      os.push_back(kql::make_is(kql::literal(field), std::move(v)));
    }
  std::vector<NodePtr> parts;
  parts.push_back(kql::make_or(std::move(os)));
  parts.push_back(std::move(body));
  return kql::make_and(std::move(parts));
}

namespace {

// The list types an exception may name that the runtime compares (Kibana's list types; the
// others, dates, ranges of numbers and dates, shapes, are refused).
bool known_list_type(const std::string& t) {
  static const char* const kTypes[] = {"keyword", "text",    "ip",    "ip_range",   "long",  "integer", "short",
                                       "byte",    "double",  "float", "half_float", "binary", "boolean"};
  return std::any_of(std::begin(kTypes), std::end(kTypes), [&](const char* k) { return t == k; });
}

std::string string_member(const json& o, const char* key) {
  auto it = o.is_object() ? o.find(key) : o.end();
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Items with value-list entries (type "list"). Kibana applies an item made of list entries only
// after the search (filterEventsAgainstList) and leaves an item mixing a list with other entries
// out of its query. True when the item is one of these: its entries in item.value_lists, or an
// error in `diags`; false when it has no list entry (translated as a query).
bool read_value_lists(ExceptionItem& item, std::vector<Diagnostic>& diags) {
  const json& entries = item.entries;
  if (!entries.is_array()) return false;
  size_t lists = 0;
  for (const auto& e : entries) lists += string_member(e, "type") == "list";
  if (lists == 0) return false;
  if (lists != entries.size() || !item.os_types.empty()) {
    diags.push_back(make_diag(Severity::Error,
                              "an item mixing value lists with other entries (or with os_types) is not applied: "
                              "Kibana leaves it out of its query and filters events only with items made of list entries",
                              "list"));
    return true;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    const json list = e.contains("list") ? e["list"] : json();
    const std::string op = string_member(e, "operator");
    ValueListRef ref{string_member(e, "field"), string_member(list, "id"), string_member(list, "type"), op != "excluded"};
    std::string why;
    if (ref.field.empty()) why = "the list entry has no 'field'";
    else if (ref.id.empty()) why = "the list entry has no 'list.id'";
    else if (op != "included" && op != "excluded") why = "'operator' must be \"included\" or \"excluded\"";
    else if (!known_list_type(ref.type)) why = fmt::format("value list type '{}' is not supported", ref.type);
    if (!why.empty()) {
      diags.push_back(make_diag(Severity::Error, fmt::format("entry {} (list on '{}'): {}", i + 1, ref.field, why), ref.id));
      item.value_lists.clear();
      return true;
    }
    item.value_lists.push_back(std::move(ref));
  }
  return true;
}

}  // namespace

std::unique_ptr<ExceptionItem> exception_item_from_json(const nlohmann::json& obj, std::string* error) {
  auto set_error = [&](std::string why) {
    if (error) *error = std::move(why);
    return nullptr;
  };
  if (!obj.is_object()) return set_error("an exception item must be a JSON object");
  auto get = [&](const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto item = std::make_unique<ExceptionItem>();
  item->item_id = get("item_id");
  item->list_id = get("list_id");
  item->name = get("name");
  item->id = get("id");
  item->namespace_type = get("namespace_type");
  if (item->namespace_type.empty()) item->namespace_type = "single";
  item->expire_time = get("expire_time");
  if (item->list_id.empty()) return set_error(fmt::format("exception item '{}' has no list_id", item->item_id));
  item->entries = obj.contains("entries") ? obj["entries"] : nlohmann::json();
  std::string label =
      fmt::format("exception item '{}' ({})", item->name, item->item_id.empty() ? item->id : item->item_id);
  std::vector<Diagnostic> diags;
  bool os_ok = true;
  if (auto os = obj.find("os_types"); os != obj.end() && !os->is_null()) {
    if (!os->is_array())
      os_ok = false;
    else
      for (const auto& t : *os) {
        if (!t.is_string())
          os_ok = false;
        else
          item->os_types.push_back(t.get<std::string>());
      }
    if (!os_ok) diags.push_back(make_diag(Severity::Error, "'os_types' must be an array of strings", "os_types"));
  }
  if (!read_value_lists(*item, diags)) {
    item->ast = translate_exception_item(item->entries, item->os_types, diags);
    if (!os_ok) item->ast.reset();
  }
  for (auto& d : diags) {
    d.message = fmt::format("{}: {}", label, d.message);
    item->diagnostics.push_back(std::move(d));
  }
  return item;
}

}  // namespace rulec
