// Dispatcher: routing, the id echo, notifications, and how every handler
// outcome becomes a response.

#include "serve/jsonrpc/dispatcher.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::jsonrpc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Call(const Json& id, const std::string& method,
                 const Json& params = Json::array()) {
  Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) request["params"] = params;
  return request.dump();
}

std::string Notify(const std::string& method) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", Json::array()}}
      .dump();
}

// The response to `body`, which must be answered, parsed back.
Json Answer(const Dispatcher& dispatcher, const std::string& body) {
  std::optional<std::string> response = dispatcher.Handle(body);
  if (!response.has_value()) {
    ADD_FAILURE() << "no response to " << body;
    return nullptr;
  }
  return Json::parse(*response);
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    dispatcher_.Register("health", [](const Json&) { return Json(true); });
    dispatcher_.Register("echo", [](const Json& params) { return params; });
    dispatcher_.Register("count", [this](const Json&) {
      ++calls_;
      return Json(nullptr);
    });
    dispatcher_.Register("invalid", [](const Json&) -> absl::StatusOr<Json> {
      return absl::InvalidArgumentError("Step is missing");
    });
    dispatcher_.Register("failing", [](const Json&) -> absl::StatusOr<Json> {
      return absl::FailedPreconditionError("not initialized");
    });
    dispatcher_.Register("throws", [](const Json&) -> absl::StatusOr<Json> {
      throw std::runtime_error("boom");
    });
    dispatcher_.Register("throws_int",
                         [](const Json&) -> absl::StatusOr<Json> { throw 42; });
  }

  Dispatcher dispatcher_;
  int calls_ = 0;
};

TEST_F(DispatcherTest, EchoesIntegerIdExactly) {
  EXPECT_EQ(dispatcher_.Handle(Call(2, "health")),
            R"({"jsonrpc":"2.0","id":2,"result":true})");
}

TEST_F(DispatcherTest, EchoesStringIdExactly) {
  EXPECT_EQ(dispatcher_.Handle(Call("2", "health")),
            R"({"jsonrpc":"2.0","id":"2","result":true})");
}

TEST_F(DispatcherTest, PassesParamsAsSent) {
  const Json array = Json::parse(R"([{"Step":"a"}])");
  const Json object = Json::parse(R"({"Step":"a"})");
  EXPECT_EQ(Answer(dispatcher_, Call(1, "echo", array))["result"], array);
  EXPECT_EQ(Answer(dispatcher_, Call(1, "echo", object))["result"], object);
  EXPECT_TRUE(
      Answer(dispatcher_, Call(1, "echo", nullptr))["result"].is_null());
}

TEST_F(DispatcherTest, NullResultIsSentAsResult) {
  EXPECT_EQ(dispatcher_.Handle(Call(3, "count")),
            R"({"jsonrpc":"2.0","id":3,"result":null})");
}

TEST_F(DispatcherTest, NotificationsRunButAreNeverAnswered) {
  EXPECT_EQ(dispatcher_.Handle(Notify("count")), std::nullopt);
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(dispatcher_.Handle(Notify("invalid")), std::nullopt);
  EXPECT_EQ(dispatcher_.Handle(Notify("failing")), std::nullopt);
  EXPECT_EQ(dispatcher_.Handle(Notify("throws")), std::nullopt);
  EXPECT_EQ(dispatcher_.Handle(Notify("no_such_method")), std::nullopt);
}

TEST_F(DispatcherTest, UnknownMethod) {
  EXPECT_EQ(dispatcher_.Handle(Call(7, "discover")),
            R"({"jsonrpc":"2.0","id":7,"error":{"code":-32601,)"
            R"("message":"Method not found: discover"}})");
}

TEST_F(DispatcherTest, InvalidArgumentIsInvalidParams) {
  EXPECT_EQ(dispatcher_.Handle(Call(8, "invalid")),
            R"({"jsonrpc":"2.0","id":8,"error":{"code":-32602,)"
            R"("message":"Step is missing"}})");
}

TEST_F(DispatcherTest, OtherErrorsAreInternalErrors) {
  EXPECT_EQ(dispatcher_.Handle(Call("x", "failing")),
            R"({"jsonrpc":"2.0","id":"x","error":{"code":-32603,)"
            R"("message":"not initialized"}})");
}

TEST_F(DispatcherTest, EmptyStatusMessagesStillGetAMessage) {
  dispatcher_.Register("bare_invalid", [](const Json&) -> absl::StatusOr<Json> {
    return absl::InvalidArgumentError("");
  });
  dispatcher_.Register("bare_internal",
                       [](const Json&) -> absl::StatusOr<Json> {
                         return absl::UnknownError("");
                       });
  EXPECT_EQ(Answer(dispatcher_, Call(1, "bare_invalid"))["error"]["message"],
            "Invalid params");
  EXPECT_EQ(Answer(dispatcher_, Call(1, "bare_internal"))["error"]["message"],
            "Internal error");
}

TEST_F(DispatcherTest, ExceptionsBecomeInternalErrors) {
  EXPECT_EQ(dispatcher_.Handle(Call(9, "throws")),
            R"({"jsonrpc":"2.0","id":9,"error":{"code":-32603,)"
            R"("message":"boom"}})");
  const Json error = Answer(dispatcher_, Call(10, "throws_int"));
  EXPECT_EQ(error["id"], 10);
  EXPECT_EQ(error["error"]["code"], kInternalError);
}

TEST_F(DispatcherTest, InvalidUtf8FromAHandlerStillMakesValidJson) {
  dispatcher_.Register("bad_bytes", [](const Json&) -> absl::StatusOr<Json> {
    throw std::runtime_error("bad \xff byte");
  });
  dispatcher_.Register("bad_result", [](const Json&) -> absl::StatusOr<Json> {
    return Json{{"Error", "bad \xfe byte"}};
  });
  EXPECT_EQ(Answer(dispatcher_, Call(1, "bad_bytes"))["error"]["message"],
            "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(Answer(dispatcher_, Call(2, "bad_result"))["result"]["Error"],
            "bad \xEF\xBF\xBD byte");
}

TEST_F(DispatcherTest, ParseErrorIsAnsweredWithTheIdBeforeTheBreak) {
  // The request is torn, and its stray byte ends up in the parser's
  // message: the answer must still be valid JSON, for the call it names.
  const Json error = Answer(dispatcher_, "{\"jsonrpc\":\"2.0\",\"id\":4,\xff");
  EXPECT_EQ(error["id"], 4);
  EXPECT_EQ(error["error"]["code"], kParseError);
  EXPECT_THAT(error["error"]["message"].get<std::string>(),
              StartsWith("Parse error"));
  EXPECT_THAT(error["error"]["message"].get<std::string>(),
              HasSubstr("\xEF\xBF\xBD"));
  // Broken before any id: nothing to answer but null.
  EXPECT_TRUE(Answer(dispatcher_, "{\"jsonrpc\":\xff")["id"].is_null());
}

TEST_F(DispatcherTest, InvalidRequestIsAnsweredWithItsId) {
  const Json error = Answer(
      dispatcher_, R"({"jsonrpc":"2.0","id":5,"method":"health","params":1})");
  EXPECT_EQ(error["id"], 5);
  EXPECT_EQ(error["error"]["code"], kInvalidRequest);
  // Invalid requests are answered even without an id: no notification can
  // be recognised in them.
  EXPECT_EQ(
      Answer(dispatcher_, R"({"jsonrpc":"2.0","method":7})")["error"]["code"],
      kInvalidRequest);
}

TEST_F(DispatcherTest, EveryErrorIsReportedWithItsMethod) {
  std::vector<std::string> reported;
  dispatcher_.SetErrorListener(
      [&reported](const RpcError& error, const std::string& method) {
        reported.push_back(DescribeError(error, method));
      });
  dispatcher_.Handle("{");
  dispatcher_.Handle(Call(2, "nothing"));
  dispatcher_.Handle(Call(3, "invalid"));
  dispatcher_.Handle(Notify("failing"));
  dispatcher_.Handle(Call(4, "health"));
  EXPECT_THAT(
      reported,
      ElementsAre(StartsWith("JSON-RPC error -32700 (Parse error) (id null): "
                             "Parse error: "),
                  "JSON-RPC error -32601 (Method not found) for 'nothing' (id "
                  "2): Method not found: nothing",
                  "JSON-RPC error -32602 (Invalid params) for 'invalid' (id "
                  "3): Step is missing",
                  "JSON-RPC error -32603 (Internal error) for 'failing' (id "
                  "null): not initialized"));
}

TEST_F(DispatcherTest, RegisterReplacesAnEarlierHandler) {
  dispatcher_.Register("health", [](const Json&) { return Json(false); });
  EXPECT_EQ(Answer(dispatcher_, Call(1, "health"))["result"], false);
}

TEST_F(DispatcherTest, MethodsAreSorted) {
  EXPECT_THAT(dispatcher_.methods(),
              ElementsAre("count", "echo", "failing", "health", "invalid",
                          "throws", "throws_int"));
}

}  // namespace
}  // namespace zerobuffer::jsonrpc
