// KQL text -> AST: limits, the ANTLR lexer and parser (fast SLL pass, LL pass for errors), diagnostics.
#include "compiler/frontend/parser.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>

#include "KqlLexer.h"
#include "KqlParser.h"
#include "compiler/frontend/kql_builder.h"
#include "compiler/frontend/kql_text.h"
#include "compiler/frontend/kql_tokens.h"

namespace rulec::kql {

namespace {

using rulec::kqlgen::KqlLexer;
using rulec::kqlgen::KqlParser;

Diagnostic make_error(std::string_view code, std::string message) {
  Diagnostic d;
  d.code = std::string(code);
  d.message = std::move(message);
  return d;
}

ParseResult fail(Diagnostic d) {
  ParseResult r;
  r.error = std::move(d);
  return r;
}

// At most `max` bytes of `s`, cut on a code point boundary, with "..." when cut.
std::string excerpt(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Offset of the first `(` or `{` nested deeper than max_depth, skipping quoted strings and
// escaped characters exactly as the lexer does; nullopt when the nesting is within the limit.
std::optional<size_t> too_deep(std::string_view q, size_t max_depth) {
  size_t depth = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    char c = q[i];
    if (c == '\\') {
      if (i + 1 < q.size() && std::strchr("\\():<>\"*{}", q[i + 1]) && q[i + 1] != '\0') ++i;
    } else if (c == '"') {
      for (++i; i < q.size() && q[i] != '"'; ++i)
        if (q[i] == '\\') ++i;
    } else if (c == '(' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ')' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// The LL pass's error handler: stops at the first error and remembers every decision point the
// parser went through at the offending token, to tell what it expected there.
class ErrorCollector final : public antlr4::DefaultErrorStrategy {
 public:
  struct Point {
    size_t state;
    antlr4::ParserRuleContext* ctx;
  };
  antlr4::Token* offending = nullptr;
  std::vector<Point> points;  // decision points at `offending`

  void sync(antlr4::Parser* p) override { note(p->getTokenStream()->index(), p->getState(), p->getContext()); }
  void reportError(antlr4::Parser* p, const antlr4::RecognitionException& e) override {
    offending = e.getOffendingToken() ? e.getOffendingToken() : p->getCurrentToken();
    auto* ctx = dynamic_cast<antlr4::ParserRuleContext*>(e.getCtx());
    note(offending->getTokenIndex(), e.getOffendingState(), ctx ? ctx : p->getContext());
  }
  void recover(antlr4::Parser*, std::exception_ptr) override { throw antlr4::ParseCancellationException(); }
  antlr4::Token* recoverInline(antlr4::Parser* p) override {
    offending = p->getCurrentToken();
    note(offending->getTokenIndex(), p->getState(), p->getContext());
    throw antlr4::ParseCancellationException();
  }

 private:
  void note(size_t token_index, size_t state, antlr4::ParserRuleContext* ctx) {
    if (token_index != index_) {
      index_ = token_index;
      points.clear();
    }
    points.push_back(Point{state, ctx});
  }
  size_t index_ = static_cast<size_t>(-1);
};

bool is_range_op(size_t t) { return t == KqlParser::LT || t == KqlParser::LE || t == KqlParser::GT || t == KqlParser::GE; }

// What the parser expected at the error, in Kibana's words and order (KQLSyntaxError sorts the
// unique descriptions): "(" ... AND, NOT, OR, end of input, field name, literal, value, whitespace.
std::vector<std::string> expected_names(const ErrorCollector& c, const antlr4::atn::ATN& atn, size_t prev_type) {
  std::vector<std::string> names;
  bool colon = false;
  for (const auto& pt : c.points) {
    antlr4::misc::IntervalSet set = atn.getExpectedTokens(pt.state, pt.ctx);
    for (size_t t : set.toList()) {
      switch (t) {
        case antlr4::Token::EOF: names.emplace_back("end of input"); break;
        case KqlParser::OR: names.emplace_back("OR"); break;
        case KqlParser::AND: names.emplace_back("AND"); break;
        case KqlParser::NOT: names.emplace_back("NOT"); break;
        case KqlParser::LPAREN: names.emplace_back("\"(\""); break;
        case KqlParser::RPAREN: names.emplace_back("\")\""); break;
        case KqlParser::LBRACE: names.emplace_back("\"{\""); break;
        case KqlParser::RBRACE: names.emplace_back("\"}\""); break;
        case KqlParser::COLON: names.emplace_back("\":\""); colon = true; break;
        case KqlParser::LT: names.emplace_back("\"<\""); break;
        case KqlParser::LE: names.emplace_back("\"<=\""); break;
        case KqlParser::GT: names.emplace_back("\">\""); break;
        case KqlParser::GE: names.emplace_back("\">=\""); break;
        case KqlParser::LITERAL: {
          size_t rule = pt.ctx ? pt.ctx->getRuleIndex() : static_cast<size_t>(KqlParser::RuleQuery);
          if (is_range_op(prev_type)) {
            names.emplace_back("literal");
          } else if (prev_type == KqlParser::COLON || rule == KqlParser::RuleListOperand || rule == KqlParser::RuleOrList) {
            names.emplace_back("value");
          } else {
            names.emplace_back("field name");
            names.emplace_back("value");
          }
          break;
        }
        default: break;
      }
    }
  }
  // Kibana lists whitespace where an optional `Space*` precedes what failed: at the start, after
  // `:`, a range operator, `(` or `{`, and between a field name and `:` or a range operator.
  if (colon || prev_type == 0 || prev_type == KqlParser::COLON || is_range_op(prev_type) ||
      prev_type == KqlParser::LPAREN || prev_type == KqlParser::LBRACE)
    names.emplace_back("whitespace");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Diagnostic syntax_error(std::string_view query, const detail::TokenBuffer& tokens, const ErrorCollector& c,
                        const antlr4::atn::ATN& atn) {
  const auto* tok = static_cast<const detail::LeanToken*>(c.offending);
  size_t index = tok->getTokenIndex();
  size_t prev_type = index > 0 ? tokens.at(index - 1).getType() : 0;
  size_t type = tok->getType();
  std::string_view text = query.substr(tok->begin(), tok->end() - tok->begin());

  Diagnostic d;
  d.pos = position_of(query, tok->begin());
  d.expected = expected_names(c, atn, prev_type);
  if (type == KqlParser::BACKSLASH) {
    // The lexer only leaves a lone backslash when the next character cannot be escaped.
    size_t next = tok->end();
    if (next < query.size()) text::decode(query, next);
    d.code = std::string(diag::kBadEscape);
    d.offending = std::string(query.substr(tok->begin(), next - tok->begin()));
    d.message = "Invalid escape \"" + d.offending +
                "\": in an unquoted value a backslash may only precede one of \\ ( ) : < > \" * { }, or "
                "form \\t \\r \\n \\uXXXX \\or \\and \\Not.";
    return d;
  }
  if (type == KqlParser::UNTERMINATED_QUOTED) {
    d.code = std::string(diag::kUnterminatedQuote);
    d.offending = excerpt(text, 40);
    d.message = "Unterminated quoted string: no closing '\"' before the end of the query.";
    return d;
  }
  d.code = std::string(diag::kSyntax);
  std::string found = "end of input";
  if (type != antlr4::Token::EOF) {
    d.offending = excerpt(text, 80);
    size_t one = 0;
    text::decode(text, one);
    found = "\"" + std::string(text.substr(0, one)) + "\"";  // Kibana shows one character
  }
  std::string list;
  for (const auto& name : d.expected) list += (list.empty() ? "" : ", ") + name;
  d.message = "Expected " + list + " but " + found + " found.";
  return d;
}

ParseResult parse_checked(std::string_view query, const ParseLimits& limits) {
  if (query.size() > limits.max_bytes)
    return fail(make_error(diag::kTooLong, "The query is " + std::to_string(query.size()) +
                                               " bytes long, over the limit of " + std::to_string(limits.max_bytes) +
                                               " bytes."));
  bool ascii = false;
  if (auto bad = text::find_invalid_utf8(query, &ascii)) {
    Diagnostic d = make_error(diag::kBadUtf8, "The query is not valid UTF-8 (bad byte sequence).");
    d.pos = position_of(query, static_cast<uint32_t>(*bad));
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(query[*bad]));
    d.offending = hex;
    return fail(std::move(d));
  }
  if (auto deep = too_deep(query, limits.max_depth)) {
    Diagnostic d = make_error(diag::kTooDeep, "Parentheses and braces are nested deeper than " +
                                                  std::to_string(limits.max_depth) + " levels.");
    d.pos = position_of(query, static_cast<uint32_t>(*deep));
    d.offending = std::string(1, query[*deep]);
    return fail(std::move(d));
  }

  detail::CodePointStream chars(query, ascii);
  KqlLexer lexer(&chars);
  lexer.removeErrorListeners();  // every character matches some lexer rule
  detail::TokenBuffer tokens(query, &lexer, &chars);
  tokens.fill(lexer, ascii);
  chars.release_text();

  {  // Fast pass: SLL prediction, bail out at the first error.
    KqlParser parser(&tokens);
    parser.removeErrorListeners();
    parser.setBuildParseTree(false);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    detail::Builder builder(query);
    parser.events = &builder;
    try {
      parser.query();
      ParseResult r;
      r.ast = builder.finish();
      return r;
    } catch (const antlr4::ParseCancellationException&) {
    }
  }
  // Error pass: full LL prediction, to find and describe the first error.
  tokens.seek(0);
  KqlParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setBuildParseTree(false);
  auto collector = std::make_shared<ErrorCollector>();
  parser.setErrorHandler(collector);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  detail::Builder builder(query);
  parser.events = &builder;
  try {
    parser.query();
  } catch (const antlr4::ParseCancellationException&) {
  }
  if (!collector->offending) {  // SLL failed where LL succeeds: cannot happen for this LL(1) grammar
    ParseResult r;
    r.ast = builder.finish();
    return r;
  }
  return fail(syntax_error(query, tokens, *collector, parser.getATN()));
}

}  // namespace

ParseResult parse(std::string_view query, const ParseLimits& limits) {
  try {
    return parse_checked(query, limits);
  } catch (const std::bad_alloc&) {
    return fail(make_error(diag::kTooLong, "Out of memory while parsing the query."));
  } catch (const std::exception& e) {
    return fail(make_error(diag::kSyntax, std::string("Internal parser error: ") + e.what()));
  } catch (...) {
    return fail(make_error(diag::kSyntax, "Internal parser error."));
  }
}

}  // namespace rulec::kql
