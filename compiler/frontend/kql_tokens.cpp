// The KQL token rewrite (keywords by Kibana's whitespace rules, whole literals) and its token stream.
#include "compiler/frontend/kql_tokens.h"

#include "KqlLexer.h"
#include "compiler/frontend/diagnostic.h"
#include "compiler/frontend/kql_text.h"

namespace rulec::kql::detail {

using rulec::kqlgen::KqlLexer;

namespace {
constexpr uint32_t kEofType = 0xFFFFFFFFu;

bool ieq(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if ((s[i] | 0x20) != lower[i]) return false;
  return true;
}

// A token after which Kibana's `Space+ 'or'i Space+` can follow: the end of a literal, `)`, `}`.
bool ends_expression(size_t type) {
  switch (type) {
    case KqlLexer::WORD: case KqlLexer::ESC: case KqlLexer::STAR: case KqlLexer::QUOTED:
    case KqlLexer::RPAREN: case KqlLexer::RBRACE:
      return true;
    default:
      return false;
  }
}
}  // namespace

CodePointStream::CodePointStream(std::string_view utf8, bool ascii) : utf8_(utf8), ascii_(ascii) {
  if (!ascii) {
    wide_.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) wide_.push_back(text::decode(utf8, i));
    wide_.shrink_to_fit();
  }
  size_ = ascii ? utf8.size() : wide_.size();
}

void CodePointStream::consume() {
  if (p_ >= size_) throw antlr4::IllegalStateException("cannot consume EOF");
  ++p_;
}

size_t CodePointStream::LA(ssize_t i) {
  if (i == 0) return 0;
  ssize_t at = static_cast<ssize_t>(p_) + (i < 0 ? i : i - 1);
  if (at < 0 || at >= static_cast<ssize_t>(size_)) return antlr4::IntStream::EOF;
  return ascii_ ? static_cast<unsigned char>(utf8_[static_cast<size_t>(at)]) : wide_[static_cast<size_t>(at)];
}

std::string CodePointStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < interval.a) return "";
  auto a = static_cast<size_t>(interval.a), b = static_cast<size_t>(interval.b);
  if (a >= size_) return "";
  if (b >= size_) b = size_ - 1;
  if (ascii_) return std::string(utf8_.substr(a, b - a + 1));
  std::string out;
  for (size_t k = a; k <= b; ++k) text::encode(out, wide_[k]);
  return out;
}

LeanToken::LeanToken(const TokenBuffer* owner, size_t type, uint32_t index, uint32_t begin, uint32_t end)
    : owner_(owner),
      type_(type == antlr4::Token::EOF ? kEofType : static_cast<uint32_t>(type)),
      index_(index),
      begin_(begin),
      end_(end) {}

std::string LeanToken::getText() const {
  if (type_ == kEofType) return "<EOF>";
  return std::string(owner_->source().substr(begin_, end_ - begin_));
}

size_t LeanToken::getType() const { return type_ == kEofType ? antlr4::Token::EOF : type_; }
size_t LeanToken::getLine() const { return position_of(owner_->source(), begin_).line; }
size_t LeanToken::getCharPositionInLine() const { return position_of(owner_->source(), begin_).column - 1; }
antlr4::TokenSource* LeanToken::getTokenSource() const { return owner_->getTokenSource(); }
antlr4::CharStream* LeanToken::getInputStream() const { return owner_->chars(); }
std::string LeanToken::toString() const { return "[@" + std::to_string(index_) + " '" + getText() + "']"; }

void TokenBuffer::push(size_t type, uint32_t begin, uint32_t end) {
  tokens_.emplace_back(this, type, static_cast<uint32_t>(tokens_.size()), begin, end);
}

void TokenBuffer::fill(antlr4::Lexer& lexer, bool ascii) {
  tokens_.clear();
  p_ = 0;
  const std::string_view s = src_;
  auto space_at = [&](size_t i) {
    if (i >= s.size()) return false;
    char c = s[i];
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
           (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0');
  };
  auto space_before = [&](size_t i) {
    if (i == 0) return false;
    char c = s[i - 1];
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == '\xA0' && i >= 2 && s[i - 2] == '\xC2');
  };
  // Code point index -> byte offset, walking forward (tokens arrive in order).
  size_t cp = 0, byte = 0;
  auto to_byte = [&](size_t index) {
    if (ascii) return index;
    while (cp < index && byte < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[byte]);
      byte += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      ++cp;
    }
    return byte;
  };

  bool in_literal = false;
  uint32_t lit_begin = 0, lit_end = 0;
  auto add_to_literal = [&](uint32_t b, uint32_t e) {
    if (!in_literal) lit_begin = b;
    in_literal = true;
    lit_end = e;
  };
  auto flush_literal = [&] {
    if (in_literal) push(KqlLexer::LITERAL, lit_begin, lit_end);
    in_literal = false;
  };

  size_t prev = 0;  // type of the previous significant raw token (0: none yet)
  for (;;) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    size_t type = t->getType();
    if (type == antlr4::Token::EOF) break;
    auto b = static_cast<uint32_t>(to_byte(t->getStartIndex()));
    auto e = static_cast<uint32_t>(to_byte(t->getStopIndex() + 1));
    if (type == KqlLexer::WORD) {
      std::string_view w = s.substr(b, e - b);
      if ((ieq(w, "or") || ieq(w, "and")) && ends_expression(prev) && space_before(b) && space_at(e)) {
        flush_literal();
        push(w.size() == 2 ? KqlLexer::OR : KqlLexer::AND, b, e);
        prev = w.size() == 2 ? KqlLexer::OR : KqlLexer::AND;
        continue;
      }
      if (w.size() >= 3 && ieq(w.substr(w.size() - 3), "not") && space_at(e)) {
        if (w.size() > 3) add_to_literal(b, e - 3);
        flush_literal();
        push(KqlLexer::NOT, e - 3, e);
        prev = KqlLexer::NOT;
        continue;
      }
      add_to_literal(b, e);
    } else if (type == KqlLexer::ESC || type == KqlLexer::STAR) {
      add_to_literal(b, e);
    } else {
      flush_literal();
      push(type == KqlLexer::QUOTED ? static_cast<size_t>(KqlLexer::LITERAL) : type, b, e);
    }
    prev = type;
  }
  flush_literal();
  auto n = static_cast<uint32_t>(s.size());
  push(antlr4::Token::EOF, n, n);
}

antlr4::Token* TokenBuffer::LT(ssize_t k) {
  if (k == 0) return nullptr;
  if (k < 0) {
    auto back = static_cast<size_t>(-k);
    return back > p_ ? nullptr : &tokens_[p_ - back];
  }
  size_t i = p_ + static_cast<size_t>(k) - 1;
  return &tokens_[i < tokens_.size() ? i : tokens_.size() - 1];
}

size_t TokenBuffer::LA(ssize_t i) {
  antlr4::Token* t = LT(i);
  return t ? t->getType() : antlr4::Token::INVALID_TYPE;
}

antlr4::Token* TokenBuffer::get(size_t i) const {
  return const_cast<LeanToken*>(&tokens_[i < tokens_.size() ? i : tokens_.size() - 1]);
}

void TokenBuffer::consume() {
  if (p_ + 1 < tokens_.size()) ++p_;
}

void TokenBuffer::seek(size_t index) { p_ = index < tokens_.size() ? index : tokens_.size() - 1; }

std::string TokenBuffer::getText(const antlr4::misc::Interval& interval) {
  if (tokens_.empty() || interval.a < 0 || interval.b < interval.a) return "";
  auto a = static_cast<size_t>(interval.a), b = static_cast<size_t>(interval.b);
  if (a >= tokens_.size()) return "";
  if (b >= tokens_.size()) b = tokens_.size() - 1;
  return std::string(src_.substr(tokens_[a].begin(), tokens_[b].end() - tokens_[a].begin()));
}

std::string TokenBuffer::getText() { return std::string(src_); }

std::string TokenBuffer::getText(antlr4::RuleContext* ctx) { return getText(ctx->getSourceInterval()); }

std::string TokenBuffer::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (!start || !stop) return "";
  return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
}

}  // namespace rulec::kql::detail
