// Lucene RegExp -> Hyperscan: a recursive-descent parser of Lucene's grammar (RegExp.java) that emits PCRE syntax.
#include "compiler/frontend/lucene_regex.h"

#include <cctype>

#include <fmt/format.h>

#include "compiler/frontend/kql_text.h"

namespace rulec {

namespace {

constexpr size_t kMaxRegexDepth = 200;

struct RegexFailure {
  bool unsupported = false;
  std::string message;
};

class LuceneRegex {
 public:
  explicit LuceneRegex(std::string_view s) : s_(s) {}

  std::string translate() {
    if (s_.empty()) return {};
    std::string e = union_exp(0);
    if (i_ < s_.size()) fail(fmt::format("unexpected '{}' at position {}", s_[i_], i_));
    return e;
  }

 private:
  [[noreturn]] void fail(std::string m) { throw RegexFailure{false, std::move(m)}; }
  [[noreturn]] void unsupported(std::string m) { throw RegexFailure{true, std::move(m)}; }
  bool more() const { return i_ < s_.size(); }
  bool peek(std::string_view chars) const { return more() && chars.find(s_[i_]) != std::string_view::npos; }
  char32_t next() {
    if (!more()) fail("unexpected end of the regex");
    return kql::text::decode(s_, i_);
  }

  // A code point as a literal outside a class: every byte \xHH (non-ASCII bytes raw, as UTF-8).
  static void literal(std::string& out, char32_t c) {
    if (c < 0x80) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else {
      kql::text::encode(out, c);
    }
  }
  // A code point inside a class.
  static void class_char(std::string& out, char32_t c) {
    if (c < 0x80 && std::isalnum(static_cast<int>(c))) out += static_cast<char>(c);
    else if (c < 0x80) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else out += fmt::format("\\x{{{:x}}}", static_cast<unsigned>(c));
  }

  std::string union_exp(size_t depth) {
    if (depth > kMaxRegexDepth) unsupported("the regex nests deeper than 200 levels");
    std::string e = inter_exp(depth);
    while (more() && s_[i_] == '|') {
      ++i_;
      e += '|';
      e += inter_exp(depth);
    }
    return e;
  }

  std::string inter_exp(size_t depth) {
    std::string e = concat_exp(depth);
    if (more() && s_[i_] == '&') unsupported("intersection (&) has no Hyperscan equivalent");
    return e;
  }

  std::string concat_exp(size_t depth) {
    std::string e = repeat_exp(depth);
    while (more() && !peek(")|&")) e += repeat_exp(depth);
    return e;
  }

  std::string repeat_exp(size_t depth) {
    std::string e = compl_exp(depth);
    while (peek("?*+{")) {
      const char op = s_[i_++];
      std::string q(1, op);
      if (op == '{') {
        const size_t start = i_;
        while (more() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        if (start == i_) fail("integer expected after '{'");
        const std::string n(s_.substr(start, i_ - start));
        std::string m = n;
        bool open = false;
        if (more() && s_[i_] == ',') {
          ++i_;
          const size_t ms = i_;
          while (more() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
          m = std::string(s_.substr(ms, i_ - ms));
          open = m.empty();
        }
        if (!more() || s_[i_] != '}') fail("expected '}'");
        ++i_;
        if (n.size() > 5 || m.size() > 5) unsupported("a repetition count over 99999");
        if (!open && std::stoul(m) < std::stoul(n)) fail("repetition {n,m} with m < n");
        q = open ? fmt::format("{{{},}}", n) : n == m ? fmt::format("{{{}}}", n) : fmt::format("{{{},{}}}", n, m);
      }
      e = "(?:" + e + ")" + q;
    }
    return e;
  }

  std::string compl_exp(size_t depth) {
    if (more() && s_[i_] == '~') unsupported("complement (~) has no Hyperscan equivalent");
    return char_class_exp(depth);
  }

  // \d \D \s \S \w \W (ASCII, as Hyperscan reads them without UCP), or empty.
  std::string shorthand() {
    if (i_ + 1 < s_.size() && s_[i_] == '\\' && std::string_view("dDsSwW").find(s_[i_ + 1]) != std::string_view::npos) {
      std::string r = {'\\', s_[i_ + 1]};
      i_ += 2;
      return r;
    }
    return {};
  }

  std::string char_class_exp(size_t depth) {
    if (!(more() && s_[i_] == '[')) return simple_exp(depth);
    ++i_;
    std::string out = "[";
    if (more() && s_[i_] == '^') {
      out += '^';
      ++i_;
    }
    bool any = false;
    while (more() && s_[i_] != ']') {
      if (std::string sh = shorthand(); !sh.empty()) {
        out += sh;
        any = true;
        continue;
      }
      const char32_t lo = char_exp();
      class_char(out, lo);
      if (more() && s_[i_] == '-' && i_ + 1 < s_.size() && s_[i_ + 1] != ']') {
        ++i_;
        const char32_t hi = char_exp();
        if (hi < lo) fail("character class range with its end before its start");
        out += '-';
        class_char(out, hi);
      }
      any = true;
    }
    if (!more()) fail("expected ']'");
    ++i_;
    if (!any) fail("empty character class");
    return out + "]";
  }

  char32_t char_exp() {
    if (more() && s_[i_] == '\\') ++i_;
    return next();
  }

  std::string simple_exp(size_t depth) {
    if (!more()) fail("unexpected end of the regex");
    const char c = s_[i_];
    if (c == '.') {
      ++i_;
      return ".";
    }
    if (c == '#') unsupported("the empty language (#) has no Hyperscan equivalent");
    if (c == '@') {
      ++i_;
      return "(?:.*)";
    }
    if (c == '<') unsupported("numeric intervals and named automata (<…>) are not supported");
    if (c == '"') {
      ++i_;
      std::string out = "(?:";
      while (more() && s_[i_] != '"') literal(out, next());
      if (!more()) fail("expected '\"'");
      ++i_;
      return out + ")";
    }
    if (c == '(') {
      ++i_;
      if (more() && s_[i_] == ')') {
        ++i_;
        return "(?:)";
      }
      std::string e = union_exp(depth + 1);
      if (!more() || s_[i_] != ')') fail("expected ')'");
      ++i_;
      return "(?:" + e + ")";
    }
    if (std::string sh = shorthand(); !sh.empty()) return sh;
    std::string out;
    literal(out, char_exp());
    return out;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

RegexTranslation lucene_regex_to_hyperscan(std::string_view regex) {
  RegexTranslation t;
  if (kql::text::find_invalid_utf8(regex)) {
    t.error = "the regex is not valid UTF-8";
    return t;
  }
  try {
    t.expression = "\\A(?:" + LuceneRegex(regex).translate() + ")\\z";
  } catch (RegexFailure& f) {
    (f.unsupported ? t.unsupported : t.error) = std::move(f.message);
  }
  return t;
}

}  // namespace rulec
