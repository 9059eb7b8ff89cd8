// Kibana's per-alert rule overrides (severity, risk score and rule name mapped from the source document).
#include "runtime/alerts/rule_overrides.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "runtime/eval/rule_info.h"

namespace rulec::rt {

namespace {

using ojson = nlohmann::ordered_json;

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

int severity_rank(std::string_view s) {
  if (s == "low") return 0;
  if (s == "medium") return 1;
  if (s == "high") return 2;
  if (s == "critical") return 3;
  return -1;
}

// The field's values: the elements of an array, or the one value.
std::vector<const ojson*> values_of(const ojson* v) {
  std::vector<const ojson*> out;
  if (!v) return out;
  if (v->is_array())
    for (const auto& e : *v) out.push_back(&e);
  else
    out.push_back(v);
  return out;
}

// A JSON number as JavaScript holds it, when it is a safe integer.
bool safe_integer(const ojson& v, double& out) {
  if (!v.is_number()) return false;
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > kMaxSafeInteger) return false;
  out = d;
  return true;
}

// String(n) for a safe integer.
std::string integer_text(double d) {
  if (d == 0) return "0";  // -0 prints as 0 too
  return std::to_string(static_cast<long long>(d));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

double js_text_number(std::string_view t) {
  while (!t.empty() && is_space(t.front())) t.remove_prefix(1);
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (t.empty()) return 0;
  if (t.size() > 2 && t[0] == '0') {
    int base = 0;
    if (t[1] == 'x' || t[1] == 'X') base = 16;
    if (t[1] == 'o' || t[1] == 'O') base = 8;
    if (t[1] == 'b' || t[1] == 'B') base = 2;
    if (base) {
      double v = 0;
      for (char c : t.substr(2)) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (d >= base) return nan;
        v = v * base + d;
      }
      return v;
    }
  }
  std::string_view body = t;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') negative = body[0] == '-', body.remove_prefix(1);
  if (body == "Infinity") return negative ? -INFINITY : INFINITY;
  // Decimal literal: digits, an optional fraction, an optional exponent; at least one digit.
  size_t i = 0, digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++digits;
  }
  if (!digits) return nan;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    size_t j = i + 1;
    if (j < body.size() && (body[j] == '+' || body[j] == '-')) ++j;
    const size_t exp_start = j;
    while (j < body.size() && body[j] >= '0' && body[j] <= '9') ++j;
    if (j == exp_start) return nan;
    i = j;
  }
  if (i != body.size()) return nan;
  const std::string text(body);
  const double v = std::strtod(text.c_str(), nullptr);
  return negative ? -v : v;
}

const ojson* lodash_get(const ojson& source, std::string_view path) {
  if (!source.is_object()) return nullptr;
  if (auto it = source.find(std::string(path)); it != source.end()) return &*it;
  const ojson* at = &source;
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    const std::string key(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (at->is_object()) {
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || key.empty() || index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return at;
    start = dot + 1;
  }
}

AlertOverrides rule_overrides(const RuleInfo& rule, const ojson& params, const ojson& source) {
  AlertOverrides o{rule.severity, rule.risk_score, rule.name};
  if (!params.is_object()) return o;

  // Severity: sorted low to high (a stable sort, as JavaScript's), the last match wins.
  if (auto sm = params.find("severity_mapping"); sm != params.end() && sm->is_array() && !sm->empty()) {
    std::vector<const ojson*> mappings;
    for (const auto& m : *sm)
      if (m.is_object()) mappings.push_back(&m);
    auto rank = [](const ojson* m) {
      auto s = m->find("severity");
      return s != m->end() && s->is_string() ? severity_rank(s->get_ref<const std::string&>()) : -1;
    };
    std::stable_sort(mappings.begin(), mappings.end(), [&](const ojson* a, const ojson* b) { return rank(a) < rank(b); });
    const ojson* match = nullptr;
    for (const ojson* m : mappings) {
      auto f = m->find("field");
      auto v = m->find("value");
      if (f == m->end() || !f->is_string()) continue;
      const std::string& field = f->get_ref<const std::string&>();
      const std::string mapped = v != m->end() && v->is_string() ? v->get<std::string>() : std::string();
      const bool numeric = field == "event.severity";
      bool hit = false;
      for (const ojson* e : values_of(lodash_get(source, field))) {
        double d = 0;
        if (numeric) {
          hit = safe_integer(*e, d) && d == std::floor(js_text_number(mapped));
        } else if (e->is_string()) {
          hit = e->get_ref<const std::string&>() == mapped;
        } else if (safe_integer(*e, d)) {
          hit = integer_text(d) == mapped;
        }
        if (hit) break;
      }
      if (hit) match = m;
    }
    if (match && rank(match) >= 0) o.severity = (*match)["severity"].get<std::string>();
  }

  // Risk score: the first mapping's field only.
  if (auto rm = params.find("risk_score_mapping"); rm != params.end() && rm->is_array() && !rm->empty()) {
    const ojson& m = (*rm)[0];
    auto f = m.is_object() ? m.find("field") : m.end();
    if (m.is_object() && f != m.end() && f->is_string()) {
      double best = -1;
      for (const ojson* e : values_of(lodash_get(source, f->get_ref<const std::string&>()))) {
        double d = -1;
        if (e->is_number()) d = e->get<double>();
        else if (e->is_string()) d = js_text_number(e->get_ref<const std::string&>());
        if (std::isfinite(d) && d >= 0 && d <= 100) best = std::max(best, d);
      }
      if (best >= 0) {
        if (std::floor(best) == best) o.risk_score = static_cast<int64_t>(best);
        else o.risk_score = best;
      }
    }
  }

  // Rule name: the field's text.
  if (auto rn = params.find("rule_name_override"); rn != params.end() && rn->is_string()) {
    const ojson* v = lodash_get(source, rn->get_ref<const std::string&>());
    if (v && v->is_string()) o.name = v->get<std::string>();
  }
  return o;
}

}  // namespace rulec::rt
