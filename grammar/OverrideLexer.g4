// Lexer for override statements, the patches Cloudify's Kubernetes plugin applies to descriptor
// files: `['spec']['containers'][0]['env'][1]['value'] = '@{mongo_proxy,mongo_info,ip}'`.
// Strings have their own modes so that `@{node,key,...}` and `%{field.path}` inside them are
// tokens with exact columns.
lexer grammar OverrideLexer;

LBRACK : '[' ;
RBRACK : ']' ;
ASSIGN : '=' ;
MINUS  : '-' ;
PLUS   : '+' ;
FLOAT  : DIGITS '.' DIGITS? EXPONENT? | '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT    : DIGITS ;
KW_TRUE  : 'True' | 'true' ;
KW_FALSE : 'False' | 'false' ;
KW_NULL  : 'None' | 'null' ;
SQ     : '\'' -> pushMode(SingleQuoted) ;
DQ     : '"' -> pushMode(DoubleQuoted) ;
WS     : [ \t]+ -> skip ;
// Anything else becomes a token the parser cannot use, so the error names it.
OTHER  : . ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

mode SingleQuoted;
SQ_END   : '\'' -> popMode ;
SQ_TEXT  : (~['\\@%\r\n] | '\\' ~[\r\n])+ ;
SQ_REF   : '@{' -> pushMode(Reference) ;
SQ_FIELD : '%{' -> pushMode(Field) ;
SQ_SIGIL : [@%] ;
SQ_BREAK : [\r\n] ;

mode DoubleQuoted;
DQ_END   : '"' -> popMode ;
DQ_TEXT  : (~["\\@%\r\n] | '\\' ~[\r\n])+ ;
DQ_REF   : '@{' -> pushMode(Reference) ;
DQ_FIELD : '%{' -> pushMode(Field) ;
DQ_SIGIL : [@%] ;
DQ_BREAK : [\r\n] ;

// @{node,key,key...}: a node name, then keys into its runtime properties.
mode Reference;
REF_NAME  : ~[,}'"\r\n \t]+ ;
REF_COMMA : ',' ;
REF_END   : '}' -> popMode ;
REF_WS    : [ \t]+ -> skip ;
REF_OTHER : ['"\r\n] ;

// %{field.path}: a field of the deployment context (deployment.id, node.id, ...).
mode Field;
FIELD_NAME  : [A-Za-z_] [A-Za-z0-9_]* ;
FIELD_DOT   : '.' ;
FIELD_END   : '}' -> popMode ;
FIELD_OTHER : ~[A-Za-z_.}] ;
