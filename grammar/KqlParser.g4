// KQL parser: Kibana's KQL grammar (kbn-es-query kuery/grammar.peggy) over the rewritten tokens.
parser grammar KqlParser;

options { tokenVocab = KqlLexer; }

// The parser builds no parse tree: its actions report the parse as events to a KqlEvents
// implementation (compiler/frontend/kql_builder.cpp), which builds the AST with explicit stacks.
// Differences from the PEG that do not change the language:
//   - `or` and `and` share one loop per level; the builder applies their precedence (and > or),
//     so a long chain costs one loop iteration per operand, never recursion;
//   - Kibana's NestedQuery / FieldRange / FieldValue / ValueExpression alternatives all start with
//     the same literal and are factored after it (the PEG's ordered choice can only fall back to a
//     later alternative when the rest of the input is a syntax error anyway);
//   - whitespace is skipped by the lexer; where Kibana requires it (around or/and, after not) the
//     token rewrite has already decided (see KqlLexer.g4).
// `context` lands in the generated header only, inside namespace rulec::kqlgen.
@parser::context {
// Receives the parse as it happens. Token pointers are valid for the whole parse.
class KqlEvents {
 public:
  virtual ~KqlEvents() = default;
  virtual void open_chain() = 0;                      // an or/and chain starts
  virtual void chain_op(bool is_and) = 0;             // `or` / `and` between two operands
  virtual void close_chain() = 0;                     // the chain ends: one node results
  virtual void begin_operand() = 0;
  virtual void negate(antlr4::Token* not_token) = 0;  // the operand has a leading `not`
  virtual void end_operand() = 0;
  virtual void literal(antlr4::Token* t) = 0;         // a quoted or unquoted literal
  virtual void field_value() = 0;                     // field:value from the last two literals
  virtual void range_op(antlr4::Token* op) = 0;
  virtual void range() = 0;                           // field op value from the last two literals
  virtual void free_text() = 0;                       // the last literal alone
  virtual void begin_list() = 0;                      // field:( : the last literal is the field
  virtual void list_value() = 0;                      // a value inside the list
  virtual void end_list() = 0;
  virtual void nested() = 0;                          // field:{ chain }
};
}

@parser::members {
  KqlEvents* events = nullptr;
  antlr4::Token* last() { return _input->LT(-1); }
}

// start = Space* OrQuery? Space*    (blank query: match all)
query
  : orQuery? EOF
  ;

// OrQuery / AndQuery: AndQuery (Or AndQuery)*, NotQuery (And NotQuery)*
orQuery
  : { events->open_chain(); }
    operand ( ( OR { events->chain_op(false); } | AND { events->chain_op(true); } ) operand )*
    { events->close_chain(); }
  ;

// NotQuery = Not SubQuery / SubQuery; SubQuery = '(' OrQuery ')' / NestedQuery;
// NestedQuery = Field ':' '{' OrQuery '}' / Expression;
// Expression = Field RangeOperator Literal / Field ':' ListOfValues / Value
operand
  : { events->begin_operand(); }
    ( NOT { events->negate(last()); } )?
    ( LPAREN orQuery RPAREN
    | LITERAL { events->literal(last()); }
      ( COLON
        ( LBRACE orQuery RBRACE { events->nested(); }
        | LPAREN { events->begin_list(); } orList RPAREN { events->end_list(); }
        | LITERAL { events->literal(last()); events->field_value(); }
        )
      | ( LT | LE | GT | GE ) { events->range_op(last()); }
        LITERAL { events->literal(last()); events->range(); }
      | { events->free_text(); }
      )
    )
    { events->end_operand(); }
  ;

// ListOfValues = '(' OrListOfValues ')' / Value, with the same or/and/not levels as queries
// (NotListOfValues = Not ListOfValues: one `not` per level).
orList
  : { events->open_chain(); }
    listOperand ( ( OR { events->chain_op(false); } | AND { events->chain_op(true); } ) listOperand )*
    { events->close_chain(); }
  ;

listOperand
  : { events->begin_operand(); }
    ( NOT { events->negate(last()); } )?
    ( LPAREN orList RPAREN
    | LITERAL { events->literal(last()); events->list_value(); }
    )
    { events->end_operand(); }
  ;
