// Parser for override statements: SUBSCRIPTS = VALUE. Semantics (what a subscript may name,
// which fields exist) are checked by toscac's own code, not here.
parser grammar OverrideParser;

options { tokenVocab = OverrideLexer; }

statement : subscript+ ASSIGN value EOF ;

subscript : LBRACK (string | sign? INT) RBRACK ;

value : string | sign? (INT | FLOAT) | KW_TRUE | KW_FALSE | KW_NULL ;

sign : MINUS | PLUS ;

string
  : SQ (SQ_TEXT | SQ_SIGIL | SQ_REF reference | SQ_FIELD field)* SQ_END
  | DQ (DQ_TEXT | DQ_SIGIL | DQ_REF reference | DQ_FIELD field)* DQ_END
  ;

reference : REF_NAME (REF_COMMA REF_NAME)* REF_END ;

field : FIELD_NAME (FIELD_DOT FIELD_NAME)* FIELD_END ;
