// Random KQL queries from the grammar over a small typed vocabulary, and random events over the same fields.
#include "diff/random_query.h"

#include <cstring>

#include "diff/synth_model.h"
#include "runtime/common/dates.h"

namespace rulec::diff {

namespace {

using RqField = RandomQueries::Field;

const std::vector<std::string> kStrings = {
    "cmd.exe", "powershell.exe", "svchost.exe", "bash", "sh", "Foo Bar", "C:\\Windows\\System32\\cmd.exe",
    "/usr/bin/python3", "a*b", "we?rd", "\xC3\xBCn\xC3\xAF" "code", "CMD.EXE", "true", "123", "x:y", "(paren)",
    "quo\"te", "-enc", "start"};
const std::vector<std::string> kTexts = {"quick brown fox", "Error disk full", "user logged in", "connection refused",
                                         "fox", "DISK", "logged", "cmd.exe"};
const std::vector<std::string> kLongs = {"0", "1", "22", "443", "3389", "65535", "-1", "1.5", "08", "9223372036854775807"};
const std::vector<std::string> kIps = {"10.0.0.1", "192.168.1.10", "10.0.0.0/8", "192.168.0.0/16", "::1",
                                       "fe80::1", "2001:db8::/32", "127.0.0.1", "2001:db8::5"};
const std::vector<std::string> kDates = {"2024-05-15", "2024-05-15T12:00:00Z", "2024-05-14T23:59:59.999Z", "now-1d",
                                         "now/d", "now-1h", "now", "1715774400000", "2024-05", "2024-05-15T11:30:00.000Z"};
const std::vector<std::string> kBools = {"true", "false"};

const std::vector<RqField> kTop = {
    {"process.name", "keyword"}, {"process.executable.caseless", "caseless"}, {"process.name.text", "text"},
    {"message", "text"}, {"process.command_line", "wildcard"}, {"event.action", "keyword"},
    {"process.pid", "long"}, {"destination.port", "long"}, {"source.ip", "ip"}, {"@timestamp", "date"},
    {"process.code_signature.trusted", "boolean"}, {"custom.tag", "unknown"}};
const std::vector<RqField> kNested = {{"file.name", "keyword"}, {"file.size", "long"}};

bool is(const RqField& f, const char* kind) { return std::strcmp(f.kind, kind) == 0; }
bool stringish(const RqField& f) { return !is(f, "long") && !is(f, "ip") && !is(f, "date") && !is(f, "boolean"); }

const std::vector<std::string>& words_for(const RqField& f) {
  if (is(f, "long")) return kLongs;
  if (is(f, "ip")) return kIps;
  if (is(f, "date")) return kDates;
  if (is(f, "boolean")) return kBools;
  if (is(f, "text")) return kTexts;
  return kStrings;
}

bool space_char(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Would this text, unquoted, be read as something else (keywords, trimmed whitespace, nothing)?
bool unsafe_unquoted(const std::string& raw) {
  std::string s;
  for (char c : raw) s += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (s.empty() || space_char(s.front()) || space_char(s.back())) return true;
  if (s == "or" || s == "and" || s == "not") return true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "not") == 0 && i + 3 < s.size() && space_char(s[i + 3])) return true;
    for (const char* k : {"or", "and"}) {
      const size_t n = std::strlen(k);
      if (i + n > s.size() || s.compare(i, n, k) != 0) continue;  // (found by engine_diff_fuzz: read past the end)
      const bool left = i == 0 || space_char(s[i - 1]);
      const bool right = i + n == s.size() || space_char(s[i + n]);
      if (left && right) return true;
    }
  }
  return false;
}

std::string quoted(const std::vector<std::string>& segs) {
  std::string out = "\"";
  for (size_t i = 0; i < segs.size(); ++i) {
    for (char c : segs[i]) {
      if (c == '"' || c == '\\') out += '\\', out += c;
      else if (c == '\t') out += "\\t";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    if (i + 1 < segs.size()) out += '*';  // literal inside quotes
  }
  return out + "\"";
}

std::string unquoted(const std::vector<std::string>& segs, Rng& rng) {
  std::string out;
  for (size_t i = 0; i < segs.size(); ++i) {
    for (char c : segs[i]) {
      if (std::strchr("\\():<>\"*{}", c) && c != '\0') out += '\\', out += c;
      else if (c == '\t') out += "\\t";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && rng.chance(3)) out += "\\u00" + std::string(1, "0123456789ABCDEF"[(c >> 4) & 15]) + "0123456789ABCDEF"[c & 15];
      else out += c;
    }
    if (i + 1 < segs.size()) out += '*';
  }
  return out;
}

// A literal, maybe made a wildcard pattern: segments between `*` markers.
std::vector<std::string> pattern_of(const std::string& raw, bool wildcard, Rng& rng) {
  if (!wildcard) return {raw};
  switch (rng.below(5)) {
    case 0: return {"", raw};
    case 1: return {raw, ""};
    case 2: return {"", raw, ""};
    case 3: {
      size_t k = rng.below(raw.size() + 1);
      while (k < raw.size() && (static_cast<unsigned char>(raw[k]) & 0xC0) == 0x80) ++k;
      return {raw.substr(0, k), raw.substr(k)};
    }
    default: return {"", ""};  // `**`-like: a wildcard test, never exists
  }
}

std::string render(const std::vector<std::string>& segs, bool prefer_quotes, Rng& rng) {
  std::string joined;
  for (const auto& s : segs) joined += s;
  const bool star_only = segs.size() == 2 && joined.empty();
  if (star_only) return rng.chance(50) ? "**" : "*\\*";  // `f:*` alone would be exists
  if (prefer_quotes || unsafe_unquoted(joined)) return quoted(segs);
  return unquoted(segs, rng);
}

const char* kOps[] = {"<", "<=", ">", ">="};

}  // namespace

const std::vector<RandomQueries::Field>& RandomQueries::vocabulary() {
  static const std::vector<Field> all = [] {
    std::vector<Field> v = kTop;
    v.push_back({kNestedPath, "nested"});
    v.push_back({"email.attachments.file.name", "keyword"});
    v.push_back({"email.attachments.file.size", "long"});
    return v;
  }();
  return all;
}

RandomQueries::RandomQueries(uint64_t seed, int max_depth)
    : qrng_(seed ^ 0xA11CE), erng_(seed ^ 0xB0B), max_depth_(max_depth) {}

std::string RandomQueries::keyword(const char* word) {
  std::string w = word;
  const unsigned r = static_cast<unsigned>(qrng_.below(100));
  for (size_t i = 0; i < w.size(); ++i)
    if (r < 15 || (r < 30 && i == 0)) w[i] = static_cast<char>(w[i] - 32);
  return w;
}

std::string RandomQueries::space() {
  const unsigned r = static_cast<unsigned>(qrng_.below(100));
  return r < 80 ? " " : r < 88 ? "  " : r < 93 ? "\n" : r < 97 ? "\t" : "\xC2\xA0";
}

std::string RandomQueries::value_for(const Field& f, bool allow_wildcard) {
  const std::string& raw = qrng_.pick(words_for(f));
  const bool wild = allow_wildcard && qrng_.chance(stringish(f) ? 35 : 4);
  return render(pattern_of(raw, wild, qrng_), !wild && qrng_.chance(35), qrng_);
}

std::string RandomQueries::value_list(const Field& f, int depth) {
  // or-list of and-lists of (not) values or parenthesized lists
  std::string out;
  const size_t n = 1 + qrng_.below(depth > 0 ? 3 : 2);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += space() + keyword("or") + space();
    const size_t m = 1 + qrng_.below(2);
    for (size_t j = 0; j < m; ++j) {
      if (j) out += space() + keyword("and") + space();
      if (qrng_.chance(20)) out += keyword("not") + space();
      if (depth > 0 && qrng_.chance(15)) {
        out += '(';
        out += value_list(f, depth - 1);
        out += ')';
      } else {
        out += value_for(f, true);
      }
    }
  }
  return out;
}

std::string RandomQueries::term(int depth, bool nested) {
  const auto& fields = nested ? kNested : kTop;
  const Field& f = qrng_.pick(fields);
  const std::string name = qrng_.chance(4) ? quoted({f.name}) : std::string(f.name);
  const std::string colon = qrng_.chance(10) ? space() + ":" + space() : ":";
  const unsigned r = static_cast<unsigned>(qrng_.below(100));
  if (r < 38) return name + colon + value_for(f, true);
  if (r < 48) return name + colon + "(" + value_list(f, 1) + ")";
  if (r < 56) return name + colon + "*";
  if (r < 70) {
    const std::string op = kOps[qrng_.below(4)];
    const std::string sp = qrng_.chance(70) ? " " : "";
    return name + sp + op + sp + render({qrng_.pick(words_for(f))}, qrng_.chance(30), qrng_);
  }
  if (r < 80 && !nested && depth > 0)
    return std::string(kNestedPath) + colon + "{" + space() + or_expr(depth - 1, true) + space() + "}";
  if (r < 88) {
    static const std::vector<std::string> top = {"process.*", "*.port", "process.code_signature.*", "*"};
    static const std::vector<std::string> inner = {"file.*", "*.name"};
    const std::string& pat = qrng_.pick(nested ? inner : top);
    if (pat == "*") return "*:*";
    return pat + ":" + (qrng_.chance(25) ? "*" : value_for(qrng_.pick(fields), true));
  }
  if (r < 92 && !nested) {  // free text
    const std::string& w = qrng_.pick(kStrings);
    return qrng_.chance(50) || unsafe_unquoted(w) ? quoted({w}) : unquoted({w}, qrng_);
  }
  return name + colon + value_for(f, false);
}

std::string RandomQueries::not_expr(int depth, bool nested) {
  std::string out = qrng_.chance(18) ? keyword("not") + space() : "";
  if (depth > 0 && qrng_.chance(25)) return out + "(" + space() + or_expr(depth - 1, nested) + space() + ")";
  return out + term(depth, nested);
}

std::string RandomQueries::and_expr(int depth, bool nested) {
  std::string out = not_expr(depth, nested);
  const size_t n = depth > 0 ? qrng_.below(3) : 0;
  for (size_t i = 0; i < n; ++i) out += space() + keyword("and") + space() + not_expr(depth, nested);
  return out;
}

std::string RandomQueries::or_expr(int depth, bool nested) {
  std::string out = and_expr(depth, nested);
  const size_t n = depth > 0 ? qrng_.below(3) : 0;
  for (size_t i = 0; i < n; ++i) out += space() + keyword("or") + space() + and_expr(depth, nested);
  return out;
}

std::string RandomQueries::query() {
  std::string q = or_expr(max_depth_, false);
  if (qrng_.chance(5)) q = space() + q + space();
  return q;
}

namespace {

bool json_number(const std::string& s) {
  size_t i = s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '0' || s[i] > '9' || (s[i] == '0' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9'))
    return false;
  return s.find_first_not_of("0123456789.-eE+") == std::string::npos;
}

JVal typed(const RqField& f, Rng& r) {
  const std::string& w = r.pick(words_for(f));
  if (is(f, "long")) {
    if (r.chance(5)) return jstring(random_word(r, 4));
    return json_number(w) && !r.chance(20) ? jnumber(w) : jstring(w);
  }
  if (is(f, "ip")) return jstring(r.chance(70) ? w.substr(0, w.find('/')) : "10.0." + std::to_string(r.below(4)) + "." + std::to_string(r.below(3)));
  if (is(f, "date")) {
    const int64_t ms = RandomQueries::kNowMs - static_cast<int64_t>(r.below(3 * kDayMs));
    const unsigned u = static_cast<unsigned>(r.below(10));
    return u < 6 ? jstring(iso8601_ms(ms)) : u < 8 ? jnumber(std::to_string(ms)) : jstring(r.pick(kDates).substr(0, 10));
  }
  if (is(f, "boolean")) return r.chance(80) ? jbool(r.chance(50)) : jstring(r.chance(90) ? w : "yes");
  std::string s = w;
  if (is(f, "text")) s += " " + r.pick(kTexts);
  if (r.chance(20))
    for (char& c : s)
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) c = static_cast<char>(c ^ (r.chance(50) ? 0x20 : 0));
  if (r.chance(8)) s += random_word(r, 2);
  return jstring(s);
}

}  // namespace

std::string RandomQueries::event() {
  Rng& r = erng_;
  Doc doc;
  for (const Field& f : kTop) {
    if (r.chance(35)) continue;
    std::string path = f.name;
    if (is(f, "caseless") || path == "process.name.text") path = path.substr(0, path.rfind('.'));
    const size_t n = r.chance(15) ? 2 + r.below(2) : 1;
    for (size_t i = 0; i < n; ++i) doc.add(path, r.chance(4) ? jnull() : typed(f, r));
  }
  if (r.chance(65)) {
    const bool single = r.chance(15);
    const size_t n = single ? 1 : 1 + r.below(3);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t el = single ? 0 : doc.add_element(kNestedPath, 0);
      for (const Field& f : kNested)
        if (r.chance(75)) doc.add(std::string(kNestedPath) + "." + f.name, typed(f, r), el);
    }
  }
  return to_json(doc, r);
}

std::vector<std::string> RandomQueries::queries(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(query());
  return out;
}

std::vector<std::string> RandomQueries::events(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(event());
  return out;
}

}  // namespace rulec::diff
