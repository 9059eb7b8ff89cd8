// detection-rules TOML: [rule] table -> API-shape JSON (new terms flattened) -> the rule model.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <sstream>

#include "compiler/frontend/rule_loader_internal.h"

namespace rulec::detail {
namespace {

using json = nlohmann::json;

// A TOML value as JSON: tables -> objects, arrays -> arrays, dates and times -> their TOML text.
json to_json(const toml::node& n) {
  if (auto t = n.as_table()) {
    json o = json::object();
    for (auto&& [k, v] : *t) o[std::string(k.str())] = to_json(v);
    return o;
  }
  if (auto a = n.as_array()) {
    json arr = json::array();
    for (const auto& v : *a) arr.push_back(to_json(v));
    return arr;
  }
  if (auto s = n.as_string()) return s->get();
  if (auto i = n.as_integer()) return i->get();
  if (auto f = n.as_floating_point()) return f->get();
  if (auto b = n.as_boolean()) return b->get();
  std::ostringstream os;
  if (auto d = n.as_date())
    os << *d;
  else if (auto t = n.as_time())
    os << *t;
  else if (auto dt = n.as_date_time())
    os << *dt;
  return os.str();
}

void key_error(Rule& rule, std::string_view key, const std::string& why, uint32_t line) {
  Diagnostic d;
  d.severity = Severity::Error;
  d.code = std::string(diag::kRuleField);
  d.offending = std::string(key);
  d.message = fmt::format("rule key '{}' {} (line {})", key, why, line);
  rule.diagnostics.push_back(std::move(d));
}

// [rule.new_terms] field = "new_terms_fields", value = [...] with
// [[rule.new_terms.history_window_start]] field = "history_window_start", value = "now-7d"
// -> top-level new_terms_fields and history_window_start, as the Kibana API has them.
void flatten_new_terms(json& r, Rule& rule, KeyLines& lines) {
  auto it = r.find("new_terms");
  if (it == r.end()) return;
  uint32_t line = lines.count("new_terms") ? lines["new_terms"] : 0;
  const json nt = *it;
  if (!nt.is_object() || nt.value("field", json()) != "new_terms_fields" || !nt.contains("value")) {
    key_error(rule, "new_terms", "must be a table with field = \"new_terms_fields\" and value = [fields]", line);
    return;
  }
  r["new_terms_fields"] = nt["value"];
  lines["new_terms_fields"] = line;
  if (auto h = nt.find("history_window_start"); h != nt.end()) {
    bool found = false;
    if (h->is_array())
      for (const auto& e : *h)
        if (e.is_object() && e.value("field", json()) == "history_window_start" && e.contains("value")) {
          r["history_window_start"] = e["value"];
          found = true;
        }
    if (!found) {
      key_error(rule, "new_terms.history_window_start",
                "must be [[rule.new_terms.history_window_start]] with field = \"history_window_start\" and a value",
                line);
      return;
    }
    lines["history_window_start"] = line;
  }
  r.erase("new_terms");
}

}  // namespace

void load_toml_text(const std::string& path, std::string_view text, RuleSet& out) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    out.file_errors.push_back(file_error(path, b.line ? b.line : 1, b.column ? b.column : 1,
                                         fmt::format("invalid TOML: {}", e.description())));
    return;
  } catch (const std::exception& e) {
    out.file_errors.push_back(file_error(path, 1, 1, fmt::format("invalid TOML: {}", e.what())));
    return;
  }
  if (doc.empty()) {
    out.file_errors.push_back(file_error(path, 1, 1, "empty file: expected a [rule] table"));
    return;
  }
  const toml::node* rule_node = doc.get("rule");
  if (!rule_node || !rule_node->is_table()) {
    uint32_t line = rule_node ? rule_node->source().begin.line : 1;
    out.file_errors.push_back(
        file_error(path, line ? line : 1, 1, rule_node ? "'rule' is not a table" : "no [rule] table in the file"));
    return;
  }
  const toml::table& table = *rule_node->as_table();
  KeyLines lines;
  for (auto&& [k, v] : table) lines[std::string(k.str())] = v.source().begin.line;
  json api = to_json(table);
  // The repository's [metadata] dates stand for the saved object's (a rule installed from it
  // has them as the prebuilt package's): 2020/02/18 -> 2020-02-18T00:00:00.000Z.
  if (const toml::table* meta = doc["metadata"].as_table()) {
    for (auto [from, to] : {std::pair{"creation_date", "created_at"}, std::pair{"updated_date", "updated_at"}}) {
      const auto date = (*meta)[from].value<std::string>();
      if (!date || api.contains(to) || date->size() != 10 || (*date)[4] != '/' || (*date)[7] != '/') continue;
      api[to] = date->substr(0, 4) + "-" + date->substr(5, 2) + "-" + date->substr(8, 2) + "T00:00:00.000Z";
    }
  }
  Rule rule;
  flatten_new_terms(api, rule, lines);
  if (rule_from_api_json(api, RuleOrigin{path, 0}, rule, &lines)) {
    out.rules.push_back(std::move(rule));
    return;
  }
  std::string why = "the [rule] table has no rule_id or name";
  for (const auto& d : rule.diagnostics) why += "; " + d.message;
  uint32_t line = table.source().begin.line;
  out.file_errors.push_back(file_error(path, line ? line : 1, 1, why));
}

}  // namespace rulec::detail
