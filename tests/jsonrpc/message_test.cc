// Request parsing, response building and the client-side counterparts.

#include "serve/jsonrpc/message.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace zerobuffer::jsonrpc {
namespace {

using ::testing::HasSubstr;

// "\xff" can never appear in UTF-8.
const std::string kInvalidUtf8 = "bad \xff byte";

Request ParseValid(const std::string& body) {
  std::variant<Request, RpcError> parsed = ParseRequest(body);
  if (const RpcError* error = std::get_if<RpcError>(&parsed)) {
    ADD_FAILURE() << "rejected " << body << ": " << error->message;
    return {};
  }
  return std::get<Request>(parsed);
}

RpcError ParseInvalid(const std::string& body) {
  std::variant<Request, RpcError> parsed = ParseRequest(body);
  if (!std::holds_alternative<RpcError>(parsed)) {
    ADD_FAILURE() << "accepted " << body;
    return {};
  }
  return std::get<RpcError>(parsed);
}

TEST(ParseRequestTest, HarmonyRequest) {
  const Request request = ParseValid(
      R"({"jsonrpc":"2.0","id":2,"method":"executeStep","params":[{"Step":"x"}]})");
  EXPECT_EQ(request.id, Json(2));
  EXPECT_TRUE(request.id.is_number_integer());
  EXPECT_FALSE(request.is_notification);
  EXPECT_EQ(request.method, "executeStep");
  EXPECT_EQ(request.params, Json::parse(R"([{"Step":"x"}])"));
}

TEST(ParseRequestTest, KeyOrderDoesNotMatter) {
  const Request request =
      ParseValid(R"({"params":{},"method":"m","id":"a","jsonrpc":"2.0"})");
  EXPECT_EQ(request.id, Json("a"));
  EXPECT_EQ(request.method, "m");
  EXPECT_EQ(request.params, Json::object());
}

TEST(ParseRequestTest, AnyJsonEscapeAndRawUtf8) {
  const Request request = ParseValid(
      R"({"jsonrpc":"2.0","id":1,"method":"\u0068ealth","params":["\u00e9 é"]})");
  EXPECT_EQ(request.method, "health");
  EXPECT_EQ(request.params[0], "\xC3\xA9 \xC3\xA9");
}

TEST(ParseRequestTest, NotificationHasNoId) {
  const Request request = ParseValid(R"({"jsonrpc":"2.0","method":"note"})");
  EXPECT_TRUE(request.is_notification);
  EXPECT_TRUE(request.id.is_null());
  EXPECT_TRUE(request.params.is_null());
}

TEST(ParseRequestTest, NullIdIsARequestNotANotification) {
  const Request request =
      ParseValid(R"({"jsonrpc":"2.0","id":null,"method":"m"})");
  EXPECT_FALSE(request.is_notification);
  EXPECT_TRUE(request.id.is_null());
}

TEST(ParseRequestTest, NullParamsMeanNone) {
  const Request request =
      ParseValid(R"({"jsonrpc":"2.0","id":1,"method":"m","params":null})");
  EXPECT_TRUE(request.params.is_null());
}

TEST(ParseRequestTest, InvalidJsonIsAParseError) {
  for (const std::string& body : std::vector<std::string>{
           "", "{", "nope", R"({"jsonrpc":"2.0","method":"m",)",
           R"({"jsonrpc":"2.0","id":{"a":1},"method":)",
           R"({"jsonrpc":"2.0","params":[{"id":3}],"method":)",
           absl::StrCat(R"({"jsonrpc":"2.0","method":")", kInvalidUtf8,
                        R"(","id":3})")}) {
    const RpcError error = ParseInvalid(body);
    EXPECT_EQ(error.code, kParseError) << body;
    EXPECT_TRUE(error.id.is_null()) << body << ": no top-level id before "
                                    << "the break";
    EXPECT_THAT(error.message, HasSubstr("Parse error")) << body;
  }
}

// Harmony writes "jsonrpc" and "id" first: whatever breaks later, the call
// is still answered.
TEST(ParseRequestTest, ParseErrorKeepsAnIdReadBeforeTheBreak) {
  const std::vector<std::pair<std::string, Json>> cases = {
      {R"({"jsonrpc":"2.0","id":3,"method":)", 3},
      {R"({"jsonrpc":"2.0","id":"s","method":"m",})", "s"},
      {absl::StrCat(R"({"jsonrpc":"2.0","id":3,"method":")", kInvalidUtf8,
                    R"("})"),
       3},
      {R"({"id":7,"params":[{"id":8}],"method":"m")", 7},
  };
  for (const auto& [body, id] : cases) {
    const RpcError error = ParseInvalid(body);
    EXPECT_EQ(error.code, kParseError) << body;
    EXPECT_EQ(error.id, id) << body;
  }
}

TEST(ParseRequestTest, NonObjectsAreInvalidRequests) {
  for (const std::string body : {"[]", "[1]", "42", R"("s")", "null"}) {
    const RpcError error = ParseInvalid(body);
    EXPECT_EQ(error.code, kInvalidRequest) << body;
    EXPECT_TRUE(error.id.is_null()) << body;
  }
}

TEST(ParseRequestTest, InvalidRequestsKeepTheirId) {
  for (const std::string body : {
           R"({"id":7,"method":"m"})",
           R"({"jsonrpc":"1.0","id":7,"method":"m"})",
           R"({"jsonrpc":2.0,"id":7,"method":"m"})",
           R"({"jsonrpc":"2.0","id":7})",
           R"({"jsonrpc":"2.0","id":7,"method":5})",
           R"({"jsonrpc":"2.0","id":7,"method":"m","params":"p"})",
           R"({"jsonrpc":"2.0","id":7,"method":"m","params":3})",
           R"({"jsonrpc":"2.0","id":7,"method":"m","params":true})",
       }) {
    const RpcError error = ParseInvalid(body);
    EXPECT_EQ(error.code, kInvalidRequest) << body;
    EXPECT_EQ(error.id, Json(7)) << body;
  }
  const RpcError error = ParseInvalid(R"({"jsonrpc":"2.0","id":"s"})");
  EXPECT_EQ(error.id, Json("s"));
}

TEST(ParseRequestTest, UnusableIdIsAnInvalidRequestWithoutId) {
  for (const std::string body : {
           R"({"jsonrpc":"2.0","id":{},"method":"m"})",
           R"({"jsonrpc":"2.0","id":[1],"method":"m"})",
           R"({"jsonrpc":"2.0","id":true,"method":"m"})",
       }) {
    const RpcError error = ParseInvalid(body);
    EXPECT_EQ(error.code, kInvalidRequest) << body;
    EXPECT_TRUE(error.id.is_null()) << body;
  }
}

TEST(DescribeErrorTest, NamesCodeMethodAndId) {
  EXPECT_EQ(DescribeError({kInvalidParams, "no Step", 3}, "executeStep"),
            "JSON-RPC error -32602 (Invalid params) for 'executeStep' (id 3): "
            "no Step");
  EXPECT_EQ(DescribeError({kParseError, "Parse error: x", nullptr}, ""),
            "JSON-RPC error -32700 (Parse error) (id null): Parse error: x");
}

TEST(ToJsonTextTest, IsCompactAndNeverThrows) {
  EXPECT_EQ(ToJsonText({{"a", 1}, {"b", "\xC3\xA9"}}),
            "{\"a\":1,\"b\":\"\xC3\xA9\"}");
  EXPECT_EQ(ToJsonText(kInvalidUtf8), "\"bad \xEF\xBF\xBD byte\"");
}

TEST(SerializeTest, ResultEchoesIdType) {
  EXPECT_EQ(SerializeResult(2, true),
            R"({"jsonrpc":"2.0","id":2,"result":true})");
  EXPECT_EQ(SerializeResult("2", nullptr),
            R"({"jsonrpc":"2.0","id":"2","result":null})");
  EXPECT_EQ(SerializeResult(3, Json::parse(R"({"B":[1,2],"A":"x"})")),
            R"({"jsonrpc":"2.0","id":3,"result":{"A":"x","B":[1,2]}})");
}

TEST(SerializeTest, ErrorWithAndWithoutData) {
  EXPECT_EQ(SerializeError(5, kMethodNotFound, "Method not found: x"),
            R"({"jsonrpc":"2.0","id":5,"error":{"code":-32601,)"
            R"("message":"Method not found: x"}})");
  EXPECT_EQ(SerializeError(nullptr, kParseError, "Parse error", {{"at", 3}}),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,)"
            R"("message":"Parse error","data":{"at":3}}})");
}

TEST(SerializeTest, EscapesControlCharactersAndKeepsUtf8Raw) {
  EXPECT_EQ(SerializeResult(1, "q\"\\\n\t\xC3\xA9'"),
            R"({"jsonrpc":"2.0","id":1,"result":"q\"\\\n\t)"
            "\xC3\xA9"
            R"('"})");
}

TEST(SerializeTest, InvalidUtf8IsReplacedNotThrown) {
  std::string error;
  EXPECT_NO_THROW(error = SerializeError(1, kInternalError, kInvalidUtf8,
                                         Json::array({kInvalidUtf8})));
  const Json parsed = Json::parse(error);
  EXPECT_EQ(parsed["error"]["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(parsed["error"]["data"][0], "bad \xEF\xBF\xBD byte");

  std::string result;
  EXPECT_NO_THROW(result =
                      SerializeResult(kInvalidUtf8, {{"Error", kInvalidUtf8}}));
  EXPECT_EQ(Json::parse(result)["result"]["Error"], "bad \xEF\xBF\xBD byte");
}

TEST(SerializeTest, Request) {
  EXPECT_EQ(SerializeRequest(2, "health", Json::array()),
            R"({"jsonrpc":"2.0","id":2,"method":"health","params":[]})");
  EXPECT_EQ(SerializeRequest(3, "executeStep", Json::array({{{"Step", "s"}}})),
            R"({"jsonrpc":"2.0","id":3,"method":"executeStep",)"
            R"("params":[{"Step":"s"}]})");
  EXPECT_EQ(SerializeRequest(4, "shutdown", nullptr),
            R"({"jsonrpc":"2.0","id":4,"method":"shutdown"})");
}

TEST(ParseResponseTest, Result) {
  absl::StatusOr<Response> response =
      ParseResponse(SerializeResult(2, {{"Success", true}}));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->id, Json(2));
  ASSERT_TRUE(response->result.has_value());
  EXPECT_EQ((*response->result)["Success"], true);
  EXPECT_FALSE(response->error.has_value());
}

TEST(ParseResponseTest, NullResultIsAResult) {
  absl::StatusOr<Response> response =
      ParseResponse(R"({"jsonrpc":"2.0","id":4,"result":null})");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_TRUE(response->result.has_value());
  EXPECT_TRUE(response->result->is_null());
}

TEST(ParseResponseTest, Error) {
  absl::StatusOr<Response> response =
      ParseResponse(SerializeError("a", kInvalidParams, "bad", {{"x", 1}}));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->id, Json("a"));
  EXPECT_FALSE(response->result.has_value());
  ASSERT_TRUE(response->error.has_value());
  EXPECT_EQ(response->error->code, kInvalidParams);
  EXPECT_EQ(response->error->message, "bad");
  EXPECT_EQ(response->error->id, Json("a"));
}

TEST(ParseResponseTest, RejectsWhatIsNotAResponse) {
  for (
      const std::string body : {
          "",
          "{",
          "[]",
          R"({"jsonrpc":"2.0","id":1})",
          R"({"jsonrpc":"2.0","id":1,"method":"m"})",
          R"({"jsonrpc":"1.0","id":1,"result":1})",
          R"({"id":1,"result":1})",
          R"({"jsonrpc":"2.0","result":1})",
          R"({"jsonrpc":"2.0","id":{},"result":1})",
          R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"m"}})",
          R"({"jsonrpc":"2.0","id":1,"error":"oops"})",
          R"({"jsonrpc":"2.0","id":1,"error":{"message":"m"}})",
          R"({"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}})",
          R"({"jsonrpc":"2.0","id":1,"error":{"code":9999999999,"message":"m"}})",
          R"({"jsonrpc":"2.0","id":1,"error":{"code":1}})",
      }) {
    EXPECT_EQ(ParseResponse(body).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
  }
}

}  // namespace
}  // namespace zerobuffer::jsonrpc
