// KQL lexer: raw tokens; keywords and whole unquoted literals are formed afterwards (kql_tokens.cpp).
lexer grammar KqlLexer;

// Assigned by the token rewrite in compiler/frontend/kql_tokens.cpp, never by a lexer rule:
//   OR, AND   the word (any case) with whitespace on both sides, after a token that can end an
//             expression (Kibana's `Space+ 'or'i Space+`; elsewhere `Space*` has already eaten the
//             whitespace and the word is literal text);
//   NOT       `not` (any case) followed by whitespace, with no word boundary on its left
//             (Kibana's keyword look-ahead: `a:cannot b` is an error);
//   LITERAL   a quoted string, or a maximal run of WORD / ESC / STAR tokens with only whitespace
//             between them (one unquoted literal, inner whitespace included).
tokens { OR, AND, NOT, LITERAL }

// Kibana's Space: space, tab, CR, LF, NBSP. Skipped: the rewrite looks at the source text around
// tokens, and a literal's text is taken from the source between its first and last token.
WS        : [ \t\r\n\u00A0]+ -> skip ;

LPAREN    : '(' ;
RPAREN    : ')' ;
LBRACE    : '{' ;
RBRACE    : '}' ;
COLON     : ':' ;
LE        : '<=' ;
GE        : '>=' ;
LT        : '<' ;
GT        : '>' ;
STAR      : '*' ;

// Escapes inside are resolved in C++: \" \\ \t \r \n \uXXXX; any other backslash stays as written.
QUOTED    : '"' ( '\\' . | ~["\\] )* '"' ;
// The same without its closing quote: always a syntax error (KQL102).
UNTERMINATED_QUOTED : '"' ( '\\' . | ~["\\] )* '\\'? ;

// Escapes allowed in unquoted literals, in Kibana's priority: `\n` wins over `\not`, so only an
// upper-case `\N...` escapes the keyword not (`\not` is a newline followed by "ot").
ESC       : '\\' ( [\\():<>"*{}]
                 | [trn]
                 | 'u' HEX HEX HEX HEX
                 | [oO] [rR]
                 | [aA] [nN] [dD]
                 | 'N' [oO] [tT]
                 ) ;
// Any other backslash: always a syntax error (KQL101).
BACKSLASH : '\\' ;

// A run of ordinary characters: anything but whitespace and the special characters.
WORD      : ~[ \t\r\n\u00A0\\():<>"*{}]+ ;

fragment HEX : [0-9a-fA-F] ;
