// Front-end verdict for one loaded rule: eligibility, syntax, semantic checks, status.
#include "compiler/frontend/analyze.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/frontend/parser.h"
#include "compiler/frontend/semantic.h"

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
    case RuleType::Eql: return "EQL rules are not run by rulec (type eql)";
    case RuleType::Esql: return "ES|QL rules are not run by rulec (type esql)";
    case RuleType::MachineLearning: return "machine learning rules need Elastic's anomaly jobs (type machine_learning)";
    case RuleType::Saved: return "saved-query rules reference a Kibana saved object (type saved_query)";
    case RuleType::Unknown: return {};  // reported as an error by the loader
    default: break;
  }
  if (rule.language != "kuery")
    return fmt::format("query language '{}' is not KQL", rule.language.empty() ? "(none)" : rule.language);
  return {};
}

void add_semantics(AnalyzedRule& out, RulePart part, const kql::Node& ast, const Schema& schema, std::string_view text) {
  for (auto& d : check_semantics(ast, schema, text)) out.diagnostics.push_back({part, std::move(d)});
}

}  // namespace

AnalyzedRule analyze(const Rule& rule, const Schema& schema) {
  AnalyzedRule out;
  out.rule = &rule;
  for (const auto& d : rule.diagnostics) out.diagnostics.push_back({RulePart::Rule, d});

  out.unsupported_reason = ineligible_reason(rule);
  if (!out.unsupported_reason.empty()) {
    // An ineligible rule is never an error, whatever else is odd about it.
    out.status = RuleStatus::Unsupported;
    return out;
  }

  auto parsed = kql::parse(rule.query);
  if (!parsed) {
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
  for (const ExceptionItem* item : rule.exception_items)
    if (item->ast) add_semantics(out, RulePart::Exceptions, *item->ast, schema, {});

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
