#include "mlops/expr/functions.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "mlops/core/suggest.h"
#include "mlops/core/time.h"
#include "mlops/expr/kernels.h"

namespace mlops {

const std::vector<ExprFunction>& expr_functions() {
  static const std::vector<ExprFunction> functions{
      {"coalesce", 1, SIZE_MAX, "coalesce(x, y, ...)", "the first argument that is not null"},
      {"if", 3, 3, "if(condition, then, else)",
       "`then` where the condition is true, else `else` (a null condition picks `else`)"},
      {"is_null", 1, 1, "is_null(x)", "true where x is null (never null itself)"},
      {"abs", 1, 1, "abs(x)", "absolute value"},
      {"sqrt", 1, 1, "sqrt(x)", "square root; null for x < 0"},
      {"log", 1, 1, "log(x)", "natural logarithm; null for x <= 0"},
      {"log1p", 1, 1, "log1p(x)", "log(1 + x); null for x <= -1"},
      {"exp", 1, 1, "exp(x)", "e to the power x"},
      {"floor", 1, 1, "floor(x)", "largest whole number <= x"},
      {"ceil", 1, 1, "ceil(x)", "smallest whole number >= x"},
      {"round", 1, 1, "round(x)", "nearest whole number, halves away from zero"},
      {"min", 1, SIZE_MAX, "min(x, y, ...)", "smallest argument per row, skipping nulls"},
      {"max", 1, SIZE_MAX, "max(x, y, ...)", "largest argument per row, skipping nulls"},
      {"length", 1, 1, "length(s)", "number of bytes of a string"},
      {"year", 1, 1, "year(t)", "year of a timestamp (UTC)"},
      {"month", 1, 1, "month(t)", "month 1-12"},
      {"day", 1, 1, "day(t)", "day of the month 1-31"},
      {"hour", 1, 1, "hour(t)", "hour 0-23"},
      {"day_of_week", 1, 1, "day_of_week(t)", "Monday = 0 ... Sunday = 6"},
      {"day_of_year", 1, 1, "day_of_year(t)", "1-366"},
      {"epoch", 1, 1, "epoch(t)", "seconds since 1970-01-01 UTC"},
  };
  return functions;
}

void check_function_call(const ExprNode& call, const ExprContext& context) {
  std::vector<std::string> names;
  for (const auto& function : expr_functions()) {
    if (call.text == function.name) {
      const size_t n = call.children.size();
      if (n < function.min_args || n > function.max_args) {
        expr_fail(context, call,
                  fmt::format("{} takes {} argument{}: {}", function.name,
                              function.min_args == function.max_args
                                  ? std::to_string(function.min_args)
                                  : fmt::format("{} or more", function.min_args),
                              function.max_args == 1 ? "" : "s", function.signature));
      }
      return;
    }
    names.push_back(function.name);
  }
  expr_fail(context, call,
            fmt::format("unknown function '{}'{}", call.text, did_you_mean(call.text, names)));
}

namespace expr_detail {

namespace {

void require_type(const ExprNode& call, const ExprValues& arg, ExprType type,
                  const ExprContext& context) {
  if (arg.type == type || arg.type == ExprType::kNull ||
      (type == ExprType::kNumber && arg.type == ExprType::kBool)) {
    return;
  }
  expr_fail(context, call,
            fmt::format("{} needs a {}, got {}", call.text, expr_type_name(type),
                        expr_type_name(arg.type)));
}

/// Applies fn to each number; results that are not finite become null.
template <typename Fn>
ExprValues map_numbers(ExprValues x, bool keeps_integral, Fn fn) {
  x = to_numbers(std::move(x));
  for (double& v : x.numbers) v = finite_or_null(fn(v));
  x.integral = keeps_integral ? x.integral : false;
  return x;
}

/// Applies fn to each timestamp's civil time, giving whole numbers; null stays null.
template <typename Fn>
ExprValues map_times(const ExprValues& t, Fn fn) {
  if (t.type == ExprType::kNull) return to_numbers(t);
  ExprValues out = make_values(ExprType::kNumber, t.constant, t.times.size());
  out.integral = true;
  for (size_t i = 0; i < t.times.size(); ++i) {
    out.numbers[i] = t.times[i] == kNullTime ? NAN : static_cast<double>(fn(t.times[i]));
  }
  return out;
}

bool all_constant(const std::vector<ExprValues>& args) {
  for (const auto& arg : args) {
    if (!arg.constant) return false;
  }
  return true;
}

/// The arguments' common type, coercing each to it; throws naming the function otherwise.
ExprType unify(const ExprNode& call, std::vector<ExprValues>& args, size_t first,
               const ExprContext& context) {
  std::vector<ExprType> types;
  for (size_t i = first; i < args.size(); ++i) types.push_back(args[i].type);
  std::optional<ExprType> type = common_type(types);
  if (!type) {
    std::string listed;
    for (size_t i = 0; i < types.size(); ++i) {
      listed += (i ? ", " : "") + std::string(expr_type_name(types[i]));
    }
    expr_fail(context, call,
              fmt::format("{} needs arguments of one type, got {}", call.text, listed));
  }
  if (*type == ExprType::kNull) return ExprType::kNull;
  for (size_t i = first; i < args.size(); ++i) args[i] = coerce(std::move(args[i]), *type);
  return *type;
}

/// Copies value `from` (an index into `src`) into slot i of `out`, both of type `type`.
void copy_value(const ExprValues& src, size_t from, ExprValues& out, size_t i) {
  switch (out.type) {
    case ExprType::kNumber: out.numbers[i] = src.numbers[from]; break;
    case ExprType::kBool: out.bools[i] = src.bools[from]; break;
    case ExprType::kString: out.strings[i] = src.strings[from]; break;
    case ExprType::kTimestamp: out.times[i] = src.times[from]; break;
    case ExprType::kNull: break;
  }
}

ExprValues coalesce(const ExprNode& call, std::vector<ExprValues> args,
                    const ExprContext& context) {
  const ExprType type = unify(call, args, 0, context);
  if (type == ExprType::kNull) return null_values();
  const bool constant = all_constant(args);
  const size_t n = result_size(constant, context.rows);
  ExprValues out = make_values(type, constant, n);
  out.integral = true;
  for (const auto& arg : args) {
    out.integral = out.integral && (arg.type != ExprType::kNumber || arg.integral);
  }
  for (size_t i = 0; i < n; ++i) copy_value(args[0], args[0].index(i), out, i);
  for (size_t a = 1; a < args.size(); ++a) {
    for (size_t i = 0; i < n; ++i) {
      if (out.is_null(i)) copy_value(args[a], args[a].index(i), out, i);
    }
  }
  return out;
}

ExprValues if_then_else(const ExprNode& call, std::vector<ExprValues> args,
                        const ExprContext& context) {
  if (args[0].type != ExprType::kBool && args[0].type != ExprType::kNull) {
    expr_fail(context, call,
              fmt::format("if needs a condition (true/false) as its first argument, got {}",
                          expr_type_name(args[0].type)));
  }
  ExprValues condition = coerce(std::move(args[0]), ExprType::kBool);
  const ExprType type = unify(call, args, 1, context);
  if (type == ExprType::kNull) return null_values();
  const bool constant = condition.constant && args[1].constant && args[2].constant;
  const size_t n = result_size(constant, context.rows);
  ExprValues out = make_values(type, constant, n);
  out.integral = type == ExprType::kNumber && args[1].integral && args[2].integral;
  for (size_t i = 0; i < n; ++i) {
    const ExprValues& pick = condition.bools[condition.index(i)] == 1 ? args[1] : args[2];
    copy_value(pick, pick.index(i), out, i);
  }
  return out;
}

ExprValues min_max(const ExprNode& call, std::vector<ExprValues> args, bool is_min,
                   const ExprContext& context) {
  for (auto& arg : args) {
    require_type(call, arg, ExprType::kNumber, context);
    arg = to_numbers(std::move(arg));
  }
  const bool constant = all_constant(args);
  ExprValues out = make_values(ExprType::kNumber, constant, result_size(constant, context.rows));
  out.integral = true;
  for (auto& v : out.numbers) v = NAN;
  for (const auto& arg : args) {
    out.integral = out.integral && arg.integral;
    for (size_t i = 0; i < out.numbers.size(); ++i) {
      const double x = arg.numbers[arg.index(i)];
      double& best = out.numbers[i];
      if (!std::isnan(x) && (std::isnan(best) || (is_min ? x < best : x > best))) best = x;
    }
  }
  return out;
}

}  // namespace

ExprValues call_function(const ExprNode& call, std::vector<ExprValues> args,
                         const ExprContext& context) {
  const std::string& name = call.text;
  if (name == "coalesce") return coalesce(call, std::move(args), context);
  if (name == "if") return if_then_else(call, std::move(args), context);
  if (name == "min" || name == "max") return min_max(call, std::move(args), name == "min", context);
  if (name == "is_null") {
    const ExprValues& x = args[0];
    ExprValues out = make_values(ExprType::kBool, x.constant, x.size());
    for (size_t i = 0; i < out.bools.size(); ++i) out.bools[i] = x.is_null(i);
    return out;
  }
  if (name == "length") {
    require_type(call, args[0], ExprType::kString, context);
    if (args[0].type == ExprType::kNull) return to_numbers(args[0]);
    const ExprValues& s = args[0];
    ExprValues out = make_values(ExprType::kNumber, s.constant, s.strings.size());
    out.integral = true;
    for (size_t i = 0; i < s.strings.size(); ++i) {
      out.numbers[i] = s.strings[i].data() ? static_cast<double>(s.strings[i].size()) : NAN;
    }
    return out;
  }
  static const std::vector<std::pair<const char*, int64_t (*)(int64_t)>> kTimeParts{
      {"year", [](int64_t t) { return civil_from_micros(t).year; }},
      {"month", [](int64_t t) { return int64_t{civil_from_micros(t).month}; }},
      {"day", [](int64_t t) { return int64_t{civil_from_micros(t).day}; }},
      {"hour", [](int64_t t) { return int64_t{civil_from_micros(t).hour}; }},
      {"day_of_week", [](int64_t t) { return int64_t{civil_from_micros(t).day_of_week}; }},
      {"day_of_year", [](int64_t t) { return int64_t{civil_from_micros(t).day_of_year}; }},
      {"epoch", [](int64_t t) { return t >= 0 ? t / 1'000'000 : -((-t + 999'999) / 1'000'000); }},
  };
  for (const auto& [part, fn] : kTimeParts) {
    if (name == part) {
      require_type(call, args[0], ExprType::kTimestamp, context);
      return map_times(args[0], fn);
    }
  }
  require_type(call, args[0], ExprType::kNumber, context);
  ExprValues& x = args[0];
  if (name == "abs") return map_numbers(std::move(x), true, [](double v) { return std::fabs(v); });
  if (name == "sqrt")
    return map_numbers(std::move(x), false, [](double v) { return std::sqrt(v); });
  if (name == "log") return map_numbers(std::move(x), false, [](double v) { return std::log(v); });
  if (name == "log1p")
    return map_numbers(std::move(x), false, [](double v) { return std::log1p(v); });
  if (name == "exp") return map_numbers(std::move(x), false, [](double v) { return std::exp(v); });
  ExprValues whole;  // floor, ceil and round always give whole numbers
  if (name == "floor")
    whole = map_numbers(std::move(x), true, [](double v) { return std::floor(v); });
  if (name == "ceil")
    whole = map_numbers(std::move(x), true, [](double v) { return std::ceil(v); });
  if (name == "round")
    whole = map_numbers(std::move(x), true, [](double v) { return std::round(v); });
  if (whole.type == ExprType::kNumber) {
    whole.integral = true;
    return whole;
  }
  expr_fail(context, call, fmt::format("unknown function '{}'", name));
}

}  // namespace expr_detail

}  // namespace mlops
