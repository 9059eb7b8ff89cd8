// EQL syntax tree -> canonical EQL text that parses back to the same tree (the printer round trip).
#pragma once

#include <string>

#include "compiler/frontend/eql_ast.h"

namespace rulec::eql {

// One expression, with the parentheses precedence needs and no others.
std::string print(const Expr& e);
// A whole statement on one line: `category where …`, `sequence by … with maxspan=… […] […]`, pipes.
std::string print(const Query& q);
// A string constant as EQL writes it: double quotes, \" \\ \t \n \r \b \f escaped, other control
// characters as \u{…}, except NUL, which no escape may name: it stays a raw byte.
std::string quote(std::string_view s);

}  // namespace rulec::eql
