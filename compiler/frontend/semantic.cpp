// Semantic checks of a KQL tree against the field schema: the type errors Elasticsearch would fail on, and warnings.
#include "compiler/frontend/semantic.h"

#include <string>
#include <utility>

#include <fmt/format.h>

#include "compiler/frontend/values.h"

namespace rulec {

namespace {

// Whitespace the query_string lexer splits on (Lucene's classic QueryParser: space, \t, \n, \r, U+3000).
bool has_query_string_space(const kql::Pattern& p) {
  for (const auto& seg : p.segments) {
    if (seg.find_first_of(" \t\n\r") != std::string::npos) return true;
    if (seg.find("\xE3\x80\x80") != std::string::npos) return true;
  }
  return false;
}

// The value as shown in a message.
std::string shown_value(const kql::Value& v) { return printable(kql::value_text(v)); }

// "a long field", "an ip field", "a field not in the schema (keyword)".
std::string describe(const FieldInfo& info) {
  if (!info.known) return "a field not in the schema (keyword)";
  const FieldType t = info.type;
  const bool an = t == FieldType::Ip || t == FieldType::Integer || t == FieldType::UnsignedLong;
  return fmt::format("{} {} field", an ? "an" : "a", to_string(t));
}

class Checker {
 public:
  Checker(const Schema& schema, std::string_view text) : schema_(schema), text_(text) {}

  void run(const kql::Node& root) {
    // Exists is valid on every type; fields with wildcards are not typed here.
    kql::for_each_field(root, [&](const kql::Node& n, const std::string& field, bool wild) {
      if (!wild && (n.kind == kql::NodeKind::Is || n.kind == kql::NodeKind::Range)) check(n, field);
      return true;
    });
  }

  std::vector<Diagnostic> take() { return std::move(out_); }

 private:
  void add(Severity sev, std::string_view code, const kql::Node& n, std::string offending, std::string message) {
    Diagnostic d;
    d.severity = sev;
    d.code = std::string(code);
    d.pos = n.pos;
    if (!d.pos.known() && n.pos.offset > 0 && n.pos.offset <= text_.size()) d.pos = position_of(text_, n.pos.offset);
    d.offending = std::move(offending);
    d.message = std::move(message);
    out_.push_back(std::move(d));
  }

  void check(const kql::Node& n, const std::string& field) {
    const FieldInfo info = schema_.lookup(field);
    const FieldType t = info.type;
    const std::string v = shown_value(n.value);
    const char* tn = to_string(t);
    const std::string what = describe(info);
    const bool range = n.kind == kql::NodeKind::Range;
    const bool wildcard = !range && n.value.pattern.has_wildcard() && n.value.type == kql::LiteralType::String;

    if (n.value.type == kql::LiteralType::Null) {
      if (range) {
        add(Severity::Warning, diag::kNullValue, n, v,
            fmt::format("range bound null on {} is unbounded in Elasticsearch, so it matches every document where the field has a value", field));
      } else {
        add(Severity::Error, diag::kNullValue, n, v,
            fmt::format("null on {}, {}, is sent to Elasticsearch as a null match value, which fails the whole search", field, what));
      }
      return;
    }

    if (is_numeric(t)) {
      if (wildcard) {
        add(Severity::Error, diag::kNumericWildcard, n, v,
            fmt::format("wildcard value '{}' on {}, {}, fails the whole search: Elasticsearch has no wildcard queries on numbers", v, field, what));
        return;
      }
      const NumericTerm r = range ? numeric_range_bound(t, n.op, v) : numeric_term(t, v);
      if (r.outcome == NumericOutcome::Error) {
        add(Severity::Error, diag::kNumericValue, n, v,
            fmt::format("'{}' {}, but {} is {}, so Elasticsearch fails the whole search", v, r.reason, field, what));
      } else if (r.outcome == NumericOutcome::MatchNone) {
        add(Severity::Warning, diag::kNumericValue, n, v,
            fmt::format("'{}' {}, so {} ({}) never matches it", v, r.reason, field, tn));
      }
      return;
    }

    switch (t) {
      case FieldType::Ip:
        if (wildcard) {
          add(Severity::Error, diag::kIpWildcard, n, v,
              fmt::format("wildcard value '{}' on {}, {}, fails the whole search: Elasticsearch has no wildcard queries on ip fields", v, field, what));
        } else if (range ? !parse_ip(v) : (v.find('/') != std::string::npos ? !parse_cidr(v) : !parse_ip(v))) {
          add(Severity::Error, diag::kIpValue, n, v,
              fmt::format("'{}' is not an IP address{}, but {} is {}, so Elasticsearch fails the whole search", v,
                          range ? " (range bounds cannot be CIDR blocks)" : " or CIDR block", field, what));
        }
        return;
      case FieldType::Boolean:
        if (wildcard || !parse_bool(v)) {
          add(Severity::Error, diag::kBooleanValue, n, v,
              fmt::format("{} '{}' on {}, {}, fails the whole search: only true and false are accepted",
                          wildcard ? "wildcard value" : "value", v, field, what));
        }
        return;
      case FieldType::Date:
      case FieldType::DateNanos:
        if (wildcard) {
          add(Severity::Error, diag::kDateValue, n, v,
              fmt::format("wildcard value '{}' on {}, {}, fails the whole search: Elasticsearch has no wildcard queries on dates", v, field, what));
        } else if (range ? !date_range_bound(n.op, v, 0) : !date_equality(v, 0)) {
          add(Severity::Error, diag::kDateValue, n, v,
              fmt::format("'{}' is not a date (strict_date_optional_time or epoch millis) or date-math expression, but {} is {}, so Elasticsearch fails the whole search", v, field, what));
        }
        return;
      case FieldType::GeoPoint:
      case FieldType::Binary:
        if (range) {
          add(Severity::Error, diag::kRangeType, n, v,
              fmt::format("range on {}, {}, fails the whole search: Elasticsearch has no range queries on this type", field, what));
        }
        return;
      case FieldType::Object:
      case FieldType::Nested:
        return;
      default:
        // Every other type. On a field mapped keyword Kibana sends a wildcard query, not split
        // (is.ts: esTypes == ['keyword']); on any other, or a field it cannot find, query_string.
        // `?` and case_insensitive only come from ES DSL wildcard queries, which are not split.
        if (info.known && t == FieldType::Keyword) return;
        if (wildcard && n.value.pattern.wildcards.find('?') == std::string::npos && !n.value.pattern.case_insensitive &&
            has_query_string_space(n.value.pattern)) {
          add(Severity::Warning, diag::kWildcardSpaces, n, v,
              fmt::format("wildcard value '{}' on {}, {}, contains whitespace: Kibana's query_string path splits it into separate terms, while rulec matches the whole pattern", v, field, what));
        }
        return;
    }
  }

  const Schema& schema_;
  std::string_view text_;
  std::vector<Diagnostic> out_;
};

}  // namespace

std::vector<Diagnostic> check_semantics(const kql::Node& ast, const Schema& schema, std::string_view query_text) {
  try {
    Checker c(schema, query_text);
    c.run(ast);
    return c.take();
  } catch (const std::exception&) {
    return {};  // only allocation failure can get here; report nothing rather than throw
  }
}

}  // namespace rulec
