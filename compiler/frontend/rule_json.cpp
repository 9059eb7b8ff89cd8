// Kibana rule JSON (one object) and export NDJSON: the API-shape rule filler and the object sorter.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "compiler/frontend/es_dsl.h"
#include "compiler/frontend/exception_items.h"
#include "compiler/frontend/rule_loader_internal.h"

namespace rulec::detail {
namespace {

using json = nlohmann::json;

// Reads keys of one rule object, recording a RUL301 diagnostic for each missing or mistyped one.
class Reader {
 public:
  Reader(const json& obj, Rule& rule, const KeyLines* lines) : obj_(obj), rule_(rule), lines_(lines) {}

  void error(std::string_view key, const std::string& why) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = std::string(diag::kRuleField);
    d.offending = std::string(key);
    d.message = fmt::format("rule key '{}' {}", key, why);
    std::string_view top = key.substr(0, key.find('.'));
    if (lines_)
      if (auto it = lines_->find(top); it != lines_->end()) d.message += fmt::format(" (line {})", it->second);
    rule_.diagnostics.push_back(std::move(d));
  }

  // The value of `key`; null JSON counts as absent (Kibana exports write `"filters": null`).
  const json* get(const json& obj, std::string_view key) const {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  const json* get(std::string_view key) const { return get(obj_, key); }

  std::optional<std::string> string(std::string_view key, bool required, bool nonempty = false) {
    return string_in(obj_, key, key, required, nonempty);
  }

  std::optional<std::string> string_in(const json& obj, std::string_view key, std::string_view label, bool required,
                                       bool nonempty = false) {
    const json* p = get(obj, key);
    if (!p) {
      if (required) error(label, "is missing");
      return std::nullopt;
    }
    if (!p->is_string()) return error(label, fmt::format("must be a string, found {}", p->type_name())), std::nullopt;
    if (nonempty && p->get_ref<const std::string&>().empty()) return error(label, "must not be empty"), std::nullopt;
    return p->get<std::string>();
  }

  std::optional<int64_t> integer_in(const json& obj, std::string_view key, std::string_view label, bool required,
                                    int64_t min, int64_t max) {
    const json* p = get(obj, key);
    if (!p) {
      if (required) error(label, "is missing");
      return std::nullopt;
    }
    std::optional<int64_t> v;
    if (p->is_number_unsigned()) {
      if (p->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) v = p->get<int64_t>();
    } else if (p->is_number_integer()) {
      v = p->get<int64_t>();
    } else if (p->is_number_float()) {
      double d = p->get<double>();
      if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -9.2e18 && d < 9.2e18) v = static_cast<int64_t>(d);
    }
    if (!v) return error(label, fmt::format("must be an integer, found {}", p->dump())), std::nullopt;
    if (*v < min || *v > max) {
      if (max == std::numeric_limits<int64_t>::max())
        error(label, fmt::format("must be at least {}, found {}", min, *v));
      else
        error(label, fmt::format("must be between {} and {}, found {}", min, max, *v));
      return std::nullopt;
    }
    return v;
  }
  std::optional<int64_t> integer(std::string_view key, bool required, int64_t min,
                                 int64_t max = std::numeric_limits<int64_t>::max()) {
    return integer_in(obj_, key, key, required, min, max);
  }

  std::optional<std::vector<std::string>> strings(std::string_view key, bool required) {
    const json* p = get(key);
    if (!p) {
      if (required) error(key, "is missing");
      return std::nullopt;
    }
    std::vector<std::string> out;
    if (p->is_array()) {
      for (const auto& v : *p) {
        if (!v.is_string()) break;
        out.push_back(v.get<std::string>());
      }
      if (out.size() == p->size()) return out;
    }
    error(key, fmt::format("must be an array of strings, found {}", p->dump().substr(0, 80)));
    return std::nullopt;
  }

 private:
  const json& obj_;
  Rule& rule_;
  const KeyLines* lines_;
};

bool query_family(RuleType t) {
  return t == RuleType::Query || t == RuleType::NewTerms || t == RuleType::Threshold || t == RuleType::ThreatMatch;
}

void read_new_terms(Reader& r, Rule& rule) {
  NewTermsSpec nt;
  bool ok = true;
  if (auto f = r.strings("new_terms_fields", true)) {
    nt.fields = *f;
    if (f->empty() || f->size() > 3) {
      r.error("new_terms_fields", fmt::format("must name 1 to 3 fields, found {}", f->size()));
      ok = false;
    } else if (std::any_of(f->begin(), f->end(), [](const std::string& s) { return s.empty(); })) {
      r.error("new_terms_fields", "must not contain an empty field name");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (auto h = r.string("history_window_start", true, true)) {
    nt.history_window_start = *h;
    auto ms = parse_now_offset_ms(*h);
    auto from = parse_now_offset_ms(rule.from);
    if (!ms) {
      r.error("history_window_start", fmt::format("'{}' is not date math like now-7d", *h));
      ok = false;
    } else if (from && *ms >= *from) {
      r.error("history_window_start", fmt::format("'{}' must be earlier than from '{}'", *h, rule.from));
      ok = false;
    }
  } else {
    ok = false;
  }
  if (ok) rule.new_terms = std::move(nt);
}

void read_threshold(Reader& r, Rule& rule) {
  const json* t = r.get("threshold");
  if (!t) return r.error("threshold", "is missing");
  if (!t->is_object()) return r.error("threshold", fmt::format("must be an object, found {}", t->type_name()));
  ThresholdSpec spec;
  bool ok = true;
  if (const json* f = r.get(*t, "field")) {
    if (f->is_string()) {
      if (!f->get_ref<const std::string&>().empty()) spec.fields.push_back(f->get<std::string>());
    } else if (f->is_array() && std::all_of(f->begin(), f->end(), [](const json& v) { return v.is_string(); })) {
      for (const auto& v : *f)
        if (!v.get_ref<const std::string&>().empty()) spec.fields.push_back(v.get<std::string>());
    } else {
      r.error("threshold.field", "must be a field name or an array of them");
      ok = false;
    }
  }
  if (auto v = r.integer_in(*t, "value", "threshold.value", true, 1, std::numeric_limits<int64_t>::max()))
    spec.value = *v;
  else
    ok = false;
  if (const json* c = r.get(*t, "cardinality")) {
    if (!c->is_array()) {
      r.error("threshold.cardinality", "must be an array of {field, value}");
      ok = false;
    } else {
      for (const auto& e : *c) {
        ThresholdCardinality tc;
        auto f = e.is_object() ? r.string_in(e, "field", "threshold.cardinality.field", true, true) : std::nullopt;
        auto v = e.is_object() ? r.integer_in(e, "value", "threshold.cardinality.value", true, 0,
                                              std::numeric_limits<int64_t>::max())
                               : std::nullopt;
        if (!e.is_object()) r.error("threshold.cardinality", "entries must be objects {field, value}");
        if (!f || !v) {
          ok = false;
          continue;
        }
        spec.cardinality.push_back({*f, *v});
      }
    }
  }
  if (ok) rule.threshold = std::move(spec);
}

void read_exceptions_list(Reader& r, Rule& rule) {
  const json* p = r.get("exceptions_list");
  if (!p) return;
  if (!p->is_array()) return r.error("exceptions_list", fmt::format("must be an array, found {}", p->type_name()));
  for (const auto& e : *p) {
    if (!e.is_object()) {
      r.error("exceptions_list", "entries must be objects {id, list_id, namespace_type, type}");
      continue;
    }
    ExceptionListRef ref;
    ref.id = r.string_in(e, "id", "exceptions_list.id", false).value_or("");
    ref.list_id = r.string_in(e, "list_id", "exceptions_list.list_id", false).value_or("");
    ref.namespace_type = r.string_in(e, "namespace_type", "exceptions_list.namespace_type", false).value_or("single");
    ref.type = r.string_in(e, "type", "exceptions_list.type", false).value_or("detection");
    if (ref.id.empty() && ref.list_id.empty()) {
      r.error("exceptions_list", "entries need a list_id or an id");
      continue;
    }
    rule.exceptions_list.push_back(std::move(ref));
  }
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: reason" -> "reason".
std::string json_reason(const std::string& what) {
  if (auto p = what.find("column "); p != std::string::npos)
    if (auto c = what.find(": ", p); c != std::string::npos) return what.substr(c + 2);
  auto b = what.find("] ");
  return b == std::string::npos ? what : what.substr(b + 2);
}

constexpr size_t kMaxJsonDepth = 512;  // deeper documents are refused (copying them would recurse)

// Offset where `text` first nests arrays/objects deeper than kMaxJsonDepth, or npos.
size_t too_deep_at(std::string_view text) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Parses `text` as one JSON value; on error returns false and fills line/column/reason
// (line and column inside `text`).
bool parse_json(std::string_view text, json& out, uint32_t& line, uint32_t& column, std::string& reason) {
  if (size_t at = too_deep_at(text); at != std::string_view::npos) {
    SourcePos p = position_of(text, static_cast<uint32_t>(at));
    line = p.line;
    column = p.column;
    reason = fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth);
    return false;
  }
  try {
    out = json::parse(text.begin(), text.end());
    return true;
  } catch (const json::parse_error& e) {
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    SourcePos p = position_of(text, static_cast<uint32_t>(std::min(at, text.size())));
    line = p.line;
    column = p.column;
    reason = "invalid JSON: " + json_reason(e.what());
  } catch (const std::exception& e) {
    line = 1;
    column = 1;
    reason = fmt::format("invalid JSON: {}", e.what());
  }
  return false;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

bool rule_from_api_json(const nlohmann::json& obj, const RuleOrigin& origin, Rule& rule, const KeyLines* lines) {
  rule.origin = origin;
  rule.raw = obj;
  Reader r(obj, rule, lines);
  if (!obj.is_object()) {
    r.error("rule", fmt::format("a rule must be a JSON object, found {}", obj.type_name()));
    return false;
  }
  if (auto v = r.string("rule_id", true, true)) rule.rule_id = *v;
  if (auto v = r.string("name", true, true)) rule.name = *v;
  if (auto v = r.string("description", false)) rule.description = *v;
  if (auto v = r.string("type", true, true)) {
    rule.type_name = *v;
    rule.type = rule_type_from(*v);
    if (rule.type == RuleType::Unknown) r.error("type", fmt::format("has an unknown rule type '{}'", *v));
  }
  if (auto v = r.string("language", false))
    rule.language = *v;
  else if (query_family(rule.type))
    rule.language = "kuery";  // Kibana's default for these types
  else if (rule.type == RuleType::Eql || rule.type == RuleType::Esql)
    rule.language = rule.type_name;
  bool needs_query =
      rule.type != RuleType::MachineLearning && rule.type != RuleType::Saved && rule.type != RuleType::Unknown;
  if (auto v = r.string("query", needs_query)) rule.query = *v;
  if (auto v = r.strings("index", false)) rule.index = *v;
  if (auto v = r.string("from", false, true)) {
    if (parse_now_offset_ms(*v))
      rule.from = *v;
    else
      r.error("from", fmt::format("'{}' is not date math like now-6m", *v));
  }
  if (auto v = r.string("to", false, true)) {
    if (parse_now_offset_ms(*v))
      rule.to = *v;
    else
      r.error("to", fmt::format("'{}' is not date math like now", *v));
  }
  if (auto v = r.string("interval", false, true)) {
    auto ms = parse_interval_ms(*v);
    if (ms && *ms > 0)
      rule.interval = *v;
    else
      r.error("interval", fmt::format("'{}' is not a positive duration like 5m", *v));
  }
  if (auto v = r.integer("max_signals", false, 1)) rule.max_signals = *v;
  // Required, as Kibana's rule API has them (it refuses a rule without either).
  if (auto v = r.integer("risk_score", true, 0, 100)) rule.risk_score = *v;
  if (auto v = r.string("severity", true)) {
    if (*v == "low" || *v == "medium" || *v == "high" || *v == "critical")
      rule.severity = *v;
    else
      r.error("severity", fmt::format("must be low, medium, high or critical, found '{}'", *v));
  }
  if (auto v = r.strings("tags", false)) rule.tags = *v;
  if (const json* t = r.get("threat")) {
    if (t->is_array())
      rule.threat = *t;
    else
      r.error("threat", fmt::format("must be an array, found {}", t->type_name()));
  }
  if (auto v = r.string("note", false)) rule.note = *v;
  if (auto v = r.string("timestamp_override", false, true)) rule.timestamp_override = *v;
  if (const json* f = r.get("filters")) {
    if (f->is_array()) {
      rule.filters = *f;
      rule.filters_ast = translate_filters(*f, rule.diagnostics);
    } else {
      r.error("filters", fmt::format("must be an array, found {}", f->type_name()));
    }
  }
  if (const json* f = r.get("threat_filters"); f && rule.type == RuleType::ThreatMatch) {
    if (f->is_array())
      rule.threat_filters_ast = translate_filters(*f, rule.diagnostics);
    else
      r.error("threat_filters", fmt::format("must be an array, found {}", f->type_name()));
  }
  read_exceptions_list(r, rule);
  if (const json* a = r.get("alert_suppression")) {
    if (a->is_object())
      rule.alert_suppression = *a;
    else
      r.error("alert_suppression", fmt::format("must be an object, found {}", a->type_name()));
  }
  if (auto v = r.string("building_block_type", false)) rule.building_block_type = *v;
  if (auto v = r.integer("version", false, 1)) rule.version = *v;
  if (rule.type == RuleType::NewTerms) read_new_terms(r, rule);
  if (rule.type == RuleType::Threshold) read_threshold(r, rule);
  return !rule.rule_id.empty() || !rule.name.empty();
}

FileError file_error(std::string path, uint32_t line, uint32_t column, std::string message, std::string_view code) {
  FileError fe;
  fe.path = std::move(path);
  fe.line = line;
  fe.diag.severity = Severity::Error;
  fe.diag.code = std::string(code);
  fe.diag.message = std::move(message);
  if (line != 0) fe.diag.pos = SourcePos{0, line, column == 0 ? 1 : column};
  return fe;
}

void add_json_object(const nlohmann::json& obj, const std::string& path, uint32_t line, RuleSet& out) {
  std::string where = line ? fmt::format("NDJSON line {}: ", line) : std::string();
  if (!obj.is_object()) {
    out.file_errors.push_back(
        file_error(path, line ? line : 1, 1,
                   fmt::format("{}expected one JSON object (a rule), found {}{}", where, obj.type_name(),
                               obj.is_array() ? "; write several rules as NDJSON" : "")));
    return;
  }
  auto str = [&](const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string type = str("type");
  bool has_rule_id = obj.contains("rule_id");
  if (obj.contains("exported_count")) return;                                    // export details line
  if (!has_rule_id && (type == "action" || obj.contains("attributes"))) return;  // action connector
  if (!has_rule_id && (obj.contains("item_id") || (type == "simple" && obj.contains("entries")))) {
    std::string why;
    auto item = exception_item_from_json(obj, &why);
    if (!item) {
      out.file_errors.push_back(file_error(path, line ? line : 1, 1, where + why));
      return;
    }
    item->path = path;
    item->line = line;
    out.exception_items.push_back(std::move(item));
    return;
  }
  if (!has_rule_id && obj.contains("list_id")) {  // an exception list container
    ExceptionListRef ref;
    ref.id = str("id");
    ref.list_id = str("list_id");
    ref.namespace_type = str("namespace_type").empty() ? "single" : str("namespace_type");
    ref.type = type;
    out.exception_lists.push_back(std::move(ref));
    return;
  }
  Rule rule;
  if (rule_from_api_json(obj, RuleOrigin{path, line}, rule)) {
    out.rules.push_back(std::move(rule));
    return;
  }
  std::string why = "no rule_id or name";
  for (const auto& d : rule.diagnostics) why += "; " + d.message;
  out.file_errors.push_back(file_error(path, line ? line : 1, 1, where + why));
}

void load_json_text(const std::string& path, std::string_view text, RuleSet& out) {
  if (blank(text)) {
    out.file_errors.push_back(file_error(path, 1, 1, "empty file: expected a JSON rule object"));
    return;
  }
  json obj;
  uint32_t line = 0, column = 0;
  std::string reason;
  if (!parse_json(text, obj, line, column, reason)) {
    out.file_errors.push_back(file_error(path, line, column, reason));
    return;
  }
  add_json_object(obj, path, 0, out);
}

void load_ndjson_text(const std::string& path, std::string_view text, RuleSet& out) {
  uint32_t line_no = 0;
  bool any = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (blank(line)) continue;
    any = true;
    json obj;
    uint32_t l = 0, column = 0;
    std::string reason;
    if (!parse_json(line, obj, l, column, reason)) {
      out.file_errors.push_back(file_error(path, line_no, column, fmt::format("NDJSON line {}: {}", line_no, reason)));
      continue;
    }
    add_json_object(obj, path, line_no, out);
  }
  if (!any) out.file_errors.push_back(file_error(path, 1, 1, "empty file: expected one JSON object per line"));
}

}  // namespace rulec::detail
