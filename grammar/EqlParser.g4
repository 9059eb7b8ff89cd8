// EQL parser: Elasticsearch's EqlBase.g4 (../shared/spec/eql.md §1), as a parse tree the builder
// (compiler/frontend/eql_builder.cpp) turns into the EQL syntax tree.
// Differences from Elasticsearch's grammar that do not change the language:
//   - boolean and arithmetic chains are loops, not left recursion, so a long chain is one flat
//     context (the builder applies left associativity), never a deep tree;
//   - `join`, `child of` / `descendant of`, `f[0]` and pipes other than head/tail parse here only so
//     the builder can refuse them with a precise message (Elasticsearch refuses them too).
parser grammar EqlParser;

options { tokenVocab = EqlLexer; }

statement
  : query pipe* EOF
  ;

query
  : sequence
  | sample
  | join
  | eventFilter
  ;

// Elasticsearch's pipe takes expressions (`| unique process.name`, `| filter a == 1`), so every
// pipe parses and the builder refuses the ones other than head/tail by name. The arguments are
// comma-separated here (Elasticsearch's comma is optional): with an optional comma, `a + 1` could
// also be the two arguments `a` and `+1`, and that ambiguity made the parser's prediction scan
// ahead at every + and - of every expression (a long sum took seconds).
pipe
  : PIPE IDENTIFIER (expression (COMMA expression)*)?
  ;

sequenceParams
  : WITH MAXSPAN ASGN timeUnit
  ;

sequence
  : SEQUENCE (by=joinKeys sequenceParams? | sequenceParams disallowed=joinKeys?)? sequenceTerm+ (UNTIL until=sequenceTerm)?
  ;

sample
  : SAMPLE by=joinKeys? joinTerm+
  ;

join
  : JOIN by=joinKeys? joinTerm+ (UNTIL joinTerm)?
  ;

joinKeys
  : BY expression (COMMA expression)*
  ;

joinTerm
  : subquery by=joinKeys?
  ;

sequenceTerm
  : subquery by=joinKeys? (WITH key=IDENTIFIER ASGN value=constant)?
  ;

subquery
  : (LB | MISSING_EVENT_OPEN) eventFilter RB
  ;

eventFilter
  : (ANY | category=eventValue) WHERE expression
  ;

eventValue
  : STRING
  | IDENTIFIER
  ;

expression
  : andExpression (OR andExpression)*
  ;

andExpression
  : notExpression (AND notExpression)*
  ;

notExpression
  : NOT* (processCheck | comparison)
  ;

processCheck
  : relationship=IDENTIFIER OF subquery
  ;

comparison
  : left=additive (comparisonOperator right=additive)?
  ;

comparisonOperator
  : EQ | NEQ | LT | LTE | GT | GTE
  ;

additive
  : multiplicative ((PLUS | MINUS) multiplicative)*
  ;

multiplicative
  : unary ((ASTERISK | SLASH | PERCENT) unary)*
  ;

unary
  : (MINUS | PLUS)* primary predicate?
  ;

predicate
  : NOT? kind=(IN | IN_INSENSITIVE) LP expression (COMMA expression)* RP
  | kind=(SEQ | LIKE | LIKE_INSENSITIVE | REGEX | REGEX_INSENSITIVE) constant
  | kind=(SEQ | LIKE | LIKE_INSENSITIVE | REGEX | REGEX_INSENSITIVE) LP constant (COMMA constant)* RP
  ;

primary
  : constant
  | functionExpression
  | qualifiedName
  | LP expression RP
  ;

functionExpression
  : name=functionName LP (expression (COMMA expression)*)? RP
  ;

functionName
  : IDENTIFIER
  | TILDE_IDENTIFIER
  ;

constant
  : NULL_
  | (MINUS | PLUS)? number
  | TRUE
  | FALSE
  | STRING
  | SINGLE_QUOTED
  | QMARK_STRING
  ;

number
  : DECIMAL_VALUE
  | INTEGER_VALUE
  ;

timeUnit
  : number IDENTIFIER?
  ;

qualifiedName
  : OPTIONAL? identifier (DOT identifier | LB INTEGER_VALUE RB)*
  ;

identifier
  : IDENTIFIER
  | QUOTED_IDENTIFIER
  ;
