// KQL parser (placeholder until the grammar lands).
parser grammar KqlParser;
options { tokenVocab = KqlLexer; }
query : WS? EOF ;
