#include "mlops/expr/expression.h"

#include <gtest/gtest.h>

#include <cmath>

#include "mlops/core/error.h"
#include "mlops/core/time.h"

namespace mlops {
namespace {

/// weight, height (float, one null), delay (int, one null), origin (string, one null), when.
Table sample() {
  Table table;
  Column weight("weight", DType::kFloat64), height("height", DType::kFloat64),
      delay("delay", DType::kInt64), origin("origin", DType::kString),
      when("when", DType::kTimestamp), flag("flag", DType::kBool);
  const double weights[] = {80, 60, NAN, 100};
  const double heights[] = {2, 1.5, 1.8, 0};
  const int64_t delays[] = {30, -5, 15, 0};
  const char* origins[] = {"ATL", "ORD", nullptr, "SFO"};
  for (int i = 0; i < 4; ++i) {
    std::isnan(weights[i]) ? weight.push_null() : weight.push_float(weights[i]);
    height.push_float(heights[i]);
    i == 3 ? delay.push_null() : delay.push_int(delays[i]);
    origins[i] ? origin.push_string(origins[i]) : origin.push_null();
    when.push_int(*parse_timestamp("2001-0" + std::to_string(i + 1) + "-15 10:30:00"));
    i == 1 ? flag.push_null() : flag.push_bool(i % 2 == 0);
  }
  for (Column* c : {&weight, &height, &delay, &origin, &when, &flag}) {
    table.add_column(std::move(*c));
  }
  return table;
}

/// The expression's values over sample(), as text ("null" for null).
std::vector<std::string> eval(const std::string& text) {
  Table table = sample();
  ExprValues values = Expression::parse(text).evaluate(table);
  std::vector<std::string> out;
  for (size_t row = 0; row < table.num_rows(); ++row) out.push_back(values.format(row));
  return out;
}

using Texts = std::vector<std::string>;

std::string error_of(const std::string& text, const std::string& where = "") {
  try {
    Table table = sample();
    Expression::parse(text, where).evaluate(table);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Expression, NestingBeyondTheBoundIsAnErrorNotAStackOverflow) {
  // Found by tests/fuzz/fuzz_expr (corpus/expr/deep-parentheses.txt): 1,800 nested
  // parentheses overflowed the stack of the recursive parser.
  auto nested = [](int levels, const std::string& open, const std::string& close) {
    std::string text;
    for (int i = 0; i < levels; ++i) text += open;
    text += "delay";
    for (int i = 0; i < levels; ++i) text += close;
    return text;
  };
  EXPECT_EQ(eval(nested(150, "(", ")")), (Texts{"30", "-5", "15", "null"}));
  EXPECT_NE(error_of(nested(5000, "(", ")")).find("nested more than 200 levels deep"),
            std::string::npos);
  EXPECT_NE(error_of(nested(5000, "not ", "")).find("nested more than 200 levels deep"),
            std::string::npos);
  EXPECT_NE(error_of(nested(5000, "- ", "")).find("nested more than 200 levels deep"),
            std::string::npos);
  EXPECT_EQ(eval(nested(150, "- ", "")), (Texts{"30", "-5", "15", "null"}));
  // A long chain is a deep tree too (evaluated and freed recursively).
  std::string chain = "delay";
  for (int i = 0; i < 1500; ++i) chain += " + 0";
  EXPECT_EQ(eval(chain), (Texts{"30", "-5", "15", "null"}));
  for (int i = 0; i < 1000; ++i) chain += " + 0";
  EXPECT_NE(error_of(chain).find("more than 2000 operations nested in one another"),
            std::string::npos);
}

TEST(Expression, ComparisonOfIntColumnWithLiteral) {
  EXPECT_EQ(eval("delay > 15"), (Texts{"true", "false", "false", "null"}));
  EXPECT_EQ(eval("delay >= 15"), (Texts{"true", "false", "true", "null"}));
  EXPECT_EQ(eval("delay == 0 or delay != 0"), (Texts{"true", "true", "true", "null"}));
}

TEST(Expression, ArithmeticPrecedenceAndPower) {
  EXPECT_EQ(eval("weight / height ^ 2"), (Texts{"20", "26.666666666666668", "null", "null"}));
  EXPECT_EQ(eval("1 + 2 * 3 - 4 / 2"), (Texts{"5", "5", "5", "5"}));
  EXPECT_EQ(eval("-2 ^ 2"), (Texts{"-4", "-4", "-4", "-4"}));
  EXPECT_EQ(eval("2 ^ 3 ^ 2"), (Texts{"512", "512", "512", "512"}));
  EXPECT_EQ(eval("(1 + 2) * 3 % 4"), (Texts{"1", "1", "1", "1"}));
}

TEST(Expression, DivisionByZeroIsNull) {
  EXPECT_EQ(eval("delay / 0"), (Texts{"null", "null", "null", "null"}));
  EXPECT_EQ(eval("weight / height"), (Texts{"40", "40", "null", "null"}));
}

TEST(Expression, ThreeValuedLogic) {
  // flag: true, null, true, false
  EXPECT_EQ(eval("flag and false"), (Texts{"false", "false", "false", "false"}));
  EXPECT_EQ(eval("flag and true"), (Texts{"true", "null", "true", "false"}));
  EXPECT_EQ(eval("flag or true"), (Texts{"true", "true", "true", "true"}));
  EXPECT_EQ(eval("flag or false"), (Texts{"true", "null", "true", "false"}));
  EXPECT_EQ(eval("not flag"), (Texts{"false", "null", "false", "true"}));
  // not binds looser than comparisons: (not (delay > 0)) and (origin == 'ORD')
  EXPECT_EQ(eval("not delay > 0 and origin == 'ORD'"), (Texts{"false", "true", "false", "false"}));
}

TEST(Expression, StringComparisonAndIn) {
  EXPECT_EQ(eval("origin == 'ATL'"), (Texts{"true", "false", "null", "false"}));
  EXPECT_EQ(eval("origin < \"P\""), (Texts{"true", "true", "null", "false"}));
  EXPECT_EQ(eval("origin in ('ATL', 'SFO')"), (Texts{"true", "false", "null", "true"}));
  EXPECT_EQ(eval("origin not in ('ATL', 'SFO')"), (Texts{"false", "true", "null", "false"}));
  EXPECT_EQ(eval("delay in (30, 0)"), (Texts{"true", "false", "false", "null"}));
  EXPECT_EQ(eval("delay in (30, null)"), (Texts{"true", "null", "null", "null"}));
  EXPECT_EQ(eval("delay not in (30, 0)"), (Texts{"false", "true", "true", "null"}));
  EXPECT_EQ(eval("delay + 0 in (delay, 1)"), (Texts{"true", "true", "true", "null"}));
}

TEST(Expression, TimestampComparedWithDateText) {
  EXPECT_EQ(eval("when >= '2001-03-01'"), (Texts{"false", "false", "true", "true"}));
  EXPECT_EQ(error_of("when > 'March'"),
            "expression 'when > 'March'': 'March' is not a timestamp (write 'YYYY-MM-DD[ "
            "HH:MM:SS]') at character 8");
}

TEST(Expression, CoalesceAndIf) {
  EXPECT_EQ(eval("coalesce(weight, delay, -1)"), (Texts{"80", "60", "15", "100"}));
  EXPECT_EQ(eval("coalesce(origin, 'none')"), (Texts{"ATL", "ORD", "none", "SFO"}));
  EXPECT_EQ(eval("if(delay > 15, 'late', 'on time')"),
            (Texts{"late", "on time", "on time", "on time"}));  // null condition picks else
  EXPECT_EQ(eval("if(flag, delay, null)"), (Texts{"30", "null", "15", "null"}));
}

TEST(Expression, NullTests) {
  EXPECT_EQ(eval("is_null(weight)"), (Texts{"false", "false", "true", "false"}));
  EXPECT_EQ(eval("not is_null(origin) and delay > -10"), (Texts{"true", "true", "false", "null"}));
  EXPECT_EQ(eval("delay > null"), (Texts{"null", "null", "null", "null"}));
}

TEST(Expression, NumericFunctions) {
  EXPECT_EQ(eval("abs(delay)"), (Texts{"30", "5", "15", "null"}));
  EXPECT_EQ(eval("sqrt(delay)"), (Texts{"5.477225575051661", "null", "3.872983346207417", "null"}));
  EXPECT_EQ(eval("log(height)"),
            (Texts{"0.6931471805599453", "0.4054651081081644", "0.5877866649021191", "null"}));
  EXPECT_EQ(eval("round(height) + floor(1.5) + ceil(0.2)"), (Texts{"4", "4", "4", "2"}));
  EXPECT_EQ(eval("min(weight, delay * 3)"), (Texts{"80", "-15", "45", "100"}));
  EXPECT_EQ(eval("max(weight, delay)"), (Texts{"80", "60", "15", "100"}));
  EXPECT_EQ(eval("length(origin)"), (Texts{"3", "3", "null", "3"}));
}

TEST(Expression, DateParts) {
  EXPECT_EQ(eval("month(when) * 100 + hour(when)"), (Texts{"110", "210", "310", "410"}));
  EXPECT_EQ(eval("day_of_week(when)"), (Texts{"0", "3", "3", "6"}));
  EXPECT_EQ(eval("year(when) + day(when) + day_of_year(when)"),
            (Texts{"2031", "2062", "2090", "2121"}));
}

TEST(Expression, ColumnTypesOfResults) {
  Table table = sample();
  EXPECT_EQ(Expression::parse("delay > 15").evaluate_column(table, "late").type(), DType::kBool);
  EXPECT_EQ(Expression::parse("delay * 2 + 1").evaluate_column(table, "x").type(), DType::kInt64);
  EXPECT_EQ(Expression::parse("delay / 2").evaluate_column(table, "x").type(), DType::kFloat64);
  EXPECT_EQ(Expression::parse("weight + 1").evaluate_column(table, "x").type(), DType::kFloat64);
  Column constant = Expression::parse("7").evaluate_column(table, "seven");
  ASSERT_EQ(constant.size(), 4u);
  EXPECT_EQ(constant.int_at(3), 7);
  Column late = Expression::parse("delay > 15").evaluate_column(table, "late");
  EXPECT_TRUE(late.is_null(3));
  EXPECT_EQ(late.null_count(), 1u);
}

TEST(Expression, QuotedColumnNames) {
  Table table;
  Column mass("Body Mass (g)", DType::kInt64), in("in", DType::kInt64);
  mass.push_int(4000);
  in.push_int(2);
  table.add_column(std::move(mass));
  table.add_column(std::move(in));
  ExprValues values = Expression::parse("`Body Mass (g)` / `in`").evaluate(table);
  EXPECT_EQ(values.format(0), "2000");
  EXPECT_EQ(Expression::parse("`Body Mass (g)` + `in` * 2").columns(),
            (std::vector<std::string>{"Body Mass (g)", "in"}));
}

TEST(Expression, ColumnsListsEachOnceInOrder) {
  EXPECT_EQ(Expression::parse("coalesce(b, a) > a + c").columns(),
            (std::vector<std::string>{"b", "a", "c"}));
}

TEST(Expression, SyntaxErrorsPointAtTheCharacter) {
  EXPECT_EQ(error_of("delay >"),
            "expression 'delay >': expected a value, got end of expression at character 8");
  EXPECT_EQ(error_of("delay > 15)"), "expression 'delay > 15)': unexpected ')' at character 11");
  EXPECT_EQ(error_of("delay = 15"),
            "expression 'delay = 15': unexpected '=' (use '==' to compare) at character 7");
  EXPECT_EQ(error_of("a && b"), "expression 'a && b': unexpected '&&' (use 'and') at character 3");
  EXPECT_EQ(error_of("'open"), "expression ''open': unterminated string at character 1");
  EXPECT_EQ(error_of("1 < a < 3"),
            "expression '1 < a < 3': comparisons do not chain (write 'a < b and b < c') at "
            "character 7");
  EXPECT_EQ(error_of("coalesce(a,"),
            "expression 'coalesce(a,': expected a value, got end of expression at character 12");
  EXPECT_EQ(error_of("12abc"), "expression '12abc': unexpected 'a' after a number at character 3");
}

TEST(Expression, WhereNamesTheConfigOrigin) {
  EXPECT_EQ(error_of("delay >", "w.yaml:3:9: key 'featurize.label.expr'"),
            "w.yaml:3:9: key 'featurize.label.expr': expression 'delay >': expected a value, got "
            "end of expression at character 8");
  EXPECT_EQ(error_of("dely > 1", "w.yaml:3:9: key 'featurize.label.expr'"),
            "w.yaml:3:9: key 'featurize.label.expr': expression 'dely > 1': no column 'dely' (did "
            "you mean 'delay'?)");
}

TEST(Expression, UnknownFunctionAndArityAreCaughtAtParse) {
  EXPECT_EQ(error_of("coalese(a, 1)"),
            "expression 'coalese(a, 1)': unknown function 'coalese' (did you mean 'coalesce'?) at "
            "character 1");
  EXPECT_EQ(
      error_of("if(a, 1)"),
      "expression 'if(a, 1)': if takes 3 arguments: if(condition, then, else) at character 1");
}

TEST(Expression, TypeErrorsNameTheOperatorAndTypes) {
  EXPECT_EQ(error_of("origin > 15"),
            "expression 'origin > 15': '>' cannot compare string with number at character 8");
  EXPECT_EQ(error_of("delay and flag"),
            "expression 'delay and flag': 'and' needs conditions, got number at character 7");
  EXPECT_EQ(error_of("origin + 1"),
            "expression 'origin + 1': '+' needs numbers, got string and number at character 8");
  EXPECT_EQ(error_of("coalesce(origin, 1)"),
            "expression 'coalesce(origin, 1)': coalesce needs arguments of one type, got string, "
            "number at character 1");
  EXPECT_EQ(error_of("if(delay, 1, 2)"),
            "expression 'if(delay, 1, 2)': if needs a condition (true/false) as its first "
            "argument, got number at character 1");
}

TEST(Expression, MissingColumnIsADataError) {
  Table table = sample();
  EXPECT_THROW(Expression::parse("nope > 1").evaluate(table), DataError);
}

TEST(Expression, EvaluatesMillionsOfRowsColumnAtATime) {
  // The flights label on 1M rows: a smoke test that the vector path handles size and nulls.
  Table table;
  Column delay("delay", DType::kInt64);
  const size_t rows = 1'000'000;
  delay.reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    i % 1000 == 0 ? delay.push_null() : delay.push_int(static_cast<int64_t>(i % 60) - 10);
  }
  table.add_column(std::move(delay));
  Column late = Expression::parse("delay > 15").evaluate_column(table, "delayed");
  EXPECT_EQ(late.null_count(), 1000u);
  size_t true_count = 0;
  for (size_t i = 0; i < rows; ++i) true_count += !late.is_null(i) && late.bool_at(i);
  size_t expected = 0;
  for (size_t i = 0; i < rows; ++i)
    expected += i % 1000 != 0 && static_cast<int64_t>(i % 60) - 10 > 15;
  EXPECT_EQ(true_count, expected);
}

}  // namespace
}  // namespace mlops
