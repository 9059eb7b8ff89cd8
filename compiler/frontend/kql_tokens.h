// The KQL token stream: ANTLR lexer tokens rewritten into keywords and whole literals, stored compactly.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "antlr4-runtime.h"

namespace rulec::kql::detail {

class TokenBuffer;

// The query as the ANTLR lexer reads it: code points. ASCII text is read in place; other text is
// decoded once (4 bytes per character) and can be released when lexing is done.
// (antlr4::ANTLRInputStream would always copy, at several times the query's size.)
class CodePointStream final : public antlr4::CharStream {
 public:
  CodePointStream(std::string_view utf8, bool ascii);
  void release_text() { std::u32string().swap(wide_); }

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = index < size_ ? index : size_; }
  size_t size() override { return size_; }
  std::string getSourceName() const override { return "query"; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string toString() const override { return std::string(utf8_); }

 private:
  std::string_view utf8_;
  bool ascii_;
  std::u32string wide_;
  size_t size_;
  size_t p_ = 0;
};

// A token as the parser sees it: 32 bytes, source positions are byte offsets into the query (so
// getStartIndex/getStopIndex are byte offsets, not code point indexes as for CommonToken).
class LeanToken final : public antlr4::Token {
 public:
  LeanToken(const TokenBuffer* owner, size_t type, uint32_t index, uint32_t begin, uint32_t end);
  std::string getText() const override;
  size_t getType() const override;
  size_t getLine() const override;
  size_t getCharPositionInLine() const override;
  size_t getChannel() const override { return DEFAULT_CHANNEL; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return begin_; }
  size_t getStopIndex() const override { return static_cast<size_t>(end_) - 1; }
  antlr4::TokenSource* getTokenSource() const override;
  antlr4::CharStream* getInputStream() const override;
  std::string toString() const override;

  uint32_t begin() const { return begin_; }
  uint32_t end() const { return end_; }

 private:
  const TokenBuffer* owner_;
  uint32_t type_;
  uint32_t index_;
  uint32_t begin_;
  uint32_t end_;
};

// All tokens of one query (ending with EOF), as an ANTLR TokenStream. Whitespace is not kept.
class TokenBuffer final : public antlr4::TokenStream {
 public:
  TokenBuffer(std::string_view source, antlr4::TokenSource* lexer, antlr4::CharStream* chars)
      : src_(source), lexer_(lexer), chars_(chars) {}

  // Runs the lexer to the end and rewrites its tokens (see KqlLexer.g4): OR/AND/NOT keywords
  // by Kibana's whitespace rules, and every unquoted literal (runs of WORD, ESC and STAR tokens
  // with only whitespace between them) or quoted string becomes one LITERAL token. `ascii` tells
  // that the source has no multi-byte characters (then code point indexes are byte offsets).
  void fill(antlr4::Lexer& lexer, bool ascii);

  std::string_view source() const { return src_; }
  const LeanToken& at(size_t i) const { return tokens_[i]; }
  size_t count() const { return tokens_.size(); }

  antlr4::Token* LT(ssize_t k) override;
  size_t LA(ssize_t i) override;
  antlr4::Token* get(size_t i) const override;
  antlr4::TokenSource* getTokenSource() const override { return lexer_; }
  antlr4::CharStream* chars() const { return chars_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext* ctx) override;
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;
  void consume() override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override;
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return "query"; }

 private:
  void push(size_t type, uint32_t begin, uint32_t end);

  std::string_view src_;
  antlr4::TokenSource* lexer_;
  antlr4::CharStream* chars_;
  std::deque<LeanToken> tokens_;  // a deque: stable addresses, no reallocation peaks
  size_t p_ = 0;
};

}  // namespace rulec::kql::detail
