#include "mlops/expr/parser.h"

#include <fmt/format.h>

#include "mlops/core/error.h"
#include "mlops/core/value_parse.h"
#include "mlops/expr/lexer.h"

namespace mlops {

const char* expr_op_text(ExprOp op) {
  switch (op) {
    case ExprOp::kNone: return "?";
    case ExprOp::kAdd: return "+";
    case ExprOp::kSubtract: return "-";
    case ExprOp::kMultiply: return "*";
    case ExprOp::kDivide: return "/";
    case ExprOp::kModulo: return "%";
    case ExprOp::kPower: return "^";
    case ExprOp::kNegate: return "-";
    case ExprOp::kEqual: return "==";
    case ExprOp::kNotEqual: return "!=";
    case ExprOp::kLess: return "<";
    case ExprOp::kLessEqual: return "<=";
    case ExprOp::kGreater: return ">";
    case ExprOp::kGreaterEqual: return ">=";
    case ExprOp::kAnd: return "and";
    case ExprOp::kOr: return "or";
    case ExprOp::kNot: return "not";
  }
  return "?";
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, std::vector<ExprToken> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  ExprNode parse() {
    ExprNode root = parse_or();
    if (peek().kind != ExprToken::Kind::kEnd) fail(peek(), "unexpected " + describe(peek()));
    check_tree_depth(root);
    return root;
  }

 private:
  // Parsing, evaluating and freeing a tree recurse once per level: deeper input would overflow
  // the stack (found by tests/fuzz/fuzz_expr: 1,800 nested parentheses). No real expression
  // comes near either bound.
  static constexpr int kMaxNesting = 200;        // parentheses, `not`, unary signs, calls
  static constexpr size_t kMaxTreeDepth = 2000;  // also long chains: a + b + c + ...

  class NestingGuard {
   public:
    explicit NestingGuard(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxNesting) {
        parser_.fail(parser_.peek(), fmt::format("nested more than {} levels deep", kMaxNesting));
      }
    }
    ~NestingGuard() { --parser_.depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& parser_;
  };

  void check_tree_depth(const ExprNode& root) const {
    std::vector<std::pair<const ExprNode*, size_t>> pending{{&root, 1}};
    while (!pending.empty()) {
      const auto [node, depth] = pending.back();
      pending.pop_back();
      if (depth > kMaxTreeDepth) {
        throw ConfigError(
            "expression '{}': more than {} operations nested in one another at "
            "character {}",
            text_, kMaxTreeDepth, node->position);
      }
      for (const ExprNode& child : node->children) pending.emplace_back(&child, depth + 1);
    }
  }

  const ExprToken& peek() const { return tokens_[at_]; }
  const ExprToken& next() { return tokens_[at_ < tokens_.size() - 1 ? at_++ : at_]; }
  bool is_symbol(const char* symbol) const {
    return peek().kind == ExprToken::Kind::kSymbol && peek().text == symbol;
  }
  bool is_keyword(const char* keyword) const {
    return peek().kind == ExprToken::Kind::kName && peek().text == keyword;
  }

  static std::string describe(const ExprToken& token) {
    switch (token.kind) {
      case ExprToken::Kind::kEnd: return "end of expression";
      case ExprToken::Kind::kString: return fmt::format("string '{}'", token.text);
      case ExprToken::Kind::kQuotedName: return fmt::format("`{}`", token.text);
      default: return fmt::format("'{}'", token.text);
    }
  }

  [[noreturn]] void fail(const ExprToken& token, const std::string& what) const {
    throw ConfigError("expression '{}': {} at character {}", text_, what, token.position);
  }

  void expect_symbol(const char* symbol) {
    if (!is_symbol(symbol))
      fail(peek(), fmt::format("expected '{}', got {}", symbol, describe(peek())));
    next();
  }

  // A binary node's position is its operator's, which is what an error about it points to.
  static ExprNode binary(ExprOp op, ExprNode left, ExprNode right, size_t position) {
    ExprNode node;
    node.kind = ExprNode::Kind::kBinary;
    node.op = op;
    node.position = position;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  static ExprNode unary(ExprOp op, ExprNode operand, size_t position) {
    ExprNode node;
    node.kind = ExprNode::Kind::kUnary;
    node.op = op;
    node.position = position;
    node.children.push_back(std::move(operand));
    return node;
  }

  ExprNode parse_or() {
    const NestingGuard nesting(*this);
    ExprNode left = parse_and();
    while (is_keyword("or")) {
      const size_t position = next().position;
      left = binary(ExprOp::kOr, std::move(left), parse_and(), position);
    }
    return left;
  }

  ExprNode parse_and() {
    ExprNode left = parse_not();
    while (is_keyword("and")) {
      const size_t position = next().position;
      left = binary(ExprOp::kAnd, std::move(left), parse_not(), position);
    }
    return left;
  }

  ExprNode parse_not() {
    if (is_keyword("not")) {
      const NestingGuard nesting(*this);
      const size_t position = next().position;
      return unary(ExprOp::kNot, parse_not(), position);
    }
    return parse_comparison();
  }

  ExprNode parse_comparison() {
    ExprNode left = parse_sum();
    static const std::pair<const char*, ExprOp> kComparisons[] = {
        {"==", ExprOp::kEqual},     {"!=", ExprOp::kNotEqual}, {"<", ExprOp::kLess},
        {"<=", ExprOp::kLessEqual}, {">", ExprOp::kGreater},   {">=", ExprOp::kGreaterEqual}};
    for (const auto& [symbol, op] : kComparisons) {
      if (is_symbol(symbol)) {
        const size_t position = next().position;
        ExprNode node = binary(op, std::move(left), parse_sum(), position);
        for (const auto& [again, unused] : kComparisons) {
          (void)unused;
          if (is_symbol(again)) {
            fail(peek(), "comparisons do not chain (write 'a < b and b < c')");
          }
        }
        return node;
      }
    }
    bool negated = false;
    if (is_keyword("not") && tokens_[at_ + 1].kind == ExprToken::Kind::kName &&
        tokens_[at_ + 1].text == "in") {
      next();
      negated = true;
    }
    if (is_keyword("in")) {
      ExprNode node;
      node.position = next().position;
      node.kind = ExprNode::Kind::kIn;
      node.negated = negated;
      node.children.push_back(std::move(left));
      expect_symbol("(");
      do {
        node.children.push_back(parse_or());
      } while (is_symbol(",") && (next(), true));
      expect_symbol(")");
      return node;
    }
    return left;
  }

  ExprNode parse_sum() {
    ExprNode left = parse_product();
    while (is_symbol("+") || is_symbol("-")) {
      const ExprToken& symbol = next();
      const ExprOp op = symbol.text == "+" ? ExprOp::kAdd : ExprOp::kSubtract;
      left = binary(op, std::move(left), parse_product(), symbol.position);
    }
    return left;
  }

  ExprNode parse_product() {
    ExprNode left = parse_unary();
    while (is_symbol("*") || is_symbol("/") || is_symbol("%")) {
      const ExprToken& symbol = next();
      const ExprOp op = symbol.text == "*"   ? ExprOp::kMultiply
                        : symbol.text == "/" ? ExprOp::kDivide
                                             : ExprOp::kModulo;
      left = binary(op, std::move(left), parse_unary(), symbol.position);
    }
    return left;
  }

  ExprNode parse_unary() {
    if (is_symbol("-") || is_symbol("+")) {
      const NestingGuard nesting(*this);
      return parse_signed();
    }
    return parse_power();
  }

  // `-x` or `+x`, one nesting level per sign.
  ExprNode parse_signed() {
    if (is_symbol("-")) {
      const size_t position = next().position;
      return unary(ExprOp::kNegate, parse_unary(), position);
    }
    if (is_symbol("+")) {
      next();
      return parse_unary();
    }
    return parse_power();
  }

  ExprNode parse_power() {
    ExprNode base = parse_primary();
    if (is_symbol("^")) {
      const size_t position = next().position;
      return binary(ExprOp::kPower, std::move(base), parse_unary(), position);
    }
    return base;
  }

  ExprNode parse_primary() {
    const ExprToken& token = peek();
    ExprNode node;
    node.position = token.position;
    switch (token.kind) {
      case ExprToken::Kind::kNumber: {
        std::optional<double> value = parse_double(token.text);
        if (!value) fail(token, fmt::format("bad number '{}'", token.text));
        node.kind = ExprNode::Kind::kNumber;
        node.number = *value;
        node.integral = token.text.find_first_of(".eE") == std::string::npos;
        next();
        return node;
      }
      case ExprToken::Kind::kString:
        node.kind = ExprNode::Kind::kString;
        node.text = next().text;
        return node;
      case ExprToken::Kind::kQuotedName:
        node.kind = ExprNode::Kind::kColumn;
        node.text = next().text;
        return node;
      case ExprToken::Kind::kName: return parse_name();
      case ExprToken::Kind::kSymbol:
        if (token.text == "(") {
          next();
          ExprNode inner = parse_or();
          expect_symbol(")");
          return inner;
        }
        fail(token, fmt::format("expected a value, got {}", describe(token)));
      case ExprToken::Kind::kEnd: fail(token, "expected a value, got end of expression");
    }
    fail(token, "unexpected token");
  }

  ExprNode parse_name() {
    const ExprToken& token = next();
    ExprNode node;
    node.position = token.position;
    if (token.text == "true" || token.text == "false") {
      node.kind = ExprNode::Kind::kBool;
      node.number = token.text == "true" ? 1 : 0;
      return node;
    }
    if (token.text == "null") {
      node.kind = ExprNode::Kind::kNull;
      return node;
    }
    if (token.text == "and" || token.text == "or" || token.text == "not" || token.text == "in") {
      fail(token, fmt::format("expected a value, got '{}' (quote a column of that name as `{}`)",
                              token.text, token.text));
    }
    node.text = token.text;
    if (!is_symbol("(")) {
      node.kind = ExprNode::Kind::kColumn;
      return node;
    }
    next();
    node.kind = ExprNode::Kind::kCall;
    if (!is_symbol(")")) {
      do {
        node.children.push_back(parse_or());
      } while (is_symbol(",") && (next(), true));
    }
    expect_symbol(")");
    return node;
  }

  std::string_view text_;
  std::vector<ExprToken> tokens_;
  size_t at_ = 0;
  int depth_ = 0;  // NestingGuards alive
};

}  // namespace

ExprNode parse_expression(std::string_view text) {
  return Parser(text, tokenize_expression(text)).parse();
}

}  // namespace mlops
