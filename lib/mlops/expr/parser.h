#pragma once
// The expression grammar, lowest precedence first:
//
//   or:         and ('or' and)*
//   and:        not ('and' not)*
//   not:        'not' not | comparison
//   comparison: sum [('==' | '!=' | '<' | '<=' | '>' | '>=') sum | ['not'] 'in' '(' list ')']
//   sum:        product (('+' | '-') product)*
//   product:    unary (('*' | '/' | '%') unary)*
//   unary:      ('-' | '+') unary | power
//   power:      primary ['^' unary]              (right-associative: -2 ^ 2 is -4)
//   primary:    number | 'string' | "string" | true | false | null | name | `any name`
//               | function '(' [or (',' or)*] ')' | '(' or ')'

#include <string_view>

#include "mlops/expr/ast.h"

namespace mlops {

/// Parses `text` into a tree. Throws ConfigError "expression '<text>': <what> at character N"
/// for a syntax error. Function names and columns are checked later, against a table.
ExprNode parse_expression(std::string_view text);

}  // namespace mlops
