#include "mlops/serve/request.h"

#include <gtest/gtest.h>

namespace mlops {
namespace {

int status_of(std::string_view body, size_t depth = 8, size_t rows = 10) {
  try {
    parse_predict_request(body, depth, rows);
  } catch (const RequestError& error) {
    return error.status();
  }
  return 200;
}

std::string message_of(std::string_view body) {
  try {
    parse_predict_request(body, 8, 10);
  } catch (const RequestError& error) {
    return error.what();
  }
  return "";
}

TEST(ServeRequest, DepthCountsNestingOutsideStrings) {
  EXPECT_EQ(json_depth(R"({"a": [1, {"b": 2}]})"), 3u);
  EXPECT_EQ(json_depth(R"({"a": "[[[[\"{{{"})"), 1u);
  EXPECT_EQ(json_depth("1"), 0u);
}

TEST(ServeRequest, KeyRowsOrBoth) {
  const PredictRequest both = parse_predict_request(
      R"({"key": {"user_id": 3}, "rows": [{"a": 1.5, "b": null}, {}]})", 8, 10);
  EXPECT_EQ(both.key["user_id"], 3);
  ASSERT_EQ(both.rows.size(), 2u);
  EXPECT_EQ(both.rows[0]["a"], 1.5);
  EXPECT_TRUE(parse_predict_request(R"({"rows": [{}]})", 8, 10).key.is_null());
}

TEST(ServeRequest, EachBadBodyHasItsStatusAndMessage) {
  EXPECT_EQ(status_of("{\"rows\": [1,]}"), 400);
  EXPECT_EQ(message_of("{\"rows\": [1,]}"), "malformed JSON at byte 13");
  EXPECT_EQ(status_of(R"({"rows": [[[[[[[[[1]]]]]]]]]})"), 413);
  EXPECT_EQ(status_of(R"({"rows": [{}, {}, {}]})", 8, 2), 413);
  EXPECT_EQ(status_of("[]"), 422);
  EXPECT_EQ(status_of("{}"), 422);
  EXPECT_EQ(message_of(R"({"kye": {}})"),
            "unknown field 'kye' (did you mean 'key'?); expected \"key\" and/or \"rows\"");
  EXPECT_EQ(message_of(R"({"key": [1]})"),
            "field 'key': expected an object of key columns, got an array");
  EXPECT_EQ(message_of(R"({"key": {"id": 1.5}})"),
            "field 'key.id': expected a string or an integer, got a number");
  EXPECT_EQ(message_of(R"({"rows": [3]})"), "field 'rows[0]': expected an object, got an integer");
  EXPECT_EQ(message_of(R"({"rows": [{"a": {"b": 1}}]})"),
            "field 'rows[0].a': expected a scalar, got an object");
}

TEST(ServeRequest, ANumberBeyondADoubleIsMalformedNotAnInternalError) {
  // nlohmann throws out_of_range (not parse_error) for it: it reached the client as a 500.
  EXPECT_EQ(status_of(R"({"rows": [{"a": 1e400}]})"), 400);
  EXPECT_EQ(message_of(R"({"rows": [{"a": -1e400}]})"),
            "malformed JSON: a number beyond the range of a double (1.8e308)");
  EXPECT_EQ(status_of(R"({"rows": [{"a": 1e300}]})"), 200);
}

TEST(ServeRequest, AKeyBeyondInt64IsRejectedNotWrapped) {
  EXPECT_EQ(message_of(R"({"key": {"id": 18446744073709551615}})"),
            "field 'key.id': expected a string or an integer, got an integer beyond int64");
  EXPECT_EQ(status_of(R"({"key": {"id": 9223372036854775807}})"), 200);
}

TEST(ServeRequest, RowsAreCheckedAgainstTheModelsColumns) {
  const std::vector<ColumnDecl> schema{{.name = "amount", .type = DType::kFloat64, .allowed = {}},
                                       {.name = "visits", .type = DType::kInt64, .allowed = {}},
                                       {.name = "at", .type = DType::kTimestamp, .allowed = {}}};
  auto check = [&](const std::string& row) -> std::string {
    try {
      check_rows({nlohmann::json::parse(row)}, schema, {"order_id"});
    } catch (const RequestError& error) {
      EXPECT_EQ(error.status(), 422);
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(check(R"({"amount": 1, "visits": 2.0, "at": "2024-01-01T00:00:00Z", "order_id": 7})"),
            "");
  EXPECT_EQ(check(R"({"amount": null})"), "");
  EXPECT_EQ(check(R"({"visits": 2.5})"),
            "field 'rows[0].visits': expected an integer (int64), got a number");
  EXPECT_EQ(check(R"({"at": "soon"})"),
            "field 'rows[0].at': expected an ISO 8601 timestamp or epoch seconds (timestamp), got "
            "a string");
  EXPECT_EQ(check(R"({"visits": 18446744073709551615})"),
            "field 'rows[0].visits': expected an integer (int64), got an integer beyond int64");
  EXPECT_EQ(check(R"({"visits": 9223372036854775807, "at": -62167219200})"), "");
  EXPECT_EQ(check(R"({"at": 253402300799.5})"), "");
  // Epoch seconds beyond the years 0000..9999 overflowed the microseconds (a garbage time).
  for (const char* row :
       {R"({"at": 1e300})", R"({"at": -99999999999999})", R"({"at": 253402300800})"}) {
    EXPECT_EQ(check(row),
              "field 'rows[0].at': expected an ISO 8601 timestamp or epoch seconds (timestamp), "
              "got a number outside the years 0000 to 9999")
        << row;
  }
  EXPECT_EQ(check(R"({"amont": 1})"),
            "field 'rows[0].amont': the model has no input column 'amont' (did you mean "
            "'amount'?)");
}

TEST(ServeRequest, TheKeyPicksTheEntityWithExactlyItsColumns) {
  FeatureStoreSpec store;
  store.entities.push_back({.name = "user",
                            .keys = {{.column = "user_id", .type = DType::kInt64}},
                            .description = "",
                            .origin = ""});
  store.entities.push_back({.name = "route",
                            .keys = {{.column = "origin", .type = DType::kString},
                                     {.column = "year", .type = DType::kInt64}},
                            .description = "",
                            .origin = ""});
  std::vector<std::string> values;
  EXPECT_EQ(match_entity(store, nlohmann::json::parse(R"({"user_id": "007"})"), values).name,
            "user");
  EXPECT_EQ(values, std::vector<std::string>{"7"});
  EXPECT_EQ(
      match_entity(store, nlohmann::json::parse(R"({"year": 2024, "origin": "ORD"})"), values).name,
      "route");
  EXPECT_EQ(values, (std::vector<std::string>{"ORD", "2024"}));
  EXPECT_EQ(match_entity(store, nlohmann::json::parse(R"({"user_id": "-12"})"), values).name,
            "user");
  EXPECT_EQ(values, std::vector<std::string>{"-12"});
  // A string int key is decimal digits within int64: "-" and an overflow threw std::stoll's
  // exceptions (a 500), "7-1" was read as 7.
  for (const auto& [key, got] : std::vector<std::pair<std::string, std::string>>{
           {R"({"user_id": "-"})", "a string"},
           {R"({"user_id": "7-1"})", "a string"},
           {R"({"user_id": ""})", "a string"},
           {R"({"user_id": "+7"})", "a string"},
           {R"({"user_id": "99999999999999999999"})", "a string of digits beyond int64"}}) {
    try {
      match_entity(store, nlohmann::json::parse(key), values);
      ADD_FAILURE() << key;
    } catch (const RequestError& error) {
      EXPECT_EQ(error.status(), 422);
      EXPECT_EQ(std::string(error.what()),
                "field 'key.user_id': expected an integer (entity 'user'), got " + got)
          << key;
    }
  }
  try {
    match_entity(store, nlohmann::json::parse(R"({"origin": "ORD"})"), values);
    FAIL();
  } catch (const RequestError& error) {
    EXPECT_EQ(std::string(error.what()),
              "field 'key': expected the key columns of an entity: user (user_id); route "
              "(origin, year)");
  }
}

}  // namespace
}  // namespace mlops
