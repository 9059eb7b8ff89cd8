// EQL lexer: Elasticsearch's EqlBase.g4 tokens (../shared/spec/eql.md §1). Keywords are lowercase only.
lexer grammar EqlLexer;

// Keywords (lowercase only, as Elasticsearch's lexer has no case-insensitive option). `runs` is
// a plain identifier. The `~` forms come before TILDE_IDENTIFIER, so `in~` is IN_INSENSITIVE.
AND: 'and';
ANY: 'any';
BY: 'by';
FALSE: 'false';
IN: 'in';
IN_INSENSITIVE: 'in~';
JOIN: 'join';
LIKE: 'like';
LIKE_INSENSITIVE: 'like~';
MAXSPAN: 'maxspan';
NOT: 'not';
NULL_: 'null';
OF: 'of';
OR: 'or';
REGEX: 'regex';
REGEX_INSENSITIVE: 'regex~';
SAMPLE: 'sample';
SEQUENCE: 'sequence';
TRUE: 'true';
UNTIL: 'until';
WHERE: 'where';
WITH: 'with';

SEQ: ':';
ASGN: '=';
EQ: '==';
NEQ: '!=';
LT: '<';
LTE: '<=';
GT: '>';
GTE: '>=';
PLUS: '+';
MINUS: '-';
ASTERISK: '*';
SLASH: '/';
PERCENT: '%';
DOT: '.';
COMMA: ',';
LB: '[';
RB: ']';
LP: '(';
RP: ')';
PIPE: '|';
OPTIONAL: '?';
MISSING_EVENT_OPEN: '![';

// "…" with backslash escapes (decoded by the builder: eql_text.cpp), or """…""" raw. A raw
// string's content may end with one or two quotes (the last """ closes). '…' and ?"…" lex so
// the builder can say they are not EQL strings.
STRING
  : '"' ('\\' ~[\r\n] | ~[\\"\r\n])* '"'
  | '"""' (~[\r\n])*? '"""' '"'? '"'?
  ;
SINGLE_QUOTED: '\'' ('\\' ~[\r\n] | ~[\\'\r\n])* '\'';
QMARK_STRING: '?' ('"' ('\\' ~[\r\n] | ~[\\"\r\n])* '"' | '\'' ('\\' ~[\r\n] | ~[\\'\r\n])* '\'');

INTEGER_VALUE: DIGIT+;
DECIMAL_VALUE
  : DIGIT+ DOT DIGIT*
  | DOT DIGIT+
  | DIGIT+ (DOT DIGIT*)? EXPONENT
  | DOT DIGIT+ EXPONENT
  ;

// startsWith~ and friends: a function name with the case-insensitive marker.
TILDE_IDENTIFIER: (LETTER | '_') (LETTER | DIGIT | '_')* '~';
IDENTIFIER: (LETTER | '_' | '@') (LETTER | DIGIT | '_')*;
QUOTED_IDENTIFIER: '`' (~'`' | '``')* '`';

LINE_COMMENT: '//' ~[\r\n]* -> skip;
// Bracketed comments nest: /* a /* b */ c */ is one comment. One lexer mode per open comment keeps
// lexing linear (a recursive rule makes the lexer's prediction cubic in the nesting depth: a
// thousand nested comments took minutes). The opening and closing tokens go to the hidden channel,
// where the parser checks that every comment is closed.
COMMENT_OPEN: '/*' -> channel(HIDDEN), pushMode(COMMENT);
WS: [ \r\n\t]+ -> skip;

// Anything else is one token the parser cannot take: the error names it.
UNRECOGNIZED: .;

fragment EXPONENT: [Ee] [+-]? DIGIT+;
fragment DIGIT: [0-9];
fragment LETTER: [A-Za-z];

mode COMMENT;
COMMENT_NESTED_OPEN: '/*' -> type(COMMENT_OPEN), channel(HIDDEN), pushMode(COMMENT);
COMMENT_CLOSE: '*/' -> channel(HIDDEN), popMode;
COMMENT_TEXT: ~[/*]+ -> skip;
COMMENT_SLASH: '/' -> skip;
COMMENT_STAR: '*' -> skip;
