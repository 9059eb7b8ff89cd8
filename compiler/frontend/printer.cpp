// The KQL printer (canonical text that parses back to the same tree), the debug dump and the JSON dump.
#include "compiler/frontend/printer.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "compiler/frontend/kql_text.h"

namespace rulec::kql {

namespace {

bool is_special(char32_t c) {
  switch (c) {
    case '\\': case '(': case ')': case ':': case '<': case '>': case '"': case '*': case '{': case '}':
      return true;
    default:
      return false;
  }
}

// Characters that should not appear raw in printed text: controls and every kind of whitespace
// but the plain space (which is what keyword detection and trimming look at).
bool needs_unicode_escape(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c != ' ' && text::is_js_space(c));
}

std::string u_escape(char32_t c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
  return buf;
}

std::string whitespace_escape(char32_t c) {
  return c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : u_escape(c);
}

// One printed piece of an unquoted literal: a raw character (what the lexer sees as text) or an
// escape / wildcard (opaque to keyword detection).
struct Item {
  std::string text;
  char32_t raw = 0;  // the character when printed raw, else 0
};

bool raw_is(const std::vector<Item>& items, size_t k, char lower) {
  return k < items.size() && items[k].raw != 0 && (items[k].raw | 0x20) == static_cast<char32_t>(lower);
}
bool raw_space(const std::vector<Item>& items, size_t k) { return k < items.size() && items[k].raw == ' '; }

// Replaces items [k, k+len) by one escape item.
void merge(std::vector<Item>& items, size_t k, size_t len, std::string text) {
  items[k] = Item{std::move(text), 0};
  items.erase(items.begin() + static_cast<ptrdiff_t>(k + 1), items.begin() + static_cast<ptrdiff_t>(k + len));
}

// An unquoted literal that parses back to `p` (only `*` wildcards, not quoted), or nullopt when
// none exists (leading or trailing whitespace, which the parser trims even when escaped).
// `tail_space`: the printed text will be followed by a space (then a trailing `or`, `and`, `not`
// would be read as a keyword).
std::optional<std::string> unquoted_text(const Pattern& p, bool tail_space) {
  const std::string& first = p.segments.front();
  const std::string& last = p.segments.back();
  if (!first.empty()) {
    size_t i = 0;
    if (text::is_js_space(text::decode(first, i))) return std::nullopt;
  }
  if (!last.empty()) {
    size_t start = last.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(last[start]) & 0xC0) == 0x80) --start;
    if (text::is_js_space(text::decode(last, start))) return std::nullopt;
  }
  if (!p.has_wildcard() && first.empty()) return std::string("\\t");  // `\t` trims to ""

  std::vector<Item> items;
  for (size_t s = 0; s < p.segments.size(); ++s) {
    const std::string& seg = p.segments[s];
    for (size_t i = 0; i < seg.size();) {
      size_t start = i;
      char32_t c = text::decode(seg, i);
      if (is_special(c)) {
        items.push_back(Item{std::string("\\") + static_cast<char>(c), 0});
      } else if (needs_unicode_escape(c)) {
        items.push_back(Item{whitespace_escape(c), 0});
      } else {
        items.push_back(Item{seg.substr(start, i - start), c});
      }
    }
    if (s + 1 < p.segments.size()) items.push_back(Item{"*", 0});
  }
  // Keywords the lexer would see: ` or ` / ` and ` inside the text (or at its end before a space),
  // and `not` before a space anywhere (Kibana's look-ahead has no left word boundary).
  for (size_t k = 0; k < items.size(); ++k) {
    auto followed = [&](size_t after) { return after == items.size() ? tail_space : raw_space(items, after); };
    if (k > 0 && raw_space(items, k - 1)) {
      if (raw_is(items, k, 'o') && raw_is(items, k + 1, 'r') && followed(k + 2)) {
        merge(items, k, 2, "\\" + items[k].text + items[k + 1].text);
        continue;
      }
      if (raw_is(items, k, 'a') && raw_is(items, k + 1, 'n') && raw_is(items, k + 2, 'd') && followed(k + 3)) {
        merge(items, k, 3, "\\" + items[k].text + items[k + 1].text + items[k + 2].text);
        continue;
      }
    }
    if (raw_is(items, k, 'n') && raw_is(items, k + 1, 'o') && raw_is(items, k + 2, 't') && followed(k + 3)) {
      if (items[k].raw == 'N')  // `\Not` is the escaped keyword; `\not` would be `\n` + "ot"
        merge(items, k, 3, "\\N" + items[k + 1].text + items[k + 2].text);
      else
        items[k] = Item{"\\u006E", 0};
    }
  }
  std::string out;
  for (const auto& it : items) out += it.text;
  return out;
}

std::string quoted_text(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = text::decode(s, i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      out += whitespace_escape(c);
    } else {
      out.append(s, start, i - start);
    }
  }
  return out + "\"";
}

// Not KQL: patterns KQL cannot write (`?` markers, case-insensitive, quoted with wildcards).
std::string wildcard_form(const Pattern& p) {
  std::string out = "~wildcard(\"";
  for (size_t s = 0; s < p.segments.size(); ++s) {
    const std::string& seg = p.segments[s];
    for (size_t i = 0; i < seg.size();) {
      size_t start = i;
      char32_t c = text::decode(seg, i);
      if (c == '"' || c == '\\' || c == '*' || c == '?') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20 || c == 0x7F) {
        out += whitespace_escape(c);
      } else {
        out.append(seg, start, i - start);
      }
    }
    if (s < p.wildcards.size()) out += p.wildcards[s];
  }
  out += "\"";
  if (p.case_insensitive) out += ", case_insensitive";
  return out + ")";
}

std::string pattern_text(const Pattern& p, bool tail_space) {
  bool only_star = p.wildcards.find_first_not_of('*') == std::string::npos;
  if (p.case_insensitive || !only_star || (p.quoted && p.has_wildcard())) return wildcard_form(p);
  if (p.quoted) return quoted_text(p.segments[0]);
  if (auto t = unquoted_text(p, tail_space)) return *t;
  return p.has_wildcard() ? wildcard_form(p) : quoted_text(p.segments[0]);
}

std::string value_text(const Value& v, bool tail_space) {
  switch (v.type) {
    case LiteralType::True: return "true";
    case LiteralType::False: return "false";
    case LiteralType::Null: return "null";
    case LiteralType::String: break;
  }
  const Pattern& p = v.pattern;
  if (!p.quoted && !p.has_wildcard() && (p.segments[0] == "true" || p.segments[0] == "false" || p.segments[0] == "null"))
    return quoted_text(p.segments[0]);  // unquoted, these would be typed literals
  return pattern_text(p, tail_space);
}

int precedence(NodeKind k) {
  switch (k) {
    case NodeKind::Or: return 1;
    case NodeKind::And: return 2;
    case NodeKind::Not: return 3;
    default: return 4;
  }
}

// The field every test in n is on, when n is an and/or/not tree of is/exists tests of one field:
// such a tree prints as a value list, `field:(a or not b)`, which parses back to the same tree.
const Pattern* list_field(const Node& n) {
  switch (n.kind) {
    case NodeKind::Is:
    case NodeKind::Exists:
      return &n.field;
    case NodeKind::Not:
      return n.children.size() == 1 ? list_field(*n.children[0]) : nullptr;
    case NodeKind::And:
    case NodeKind::Or: {
      if (n.children.empty()) return nullptr;
      const Pattern* f = list_field(*n.children[0]);
      for (size_t i = 1; f && i < n.children.size(); ++i) {
        const Pattern* g = list_field(*n.children[i]);
        if (!g || !(*g == *f)) f = nullptr;
      }
      return f;
    }
    default:
      return nullptr;
  }
}

bool is_value_list(const Node& n) {
  return (n.kind == NodeKind::And || n.kind == NodeKind::Or) && n.children.size() > 1 && list_field(n);
}

void emit(const Node& n, std::string& out, bool tail_space);

// Appends the children of an and/or/not (a query or, with `values`, the inside of a value list)
// with the parentheses precedence needs.
void emit_operator(const Node& n, std::string& out, bool tail_space, bool values,
                   void (*item)(const Node&, std::string&, bool)) {
  auto prec = [&](const Node& c) { return !values && is_value_list(c) ? 4 : precedence(c.kind); };
  if (n.kind == NodeKind::Not) {
    out += "not ";
    if (n.children.empty()) {
      out += "*:*";
    } else if (prec(*n.children[0]) <= precedence(NodeKind::Not)) {
      out += "(";
      item(*n.children[0], out, false);
      out += ")";
    } else {
      item(*n.children[0], out, tail_space);
    }
    return;
  }
  if (n.children.empty()) {
    out += n.kind == NodeKind::And ? "*:*" : "not *:*";
    return;
  }
  const char* sep = n.kind == NodeKind::And ? " and " : " or ";
  for (size_t i = 0; i < n.children.size(); ++i) {
    const Node& c = *n.children[i];
    if (i > 0) out += sep;
    if (n.children.size() > 1 && prec(c) <= precedence(n.kind)) {
      out += "(";
      item(c, out, false);
      out += ")";
    } else {
      item(c, out, i + 1 == n.children.size() ? tail_space : true);
    }
  }
}

// The inside of a value list: values, `*` for exists, and/or/not.
void emit_values(const Node& n, std::string& out, bool tail_space) {
  switch (n.kind) {
    case NodeKind::Is: out += value_text(n.value, tail_space); return;
    case NodeKind::Exists: out += "*"; return;
    default: emit_operator(n, out, tail_space, true, emit_values); return;
  }
}

// Appends n; `tail_space`: what follows n's text starts with a space.
void emit(const Node& n, std::string& out, bool tail_space) {
  switch (n.kind) {
    case NodeKind::MatchAll:
      out += "*:*";
      return;
    case NodeKind::Is:
      out += pattern_text(n.field, false) + ":" + value_text(n.value, tail_space);
      return;
    case NodeKind::Exists:
      out += pattern_text(n.field, false) + ":*";
      return;
    case NodeKind::Range:
      out += pattern_text(n.field, true) + " " + to_string(n.op) + " " + value_text(n.value, tail_space);
      return;
    case NodeKind::Nested:
      out += pattern_text(n.field, false) + ":{";
      if (!n.children.empty()) emit(*n.children[0], out, false);
      out += "}";
      return;
    case NodeKind::FreeText:
      out += value_text(n.value, tail_space);
      return;
    case NodeKind::Script:  // not KQL: the EQL expression, for display
      out += "eql_script:(" + n.value.pattern.segments.front() + ")";
      return;
    case NodeKind::Regexp:  // not KQL: Lucene's query_string form, for display
      out += pattern_text(n.field, false) + ":/" + n.value.pattern.segments.front() + "/";
      if (n.value.pattern.case_insensitive) out += "i";
      return;
    case NodeKind::Not:
    case NodeKind::And:
    case NodeKind::Or:
      if (is_value_list(n)) {
        out += pattern_text(*list_field(n), false) + ":(";
        emit_values(n, out, false);
        out += ")";
      } else {
        emit_operator(n, out, tail_space, false, emit);
      }
      return;
  }
}

// ---- dump ----

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Segments as JSON strings, wildcard markers bare: "C:\\" * ".exe"; `q` prefix when quoted,
// `/i` suffix when case-insensitive.
std::string dump_pattern(const Pattern& p) {
  std::string out = p.quoted ? "q" : "";
  bool any = false;
  for (size_t s = 0; s < p.segments.size(); ++s) {
    if (!p.segments[s].empty() || (p.segments.size() == 1)) {
      out += json_string(p.segments[s]);
      any = true;
    }
    if (s < p.wildcards.size()) out += p.wildcards[s];
  }
  if (!any && p.segments.size() > 1 && out.empty()) out = "\"\"";
  if (p.case_insensitive) out += "/i";
  return out;
}

std::string dump_field(const Pattern& p) {
  bool simple = !p.quoted && !p.has_wildcard() && !p.case_insensitive && !p.segments[0].empty();
  for (char c : p.segments[0])
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' || c == '-')) simple = false;
  return simple ? p.segments[0] : dump_pattern(p);
}

std::string dump_value(const Value& v) {
  switch (v.type) {
    case LiteralType::True: return "true";
    case LiteralType::False: return "false";
    case LiteralType::Null: return "null";
    case LiteralType::String: break;
  }
  return dump_pattern(v.pattern);
}

void dump_node(const Node& n, std::string& out, size_t depth) {
  out.append(depth * 2, ' ');
  out += to_string(n.kind);
  switch (n.kind) {
    case NodeKind::Is:
    case NodeKind::Regexp: out += " " + dump_field(n.field) + " " + dump_value(n.value); break;
    case NodeKind::Range:
      out += " " + dump_field(n.field) + " " + to_string(n.op) + " " + dump_value(n.value);
      break;
    case NodeKind::Exists:
    case NodeKind::Nested: out += " " + dump_field(n.field); break;
    case NodeKind::FreeText:
    case NodeKind::Script: out += " " + dump_value(n.value); break;
    default: break;
  }
  out += "\n";
  for (const auto& c : n.children) dump_node(*c, out, depth + 1);
}

// ---- JSON ----

const char* type_name(LiteralType t) {
  switch (t) {
    case LiteralType::True: return "true";
    case LiteralType::False: return "false";
    case LiteralType::Null: return "null";
    case LiteralType::String: break;
  }
  return "string";
}

nlohmann::json json_pattern(const Pattern& p) {
  nlohmann::json j;
  j["segments"] = p.segments;
  j["wildcards"] = p.wildcards;
  j["quoted"] = p.quoted;
  if (p.case_insensitive) j["case_insensitive"] = true;
  return j;
}

nlohmann::json json_node(const Node& n) {
  nlohmann::json j;
  j["kind"] = to_string(n.kind);
  switch (n.kind) {
    case NodeKind::Is:
    case NodeKind::Regexp:
    case NodeKind::Range:
    case NodeKind::FreeText: {
      if (n.kind != NodeKind::FreeText) j["field"] = json_pattern(n.field);
      if (n.kind == NodeKind::Range) j["op"] = to_string(n.op);
      nlohmann::json v = json_pattern(n.value.pattern);
      v["type"] = type_name(n.value.type);
      j["value"] = std::move(v);
      break;
    }
    case NodeKind::Exists: j["field"] = json_pattern(n.field); break;
    case NodeKind::Script: j["eql"] = n.value.pattern.segments.front(); break;
    case NodeKind::Nested:
      j["field"] = json_pattern(n.field);
      if (!n.children.empty()) j["child"] = json_node(*n.children[0]);
      break;
    case NodeKind::Not:
      if (!n.children.empty()) j["child"] = json_node(*n.children[0]);
      break;
    case NodeKind::And:
    case NodeKind::Or: {
      nlohmann::json kids = nlohmann::json::array();
      for (const auto& c : n.children) kids.push_back(json_node(*c));
      j["children"] = std::move(kids);
      break;
    }
    case NodeKind::MatchAll: break;
  }
  if (n.pos.known()) j["pos"] = {{"line", n.pos.line}, {"column", n.pos.column}, {"offset", n.pos.offset}};
  return j;
}

}  // namespace

std::string print(const Node& n) {
  std::string out;
  emit(n, out, false);
  return out;
}

std::string dump(const Node& n) {
  std::string out;
  dump_node(n, out, 0);
  return out;
}

std::string to_json(const Node& n) {
  return json_node(n).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace rulec::kql
