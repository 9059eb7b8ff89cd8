// Translation of Elasticsearch query DSL (Kibana rule filters) into the KQL syntax tree.
#include "compiler/frontend/es_dsl.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>

namespace rulec {
namespace {

using json = nlohmann::json;
using kql::NodePtr;

constexpr int kMaxDepth = 64;  // deeper DSL is refused (the JSON itself may be far deeper)

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

bool has_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// A scalar JSON value as a KQL value: strings as written (quoted when asked), booleans as typed
// literals, numbers as their JSON text. Null, objects and arrays have no value.
std::optional<kql::Value> scalar(const json& v, bool quote_strings) {
  kql::Value out;
  if (v.is_string()) {
    out.pattern = kql::literal(v.get<std::string>(), quote_strings);
  } else if (v.is_boolean()) {
    bool b = v.get<bool>();
    out.pattern = kql::literal(b ? "true" : "false");
    out.type = b ? kql::LiteralType::True : kql::LiteralType::False;
  } else if (v.is_number()) {
    out.pattern = kql::literal(v.dump());
  } else {
    return std::nullopt;
  }
  return out;
}

// Rewrites the field names of a tree built inside `nested {path}` relative to that path.
bool relativize(kql::Node& n, const std::string& prefix) {
  switch (n.kind) {
    case kql::NodeKind::Is:
    case kql::NodeKind::Range:
    case kql::NodeKind::Exists:
    case kql::NodeKind::Regexp:
    case kql::NodeKind::Nested: {
      if (n.field.has_wildcard()) return false;
      std::string& f = n.field.segments.front();
      if (f.size() <= prefix.size() || f.compare(0, prefix.size(), prefix) != 0) return false;
      f.erase(0, prefix.size());
      break;  // a Nested child is already relative to its own path
    }
    case kql::NodeKind::And:
    case kql::NodeKind::Or:
    case kql::NodeKind::Not:
      for (auto& c : n.children)
        if (!relativize(*c, prefix)) return false;
      break;
    default: break;
  }
  return true;
}

class Translator {
 public:
  Translator(std::vector<Diagnostic>& diags, std::string where) : diags_(diags), where_(std::move(where)) {}

  NodePtr fail(const std::string& path, std::string_view construct, const std::string& why) {
    Diagnostic d;
    d.severity = Severity::Error;
    d.code = std::string(diag::kRuleFilter);
    d.offending = std::string(construct);
    d.message = path.empty() ? fmt::format("{}: {}", where_, why) : fmt::format("{}: {} (at {})", where_, why, path);
    diags_.push_back(std::move(d));
    return nullptr;
  }

  NodePtr unsupported(const std::string& path, std::string_view construct) {
    return fail(path, construct, fmt::format("unsupported Elasticsearch query DSL '{}'", construct));
  }

  NodePtr query(const json& q, const std::string& path, int depth) {
    if (depth > kMaxDepth) return fail(path, "", "query DSL nested too deeply");
    if (!q.is_object()) return fail(path, "", "expected a query object");
    if (q.size() != 1) return fail(path, "", fmt::format("a query object needs exactly one key, found {}", q.size()));
    const std::string& key = q.begin().key();
    const json& body = q.begin().value();
    std::string sub = join_path(path, key);
    if (key == "bool") return bool_query(body, sub, depth);
    if (key == "match_phrase") return match_phrase(body, sub);
    if (key == "match") return match(body, sub);
    if (key == "term") return term(body, sub);
    if (key == "terms") return terms(body, sub);
    if (key == "wildcard") return wildcard(body, sub);
    if (key == "prefix") return prefix(body, sub);
    if (key == "exists") return exists(body, sub);
    if (key == "range") return range(body, sub);
    if (key == "match_all" || key == "match_none") {
      if (!body.is_object()) return fail(sub, key, fmt::format("'{}' expects an object", key));
      if (!options_ok(body, {"boost", "_name"}, sub, key)) return nullptr;
      return key == "match_all" ? kql::make_match_all() : kql::make_not(kql::make_match_all());
    }
    if (key == "nested") return nested(body, sub, depth);
    if (key == "constant_score") {
      if (!body.is_object() || !body.contains("filter"))
        return fail(sub, key, "'constant_score' needs a 'filter' object");
      if (!options_ok(body, {"filter", "boost", "_name"}, sub, key)) return nullptr;
      return query(body["filter"], join_path(sub, "filter"), depth + 1);
    }
    return unsupported(sub, key);
  }

 private:
  std::vector<Diagnostic>& diags_;
  std::string where_;

  // Every key of `params` must be in `allowed`; otherwise RUL302 naming the option.
  bool options_ok(const json& params, std::initializer_list<std::string_view> allowed, const std::string& path,
                  std::string_view construct) {
    for (auto it = params.begin(); it != params.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        fail(path, construct, fmt::format("option '{}' of '{}' is not supported", it.key(), construct));
        return false;
      }
    }
    return true;
  }

  // {field: params} with optional scalar boost/_name beside it: finds the one field.
  bool leaf(const json& body, const std::string& path, std::string_view construct, std::string& field,
            const json*& params) {
    if (!body.is_object()) return fail(path, construct, fmt::format("'{}' expects an object", construct)), false;
    field.clear();
    for (auto it = body.begin(); it != body.end(); ++it) {
      if ((it.key() == "boost" || it.key() == "_name") && !it.value().is_object()) continue;
      if (!field.empty()) return fail(path, construct, fmt::format("'{}' names more than one field", construct)), false;
      field = it.key();
      params = &it.value();
    }
    if (field.empty()) return fail(path, construct, fmt::format("'{}' names no field", construct)), false;
    return true;
  }

  static NodePtr is(const std::string& field, kql::Value v) { return kql::make_is(kql::literal(field), std::move(v)); }

  NodePtr value_or_fail(const std::string& field, const json& v, bool quoted, const std::string& path,
                        std::string_view construct) {
    auto val = scalar(v, quoted);
    if (!val)
      return fail(path, construct, fmt::format("'{}' on '{}' needs a string, number or boolean", construct, field));
    return is(field, std::move(*val));
  }

  NodePtr match_phrase(const json& body, const std::string& path) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, "match_phrase", field, p)) return nullptr;
    if (!p->is_object()) return value_or_fail(field, *p, true, path, "match_phrase");
    if (!options_ok(*p, {"query", "slop", "boost", "_name", "zero_terms_query"}, path, "match_phrase")) return nullptr;
    if (p->contains("slop") && !((*p)["slop"].is_number_integer() && (*p)["slop"].get<int64_t>() == 0))
      return fail(path, "match_phrase", "'match_phrase' with a non-zero slop is not supported");
    if (!p->contains("query")) return fail(path, "match_phrase", "'match_phrase' needs a query");
    return value_or_fail(field, (*p)["query"], true, path, "match_phrase");
  }

  NodePtr match(const json& body, const std::string& path) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, "match", field, p)) return nullptr;
    if (!p->is_object()) return value_or_fail(field, *p, false, path, "match");
    if (!options_ok(*p,
                    {"query", "type", "operator", "lenient", "boost", "_name", "zero_terms_query",
                     "auto_generate_synonyms_phrase_query"},
                    path, "match"))
      return nullptr;
    if (!p->contains("query")) return fail(path, "match", "'match' needs a query");
    const json& q = (*p)["query"];
    bool phrase = false;
    if (auto t = p->find("type"); t != p->end()) {
      if (*t == "phrase")
        phrase = true;
      else if (*t != "boolean")
        return fail(path, "match", fmt::format("'match' of type {} is not supported", t->dump()));
    }
    if (auto op = p->find("operator"); op != p->end()) {
      std::string o = op->is_string() ? op->get<std::string>() : "";
      std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (o != "or" && o != "and") return fail(path, "match", "'match' operator must be 'or' or 'and'");
      if (o == "and" && !phrase && q.is_string() && has_space(q.get<std::string>()))
        return fail(path, "match", "'match' with operator 'and' on a value of several words is not supported");
    }
    return value_or_fail(field, q, phrase, path, "match");
  }

  NodePtr term(const json& body, const std::string& path) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, "term", field, p)) return nullptr;
    if (!p->is_object()) return value_or_fail(field, *p, true, path, "term");
    if (!options_ok(*p, {"value", "case_insensitive", "boost", "_name"}, path, "term")) return nullptr;
    if (!p->contains("value")) return fail(path, "term", "'term' needs a value");
    NodePtr n = value_or_fail(field, (*p)["value"], true, path, "term");
    if (n && p->contains("case_insensitive")) {
      if (!(*p)["case_insensitive"].is_boolean()) return fail(path, "term", "'case_insensitive' must be a boolean");
      n->value.pattern.case_insensitive = (*p)["case_insensitive"].get<bool>();
    }
    return n;
  }

  NodePtr terms(const json& body, const std::string& path) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, "terms", field, p)) return nullptr;
    if (!p->is_array()) return fail(path, "terms", "'terms' needs an array of values (terms lookup is not supported)");
    if (p->empty()) return kql::make_not(kql::make_match_all());  // matches nothing
    std::vector<NodePtr> alts;
    for (const auto& v : *p) {
      NodePtr n = value_or_fail(field, v, true, path, "terms");
      if (!n) return nullptr;
      alts.push_back(std::move(n));
    }
    return kql::make_or(std::move(alts));
  }

  NodePtr pattern_query(const json& body, const std::string& path, std::string_view construct) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, construct, field, p)) return nullptr;
    const json* value = p;
    bool ci = false;
    if (p->is_object()) {
      if (!options_ok(*p, {"value", "wildcard", "case_insensitive", "boost", "rewrite", "_name"}, path, construct))
        return nullptr;
      if (construct == "prefix" && p->contains("wildcard"))
        return fail(path, construct, "option 'wildcard' of 'prefix' is not supported");
      value = p->contains("value") ? &(*p)["value"] : p->contains("wildcard") ? &(*p)["wildcard"] : nullptr;
      if (auto c = p->find("case_insensitive"); c != p->end()) {
        if (!c->is_boolean()) return fail(path, construct, "'case_insensitive' must be a boolean");
        ci = c->get<bool>();
      }
    }
    if (!value || !value->is_string())
      return fail(path, construct, fmt::format("'{}' on '{}' needs a string value", construct, field));
    kql::Value v;
    if (construct == "wildcard") {
      v.pattern = parse_es_wildcard(value->get<std::string>(), ci);
    } else {
      v.pattern = kql::literal(value->get<std::string>());
      v.pattern.case_insensitive = ci;
      v.pattern.add_wildcard('*');
    }
    return is(field, std::move(v));
  }
  NodePtr wildcard(const json& body, const std::string& path) { return pattern_query(body, path, "wildcard"); }
  NodePtr prefix(const json& body, const std::string& path) { return pattern_query(body, path, "prefix"); }

  NodePtr exists(const json& body, const std::string& path) {
    if (!body.is_object()) return fail(path, "exists", "'exists' expects an object");
    if (!options_ok(body, {"field", "boost", "_name"}, path, "exists")) return nullptr;
    auto f = body.find("field");
    if (f == body.end() || !f->is_string() || f->get<std::string>().empty())
      return fail(path, "exists", "'exists' needs a field name");
    return kql::make_exists(kql::literal(f->get<std::string>()));
  }

  NodePtr range(const json& body, const std::string& path) {
    std::string field;
    const json* p = nullptr;
    if (!leaf(body, path, "range", field, p)) return nullptr;
    if (!p->is_object()) return fail(path, "range", "'range' needs an object of bounds");
    if (!options_ok(*p,
                    {"gt", "gte", "lt", "lte", "from", "to", "include_lower", "include_upper", "format", "boost",
                     "_name", "relation", "time_zone"},
                    path, "range"))
      return nullptr;
    if (p->contains("time_zone")) return fail(path, "range", "'range' with a time_zone is not supported");
    if (auto f = p->find("format"); f != p->end()) {
      static const std::initializer_list<std::string_view> kFormats = {
          "strict_date_optional_time", "epoch_millis", "strict_date_optional_time||epoch_millis",
          "epoch_millis||strict_date_optional_time", "date_optional_time"};
      if (!f->is_string() || std::find(kFormats.begin(), kFormats.end(), f->get<std::string>()) == kFormats.end())
        return fail(path, "range", fmt::format("'range' format {} is not supported", f->dump()));
    }
    if (auto r = p->find("relation"); r != p->end() && !(*r == "intersects" || *r == "INTERSECTS"))
      return fail(path, "range", "'range' relation other than intersects is not supported");
    auto flag = [&](const char* key, bool def) {
      auto it = p->find(key);
      return it != p->end() && it->is_boolean() ? it->get<bool>() : def;
    };
    struct Bound {
      const char* key;
      kql::RangeOp op;
    };
    const Bound bounds[] = {{"gt", kql::RangeOp::Gt},
                            {"gte", kql::RangeOp::Ge},
                            {"lt", kql::RangeOp::Lt},
                            {"lte", kql::RangeOp::Le},
                            {"from", flag("include_lower", true) ? kql::RangeOp::Ge : kql::RangeOp::Gt},
                            {"to", flag("include_upper", true) ? kql::RangeOp::Le : kql::RangeOp::Lt}};
    std::vector<NodePtr> parts;
    for (const auto& b : bounds) {
      auto it = p->find(b.key);
      if (it == p->end() || it->is_null()) continue;  // null bounds are open in Elasticsearch
      auto v = scalar(*it, false);
      if (!v || it->is_boolean())
        return fail(path, "range", fmt::format("'range' bound '{}' must be a string or number", b.key));
      parts.push_back(kql::make_range(kql::literal(field), b.op, std::move(*v)));
    }
    if (parts.empty()) return fail(path, "range", "'range' without any bound is not supported");
    return kql::make_and(std::move(parts));
  }

  // Resolves minimum_should_match the way Elasticsearch does for `count` should clauses.
  std::optional<int64_t> resolve_msm(const json& spec, size_t count, const std::string& path) {
    int64_t n = static_cast<int64_t>(count);
    if (spec.is_number_integer()) {
      int64_t v = spec.get<int64_t>();
      return v < 0 ? std::max<int64_t>(0, n + v) : v;
    }
    if (spec.is_string()) {
      std::string s = spec.get<std::string>();
      bool pct = !s.empty() && s.back() == '%';
      if (pct) s.pop_back();
      try {
        size_t used = 0;
        if (pct) {
          double d = std::stod(s, &used);
          if (used != s.size()) throw std::invalid_argument(s);
          auto calc = static_cast<int64_t>(static_cast<double>(n) * d / 100.0);
          return calc < 0 ? std::max<int64_t>(0, n + calc) : calc;
        }
        int64_t v = std::stoll(s, &used);
        if (used != s.size()) throw std::invalid_argument(s);
        return v < 0 ? std::max<int64_t>(0, n + v) : v;
      } catch (const std::exception&) {
      }
    }
    fail(path, "minimum_should_match", fmt::format("minimum_should_match {} is not supported", spec.dump()));
    return std::nullopt;
  }

  NodePtr bool_query(const json& body, const std::string& path, int depth) {
    if (!body.is_object()) return fail(path, "bool", "'bool' expects an object");
    if (!options_ok(
            body,
            {"must", "filter", "should", "must_not", "minimum_should_match", "boost", "_name", "adjust_pure_negative"},
            path, "bool"))
      return nullptr;
    if (auto a = body.find("adjust_pure_negative"); a != body.end() && *a != true)
      return fail(path, "bool", "'adjust_pure_negative' false is not supported");
    bool ok = true;
    auto collect = [&](const char* key, std::vector<NodePtr>& out) {
      auto it = body.find(key);
      if (it == body.end() || it->is_null()) return;
      std::string sub = join_path(path, key);
      if (it->is_object()) {
        NodePtr n = query(*it, sub, depth + 1);
        ok = ok && n;
        if (n) out.push_back(std::move(n));
      } else if (it->is_array()) {
        for (size_t i = 0; i < it->size(); ++i) {
          NodePtr n = query((*it)[i], fmt::format("{}[{}]", sub, i), depth + 1);
          ok = ok && n;
          if (n) out.push_back(std::move(n));
        }
      } else {
        fail(sub, "bool", fmt::format("'{}' must be a query object or an array of them", key));
        ok = false;
      }
    };
    std::vector<NodePtr> required, should, must_not;
    collect("must", required);
    collect("filter", required);
    collect("should", should);
    collect("must_not", must_not);
    if (!ok) return nullptr;
    std::vector<NodePtr> parts = std::move(required);
    bool has_required = !parts.empty();
    for (auto& n : must_not) parts.push_back(kql::make_not(std::move(n)));
    if (!should.empty()) {
      int64_t msm = has_required ? 0 : 1;
      if (auto s = body.find("minimum_should_match"); s != body.end() && !s->is_null()) {
        auto r = resolve_msm(*s, should.size(), join_path(path, "minimum_should_match"));
        if (!r) return nullptr;
        msm = has_required ? *r : std::max<int64_t>(1, *r);  // Lucene: a pure disjunction needs one
      }
      int64_t count = static_cast<int64_t>(should.size());
      // msm 0: the should clauses only score. Above the clause count Lucene matches nothing; whether
      // Elasticsearch caps it first is not something to guess, so it is refused like 1 < msm < count.
      if (msm == 1) {
        parts.push_back(kql::make_or(std::move(should)));
      } else if (msm == count) {
        for (auto& n : should) parts.push_back(std::move(n));
      } else if (msm > 1) {
        return fail(path, "minimum_should_match",
                    fmt::format("minimum_should_match {} of {} should clauses is not supported", msm, count));
      }
    }
    if (parts.empty()) return kql::make_match_all();
    return kql::make_and(std::move(parts));
  }

  NodePtr nested(const json& body, const std::string& path, int depth) {
    if (!body.is_object()) return fail(path, "nested", "'nested' expects an object");
    if (!options_ok(body, {"path", "query", "score_mode", "ignore_unmapped", "boost", "_name"}, path, "nested"))
      return nullptr;
    auto p = body.find("path");
    auto q = body.find("query");
    if (p == body.end() || !p->is_string() || p->get<std::string>().empty() || q == body.end())
      return fail(path, "nested", "'nested' needs a path and a query");
    NodePtr child = query(*q, join_path(path, "query"), depth + 1);
    if (!child) return nullptr;
    std::string np = p->get<std::string>();
    if (!relativize(*child, np + "."))
      return fail(path, "nested", fmt::format("a field inside 'nested' is not below its path '{}'", np));
    return kql::make_nested(kql::literal(np), std::move(child));
  }
};

}  // namespace

kql::Pattern parse_es_wildcard(std::string_view text, bool case_insensitive) {
  kql::Pattern p;
  p.case_insensitive = case_insensitive;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      p.segments.back() += text[++i];  // UTF-8 continuation bytes follow as ordinary bytes
    } else if (c == '*' || c == '?') {
      p.add_wildcard(c);
    } else {
      p.segments.back() += c;
    }
  }
  return p;
}

kql::NodePtr translate_es_query(const nlohmann::json& query, std::vector<Diagnostic>& diags, std::string_view where) {
  Translator t(diags, std::string(where));
  return t.query(query, "", 0);
}

kql::NodePtr translate_filter(const nlohmann::json& filter, size_t index, std::vector<Diagnostic>& diags,
                              bool* disabled) {
  Translator t(diags, fmt::format("filter {}", index));
  if (disabled) *disabled = false;
  if (!filter.is_object()) return t.fail("", "", "a filter must be a JSON object");
  bool negate = false;
  if (auto m = filter.find("meta"); m != filter.end() && !m->is_null()) {
    if (!m->is_object()) return t.fail("meta", "meta", "'meta' must be an object");
    if (auto d = m->find("disabled"); d != m->end() && !d->is_null()) {
      if (!d->is_boolean()) return t.fail("meta.disabled", "meta", "'meta.disabled' must be a boolean");
      if (d->get<bool>()) {
        if (disabled) *disabled = true;
        return nullptr;
      }
    }
    if (auto n = m->find("negate"); n != m->end() && !n->is_null()) {
      if (!n->is_boolean()) return t.fail("meta.negate", "meta", "'meta.negate' must be a boolean");
      negate = n->get<bool>();
    }
  }
  NodePtr n;
  if (auto q = filter.find("query"); q != filter.end()) {
    n = t.query(*q, "query", 0);
  } else {
    // Older shapes keep the DSL beside meta: {meta, exists: {...}}, {meta, range: {...}}.
    json rest = json::object();
    for (auto it = filter.begin(); it != filter.end(); ++it)
      if (it.key() != "meta" && it.key() != "$state") rest[it.key()] = it.value();
    if (rest.empty()) return t.fail("", "", "the filter has no query");
    n = t.query(rest, "", 0);
  }
  if (!n) return nullptr;
  return negate ? kql::make_not(std::move(n)) : std::move(n);
}

kql::NodePtr translate_filters(const nlohmann::json& filters, std::vector<Diagnostic>& diags) {
  if (filters.is_null()) return nullptr;
  if (!filters.is_array()) {
    Translator(diags, "filters").fail("", "filters", "'filters' must be an array");
    return nullptr;
  }
  std::vector<NodePtr> parts;
  bool ok = true;
  for (size_t i = 0; i < filters.size(); ++i) {
    bool off = false;
    NodePtr n = translate_filter(filters[i], i + 1, diags, &off);
    if (off) continue;
    if (!n)
      ok = false;
    else
      parts.push_back(std::move(n));
  }
  if (!ok || parts.empty()) return nullptr;
  return kql::make_and(std::move(parts));
}

}  // namespace rulec
