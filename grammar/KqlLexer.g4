// KQL lexer (placeholder until the grammar lands).
lexer grammar KqlLexer;
WS : [ \t\r\n]+ ;
