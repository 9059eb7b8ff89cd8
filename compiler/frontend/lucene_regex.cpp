// Lucene RegExp -> Hyperscan: a recursive-descent parser of Lucene's grammar (RegExp.java) into lucene_rx.h's tree, then its Hyperscan spelling.
#include "compiler/frontend/lucene_regex.h"

#include <cctype>
#include <memory>

#include <fmt/format.h>

#include "compiler/frontend/kql_text.h"
#include "compiler/frontend/lucene_rx.h"

namespace rulec {

namespace {

constexpr size_t kMaxRegexDepth = 200;

struct RegexFailure {
  bool unsupported = false;
  std::string message;
};

using lucene::Ranges;
using lucene::Rx;
using lucene::RxPtr;

RxPtr node(Rx::Kind k) {
  auto r = std::make_unique<Rx>();
  r->kind = k;
  return r;
}
RxPtr set_node(Ranges ranges, std::string text) {
  RxPtr r = node(Rx::Kind::Set);
  r->ranges = lucene::normalized(std::move(ranges));
  r->text = std::move(text);
  return r;
}
RxPtr group(RxPtr inner) {
  RxPtr g = node(Rx::Kind::Group);
  g->kids.push_back(std::move(inner));
  return g;
}

// The equal-length decimal strings from `lo` to `hi` (lo <= hi as numbers).
RxPtr digit_range(std::string_view lo, std::string_view hi) {
  if (lo.empty()) return node(Rx::Kind::Concat);
  auto digit = [](char32_t a, char32_t b) { return set_node({{a, b}}, ""); };
  if (lo.find_first_not_of('0') == std::string_view::npos && hi.find_first_not_of('9') == std::string_view::npos) {
    if (lo.size() == 1) return digit('0', '9');
    RxPtr any = node(Rx::Kind::Repeat);  // every string of that many digits
    any->min = any->max = static_cast<int>(lo.size());
    any->text = fmt::format("{{{}}}", lo.size());
    any->kids.push_back(digit('0', '9'));
    return any;
  }
  auto seq = [](RxPtr head, RxPtr tail) {
    RxPtr c = node(Rx::Kind::Concat);
    c->kids.push_back(std::move(head));
    c->kids.push_back(std::move(tail));
    return c;
  };
  const std::string_view lt = lo.substr(1), ht = hi.substr(1);
  if (lo[0] == hi[0]) return seq(digit(lo[0], lo[0]), digit_range(lt, ht));
  RxPtr u = node(Rx::Kind::Union);
  const std::string nines(lt.size(), '9'), zeros(lt.size(), '0');
  u->kids.push_back(seq(digit(lo[0], lo[0]), digit_range(lt, nines)));
  if (lo[0] + 1 <= hi[0] - 1) u->kids.push_back(seq(digit(lo[0] + 1, hi[0] - 1), digit_range(zeros, nines)));
  u->kids.push_back(seq(digit(hi[0], hi[0]), digit_range(zeros, ht)));
  return group(std::move(u));
}

class LuceneRegex {
 public:
  explicit LuceneRegex(std::string_view s) : s_(s) {}

  RxPtr parse() {
    if (s_.empty()) return node(Rx::Kind::Concat);
    RxPtr e = union_exp(0);
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
  void check_depth(size_t depth) const {
    if (depth > kMaxRegexDepth) throw RegexFailure{true, "the regex nests deeper than 200 levels"};
  }

  // A code point as a literal outside a class: every byte \xHH (non-ASCII bytes raw, as UTF-8).
  static RxPtr literal(char32_t c) {
    std::string out;
    if (c < 0x80) {
      out = fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else {
      kql::text::encode(out, c);
    }
    return set_node({{c, c}}, out);
  }
  // A code point inside a class.
  static void class_char(std::string& out, char32_t c) {
    if (c < 0x80 && std::isalnum(static_cast<int>(c))) out += static_cast<char>(c);
    else if (c < 0x80) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else out += fmt::format("\\x{{{:x}}}", static_cast<unsigned>(c));
  }

  RxPtr union_exp(size_t depth) {
    check_depth(depth);
    RxPtr e = inter_exp(depth);
    if (!(more() && s_[i_] == '|')) return e;
    RxPtr u = node(Rx::Kind::Union);
    u->kids.push_back(std::move(e));
    while (more() && s_[i_] == '|') {
      ++i_;
      u->kids.push_back(inter_exp(depth));
    }
    return u;
  }

  // concatexp (& interexp)?
  RxPtr inter_exp(size_t depth) {
    RxPtr e = concat_exp(depth);
    if (!(more() && s_[i_] == '&')) return e;
    RxPtr x = node(Rx::Kind::Inter);
    x->kids.push_back(std::move(e));
    while (more() && s_[i_] == '&') {
      ++i_;
      x->kids.push_back(concat_exp(depth));
    }
    return x;
  }

  RxPtr concat_exp(size_t depth) {
    RxPtr c = node(Rx::Kind::Concat);
    c->kids.push_back(repeat_exp(depth));
    while (more() && !peek(")|&")) c->kids.push_back(repeat_exp(depth));
    if (c->kids.size() == 1) return std::move(c->kids.front());
    return c;
  }

  RxPtr repeat_exp(size_t depth) {
    RxPtr e = compl_exp(depth);
    for (size_t chain = 0; peek("?*+{"); ++chain) {
      if (chain >= kMaxRegexDepth) unsupported("more than 200 quantifiers in a row");
      const char op = s_[i_++];
      RxPtr r = node(Rx::Kind::Repeat);
      r->text = std::string(1, op);
      r->min = op == '+' ? 1 : 0;
      r->max = op == '?' ? 1 : -1;
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
        r->text = open ? fmt::format("{{{},}}", n) : n == m ? fmt::format("{{{}}}", n) : fmt::format("{{{},{}}}", n, m);
        r->min = std::stoi(n);
        r->max = open ? -1 : std::stoi(m);
      }
      r->kids.push_back(std::move(e));
      e = std::move(r);
    }
    return e;
  }

  // ~ complexp | charclassexp
  RxPtr compl_exp(size_t depth) {
    if (!(more() && s_[i_] == '~')) return char_class_exp(depth);
    ++i_;
    check_depth(depth + 1);
    RxPtr c = node(Rx::Kind::Compl);
    c->kids.push_back(compl_exp(depth + 1));
    return c;
  }

  // \d \D \s \S \w \W (ASCII, as Hyperscan reads them without UCP), or null.
  RxPtr shorthand() {
    if (!(i_ + 1 < s_.size() && s_[i_] == '\\' && std::string_view("dDsSwW").find(s_[i_ + 1]) != std::string_view::npos))
      return nullptr;
    const char k = s_[i_ + 1];
    i_ += 2;
    Ranges r;
    switch (k | 0x20) {
      case 'd': r = {{'0', '9'}}; break;
      case 's': r = {{'\t', '\r'}, {' ', ' '}}; break;
      default: r = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; break;
    }
    if (k >= 'A' && k <= 'Z') r = lucene::complement(lucene::normalized(r));
    return set_node(std::move(r), std::string{'\\', k});
  }

  RxPtr char_class_exp(size_t depth) {
    if (!(more() && s_[i_] == '[')) return simple_exp(depth);
    ++i_;
    std::string out = "[";
    const bool negated = more() && s_[i_] == '^';
    if (negated) {
      out += '^';
      ++i_;
    }
    Ranges members;
    while (more() && s_[i_] != ']') {
      if (RxPtr sh = shorthand()) {
        out += sh->text;
        members.insert(members.end(), sh->ranges.begin(), sh->ranges.end());
        continue;
      }
      const char32_t lo = char_exp();
      char32_t hi = lo;
      class_char(out, lo);
      if (more() && s_[i_] == '-' && i_ + 1 < s_.size() && s_[i_ + 1] != ']') {
        ++i_;
        hi = char_exp();
        if (hi < lo) fail("character class range with its end before its start");
        out += '-';
        class_char(out, hi);
      }
      members.emplace_back(lo, hi);
    }
    if (!more()) fail("expected ']'");
    ++i_;
    if (members.empty()) fail("empty character class");
    members = lucene::normalized(std::move(members));
    return set_node(negated ? lucene::complement(members) : members, out + "]");
  }

  char32_t char_exp() {
    if (more() && s_[i_] == '\\') ++i_;
    return next();
  }

  // <n-m>: the decimal numbers n..m; with n and m of one length, exactly that many digits (zero
  // padded), otherwise any number of leading zeros (Lucene's Automata.makeDecimalInterval).
  RxPtr interval() {
    const size_t close = s_.find('>', i_);
    if (close == std::string_view::npos) fail("expected '>'");
    const std::string_view body = s_.substr(i_ + 1, close - i_ - 1);
    const size_t dash = body.find('-');
    if (dash == std::string_view::npos) unsupported("named automata (<name>) are not supported");
    std::string lo(body.substr(0, dash)), hi(body.substr(dash + 1));
    auto number = [&](const std::string& t) {
      if (t.empty() || t.size() > 10 || t.find_first_not_of("0123456789") != std::string::npos ||
          std::stoull(t) > 2147483647ull)
        fail(fmt::format("'{}' in <{}> is not a number", t, body));
      return std::stoull(t);
    };
    uint64_t a = number(lo), b = number(hi);
    const size_t digits = lo.size() == hi.size() ? lo.size() : 0;
    i_ = close + 1;
    if (a > b) std::swap(a, b);
    RxPtr u = node(Rx::Kind::Union);
    if (digits > 0) {
      u->kids.push_back(digit_range(fmt::format("{:0{}}", a, digits), fmt::format("{:0{}}", b, digits)));
    } else {
      // 0* then the number without leading zeros, one run of equal-length ranges per length.
      const std::string sa = std::to_string(a), sb = std::to_string(b);
      for (size_t len = sa.size(); len <= sb.size(); ++len) {
        const std::string from = len == sa.size() ? sa : "1" + std::string(len - 1, '0');
        const std::string to = len == sb.size() ? sb : std::string(len, '9');
        u->kids.push_back(digit_range(from, to));
      }
      RxPtr zeros = node(Rx::Kind::Repeat);
      zeros->text = "*";
      zeros->kids.push_back(set_node({{'0', '0'}}, ""));
      RxPtr c = node(Rx::Kind::Concat);
      c->kids.push_back(std::move(zeros));
      c->kids.push_back(group(std::move(u)));
      return group(std::move(c));
    }
    return group(std::move(u));
  }

  RxPtr simple_exp(size_t depth) {
    if (!more()) fail("unexpected end of the regex");
    const char c = s_[i_];
    if (c == '.') {
      ++i_;
      return set_node({{0, lucene::kMaxCodePoint}}, ".");
    }
    if (c == '#') {
      ++i_;
      return node(Rx::Kind::Nothing);
    }
    if (c == '@') {
      ++i_;
      return node(Rx::Kind::AnyString);
    }
    if (c == '<') return interval();
    if (c == '"') {
      ++i_;
      RxPtr q = node(Rx::Kind::Concat);
      while (more() && s_[i_] != '"') q->kids.push_back(literal(next()));
      if (!more()) fail("expected '\"'");
      ++i_;
      return group(std::move(q));
    }
    if (c == '(') {
      ++i_;
      if (more() && s_[i_] == ')') {
        ++i_;
        return node(Rx::Kind::Eps);
      }
      RxPtr e = union_exp(depth + 1);
      if (!more() || s_[i_] != ')') fail("expected ')'");
      ++i_;
      return group(std::move(e));
    }
    if (RxPtr sh = shorthand()) return sh;
    return literal(char_exp());
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

RegexTranslation lucene_regex_to_hyperscan(std::string_view regex, bool case_insensitive) {
  RegexTranslation t;
  if (kql::text::find_invalid_utf8(regex)) {
    t.error = "the regex is not valid UTF-8";
    return t;
  }
  RxPtr rx;
  try {
    rx = LuceneRegex(regex).parse();
  } catch (RegexFailure& f) {
    (f.unsupported ? t.unsupported : t.error) = std::move(f.message);
    return t;
  }
  if (!lucene::needs_automaton(*rx)) {
    t.expression = "\\A(?:" + lucene::print_hyperscan(*rx) + ")\\z";
    return t;
  }
  std::string body, why;
  if (!lucene::automaton_expression(*rx, case_insensitive, body, t.never, why)) {
    t.unsupported = std::move(why);
    return t;
  }
  if (!t.never) t.expression = "\\A(?:" + body + ")\\z";
  return t;
}

}  // namespace rulec
