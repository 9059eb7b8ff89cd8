// EQL text -> syntax tree: limits, the ANTLR lexer and parser, the tree builder and the structural checks.
#include "compiler/frontend/eql_parser.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "EqlLexer.h"
#include "EqlParser.h"
#include "compiler/frontend/kql_text.h"

namespace rulec::eql {

namespace {

using rulec::eqlgen::EqlLexer;
using rulec::eqlgen::EqlParser;

// A diagnostic thrown out of the builder: the first problem ends the parse.
struct EqlFailure {
  Diagnostic diag;
};

Diagnostic eql_error(std::string_view code, std::string message, SourcePos pos = {}, std::string offending = {}) {
  Diagnostic d;
  d.code = std::string(code);
  d.message = std::move(message);
  d.pos = pos;
  d.offending = std::move(offending);
  return d;
}

// Stops the parse at the first syntax error and keeps it.
class FirstError final : public antlr4::BaseErrorListener {
 public:
  antlr4::Token* token = nullptr;
  std::string message;
  bool failed = false;
  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t, size_t, const std::string& msg,
                   std::exception_ptr) override {
    if (failed) return;
    failed = true;
    token = offending;
    message = msg;
    throw antlr4::ParseCancellationException();
  }
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {
    // Code point index -> byte offset (ANTLR's token indices count code points).
    for (size_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) cp_offset_.push_back(static_cast<uint32_t>(i));
    cp_offset_.push_back(static_cast<uint32_t>(text.size()));
  }

  Query statement(EqlParser::StatementContext* ctx) {
    Query q = query(ctx->query());
    for (auto* p : ctx->pipe()) q.pipes.push_back(pipe(p, q));
    return q;
  }

  // The token's own line and column (ANTLR counts lines at '\n' and columns in code points, as
  // position_of does): O(1), where position_of from the start of the text made a long query's
  // parse quadratic.
  SourcePos pos(antlr4::Token* t) {
    const size_t cp = t->getStartIndex();
    const size_t off = cp < cp_offset_.size() ? cp_offset_[cp] : text_.size();
    return SourcePos{static_cast<uint32_t>(off), static_cast<uint32_t>(t->getLine()),
                     static_cast<uint32_t>(t->getCharPositionInLine() + 1)};
  }
  SourcePos pos(antlr4::ParserRuleContext* c) { return pos(c->getStart()); }
  std::string token_text(antlr4::Token* t) {
    const size_t a = t->getStartIndex(), b = t->getStopIndex() + 1;
    if (a >= cp_offset_.size() || b >= cp_offset_.size() || b < a) return {};
    return std::string(text_.substr(cp_offset_[a], cp_offset_[b] - cp_offset_[a]));
  }

 private:
  [[noreturn]] void fail(std::string_view code, std::string message, SourcePos at, std::string offending = {}) {
    throw EqlFailure{eql_error(code, std::move(message), at, std::move(offending))};
  }

  Pipe pipe(EqlParser::PipeContext* ctx, const Query& q) {
    const std::string name = token_text(ctx->IDENTIFIER()->getSymbol());
    const SourcePos at = pos(ctx->IDENTIFIER()->getSymbol());
    if (name != "head" && name != "tail")
      fail(diag::kEqlUnsupported,
           fmt::format("Pipe '{}' is not supported: Elasticsearch's EQL has only the head and tail pipes.", name), at,
           name);
    if (q.kind == QueryKind::Sample) fail(diag::kEqlUnsupported, "Samples take no pipes.", at, name);
    const auto args = ctx->expression();
    if (args.size() != 1) fail(diag::kEqlSyntax, fmt::format("Pipe '{}' takes one positive integer.", name), at, name);
    const ExprPtr n = expression(args[0]);
    if (n->kind != ExprKind::Literal || n->lit.type != LitType::Long || n->lit.i <= 0)
      fail(diag::kEqlSyntax, fmt::format("Pipe '{}' takes one positive integer.", name), pos(args[0]),
           token_text(args[0]->getStart()));
    return Pipe{name == "head", n->lit.i};
  }

  Query query(EqlParser::QueryContext* ctx) {
    Query q;
    if (ctx->join())
      fail(diag::kEqlUnsupported, "join is not supported by Elasticsearch's EQL.", pos(ctx->join()), "join");
    if (auto* s = ctx->sample()) return sample(s);
    if (auto* s = ctx->sequence()) return sequence(s);
    q.kind = QueryKind::Event;
    q.event = event_filter(ctx->eventFilter());
    return q;
  }

  Query sample(EqlParser::SampleContext* ctx) {
    Query q;
    q.kind = QueryKind::Sample;
    if (ctx->by) q.keys = keys(ctx->by);
    for (auto* jt : ctx->joinTerm()) {
      Term t;
      t.pos = pos(jt);
      if (jt->subquery()->MISSING_EVENT_OPEN())
        fail(diag::kEqlStructure, "Samples take no missing events.", pos(jt), "![");
      t.filter = event_filter(jt->subquery()->eventFilter());
      if (jt->by) t.keys = keys(jt->by);
      q.terms.push_back(std::move(t));
    }
    if (q.terms.size() > 5)
      fail(diag::kEqlStructure, fmt::format("A sample takes at most 5 filters, this one has {}.", q.terms.size()),
           pos(ctx->joinTerm()[5]));
    check_key_counts(q);
    return q;
  }

  Query sequence(EqlParser::SequenceContext* ctx) {
    Query q;
    q.kind = QueryKind::Sequence;
    if (ctx->disallowed)
      fail(diag::kEqlStructure, "Specify the sequence's 'by' before 'with maxspan', not after.", pos(ctx->disallowed),
           "by");
    if (ctx->by) q.keys = keys(ctx->by);
    if (auto* sp = ctx->sequenceParams()) {
      auto [ms, text] = time_unit(sp->timeUnit());
      q.maxspan_ms = ms;
      q.maxspan_text = std::move(text);
    }
    for (auto* st : ctx->sequenceTerm()) {
      if (st == ctx->until) continue;
      q.terms.push_back(sequence_term(st));
    }
    if (ctx->until) {
      Term u = sequence_term(ctx->until);
      if (u.missing) fail(diag::kEqlStructure, "The until term cannot be a missing event.", u.pos, "![");
      q.until = std::move(u);
    }
    int64_t expanded = 0, positive = 0;
    bool missing = false;
    for (const Term& t : q.terms) {
      expanded += t.runs;
      if (t.missing) missing = true;
      else positive += t.runs;
    }
    if (expanded < 2)
      fail(diag::kEqlStructure, "A sequence needs at least 2 terms (or one term with runs of at least 2).",
           pos(ctx->SEQUENCE()->getSymbol()), "sequence");
    if (missing && !q.maxspan_ms)
      fail(diag::kEqlStructure, "A sequence with a missing event ![…] needs 'with maxspan'.",
           pos(ctx->SEQUENCE()->getSymbol()), "sequence");
    if (positive == 0)
      fail(diag::kEqlStructure, "A sequence needs at least one event that is not missing.",
           pos(ctx->SEQUENCE()->getSymbol()), "sequence");
    check_key_counts(q);
    return q;
  }

  void check_key_counts(const Query& q) {
    const size_t expected = q.terms.empty() ? 0 : q.terms.front().keys.size();
    auto check = [&](const Term& t) {
      if (t.keys.size() != expected)
        fail(diag::kEqlStructure,
             fmt::format("Inconsistent number of join keys: expected {} but found {}.", expected + q.keys.size(),
                         t.keys.size() + q.keys.size()),
             t.pos);
    };
    for (const Term& t : q.terms) check(t);
    if (q.until) check(*q.until);
  }

  Term sequence_term(EqlParser::SequenceTermContext* ctx) {
    Term t;
    t.pos = pos(ctx);
    t.missing = ctx->subquery()->MISSING_EVENT_OPEN() != nullptr;
    t.filter = event_filter(ctx->subquery()->eventFilter());
    if (ctx->by) t.keys = keys(ctx->by);
    if (ctx->key) {
      const std::string k = token_text(ctx->key);
      if (k != "runs")
        fail(diag::kEqlSyntax, fmt::format("Unknown term option '{}': a term takes only 'with runs=N'.", k),
             pos(ctx->key), k);
      const Literal n = constant(ctx->value);
      if (n.type != LitType::Long || n.i < 1 || n.i > 100)
        fail(diag::kEqlStructure, "runs must be an integer from 1 to 100.", pos(ctx->value),
             token_text(ctx->value->getStart()));
      t.runs = n.i;
    }
    return t;
  }

  std::vector<ExprPtr> keys(EqlParser::JoinKeysContext* ctx) {
    std::vector<ExprPtr> out;
    for (auto* e : ctx->expression()) {
      ExprPtr k = expression(e);
      if (k->kind != ExprKind::Field)
        fail(diag::kEqlStructure, "A join key must be a field.", pos(e), token_text(e->getStart()));
      out.push_back(std::move(k));
    }
    return out;
  }

  std::pair<int64_t, std::string> time_unit(EqlParser::TimeUnitContext* ctx) {
    const Literal n = number(ctx->number(), false);
    const std::string written = token_text(ctx->getStart()) + (ctx->IDENTIFIER() ? token_text(ctx->IDENTIFIER()->getSymbol()) : "");
    if (n.type != LitType::Long || n.i <= 0)
      fail(diag::kEqlStructure, "maxspan must be a positive integer with a unit (ms, s, m, h or d).", pos(ctx), written);
    if (!ctx->IDENTIFIER())
      fail(diag::kEqlStructure, "maxspan needs a time unit: ms, s, m, h or d.", pos(ctx), written);
    const std::string unit = token_text(ctx->IDENTIFIER()->getSymbol());
    int64_t scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else fail(diag::kEqlStructure, fmt::format("Unknown time unit '{}': use ms, s, m, h or d.", unit), pos(ctx), written);
    if (n.i > INT64_MAX / scale) fail(diag::kEqlStructure, "maxspan is too large.", pos(ctx), written);
    return {n.i * scale, written};
  }

  EventFilter event_filter(EqlParser::EventFilterContext* ctx) {
    EventFilter f;
    f.pos = pos(ctx);
    if (ctx->ANY()) {
      f.any = true;
    } else {
      auto* v = ctx->category;
      if (v->STRING()) f.category = string_value(v->STRING()->getSymbol());
      else f.category = token_text(v->IDENTIFIER()->getSymbol());
    }
    f.condition = expression(ctx->expression());
    return f;
  }

  ExprPtr expression(EqlParser::ExpressionContext* ctx) {
    std::vector<ExprPtr> kids;
    for (auto* a : ctx->andExpression()) kids.push_back(and_expression(a));
    ExprPtr e = make_bool(ExprKind::Or, std::move(kids));
    return e;
  }

  ExprPtr and_expression(EqlParser::AndExpressionContext* ctx) {
    std::vector<ExprPtr> kids;
    for (auto* n : ctx->notExpression()) kids.push_back(not_expression(n));
    return make_bool(ExprKind::And, std::move(kids));
  }

  ExprPtr not_expression(EqlParser::NotExpressionContext* ctx) {
    if (auto* pc = ctx->processCheck())
      fail(diag::kEqlUnsupported,
           fmt::format("'{} of' is not supported by Elasticsearch's EQL.", token_text(pc->relationship)), pos(pc),
           token_text(pc->relationship));
    const size_t nots = ctx->NOT().size();
    Nesting nest(*this, nots, pos(ctx));
    ExprPtr e = comparison(ctx->comparison());
    for (size_t i = 0; i < nots; ++i) {
      e = make_not(std::move(e));
      e->pos = pos(ctx->NOT()[nots - 1 - i]->getSymbol());
    }
    return e;
  }

  ExprPtr comparison(EqlParser::ComparisonContext* ctx) {
    ExprPtr left = additive(ctx->left);
    if (!ctx->right) return left;
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Compare;
    e->pos = left->pos;
    auto* op = ctx->comparisonOperator();
    if (op->EQ()) e->cmp = CmpOp::Eq;
    else if (op->NEQ()) e->cmp = CmpOp::Ne;
    else if (op->LT()) e->cmp = CmpOp::Lt;
    else if (op->LTE()) e->cmp = CmpOp::Le;
    else if (op->GT()) e->cmp = CmpOp::Gt;
    else e->cmp = CmpOp::Ge;
    e->kids.push_back(std::move(left));
    e->kids.push_back(additive(ctx->right));
    return e;
  }

  ExprPtr binary(ExprPtr left, ArithOp op, ExprPtr right) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Arith;
    e->arith = op;
    e->pos = left->pos;
    e->kids.push_back(std::move(left));
    e->kids.push_back(std::move(right));
    return e;
  }

  ExprPtr additive(EqlParser::AdditiveContext* ctx) {
    const auto parts = ctx->multiplicative();
    Nesting nest(*this, parts.size() - 1, pos(ctx));
    ExprPtr e = multiplicative(parts[0]);
    // The operators are the children between the operands.
    for (size_t i = 1; i < parts.size(); ++i) {
      auto* op = dynamic_cast<antlr4::tree::TerminalNode*>(ctx->children[2 * i - 1]);
      const bool minus = op && op->getSymbol()->getType() == EqlParser::MINUS;
      e = binary(std::move(e), minus ? ArithOp::Sub : ArithOp::Add, multiplicative(parts[i]));
    }
    return e;
  }

  ExprPtr multiplicative(EqlParser::MultiplicativeContext* ctx) {
    const auto parts = ctx->unary();
    Nesting nest(*this, parts.size() - 1, pos(ctx));
    ExprPtr e = unary(parts[0]);
    for (size_t i = 1; i < parts.size(); ++i) {
      auto* op = dynamic_cast<antlr4::tree::TerminalNode*>(ctx->children[2 * i - 1]);
      const size_t t = op ? op->getSymbol()->getType() : static_cast<size_t>(EqlParser::ASTERISK);
      const ArithOp a = t == EqlParser::SLASH ? ArithOp::Div : t == EqlParser::PERCENT ? ArithOp::Mod : ArithOp::Mul;
      e = binary(std::move(e), a, unary(parts[i]));
    }
    return e;
  }

  ExprPtr unary(EqlParser::UnaryContext* ctx) {
    ExprPtr e = primary(ctx->primary());
    if (auto* p = ctx->predicate()) e = predicate(std::move(e), p);
    const size_t minus = ctx->MINUS().size();
    if (minus % 2 == 1) {
      if (e->kind == ExprKind::Literal && e->lit.type == LitType::Long && e->lit.i != INT64_MIN) {
        e->lit.i = -e->lit.i;
      } else if (e->kind == ExprKind::Literal && e->lit.type == LitType::Double) {
        e->lit.d = -e->lit.d;
      } else {
        auto n = std::make_unique<Expr>();
        n->kind = ExprKind::Neg;
        n->pos = pos(ctx);
        n->kids.push_back(std::move(e));
        e = std::move(n);
      }
    }
    return e;
  }

  ExprPtr predicate(ExprPtr subject, EqlParser::PredicateContext* ctx) {
    auto e = std::make_unique<Expr>();
    e->pos = subject->pos;
    const size_t kind = ctx->kind->getType();
    e->kids.push_back(std::move(subject));
    if (kind == EqlParser::IN || kind == EqlParser::IN_INSENSITIVE) {
      e->kind = ExprKind::In;
      e->insensitive = kind == EqlParser::IN_INSENSITIVE;
      e->negated = ctx->NOT() != nullptr;
      for (auto* x : ctx->expression()) e->kids.push_back(expression(x));
      return e;
    }
    e->kind = ExprKind::Match;
    e->insensitive = kind == EqlParser::LIKE_INSENSITIVE || kind == EqlParser::REGEX_INSENSITIVE;
    e->match = kind == EqlParser::SEQ                                           ? MatchOp::Seq
               : kind == EqlParser::LIKE || kind == EqlParser::LIKE_INSENSITIVE ? MatchOp::Like
                                                                                : MatchOp::Regex;
    for (auto* c : ctx->constant()) {
      auto lit = make_literal(constant(c));
      lit->pos = pos(c);
      e->kids.push_back(std::move(lit));
    }
    return e;
  }

  ExprPtr primary(EqlParser::PrimaryContext* ctx) {
    if (auto* c = ctx->constant()) {
      ExprPtr e = make_literal(constant(c));
      e->pos = pos(c);
      return e;
    }
    if (auto* f = ctx->functionExpression()) return function(f);
    if (auto* q = ctx->qualifiedName()) return qualified_name(q);
    return expression(ctx->expression());
  }

  ExprPtr function(EqlParser::FunctionExpressionContext* ctx) {
    std::string name = token_text(ctx->functionName()->getStart());
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Function;
    e->pos = pos(ctx);
    if (!name.empty() && name.back() == '~') {
      name.pop_back();
      e->insensitive = true;
    }
    e->fn = canonical_function(name);
    if (e->fn.empty())
      fail(diag::kEqlFunction, fmt::format("Unknown function '{}'.", name), e->pos, name);
    if (e->insensitive && e->fn != "between" && e->fn != "endsWith" && e->fn != "indexOf" && e->fn != "startsWith" &&
        e->fn != "stringContains")
      fail(diag::kEqlFunction, fmt::format("Function '{}' has no case-insensitive form '{}~'.", e->fn, e->fn), e->pos,
           name + "~");
    for (auto* x : ctx->expression()) e->kids.push_back(expression(x));
    return e;
  }

  ExprPtr qualified_name(EqlParser::QualifiedNameContext* ctx) {
    if (!ctx->LB().empty())
      fail(diag::kEqlUnsupported, "Array indices (f[0]) are not supported by Elasticsearch's EQL.",
           pos(ctx->LB().front()->getSymbol()), "[");
    std::string path;
    for (auto* id : ctx->identifier()) {
      if (!path.empty()) path += '.';
      if (id->QUOTED_IDENTIFIER()) {
        const std::string raw = token_text(id->QUOTED_IDENTIFIER()->getSymbol());
        for (size_t i = 1; i + 1 < raw.size(); ++i) {  // `` stands for one backquote
          path += raw[i];
          if (raw[i] == '`') ++i;
        }
      } else {
        path += token_text(id->IDENTIFIER()->getSymbol());
      }
    }
    ExprPtr e = make_field(std::move(path), ctx->OPTIONAL() != nullptr);
    e->pos = pos(ctx);
    return e;
  }

  Literal number(EqlParser::NumberContext* ctx, bool negative) {
    std::string t = token_text(ctx->getStart());
    if (negative) t.insert(0, "-");
    Literal l;
    if (ctx->INTEGER_VALUE()) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec == std::errc() && p == t.data() + t.size()) {
        l.type = LitType::Long;
        l.i = v;
        return l;
      }
    }
    errno = 0;
    l.type = LitType::Double;
    l.d = std::strtod(t.c_str(), nullptr);
    if (errno == ERANGE) fail(diag::kEqlSyntax, fmt::format("Number out of range: {}.", t), pos(ctx), t);
    return l;
  }

  Literal constant(EqlParser::ConstantContext* ctx) {
    Literal l;
    if (ctx->NULL_()) return l;
    if (ctx->TRUE() || ctx->FALSE()) {
      l.type = LitType::Bool;
      l.b = ctx->TRUE() != nullptr;
      return l;
    }
    if (auto* n = ctx->number()) return number(n, ctx->MINUS() != nullptr);
    if (ctx->SINGLE_QUOTED() || ctx->QMARK_STRING()) {
      auto* t = ctx->getStart();
      fail(diag::kEqlUnsupported,
           "Only double-quoted \"…\" and raw \"\"\"…\"\"\" strings are EQL strings ('…' and ?\"…\" are not).", pos(t),
           token_text(t));
    }
    l.type = LitType::String;
    l.s = string_value(ctx->STRING()->getSymbol());
    return l;
  }

  std::string string_value(antlr4::Token* t) {
    std::string why;
    const std::string raw = token_text(t);
    auto v = unquote(raw, &why);
    if (!v) fail(diag::kEqlBadEscape, why, pos(t), raw.size() > 40 ? raw.substr(0, 40) + "..." : raw);
    return std::move(*v);
  }

  // Operators nested on the path being built (each `not`, each arithmetic operator of a chain):
  // they nest the tree as parentheses do, so they share the depth limit (Elasticsearch's parser
  // limits the depth of its left-recursive rules the same way).
  class Nesting {
   public:
    Nesting(TreeBuilder& b, size_t levels, SourcePos at) : b_(b), levels_(levels) {
      b_.operators_ += levels;
      if (b_.operators_ > b_.max_depth_)
        b_.fail(diag::kEqlTooDeep,
                fmt::format("Operators (not, + - * / %) are nested deeper than {} levels.", b_.max_depth_), at);
    }
    ~Nesting() { b_.operators_ -= levels_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    TreeBuilder& b_;
    size_t levels_;
  };

  std::string_view text_;
  std::vector<uint32_t> cp_offset_;
  size_t max_depth_;
  size_t operators_ = 0;
};

ParseResult eql_fail(Diagnostic d) {
  ParseResult r;
  r.error = std::move(d);
  return r;
}

ParseResult parse_checked(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes)
    return eql_fail(eql_error(diag::kEqlTooLong, fmt::format("The query is {} bytes long, over the limit of {} bytes.",
                                                             text.size(), limits.max_bytes)));
  if (auto bad = kql::text::find_invalid_utf8(text)) {
    return eql_fail(eql_error(diag::kEqlBadUtf8, "The query is not valid UTF-8 (bad byte sequence).",
                              position_of(text, static_cast<uint32_t>(*bad)),
                              fmt::format("\\x{:02X}", static_cast<unsigned char>(text[*bad]))));
  }
  antlr4::ANTLRInputStream chars(text.data(), text.size());
  EqlLexer lexer(&chars);
  lexer.removeErrorListeners();  // UNRECOGNIZED takes any character: the lexer never fails
  antlr4::CommonTokenStream tokens(&lexer);
  TreeBuilder builder(text, limits.max_depth);
  // The nesting depth, on the tokens the parser will see (strings and comments are single tokens,
  // exactly as the lexer delimits them), before the recursive-descent parser meets it.
  tokens.fill();
  size_t depth = 0, comments = 0;
  antlr4::Token* open_comment = nullptr;  // the outermost comment not closed yet
  for (antlr4::Token* t : tokens.getTokens()) {
    const size_t type = t->getType();
    if (type == EqlLexer::COMMENT_OPEN) {
      if (comments++ == 0) open_comment = t;
    } else if (type == EqlLexer::COMMENT_CLOSE) {
      --comments;
    } else if (type == EqlLexer::LP || type == EqlLexer::LB || type == EqlLexer::MISSING_EVENT_OPEN) {
      if (++depth > limits.max_depth)
        return eql_fail(eql_error(diag::kEqlTooDeep,
                                  fmt::format("Parentheses and brackets are nested deeper than {} levels.",
                                              limits.max_depth),
                                  builder.pos(t), builder.token_text(t)));
    } else if ((type == EqlLexer::RP || type == EqlLexer::RB) && depth > 0) {
      --depth;
    }
  }
  if (comments > 0)
    return eql_fail(eql_error(diag::kEqlSyntax, "Unterminated comment: this /* is never closed by */.",
                              builder.pos(open_comment), "/*"));
  EqlParser parser(&tokens);
  parser.removeErrorListeners();
  FirstError errors;
  parser.addErrorListener(&errors);
  EqlParser::StatementContext* tree = nullptr;
  try {
    tree = parser.statement();
  } catch (const antlr4::ParseCancellationException&) {
  }
  if (errors.failed || !tree) {
    Diagnostic d = eql_error(diag::kEqlSyntax, "Syntax error.");
    if (errors.token) {
      d.pos = builder.pos(errors.token);
      if (errors.token->getType() == antlr4::Token::EOF) {
        d.message = fmt::format("Unexpected end of the query: {}.", errors.message);
      } else {
        d.offending = builder.token_text(errors.token);
        if (errors.token->getType() == EqlLexer::UNRECOGNIZED && (d.offending == "\"" || d.offending == "'"))
          d.message = "Unterminated string: no closing quote on this line.";
        else
          d.message = fmt::format("Syntax error at '{}': {}.", printable(d.offending, 40), errors.message);
      }
    }
    return eql_fail(std::move(d));
  }
  try {
    ParseResult r;
    r.query = builder.statement(tree);
    return r;
  } catch (EqlFailure& f) {
    return eql_fail(std::move(f.diag));
  }
}

}  // namespace

std::optional<std::string> unquote(std::string_view token, std::string* why) {
  if (token.size() >= 6 && token.substr(0, 3) == "\"\"\"") return std::string(token.substr(3, token.size() - 6));
  if (token.size() < 2) return std::string();
  const std::string_view body = token.substr(1, token.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i];
      continue;
    }
    const char c = body[++i];
    switch (c) {
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '\\': out += '\\'; break;
      case 'u': {
        size_t start = i + 1, end = start;
        const bool braced = start < body.size() && body[start] == '{';
        if (braced) {
          end = body.find('}', start + 1);
          if (end == std::string_view::npos || end - start - 1 < 2 || end - start - 1 > 8) {
            if (why) *why = "A \\u{…} escape needs 2 to 8 hexadecimal digits.";
            return std::nullopt;
          }
          ++start;
        } else {
          end = start + 4;
          if (end > body.size()) {
            if (why) *why = "A \\u escape needs 4 hexadecimal digits (or \\u{…}).";
            return std::nullopt;
          }
        }
        uint64_t cp = 0;
        for (size_t k = start; k < end; ++k) {
          const int h = hex_digit(body[k]);
          if (h < 0) {
            if (why) *why = "A \\u escape needs hexadecimal digits.";
            return std::nullopt;
          }
          cp = cp * 16 + static_cast<uint64_t>(h);
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
          if (why) *why = fmt::format("\\u escape U+{:X} is not allowed (NUL, a surrogate or beyond U+10FFFF).", cp);
          return std::nullopt;
        }
        kql::text::encode(out, static_cast<char32_t>(cp));
        i = braced ? end : end - 1;
        break;
      }
      default:  // any other escape is kept as written
        out += '\\';
        out += c;
    }
  }
  return out;
}

ParseResult parse(std::string_view text, const ParseLimits& limits) {
  try {
    return parse_checked(text, limits);
  } catch (const std::bad_alloc&) {
    return eql_fail(eql_error(diag::kEqlTooLong, "Out of memory while parsing the query."));
  } catch (const std::exception& e) {
    return eql_fail(eql_error(diag::kEqlSyntax, std::string("Internal parser error: ") + e.what()));
  }
}

}  // namespace rulec::eql
