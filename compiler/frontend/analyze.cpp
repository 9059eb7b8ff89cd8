// Front-end verdict for one loaded rule: eligibility, syntax, semantic checks, status.
#include "compiler/frontend/analyze.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/frontend/eql_lower.h"
#include "compiler/frontend/eql_parser.h"
#include "compiler/frontend/parser.h"
#include "compiler/frontend/semantic.h"
#include "compiler/frontend/unknown_fields.h"

namespace rulec {

const char* to_string(RuleStatus s) {
  switch (s) {
    case RuleStatus::Ok: return "ok";
    case RuleStatus::Unsupported: return "unsupported";
    case RuleStatus::Error: return "error";
  }
  return "?";
}

const char* to_string(RulePart p) {
  switch (p) {
    case RulePart::Rule: return "rule";
    case RulePart::Query: return "query";
    case RulePart::ThreatQuery: return "threat_query";
    case RulePart::Filters: return "filters";
    case RulePart::Exceptions: return "exceptions";
    case RulePart::NewTermsFields: return "new_terms_fields";
    case RulePart::Threshold: return "threshold";
  }
  return "?";
}

std::string_view part_text(const Rule& rule, RulePart part) {
  if (part == RulePart::Query) return rule.query;
  if (part == RulePart::ThreatQuery) {
    auto it = rule.raw.find("threat_query");
    if (it != rule.raw.end() && it->is_string()) return it->get_ref<const std::string&>();
  }
  return {};
}

namespace {

// Why the engine will not run a rule of this type/language, or empty when it will.
std::string ineligible_reason(const Rule& rule) {
  switch (rule.type) {
    case RuleType::Esql: return "ES|QL rules are not run by rulec (type esql)";
    case RuleType::MachineLearning: return "machine learning rules need Elastic's anomaly jobs (type machine_learning)";
    case RuleType::Saved: return "saved-query rules reference a Kibana saved object (type saved_query)";
    case RuleType::Unknown: return {};  // reported as an error by the loader
    default: break;
  }
  if (rule.type == RuleType::Eql) {
    if (rule.language != "eql") return fmt::format("an eql rule with query language '{}'", rule.language);
    return {};
  }
  if (rule.language != "kuery")
    return fmt::format("query language '{}' is not KQL", rule.language.empty() ? "(none)" : rule.language);
  return {};
}

void add_semantics(AnalyzedRule& out, RulePart part, const kql::Node& ast, const Schema& schema, std::string_view text) {
  for (auto& d : check_semantics(ast, schema, text)) out.diagnostics.push_back({part, std::move(d)});
  for (auto& d : check_field_names(ast, schema, text, out.unmapped_fields)) out.diagnostics.push_back({part, std::move(d)});
}

// One field named by a rule key (new_terms_fields, threshold): a KQL209 warning when it is a typo.
void add_key_field(AnalyzedRule& out, RulePart part, const std::string& field, const Schema& schema,
                   std::string_view where = {}) {
  FieldCheck c = check_field_name(schema, field);
  if (c.verdict == FieldVerdict::Unmapped) out.unmapped_fields.push_back(field);
  if (c.verdict == FieldVerdict::Typo)
    out.diagnostics.push_back({part, unknown_field_warning(field, c.suggestion, {}, where)});
}

// The fields an exception item's entries name as the author wrote them (a nested entry's inner
// fields below its path), not the translated tree, which adds the os_types fields.
void add_exception_fields(AnalyzedRule& out, const ExceptionItem& item, const Schema& schema) {
  if (!item.entries.is_array()) return;
  const std::string label =
      fmt::format("exception item '{}' ({})", item.name, item.item_id.empty() ? item.id : item.item_id);
  auto str = [](const nlohmann::json& e, const char* key) {  // never throws on a mistyped key
    auto f = e.find(key);
    return f != e.end() && f->is_string() ? f->get<std::string>() : std::string();
  };
  auto field_of = [&](const nlohmann::json& e) { return str(e, "field"); };
  for (size_t i = 0; i < item.entries.size(); ++i) {
    const nlohmann::json& e = item.entries[i];
    if (!e.is_object()) continue;
    const std::string field = field_of(e);
    // Blanks around a field name are already an exception-item warning (RUL303).
    if (field.empty() || std::isspace(static_cast<unsigned char>(field.front())) ||
        std::isspace(static_cast<unsigned char>(field.back())))
      continue;
    const std::string where = fmt::format("{}, entry {}", label, i + 1);
    auto inner = e.find("entries");
    if (str(e, "type") != "nested" || inner == e.end() || !inner->is_array()) {
      add_key_field(out, RulePart::Exceptions, field, schema, where);
      continue;
    }
    for (size_t j = 0; j < inner->size(); ++j) {
      const nlohmann::json& sub = (*inner)[j];
      const std::string name = sub.is_object() ? field_of(sub) : std::string();
      if (!name.empty())
        add_key_field(out, RulePart::Exceptions, field + "." + name, schema, fmt::format("{}, entry {}", where, j + 1));
    }
  }
}

// The fields the rule's other keys name: timestamp_override, rule_name_override, the
// severity and risk score mappings, alert suppression's group_by.
void add_rule_key_fields(AnalyzedRule& out, const Rule& rule, const Schema& schema) {
  auto check = [&](const nlohmann::json* field, const std::string& where) {
    if (field && field->is_string() && !field->get_ref<const std::string&>().empty())
      add_key_field(out, RulePart::Rule, field->get<std::string>(), schema, where);
  };
  if (rule.timestamp_override && !rule.timestamp_override->empty())
    add_key_field(out, RulePart::Rule, *rule.timestamp_override, schema, "timestamp_override");
  check(json_member(rule.raw, "rule_name_override"), "rule_name_override");
  for (const char* mapping : {"severity_mapping", "risk_score_mapping"})
    if (const auto* entries = json_member(rule.raw, mapping); entries && entries->is_array())
      for (size_t i = 0; i < entries->size(); ++i)
        check(json_member((*entries)[i], "field"), fmt::format("{} entry {}", mapping, i + 1));
  if (const auto* group_by = json_member(rule.alert_suppression, "group_by"); group_by && group_by->is_array())
    for (const auto& f : *group_by) check(&f, "alert_suppression.group_by");
}

// The category field of an EQL rule: event_category_override, else event.category.
std::string eql_category_field(const Rule& rule) {
  const nlohmann::json* o = json_member(rule.raw, "event_category_override");
  if (o && o->is_string() && !o->get_ref<const std::string&>().empty()) return o->get<std::string>();
  return "event.category";
}

// An EQL rule's query: parsed, lowered to the KQL tree family (eql_lower.h), checked. False when
// the rule is unsupported (out.status and the reason are set; nothing else is checked).
bool analyze_eql(AnalyzedRule& out, const Rule& rule, const Schema& schema) {
  auto parsed = eql::parse(rule.query);
  if (!parsed) {
    out.diagnostics.push_back({RulePart::Query, std::move(*parsed.error)});
    return true;
  }
  const eql::Query& q = *parsed.query;
  auto unsupported = [&](std::string why) {
    out.status = RuleStatus::Unsupported;
    out.unsupported_reason = std::move(why);
    return false;
  };
  if (!q.pipes.empty()) return unsupported("an EQL rule with head/tail pipes (Kibana takes max_signals instead)");
  const std::string category = eql_category_field(rule);
  // One filter lowered and checked; its tree, or null (errors, or unsupported: `why` is set).
  std::string why;
  auto lower = [&](const eql::EventFilter& f) -> kql::NodePtr {
    eql::LoweredFilter low = eql::lower_filter(f, schema, category);
    if (!low.unsupported.empty()) {
      if (why.empty()) why = "EQL: " + low.unsupported;
      return nullptr;
    }
    for (auto& d : low.diagnostics) out.diagnostics.push_back({RulePart::Query, std::move(d)});
    if (low.tree)
      for (auto& d : check_field_names(*low.tree, schema, rule.query, out.unmapped_fields))
        out.diagnostics.push_back({RulePart::Query, std::move(d)});
    return std::move(low.tree);
  };
  if (q.kind == eql::QueryKind::Event) {
    out.query = lower(q.event);
    return why.empty() ? true : unsupported(std::move(why));
  }
  // A sequence or a sample: every term (and the until term) is a filter of its own.
  auto check_keys = [&](const std::vector<eql::ExprPtr>& keys) {
    for (const auto& k : keys)
      for (auto& d : check_field_names(*kql::make_exists(kql::literal(k->field)), schema, rule.query, out.unmapped_fields)) {
        d.pos = k->pos;
        out.diagnostics.push_back({RulePart::Query, std::move(d)});
      }
  };
  check_keys(q.keys);
  for (const eql::Term& t : q.terms) {
    out.sequence_terms.push_back(lower(t.filter));
    check_keys(t.keys);
  }
  if (q.until) {
    out.sequence_terms.push_back(lower(q.until->filter));
    check_keys(q.until->keys);
  }
  if (!why.empty()) return unsupported(std::move(why));
  out.query = kql::make_not(kql::make_match_all());  // the sequence rule's own query never matches
  out.eql_sequence = std::make_shared<eql::Query>(std::move(*parsed.query));
  return true;
}

}  // namespace

void infer_field_types(const std::vector<Rule>& rules, const Schema& schema) {
  struct Inferring {  // lookups ignore inferences until every rule has been seen
    const Schema& s;
    explicit Inferring(const Schema& schema_in) : s(schema_in) { s.set_inferring(true); }
    ~Inferring() { s.set_inferring(false); }
  } inferring(schema);
  for (const Rule& rule : rules) {
    if (rule.type != RuleType::Eql) continue;
    const eql::ParseResult parsed = eql::parse(rule.query);
    if (!parsed) continue;
    const std::string category = eql_category_field(rule);
    auto infer = [&](const eql::EventFilter& f) { (void)eql::lower_filter(f, schema, category); };
    const eql::Query& q = *parsed.query;
    if (q.kind == eql::QueryKind::Event) infer(q.event);
    for (const eql::Term& t : q.terms) infer(t.filter);
    if (q.until) infer(q.until->filter);
  }
}

AnalyzedRule analyze(const Rule& rule, const Schema& schema, const std::vector<std::string>& value_lists) {
  AnalyzedRule out;
  out.rule = &rule;
  for (const auto& d : rule.diagnostics) out.diagnostics.push_back({RulePart::Rule, d});

  out.unsupported_reason = ineligible_reason(rule);
  if (!out.unsupported_reason.empty()) {
    // An ineligible rule is never an error, whatever else is odd about it.
    out.status = RuleStatus::Unsupported;
    return out;
  }

  if (rule.type == RuleType::Eql) {
    if (!analyze_eql(out, rule, schema)) return out;
  } else if (auto parsed = kql::parse(rule.query); !parsed) {
    out.diagnostics.push_back({RulePart::Query, std::move(*parsed.error)});
  } else {
    add_semantics(out, RulePart::Query, *parsed.ast, schema, rule.query);
    out.query = std::move(parsed.ast);
  }

  if (rule.type == RuleType::ThreatMatch) {
    std::string_view tq = part_text(rule, RulePart::ThreatQuery);
    if (!tq.empty()) {
      auto threat = kql::parse(tq);
      if (!threat) out.diagnostics.push_back({RulePart::ThreatQuery, std::move(*threat.error)});
      // The threat query runs against indicator indices, not the event schema: syntax only.
    }
  }
  if (rule.filters_ast) add_semantics(out, RulePart::Filters, *rule.filters_ast, schema, {});
  for (const ExceptionItem* item : rule.exception_items) {
    for (const ValueListRef& list : item->value_lists)
      if (std::find(value_lists.begin(), value_lists.end(), list.id) == value_lists.end())
        out.diagnostics.push_back(
            {RulePart::Exceptions,
             Diagnostic{Severity::Error, std::string(diag::kRuleException), {},
                        fmt::format("exception item '{}': value list '{}' not given: value lists are not part of a "
                                    "rules export; pass --value-list {}=FILE (one value per line)",
                                    item->name, list.id, list.id),
                        list.id,
                        {}}});
    if (!item->ast) continue;
    for (auto& d : check_semantics(*item->ast, schema, {})) out.diagnostics.push_back({RulePart::Exceptions, std::move(d)});
    add_exception_fields(out, *item, schema);
  }
  if (rule.new_terms)
    for (const auto& f : rule.new_terms->fields) add_key_field(out, RulePart::NewTermsFields, f, schema);
  if (rule.threshold) {
    for (const auto& f : rule.threshold->fields) add_key_field(out, RulePart::Threshold, f, schema, "field");
    for (const auto& c : rule.threshold->cardinality)
      add_key_field(out, RulePart::Threshold, c.field, schema, "cardinality field");
  }
  add_rule_key_fields(out, rule, schema);
  std::sort(out.unmapped_fields.begin(), out.unmapped_fields.end());
  out.unmapped_fields.erase(std::unique(out.unmapped_fields.begin(), out.unmapped_fields.end()), out.unmapped_fields.end());

  std::stable_sort(out.diagnostics.begin(), out.diagnostics.end(), [](const RuleDiagnostic& a, const RuleDiagnostic& b) {
    return a.diag.severity < b.diag.severity;  // Error < Warning < Note
  });
  bool error = std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                           [](const RuleDiagnostic& d) { return d.diag.severity == Severity::Error; });
  out.status = error ? RuleStatus::Error : RuleStatus::Ok;
  return out;
}

namespace {

const char* severity_name(Severity s) {
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

}  // namespace

std::string rule_origin(const Rule& rule) {
  const RuleOrigin& o = rule.origin;
  return o.line ? fmt::format("{}:{}", o.path, o.line) : o.path;
}

std::string format_rule_diagnostic(const Rule& rule, const RuleDiagnostic& rd, bool verbose) {
  const Diagnostic& d = rd.diag;
  std::string at;
  if (rd.part != RulePart::Rule)
    at = d.pos.known() ? fmt::format("{} line {}, column {}: ", to_string(rd.part), d.pos.line, d.pos.column)
                       : fmt::format("{}: ", to_string(rd.part));
  std::string out = fmt::format("{}: {} [{}] rule {} \"{}\": {}{}\n", rule_origin(rule), severity_name(d.severity),
                                d.code, rule.rule_id.empty() ? "(no rule_id)" : rule.rule_id, rule.name, at, d.message);
  if (verbose && d.pos.known()) {
    const std::string shown = render(d, part_text(rule, rd.part));
    const auto nl = shown.find('\n');  // the first line repeats the message
    if (nl != std::string::npos) out += shown.substr(nl + 1) + "\n";
  }
  return out;
}

}  // namespace rulec
