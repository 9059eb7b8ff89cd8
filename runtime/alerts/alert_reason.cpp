// kibana.alert.reason: Kibana's reason template (reason_formatters.ts, buildReasonMessageUtil).
//
// Kibana's ICU message (i18n id xpack.securitySolution.detectionEngine.signals.alertReasonDescription),
// written as concatenation:
//   [category " "] "event" [" with"] [" process " P ","] [" parent process " PP ","] [" file " F ","]
//   [" source " SIP][":" SPORT ","] [" destination " DIP][":" DPORT ","] [" by " USER] [" on " HOST]
//   " created " SEVERITY " alert " NAME "."
#include "runtime/alerts/alert_reason.h"

#include <cmath>
#include <optional>

#include <fmt/format.h>

namespace rulec::rt {

namespace {

using ojson = nlohmann::ordered_json;

// JavaScript's Number.prototype.toString for the numbers JSON holds (integers as written).
std::string js_number(const ojson& v) {
  if (v.is_number_integer()) return v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : std::to_string(v.get<int64_t>());
  const double d = v.get<double>();
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e21) return fmt::format("{:.0f}", d);
  return fmt::format("{}", d);
}

// Array.prototype.join(", ") of one element: null is "", an array joins with ",", an object is
// "[object Object]".
std::string js_text(const ojson& v, bool nested = false) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return js_number(v);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  if (v.is_array()) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? (nested ? "," : ", ") : "") + js_text(v[i], true);
    return out;
  }
  return "[object Object]";
}

// lodash getOr(null, path): the whole dotted path as one key when the document has it, else the
// path split at every dot, walked key by key.
const ojson* source_at(const ojson& doc, std::string_view path) {
  if (!doc.is_object()) return nullptr;
  auto whole = doc.find(std::string(path));
  if (whole != doc.end()) return &*whole;
  const ojson* cur = &doc;
  while (true) {
    const size_t dot = path.find('.');
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(path.substr(0, dot)));
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) return cur;
    path = path.substr(dot + 1);
  }
}

// The `fields` API's value: every leaf at `path`, through objects and arrays of objects.
void collect_leaves(const ojson& v, std::string_view path, ojson& out) {
  if (v.is_array()) {
    for (const auto& e : v) collect_leaves(e, path, out);
    return;
  }
  if (path.empty()) {
    if (!v.is_object() && !v.is_null()) out.push_back(v);
    return;
  }
  if (!v.is_object()) return;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& k = it.key();
    if (path == k) {
      collect_leaves(it.value(), {}, out);
    } else if (path.size() > k.size() && path.compare(0, k.size(), k) == 0 && path[k.size()] == '.') {
      collect_leaves(it.value(), path.substr(k.size() + 1), out);
    }
  }
}

// getFieldTemplateValue: the text, or nullopt when the field counts as absent.
std::optional<std::string> template_value(const ojson& doc, ReasonView view, std::string_view path) {
  ojson value;
  if (view == ReasonView::Fields) {
    value = ojson::array();
    collect_leaves(doc, path, value);
  } else {
    const ojson* v = source_at(doc, path);
    if (!v) return std::nullopt;
    value = *v;
  }
  // `!field || !field.length`: null, "", [] and anything without a length (numbers, booleans, objects).
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.empty() || s == "-") return std::nullopt;
    return s;
  }
  if (!value.is_array() || value.empty()) return std::nullopt;
  if (value.size() == 1 && value[0].is_string() && value[0].get_ref<const std::string&>() == "-") return std::nullopt;
  return js_text(value);
}

}  // namespace

std::string kibana_reason(const ojson& doc, ReasonView view, std::string_view severity, std::string_view rule_name) {
  auto get = [&](std::string_view path) { return template_value(doc, view, path); };
  const auto category = get("event.category");
  const auto process = get("process.name"), parent = get("process.parent.name"), file = get("file.name");
  const auto source_ip = get("source.ip"), source_port = get("source.port");
  const auto destination_ip = get("destination.ip"), destination_port = get("destination.port");
  const auto user = get("user.name"), host = get("host.name");
  const bool of_interest = process || parent || file || source_ip || source_port || destination_ip || destination_port;
  std::string out;
  if (category) out += *category + " ";
  out += "event";
  if (of_interest) out += " with";
  if (process) out += " process " + *process + ",";
  if (parent) out += " parent process " + *parent + ",";
  if (file) out += " file " + *file + ",";
  if (source_ip) out += " source " + *source_ip;
  if (source_port) out += ":" + *source_port + ",";
  if (destination_ip) out += " destination " + *destination_ip;
  if (destination_port) out += ":" + *destination_port + ",";
  if (user) out += " by " + *user;
  if (host) out += " on " + *host;
  out += fmt::format(" created {} alert {}.", severity, rule_name);
  return out;
}

}  // namespace rulec::rt
